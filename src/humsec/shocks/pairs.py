"""Hazard occurrences -> compound loss shares per area-year pair, hazard and livelihood.

All shocks of one year in one area form a *pair*; the engine evaluates the households of the
area once per pair. Working in log-survival ``log(1 - share)`` makes compounding additive.
"""

from __future__ import annotations

import numpy as np

from humsec.shocks.hazards import Occurrences
from humsec.shocks.model import Scenario

__all__ = ["ALMOST_ONE", "pair_log_survival"]

#: Shares are capped just below 1 so that log(1 - share) stays finite.
ALMOST_ONE = 1.0 - 1e-15


def pair_log_survival(scenario: Scenario, occurrences: Occurrences, livelihoods: list[str]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compound log-survival ``log(1 - share)`` per (area-year pair, hazard, livelihood).

    Measures' intensity changes apply first (``max(0, scale * I + shift)`` in their areas);
    several events of one hazard in a pair add their ``log(1 - v)`` terms, i.e. combine as
    ``1 - prod(1 - v)``. Returns the pair keys ``year * n_areas + area`` and the asset and
    income arrays of shape ``(pairs, hazards, livelihoods)``; pairs where nothing is lost are
    dropped.
    """
    areas = scenario.exposure.areas
    hazards = scenario.hazards.hazard_names
    intensity = occurrences.intensity
    for change in scenario.adjustments.intensity:
        if change.hazard not in hazards:
            continue
        mask = (occurrences.hazard == hazards.index(change.hazard)) & np.isin(
            occurrences.area, [areas.index(a) for a in change.areas if a in areas])
        intensity = np.where(mask, np.maximum(0.0, change.scale * intensity + change.shift),
                             intensity)
    asset, income = scenario.impact_functions.shares(hazards, intensity, occurrences.hazard,
                                                     livelihoods)
    pair_key, pair_of = np.unique(occurrences.year * len(areas) + occurrences.area,
                                  return_inverse=True)
    n_hz, n_liv = len(hazards), len(livelihoods)
    cell = pair_of * n_hz + occurrences.hazard
    size = len(pair_key) * n_hz

    def log_survival(share: np.ndarray) -> np.ndarray:
        return np.stack([np.bincount(cell, np.log1p(-np.minimum(share[:, j], ALMOST_ONE)),
                                     minlength=size) for j in range(n_liv)],
                        axis=1).reshape(len(pair_key), n_hz, n_liv)

    la, li = log_survival(asset), log_survival(income)
    keep = (la < 0).any(axis=(1, 2)) | (li < 0).any(axis=(1, 2))
    return pair_key[keep], la[keep], li[keep]


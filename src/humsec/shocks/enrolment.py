"""Who takes part: enrolment in social protection and insurance, fixed per unit by the seed.

Enrolment is drawn once per scenario from :func:`unit_uniform` and kept over all simulated
years, so the same ``(seed, label)`` enrols the same households in every scenario (common
random numbers); measures add to what the baseline programmes give.
"""

from __future__ import annotations

import zlib

import numpy as np

from humsec.shocks.model import Scenario
from humsec.specs import check_seed

__all__ = ["insurance", "per_unit", "targeted", "transfers", "unit_uniform"]


def unit_uniform(n: int, seed: int, label: str) -> np.ndarray:
    """Uniform draws per unit, fixed by ``(seed, label)``: who is enrolled or insured.

    Enrolment is drawn once per scenario and kept over all simulated years, and the same
    ``(seed, label)`` gives the same households in every scenario (common random numbers).
    """
    return np.random.default_rng([check_seed(seed), zlib.crc32(label.encode())]).random(n)



def targeted(scenario: Scenario, targeting: str | list[str], groups: np.ndarray,
              names: list[str]) -> np.ndarray:
    exp = scenario.exposure
    if targeting == "all":
        return np.ones(len(exp), dtype=bool)
    if targeting == "poor":
        return exp.column("consumption") < scenario.coping.poverty_line
    present = [names.index(g) for g in targeting if g in names]
    return groups[:, present].sum(axis=1) > 0 if present else np.zeros(len(exp), dtype=bool)


def per_unit(value: np.ndarray | None, default: float, n: int) -> np.ndarray:
    """A measure's per-unit array, or ``default`` for every unit when no measure set it."""
    return np.full(n, default) if value is None else np.asarray(value, dtype=float)


def transfers(scenario: Scenario, seed: int, groups: np.ndarray, names: list[str]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Post-shock transfer terms per unit: share of asset loss, amount per person and delay.

    A fixed random ``coverage`` share of the targeted units is enrolled in the baseline
    programme; measures add their shares and amounts for covered units and may shorten the delay.
    """
    sp, adj = scenario.coping.social_protection, scenario.adjustments
    n = len(scenario.exposure)
    enrolled = (unit_uniform(n, seed, "social_protection") < sp.coverage) & targeted(
        scenario, sp.targeting, groups, names)
    share = np.where(enrolled, sp.share_of_loss, 0.0) + per_unit(adj.transfer_share, 0.0, n)
    per_capita = (np.where(enrolled, sp.per_capita, 0.0)
                  + per_unit(adj.transfer_per_capita, 0.0, n))
    measure_delay = per_unit(adj.transfer_delay, np.nan, n)
    delay = np.where(np.isnan(measure_delay), sp.delay_years, measure_delay)
    return share, per_capita, delay


def insurance(scenario: Scenario, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Insured flag, attachment and cover (shares of assets) per unit.

    A fixed random ``penetration`` share holds the baseline policy; a measure's policy replaces
    the attachment and keeps the larger cover for the units it insures.
    """
    ins, adj = scenario.coping.insurance, scenario.adjustments
    n = len(scenario.exposure)
    insured = unit_uniform(n, seed, "insurance") < ins.penetration
    attach = np.where(insured, ins.attachment, 0.0)
    cover = np.where(insured, ins.cover, 0.0)
    if adj.insured is not None:
        newly = np.asarray(adj.insured, dtype=bool)
        attach = np.where(newly, per_unit(adj.attachment, 0.0, n), attach)
        cover = np.where(newly, np.maximum(cover, per_unit(adj.cover, 0.0, n)), cover)
        insured = insured | newly
    return insured, attach, cover

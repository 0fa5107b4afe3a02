"""Benefits of candidate packages derived from the project: the expected reduction in human
insecurity, equity-weighted, with ripple effects, net of the erosion expected from shocks.

For candidate c in area a that lowers each of its threats by ``reduction_c`` (in standard
deviations of the threat's series, the units of the estimated network) for ``people_c``
people:

    benefit_c = people_c · w_a · (1 − e_a) · Σ_t v_t · [M d_c]_t

where ``d_c`` is the direct reduction vector over threats, ``M = (I − Aᵀ)⁻¹`` the system
multiplier of the estimated threat network (targets × sources; identity when no network is
given, and for threats outside it), ``v_t`` optional weights per threat (default 1), ``w_a``
the equity weight of the area (e.g. its deprivation headcount relative to the mean, from the
deprivation results) and ``e_a`` the expected share of gains eroded by shocks (e.g. from
:func:`humsec.shocks.erosion_of_gains`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError


def _threat_list(text: object) -> list[str]:
    return [t.strip() for t in str(text or "").replace(";", ",").split(",") if t.strip()]


def derive_benefits(
    candidates: pd.DataFrame,
    *,
    multiplier: pd.DataFrame | None = None,
    equity_weights: Mapping[str, float] | None = None,
    erosion: Mapping[str, float] | None = None,
    threat_weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The candidate table with a derived ``benefit`` column (formula in the module docstring)
    and the parts behind it: ``direct`` (Σ_t v_t d_ct), ``with_ripples`` (Σ_t v_t [M d_c]_t),
    ``equity_weight`` and ``erosion``. Needs columns ``area``, ``threats`` and ``reduction``;
    ``people`` defaults to 1. Areas missing from ``equity_weights`` or ``erosion`` raise."""
    missing = [c for c in ("area", "threats", "reduction") if c not in candidates.columns]
    if missing:
        raise ColumnError(
            f"deriving benefits needs column(s) {missing}",
            location="candidates",
            hint="reduction: expected fall of each listed threat, in standard deviations",
        )
    frame = candidates.reset_index(drop=True).copy()
    threats = sorted({t for text in frame["threats"] for t in _threat_list(text)})
    names = list(multiplier.columns) if multiplier is not None else []
    order = names + [t for t in threats if t not in names]
    size = len(order)
    m = np.eye(size)
    if multiplier is not None:
        m[: len(names), : len(names)] = multiplier.loc[names, names].to_numpy()
    value = np.array([float((threat_weights or {}).get(t, 1.0)) for t in order])
    direct = np.zeros((len(frame), size))
    reduction = pd.to_numeric(frame["reduction"], errors="coerce").to_numpy(np.float64)
    if np.isnan(reduction).any():
        rows = (np.flatnonzero(np.isnan(reduction)) + 1).tolist()[:10]
        raise DataError(
            f"reduction must be a number; rows {rows} are not", location="candidates:reduction"
        )
    for k, text in enumerate(frame["threats"]):
        for threat in _threat_list(text):
            direct[k, order.index(threat)] = reduction[k]
    areas = frame["area"].astype(str)

    def per_area(mapping: Mapping[str, float] | None, default: float, what: str) -> np.ndarray:
        if mapping is None:
            return np.full(len(frame), default)
        unknown = sorted(set(areas) - {str(a) for a in mapping})
        if unknown:
            raise DataError(
                f"{what} has no value for area(s) {unknown[:10]}",
                location=what,
                hint="give every candidate area a value",
            )
        return np.array([float(mapping[a]) for a in areas])

    weights = per_area(equity_weights, 1.0, "equity_weights")
    eroded = per_area(erosion, 0.0, "erosion")
    if ((eroded < 0) | (eroded > 1)).any():
        raise DataError("erosion shares must lie between 0 and 1", location="erosion")
    people = (
        pd.to_numeric(frame["people"], errors="coerce").to_numpy(np.float64)
        if "people" in frame.columns
        else np.ones(len(frame))
    )
    frame["direct"] = direct @ value
    frame["with_ripples"] = (direct @ m.T) @ value
    frame["equity_weight"] = weights
    frame["erosion"] = eroded
    frame["benefit"] = people * weights * (1.0 - eroded) * frame["with_ripples"].to_numpy()
    return frame

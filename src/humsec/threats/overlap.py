"""Which threats' series overlap enough in time to be estimated together.

Every equation of the network regresses a threat at (unit, t) on all the estimated threats at
(unit, t − l), l = 1..p. A row is usable for the equation of target j when j is observed at t
and every threat of the set is observed at each lag. When series cover different years (an
area panel joining a conflict series from 1989, a health series for 2010-2019 and a food
insecurity series from 2019, say) the whole set may have no usable row, while a subset has
hundreds.

:func:`overlapping_threats` picks the set to estimate: the largest set of threats (then the
one with the most usable rows) whose every equation has more usable rows than parameters,

    rows_j(S) > |S| · p + U_j + T_j − 1

(``|S| · p`` slopes, ``U_j`` unit and ``T_j`` year effects among the usable rows of j), with at
least two units and two years. The threats left out are named with their years and those of
the kept set, so that the choice is visible, never silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Overlap:
    """The threats kept, their smallest usable row count, and why each other was left out."""

    kept: tuple[str, ...]
    rows: int
    dropped: dict[str, str]


def _presence(
    values: pd.DataFrame, lags: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Observed at t, and observed at every lag 1..p, per threat (aligned with the rows)."""
    unit = values.index.get_level_values(0)
    year = np.asarray(values.index.get_level_values(1), dtype=np.int64)
    now = {str(c): values[c].notna().to_numpy() for c in values.columns}
    lagged: dict[str, np.ndarray] = {}
    for column in values.columns:
        ok = np.ones(len(values), dtype=bool)
        for lag in range(1, lags + 1):
            index = pd.MultiIndex.from_arrays([unit, year - lag])
            ok &= values[column].reindex(index).notna().to_numpy()
        lagged[str(column)] = ok
    return now, lagged


def _usable(rows: np.ndarray, units: np.ndarray, years: np.ndarray, size: int, lags: int) -> int:
    """Usable rows of one equation, or 0 when they do not identify its parameters."""
    n = int(rows.sum())
    if n == 0:
        return 0
    u = len(np.unique(units[rows]))
    t = len(np.unique(years[rows]))
    if u < 2 or t < 2 or n <= size * lags + u + t - 1:
        return 0
    return n


def _span(values: pd.Series) -> str:
    years = values.dropna().index.get_level_values(1)
    return f"{int(years.min())}–{int(years.max())}" if len(years) else "no years"


def overlapping_threats(values: pd.DataFrame, lags: int = 1) -> Overlap:
    """The set of threats to estimate together (module docstring for the rule).

    ``values`` is a (unit, year) × threat table of series (``ThreatSeries.values``). With
    fewer than two threats that can be estimated together, ``kept`` is empty.
    """
    threats = [str(c) for c in values.columns]
    now, lagged = _presence(values, lags)
    units = np.asarray(values.index.get_level_values(0).astype(str))
    years = np.asarray(values.index.get_level_values(1), dtype=np.int64)

    def rows_of(subset: Sequence[str]) -> int:
        joint = np.logical_and.reduce([lagged[s] for s in subset])
        counts = [_usable(now[t] & joint, units, years, len(subset), lags) for t in subset]
        return min(counts)

    for size in range(len(threats), 1, -1):
        best: tuple[int, tuple[str, ...]] | None = None
        for subset in combinations(threats, size):
            n = rows_of(subset)
            if n > 0 and (best is None or n > best[0]):
                best = (n, subset)
        if best is not None:
            kept = best[1]
            spans = ", ".join(f"{t} {_span(values[t])}" for t in kept)
            dropped = {
                t: f"its series ({_span(values[t])}) does not overlap in time, with {lags} "
                f"yearly lag(s), with the threats estimated together ({spans}; {best[0]} "
                "usable rows per equation without it)"
                for t in threats
                if t not in kept
            }
            return Overlap(kept, best[0], dropped)
    return Overlap((), 0, {})


__all__ = ["Overlap", "overlapping_threats"]

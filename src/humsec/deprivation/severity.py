"""Ordinal sector severity (1-5) and people in need, as humanitarian needs analyses use it.

The Joint Intersectoral Analysis Framework (JIAF 2.0, OCHA/IASC) scores each household's
needs per sector on a 1 (none/minimal) to 5 (catastrophic) scale. From those scores:

* the household's intersectoral severity is its maximum across sectors;
* a household is *in need* when that maximum is >= 3 and in *severe* need when >= 4;
* the number of sectors in need counts sectors scoring >= 3, and the *needs profile* is the
  set of those sectors (e.g. ``food+wash``), telling which needs co-occur;
* people in need (PiN) per area x population group: per sector, the weighted number of people
  whose sector score is >= 3; the intersectoral PiN is the *maximum across sectors* of the
  sectoral PiNs (JIAF avoids double counting this way), shown next to the number of people in
  need in any sector (the household maximum >= 3), which is its upper bound.

Missing sector scores are not treated as 1: the maximum runs over the sectors scored, and
households with no sector scored are dropped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, did_you_mean

__all__ = ["SeverityResult", "sector_severity"]

IN_NEED = 3
SEVERE = 4


@dataclass
class SeverityResult:
    """Per-unit severity, people in need per area x group, and needs profiles."""

    units: pd.DataFrame  # severity, in_need, severe, n_sectors_in_need, profile (+ keys)
    people_in_need: pd.DataFrame  # per area x group
    profiles: pd.DataFrame  # weighted share of people per needs profile
    sectors: list[str]
    dropped: int
    missing: dict[str, int]

    def to_frame(self) -> pd.DataFrame:
        """People in need per area x group."""
        return self.people_in_need.copy()


def sector_severity(
    data: pd.DataFrame,
    sectors: list[str],
    *,
    household: str | None = None,
    weight: str | None = None,
    area: str | None = None,
    group: str | None = None,
) -> SeverityResult:
    """Intersectoral severity, in-need status, needs profiles and people in need.

    ``data`` has one row per person (or per household, with ``weight`` = people it stands
    for); ``sectors`` name the columns holding 1-5 sector scores. With ``household`` the
    sector scores are first raised to the household maximum of each sector, so that every
    member shares the household's needs. ``area`` and ``group`` (optional) break down people
    in need. Formulas in the module docstring (JIAF 2.0).
    """
    if not sectors:
        raise ColumnError("give at least one sector column", location="sectors")
    needed = [*sectors, *(c for c in (household, weight, area, group) if c)]
    for column in needed:
        if column not in data.columns:
            raise ColumnError(
                f"column {column!r} is not in the data",
                location=f"data column '{column}'",
                hint=did_you_mean(column, [str(c) for c in data.columns]) or None,
            )
    scores = data[sectors].apply(pd.to_numeric, errors="coerce").astype(float)
    raw_missing = data[sectors].isna()
    bad = scores.notna() & ~scores.isin([1, 2, 3, 4, 5]) | (scores.isna() & ~raw_missing)
    if bad.to_numpy().any():
        col = str(bad.any()[bad.any()].index[0])
        row = int(np.flatnonzero(bad[col].to_numpy())[0])
        raise ColumnError(
            f"sector severity must be an integer 1-5 (or missing); column {col!r} holds "
            f"{data[col].iloc[row]!r}",
            location=f"data column '{col}', row {row}",
            hint="use the 1-5 severity scale (1 none/minimal ... 5 catastrophic)",
        )
    if household is not None:
        scores = scores.groupby(data[household].to_numpy()).transform("max")
    missing = {s: int(scores[s].isna().sum()) for s in sectors}
    values = scores.to_numpy()
    scored = ~np.isnan(values)
    keep = scored.any(axis=1)
    dropped = int((~keep).sum())
    if not keep.any():
        raise DataError("no unit has any sector scored", location="sectors")
    w = data[weight].to_numpy(dtype=float) if weight else np.ones(len(data))
    if weight and (np.isnan(w[keep]).any() or (w[keep] < 0).any()):
        raise ColumnError(
            "weights must be non-negative and not missing",
            location=f"data column '{weight}'",
        )
    filled = np.where(scored, values, 0.0)
    severity = filled.max(axis=1)
    sector_need = filled >= IN_NEED
    # Needs profile: encode the set of sectors in need as bits, label only the distinct codes.
    code = sector_need.astype(np.int64) @ (1 << np.arange(len(sectors), dtype=np.int64))
    distinct, inverse = np.unique(code, return_inverse=True)
    labels = np.array(
        ["+".join(s for j, s in enumerate(sectors) if c >> j & 1) or "none" for c in distinct],
        dtype=object,
    )
    profile = labels[inverse]
    units = pd.DataFrame(
        {
            "severity": severity.astype(np.int64),
            "in_need": severity >= IN_NEED,
            "severe": severity >= SEVERE,
            "n_sectors_in_need": sector_need.sum(axis=1),
            "profile": profile,
            "weight": w,
        },
        index=data.index,
    )
    for key in (household, area, group):
        if key:
            units[key] = data[key].to_numpy()
    units = units[keep]
    keys = [c for c in (area, group) if c]
    frame = units.assign(
        people=units["weight"],
        pin_any_sector=units["weight"] * units["in_need"],
        pin_severe=units["weight"] * units["severe"],
        **{f"pin_{s}": units["weight"] * sector_need[keep, j] for j, s in enumerate(sectors)},
        **{f"phase_{p}": units["weight"] * (units["severity"] == p) for p in range(1, 6)},
    )
    value_cols = ["people", "pin_any_sector", "pin_severe", *[f"pin_{s}" for s in sectors]]
    value_cols += [f"phase_{p}" for p in range(1, 6)]
    if keys:
        pin = frame.groupby(keys, dropna=False)[value_cols].sum().reset_index()
    else:
        pin = frame[value_cols].sum().to_frame().T
    pin["pin_max_sector"] = pin[[f"pin_{s}" for s in sectors]].max(axis=1)
    pin["share_in_need"] = pin["pin_max_sector"] / pin["people"]
    profiles = (
        units.groupby("profile")["weight"].sum().sort_values(ascending=False).rename("people")
    ).reset_index()
    profiles["share"] = profiles["people"] / profiles["people"].sum()
    return SeverityResult(
        units=units,
        people_in_need=pin,
        profiles=profiles,
        sectors=list(sectors),
        dropped=dropped,
        missing=missing,
    )

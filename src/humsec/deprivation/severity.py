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
households with no sector scored are dropped and counted. The people-in-need table reports, per
area x group, the people whose score is missing in each sector (``missing_<sector>``), so a
sectoral PiN computed over fewer scored people is visible.

**Units.** Every count is in *persons*, as JIAF reports PiN. With one row per person the weight
is the person weight. With one row per household, ``household_size`` names the column with the
number of members and a row counts ``weight x household_size`` persons (JIAF: "people", not
households); the table then also gives ``households`` and ``households_in_need``.
:attr:`SeverityResult.column_units` (and ``people_in_need.attrs["units"]``) says the unit of
every output column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.data import require_between, require_numeric
from humsec.errors import ColumnError, DataError, did_you_mean

__all__ = ["SeverityResult", "sector_severity"]

IN_NEED = 3
SEVERE = 4


@dataclass
class SeverityResult:
    """Per-unit severity, people in need per area x group, and needs profiles.

    ``dropped`` rows (``dropped_people`` persons) had no sector scored; ``missing`` counts the
    rows with a missing score per sector (after the household maximum); ``column_units`` maps
    every column of ``people_in_need`` to its unit (``persons``, ``households``, ``share of
    persons`` or ``key``).
    """

    units: pd.DataFrame  # severity, in_need, severe, n_sectors_in_need, profile (+ keys)
    people_in_need: pd.DataFrame  # per area x group
    profiles: pd.DataFrame  # weighted share of people per needs profile
    sectors: list[str]
    dropped: int
    missing: dict[str, int]
    dropped_people: float = 0.0
    column_units: dict[str, str] | None = None

    def to_frame(self) -> pd.DataFrame:
        """People in need per area x group (``attrs["units"]``: the unit of each column)."""
        frame = self.people_in_need.copy()
        frame.attrs["units"] = dict(self.column_units or {})
        return frame


def sector_severity(
    data: pd.DataFrame,
    sectors: list[str],
    *,
    household: str | None = None,
    weight: str | None = None,
    household_size: str | None = None,
    area: str | None = None,
    group: str | None = None,
) -> SeverityResult:
    """Intersectoral severity, in-need status, needs profiles and people in need, in persons.

    ``data`` has one row per person (``weight`` = the person weight), or one row per household
    with ``household_size`` naming the column of its number of members (``weight`` = the
    household weight, so a row counts ``weight x size`` persons). ``sectors`` name the columns
    holding 1-5 sector scores. With ``household`` (person rows) the sector scores are first
    raised to the household maximum of each sector, so that every member shares the
    household's needs. ``area`` and ``group`` (optional) break down people in need. Formulas
    and units in the module docstring (JIAF 2.0).
    """
    if not sectors:
        raise ColumnError("give at least one sector column", location="sectors")
    if household is not None and household_size is not None:
        raise ColumnError(
            "give household (one row per person) or household_size (one row per household), "
            "not both", location="sector_severity(household=..., household_size=...)",
            hint="with household rows, household_size turns each row into its members")
    needed = [*sectors, *(c for c in (household, weight, household_size, area, group) if c)]
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
    w = _weights(data, weight, keep) if weight else np.ones(len(data))
    rows_weight = w
    if household_size is not None:
        w = w * _household_sizes(data[household_size], keep)
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
            "row_weight": rows_weight,
        },
        index=data.index,
    )
    for key in (household, area, group):
        if key:
            units[key] = data[key].to_numpy()
    units = units[keep]
    keys = [c for c in (area, group) if c]
    unscored = np.isnan(values[keep])
    frame = units.assign(
        people=units["weight"],
        pin_any_sector=units["weight"] * units["in_need"],
        pin_severe=units["weight"] * units["severe"],
        **{f"pin_{s}": units["weight"] * sector_need[keep, j] for j, s in enumerate(sectors)},
        **{f"phase_{p}": units["weight"] * (units["severity"] == p) for p in range(1, 6)},
        **{f"missing_{s}": units["weight"] * unscored[:, j] for j, s in enumerate(sectors)},
    )
    value_cols = ["people", "pin_any_sector", "pin_severe", *[f"pin_{s}" for s in sectors]]
    value_cols += [f"phase_{p}" for p in range(1, 6)]
    value_cols += [f"missing_{s}" for s in sectors]
    if household_size is not None:
        frame = frame.assign(households=units["row_weight"],
                             households_in_need=units["row_weight"] * units["in_need"])
        value_cols += ["households", "households_in_need"]
    if keys:
        pin = frame.groupby(keys, dropna=False, sort=True)[value_cols].sum().reset_index()
    else:
        pin = frame[value_cols].sum().to_frame().T
    pin["pin_max_sector"] = pin[[f"pin_{s}" for s in sectors]].max(axis=1)
    pin["share_in_need"] = pin["pin_max_sector"] / pin["people"]
    column_units = {k: "key" for k in keys}
    column_units.update({c: "persons" for c in pin.columns if c not in column_units})
    column_units.update(households="households", households_in_need="households",
                        share_in_need="share of persons")
    column_units = {c: column_units[c] for c in pin.columns}
    pin.attrs["units"] = column_units
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
        dropped_people=float(w[~keep].sum()),
        column_units=column_units,
    )


def _weights(data: pd.DataFrame, weight: str, keep: np.ndarray) -> np.ndarray:
    """The weight column, checked by the shared validators on the rows with a sector score:
    numbers (not empty, text or inf) >= 0, each bad cell named by its file line."""
    scored = data[keep]
    checked = require_numeric(scored, [weight], allow_missing=False, finite=True)
    require_between(checked, [weight], low=0)
    w = np.zeros(len(data))
    w[keep] = checked[weight].to_numpy(dtype=float)
    return w


def _household_sizes(column: pd.Series, keep: np.ndarray) -> np.ndarray:
    """Members per household row: finite numbers > 0 (rows without any score excepted)."""
    sizes = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = keep & (~np.isfinite(sizes) | (sizes <= 0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ColumnError(
            f"household size must be a number > 0; {int(bad.sum())} row(s) are not, e.g. "
            f"{column.iloc[row]}",
            location=f"data column '{column.name}', row {row}",
            hint="give every household row its number of members",
        )
    return np.where(np.isfinite(sizes) & (sizes > 0), sizes, 0.0)

"""Armed conflict per country and year from the UCDP/PRIO Armed Conflict Dataset (ACD).

Which states count as "in conflict": the ACD has one row per conflict and year with
``gwno_a`` (the government on side A), ``gwno_b`` (the government on side B, interstate
conflicts only), and ``gwno_a_2nd``/``gwno_b_2nd`` (states that sent troops in support of a
side). The location column of the full ACD is not in the bundled extract, so the primary
parties are used: a country-year is in conflict when its government is a primary party
(side A or B) of at least one conflict that year. For intrastate and internationalised
intrastate conflicts that government is the state where the fighting takes place.
Supporting states (secondary parties, e.g. coalition troop contributors) are counted
separately in ``n_conflicts_secondary`` and do not set ``any_conflict``.

Source: Gleditsch et al. (2002), "Armed Conflict 1946–2001: A New Dataset", Journal of Peace
Research 39(5); Davies et al. (2025), "Organized violence 1989–2024", Journal of Peace
Research (UCDP/PRIO ACD release covering 1946–2024).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from humsec.data.countries import gw_to_iso3
from humsec.errors import ColumnError, DataError

PRIMARY_COLUMNS = ("gwno_a", "gwno_b")
SECONDARY_COLUMNS = ("gwno_a_2nd", "gwno_b_2nd")
REQUIRED = ("conflict_id", "year", "gwno_a", "intensity_level")


def _parties(acd: pd.DataFrame, columns: Iterable[str], role: str) -> pd.DataFrame:
    frames = []
    for column in columns:
        if column not in acd.columns:
            continue
        # A cell may hold several comma-separated codes ("2, 200"); split them into rows.
        codes = acd[column].map(lambda v: None if pd.isna(v) else str(v)).str.split(",")
        part = pd.DataFrame(
            {
                "conflict_id": acd["conflict_id"],
                "year": acd["year"],
                "intensity_level": acd["intensity_level"],
                "gw": codes,
            }
        ).explode("gw")
        part = part[part["gw"].notna() & (part["gw"].str.strip() != "")]
        part["gw"] = pd.to_numeric(part["gw"].str.strip(), errors="coerce")
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=["conflict_id", "year", "intensity_level", "iso3", "role"])
    out = pd.concat(frames, ignore_index=True)
    out["iso3"] = gw_to_iso3(out["gw"]).to_numpy()
    out["role"] = role
    return out.drop(columns="gw")


def ucdp_country_year(
    acd: pd.DataFrame,
    *,
    countries: Iterable[str],
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Aggregate UCDP/PRIO conflict-years to a complete country × year grid.

    For each country ``c`` and year ``t`` with ``C_ct`` the set of distinct conflicts in which
    the government of ``c`` is a primary party (``gwno_a`` or ``gwno_b``):

    * ``n_conflicts = |C_ct|``;
    * ``any_conflict = 1 if n_conflicts > 0 else 0``;
    * ``max_intensity = max(intensity_level over C_ct)`` (1 = 25–999 battle-related deaths,
      2 = at least 1,000), or 0 when ``C_ct`` is empty;
    * ``n_conflicts_secondary`` = distinct conflicts where ``c`` only supported a side.

    Rows repeated for the same conflict-year (one per supporting state) are de-duplicated by
    ``conflict_id``. The grid spans ``countries`` × ``years`` (default: the years in ``acd``);
    absence of any recorded conflict is an explicit 0 because the ACD is exhaustive for its
    coverage (all state-based conflicts with >= 25 battle-related deaths per year). Every
    primary or secondary party is part of the grid as well as ``countries``.
    """
    missing = [c for c in REQUIRED if c not in acd.columns]
    if missing:
        raise ColumnError(
            f"UCDP/PRIO ACD table lacks column(s) {missing}",
            hint="pass the ACD conflict-year table (ucdp_prio_acd.csv) with its original names",
        )
    if acd.empty:
        raise DataError("UCDP/PRIO ACD table is empty")
    frame = acd.copy()
    frame["year"] = pd.to_numeric(frame["year"], errors="raise").astype(int)
    frame["intensity_level"] = pd.to_numeric(frame["intensity_level"], errors="raise").astype(int)
    primary = _parties(frame, PRIMARY_COLUMNS, "primary")
    secondary = _parties(frame, SECONDARY_COLUMNS, "secondary")
    first, last = years or (int(frame["year"].min()), int(frame["year"].max()))
    codes = sorted(set(countries) | set(primary["iso3"]) | set(secondary["iso3"]))
    grid = pd.MultiIndex.from_product([codes, range(first, last + 1)], names=["iso3", "year"])

    by_primary = primary.groupby(["iso3", "year"]).agg(
        n_conflicts=("conflict_id", "nunique"), max_intensity=("intensity_level", "max")
    )
    # A supporting state that is also a primary party of the same conflict counts as primary.
    prim_keys = primary[["conflict_id", "year", "iso3"]].drop_duplicates()
    sec = secondary.merge(prim_keys, on=["conflict_id", "year", "iso3"], how="left", indicator=True)
    sec = sec[sec["_merge"] == "left_only"]
    by_secondary = sec.groupby(["iso3", "year"]).agg(
        n_conflicts_secondary=("conflict_id", "nunique")
    )
    out = pd.DataFrame(index=grid).join(by_primary).join(by_secondary)
    out = out.fillna(0).astype(np.int16)
    out["any_conflict"] = (out["n_conflicts"] > 0).astype(np.int8)
    out["max_intensity"] = out["max_intensity"].astype(np.int8)
    return out.reset_index()[
        ["iso3", "year", "any_conflict", "max_intensity", "n_conflicts", "n_conflicts_secondary"]
    ]

"""Who is present where (operational presence) and how presence compares with need.

``presence`` counts org x sector x area like HDX's operational-presence datasets. ``coverage``
joins presence to a need table per area x sector (x threat) and marks

* **gaps**: need at or above the ``need_quantile`` of all rows and at most ``thin_orgs``
  organisations present;
* **duplications**: at least ``many_orgs`` organisations while those reached (else targeted)
  are below ``few_share`` of the need;

and gives the **localisation share** per area: national and local organisations over all
organisations whose kind is known (``local`` column of the 3W table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from humsec.actors.names import name_key
from humsec.actors.threew import ThreeW
from humsec.errors import ColumnError, SpecError

PRESENCE_COLUMNS = ("org", "org_type", "sector", "area", "level", "activities", "targeted",
                    "reached")


def presence(threew: ThreeW, level: Literal["adm1", "adm2"] = "adm2",
             roles: tuple[str, ...] = ("implementing",)) -> pd.DataFrame:
    """Org x sector x area with counts of activities and people (``roles``: which roles).

    At ``level="adm2"`` a row without an admin-2 code is kept at its admin-1 area, with
    ``level = "adm1"``; nothing is dropped. ``targeted``/``reached`` are sums over the rows
    (missing when every row is missing).
    """
    if level not in ("adm1", "adm2"):
        raise SpecError(f"level {level!r} is not adm1 or adm2", location="presence(level=...)",
                        hint="use level='adm1' or level='adm2'")
    table = threew.table[threew.table["org_role"].isin(roles)].copy()
    if level == "adm2":
        table["area"] = table["adm2"].where(table["level"] == "adm2", table["adm1"])
    else:
        table["area"] = table["adm1"]
        table["level"] = "adm1"
    table["org_type"] = table["org_type"].fillna("(not stated)")
    keys = ["org", "org_type", "sector", "area", "level"]
    grouped = table.groupby(keys, dropna=False, sort=True)
    out = grouped.agg(activities=("row", "size"),
                      targeted=("targeted", lambda s: s.sum(min_count=1)),
                      reached=("reached", lambda s: s.sum(min_count=1))).reset_index()
    out["org_type"] = out["org_type"].replace("(not stated)", None)
    return out[list(PRESENCE_COLUMNS)]


@dataclass(frozen=True)
class Coverage:
    """Presence against need: the joined table, its gaps, duplications and localisation."""

    table: pd.DataFrame
    gaps: pd.DataFrame
    duplications: pd.DataFrame
    localisation: pd.DataFrame
    settings: dict[str, float]

    def to_frame(self) -> pd.DataFrame:
        """The joined table (one row per area x sector [x threat])."""
        return self.table.copy()


def coverage(threew: ThreeW, needs: pd.DataFrame, *, level: Literal["adm1", "adm2"] = "adm1",
             need_quantile: float = 0.5, thin_orgs: int = 1, many_orgs: int = 3,
             few_share: float = 0.1) -> Coverage:
    """Compare presence with ``needs`` (columns ``area``, ``in_need``, optional ``sector`` and
    ``threat``); see the module docstring for the rules.

    Sectors are matched by their normalised names (case and punctuation ignored). A need row
    whose area and sector no organisation serves has 0 organisations (a gap), never missing.
    """
    missing = [c for c in ("area", "in_need") if c not in needs.columns]
    if missing:
        raise ColumnError(f"the needs table lacks {', '.join(missing)}", location="needs",
                          hint="columns: area, in_need, and optionally sector, threat")
    pres = presence(threew, level)
    pres["sector_key"] = pres["sector"].map(lambda s: name_key(s) if isinstance(s, str) else "")
    need = needs.copy()
    by_sector = "sector" in need.columns
    need["sector_key"] = need["sector"].map(name_key) if by_sector else ""
    keys = ["area", "sector_key"] if by_sector else ["area"]
    served = pres.groupby(keys).agg(
        organisations=("org", "nunique"),
        targeted=("targeted", lambda s: s.sum(min_count=1)),
        reached=("reached", lambda s: s.sum(min_count=1))).reset_index()
    table = need.merge(served, on=keys, how="left")
    table["organisations"] = table["organisations"].fillna(0).astype(int)
    people = table["reached"].where(table["reached"].notna(), table["targeted"])
    table["people_served"] = people
    table["coverage"] = people / table["in_need"].where(table["in_need"] > 0)
    threshold = float(np.nanquantile(table["in_need"].astype(float), need_quantile)) \
        if len(table) else 0.0
    table["gap"] = (table["in_need"] >= threshold) & (table["organisations"] <= thin_orgs)
    table["duplication"] = (table["organisations"] >= many_orgs) & (
        table["coverage"].fillna(0) < few_share)
    table = table.drop(columns="sector_key")
    local = threew.table[threew.table["org_role"] == "implementing"].copy()
    if level == "adm2":
        local["area"] = local["adm2"].where(local["level"] == "adm2", local["adm1"])
    else:
        local["area"] = local["adm1"]
    orgs = local.drop_duplicates(["area", "org"])
    # ``local`` holds True/False/missing as objects: counted as booleans, an area with one
    # organisation gets 1, not True, and the share is a float (the table stores as Parquet).
    known = orgs[orgs["local"].notna()].astype({"local": bool})
    loc = known.groupby("area").agg(organisations=("org", "size"),
                                    national_or_local=("local", "sum")).reset_index()
    loc["localisation_share"] = loc["national_or_local"] / loc["organisations"]
    unknown = orgs[orgs["local"].isna()].groupby("area")["org"].size()
    loc["kind_unknown"] = loc["area"].map(unknown).fillna(0).astype(int)
    settings = {"need_threshold": threshold, "need_quantile": need_quantile,
                "thin_orgs": thin_orgs, "many_orgs": many_orgs, "few_share": few_share}
    return Coverage(table, table[table["gap"]].reset_index(drop=True),
                    table[table["duplication"]].reset_index(drop=True), loc, settings)


__all__ = ["PRESENCE_COLUMNS", "Coverage", "coverage", "presence"]

"""Who is present where (operational presence) and how presence compares with need.

``presence`` counts org x sector x area like HDX's operational-presence datasets. ``coverage``
joins presence to a need table per area x sector (x threat) and marks

* **gaps**: need at or above the ``need_quantile`` of all rows and at most ``thin_orgs``
  organisations present;
* **duplications**: at least ``many_orgs`` organisations while those reached (else targeted)
  are below ``few_share`` of the need;

and gives the **localisation share** per area: national and local organisations over all
organisations whose kind is known (``local`` column of the 3W table).

Both carry the organisations' IATI identifiers as :func:`humsec.actors.link_iati` linked them:
``presence`` per row (``org_iati_ref``, ``org_iati_confidence``, ``org_iati_matched_by``), and
``coverage`` per need row (the refs of the organisations present, how many have one and how many
not, the weakest link's confidence) and in :attr:`Coverage.iati`. An organisation without a ref
is never dropped: its ``org_iati_matched_by`` says why (:data:`NOT_LOOKED_UP` when no IATI list
was given, else ``no match`` or ``ambiguous``) and it is counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from humsec.actors.names import name_key
from humsec.actors.threew import ThreeW
from humsec.errors import ColumnError, SpecError

PRESENCE_COLUMNS = ("org", "org_type", "sector", "area", "level", "activities", "targeted",
                    "reached", "org_iati_ref", "org_iati_confidence", "org_iati_matched_by")
#: ``org_iati_matched_by`` of an organisation when no IATI list was given to link it.
NOT_LOOKED_UP = "not looked up"
IATI_COVERAGE_COLUMNS = ("iati_refs", "orgs_with_iati_ref", "orgs_without_iati_ref",
                         "iati_min_confidence")


def presence(threew: ThreeW, level: Literal["adm1", "adm2"] = "adm2",
             roles: tuple[str, ...] = ("implementing",)) -> pd.DataFrame:
    """Org x sector x area with counts of activities and people (``roles``: which roles).

    At ``level="adm2"`` a row without an admin-2 code is kept at its admin-1 area, with
    ``level = "adm1"``; nothing is dropped. ``targeted``/``reached`` are sums over the rows
    (missing when every row is missing). ``org_iati_ref`` and ``org_iati_confidence`` are the
    organisation's IATI link (missing when not linked) and ``org_iati_matched_by`` how it was
    linked, or why not (module docstring).
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
    links = _org_links(threew)
    out["org_iati_ref"] = out["org"].map(links["org_iati_ref"])
    out["org_iati_confidence"] = out["org"].map(links["org_iati_confidence"]).astype("float64")
    out["org_iati_matched_by"] = out["org"].map(links["org_iati_matched_by"])
    return out[list(PRESENCE_COLUMNS)]


def _org_links(threew: ThreeW) -> pd.DataFrame:
    """One row per organisation (index ``org``): its IATI ref, confidence and how matched."""
    table = threew.table.dropna(subset=["org"]).drop_duplicates("org").set_index("org")
    links = table[["org_iati_ref", "org_iati_confidence", "org_iati_matched_by"]].copy()
    links["org_iati_ref"] = links["org_iati_ref"].where(links["org_iati_ref"].notna(), None)
    links["org_iati_matched_by"] = links["org_iati_matched_by"].where(
        links["org_iati_matched_by"].notna(), NOT_LOOKED_UP)
    return links


def _iati_by_need_row(pres: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per need key: the distinct IATI refs of the organisations present ("; "-joined, sorted),
    how many organisations have a ref and how many not, and the lowest link confidence."""
    orgs = pres.drop_duplicates([*keys, "org"])
    linked = orgs["org_iati_ref"].notna()
    grouped = orgs.assign(_linked=linked).groupby(keys)
    out = grouped.agg(orgs_with_iati_ref=("_linked", "sum"),
                      orgs_without_iati_ref=("_linked", lambda s: int((~s).sum())),
                      iati_min_confidence=("org_iati_confidence", "min")).reset_index()
    refs = orgs[linked].groupby(keys)["org_iati_ref"].agg(
        lambda s: "; ".join(sorted(set(map(str, s)))))
    out = out.merge(refs.rename("iati_refs").reset_index(), on=keys, how="left")
    return out


@dataclass(frozen=True)
class Coverage:
    """Presence against need: the joined table, its gaps, duplications and localisation.

    ``iati`` counts the implementing organisations present: ``organisations``,
    ``with_iati_ref``, ``without_iati_ref`` and, of those without, how many for each reason
    (``no match``, ``ambiguous``, ``not looked up``).
    """

    table: pd.DataFrame
    gaps: pd.DataFrame
    duplications: pd.DataFrame
    localisation: pd.DataFrame
    settings: dict[str, float]
    iati: dict[str, int] = field(default_factory=dict)

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
    Each need row also gets ``iati_refs`` (the IATI refs of the organisations serving it,
    sorted, "; "-joined), ``orgs_with_iati_ref``, ``orgs_without_iati_ref`` (so
    ``organisations = with + without``) and ``iati_min_confidence`` (the weakest link).
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
    table = table.merge(_iati_by_need_row(pres, keys), on=keys, how="left")
    table["organisations"] = table["organisations"].fillna(0).astype(int)
    for col in ("orgs_with_iati_ref", "orgs_without_iati_ref"):
        table[col] = table[col].fillna(0).astype(int)
    table["iati_refs"] = table["iati_refs"].fillna("")
    table["iati_min_confidence"] = table["iati_min_confidence"].astype("float64")
    people = table["reached"].where(table["reached"].notna(), table["targeted"])
    table["people_served"] = people
    table["coverage"] = people / table["in_need"].where(table["in_need"] > 0)
    threshold = float(np.nanquantile(table["in_need"].astype(float), need_quantile)) \
        if len(table) else 0.0
    table["gap"] = (table["in_need"] >= threshold) & (table["organisations"] <= thin_orgs)
    table["duplication"] = (table["organisations"] >= many_orgs) & (
        table["coverage"].fillna(0) < few_share)
    table = table.drop(columns="sector_key")
    table = table[[c for c in table.columns if c not in IATI_COVERAGE_COLUMNS]
                  + list(IATI_COVERAGE_COLUMNS)]
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
    present = pres.drop_duplicates("org")
    without = present[present["org_iati_ref"].isna()]
    iati = {"organisations": len(present), "with_iati_ref": len(present) - len(without),
            "without_iati_ref": len(without),
            **{str(k): int(v) for k, v in without["org_iati_matched_by"].value_counts().items()}}
    return Coverage(table, table[table["gap"]].reset_index(drop=True),
                    table[table["duplication"]].reset_index(drop=True), loc, settings, iati)


__all__ = ["IATI_COVERAGE_COLUMNS", "NOT_LOOKED_UP", "PRESENCE_COLUMNS", "Coverage", "coverage",
           "presence"]

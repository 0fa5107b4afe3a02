"""Loaders for sources humsec does not bundle: the user downloads them and passes the path.

ND-GAIN (licence not stated), the Fragile States Index and IDMC (non-commercial terms) and
EM-DAT via Our World in Data (EM-DAT restricts redistribution) are never shipped with humsec.
Each loader checks the expected columns (naming the missing ones, with close matches), turns
values into numbers (listing the offending rows), maps countries to ISO3 with the unmatched
names reported, and returns a tidy frame.
"""

from __future__ import annotations

import os
from typing import Literal

import numpy as np
import pandas as pd

from humsec.data.countries import match_countries
from humsec.data.readers import read_table
from humsec.data.validation import require_columns, require_numeric, require_unique
from humsec.errors import CountryMatchError, DataError

PathLike = str | os.PathLike[str]

# Our World in Data rows that are not countries (regions, income groups, the world).
OWID_AGGREGATES = frozenset(
    {
        "World", "Africa", "Asia", "Europe", "North America", "South America", "Oceania",
        "European Union (27)", "High-income countries", "Low-income countries",
        "Lower-middle-income countries", "Upper-middle-income countries",
        "Central America", "Caribbean", "Latin America and the Caribbean",
    }
)


def _check_codes(frame: pd.DataFrame, column: str, location: str) -> pd.DataFrame:
    """Normalise a column of ISO3 codes; unknown codes raise CountryMatchError."""
    match = match_countries(frame[column])
    if match.unmatched:
        raise CountryMatchError(match.unmatched, location=f"{location}:{column}")
    out = frame.copy()
    out[column] = match.iso3.to_numpy()
    return out


def load_ndgain(path: PathLike) -> pd.DataFrame:
    """Read the ND-GAIN country index (Notre Dame Global Adaptation Initiative).

    Expected columns: ISO3, Name, index, rank, vulnerability, readiness, rankV, rankR,
    resilience. Returns one row per country: iso3, name, ndgain_index, ndgain_rank,
    vulnerability, readiness (both 0–1), vulnerability_rank, readiness_rank, resilience.
    The published index satisfies ``index = (readiness − vulnerability + 1) × 50``
    (Chen et al. 2015, ND-GAIN technical document).
    """
    location = str(path)
    raw = read_table(path)
    needed = ["ISO3", "Name", "index", "rank", "vulnerability", "readiness", "rankV", "rankR"]
    require_columns(raw, needed, location)
    numeric = require_numeric(
        raw, ["index", "rank", "vulnerability", "readiness", "rankV", "rankR"], location
    )
    frame = _check_codes(raw, "ISO3", location)
    require_unique(frame, "ISO3", location)
    out = pd.DataFrame(
        {
            "iso3": frame["ISO3"].astype("str"),
            "name": frame["Name"].astype("str"),
            "ndgain_index": numeric["index"].astype(np.float64),
            "ndgain_rank": numeric["rank"].astype(np.float64),
            "vulnerability": numeric["vulnerability"].astype(np.float64),
            "readiness": numeric["readiness"].astype(np.float64),
            "vulnerability_rank": numeric["rankV"].astype(np.float64),
            "readiness_rank": numeric["rankR"].astype(np.float64),
        }
    )
    if "resilience" in frame.columns:
        out["resilience"] = frame["resilience"].astype("str")
    return out.sort_values("iso3").reset_index(drop=True)


def load_fsi(path: PathLike) -> pd.DataFrame:
    """Read the Fragile States Index (Fund for Peace) in its long layout.

    Expected columns: geo (ISO3), t (year), code (C1…X1), indicator, v, total, rank.
    Returns long rows ``iso3, year, code, indicator, value`` for the twelve indicators
    (0–10, higher is more fragile), plus ``code == "total"`` (sum of the twelve, 0–120) and
    ``code == "rank"`` once per country-year. Year-on-year change rows are dropped (they are
    derived, not measured).
    """
    location = str(path)
    raw = read_table(path)
    require_columns(raw, ["geo", "t", "code", "indicator", "v", "total", "rank"], location)
    numeric = require_numeric(raw, ["t", "v", "total", "rank"], location)
    frame = _check_codes(raw.assign(t=numeric["t"]), "geo", location)
    frame[["v", "total", "rank"]] = numeric[["v", "total", "rank"]]
    indicators = frame[frame["code"].astype("str").str.fullmatch(r"[A-Z]\d")]
    require_unique(indicators, ["geo", "t", "code"], location)
    parts = [
        pd.DataFrame(
            {
                "iso3": indicators["geo"],
                "year": indicators["t"],
                "code": indicators["code"],
                "indicator": indicators["indicator"],
                "value": indicators["v"],
            }
        )
    ]
    per_year = indicators.drop_duplicates(["geo", "t"])
    for code, label in (("total", "total score"), ("rank", "rank")):
        parts.append(
            pd.DataFrame(
                {
                    "iso3": per_year["geo"],
                    "year": per_year["t"],
                    "code": code,
                    "indicator": label,
                    "value": per_year[code],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(np.int64)
    out["value"] = out["value"].astype(np.float64)
    for column in ("iso3", "code", "indicator"):
        out[column] = out[column].astype("str")
    return out.sort_values(["iso3", "year", "code"]).reset_index(drop=True)


def load_idmc(path: PathLike, kind: Literal["flows", "stocks"] = "flows") -> pd.DataFrame:
    """Read internal displacement figures from IDMC (GIDD export, long layout).

    ``kind="flows"``: columns geo, t, cause, n -> ``iso3, year, cause, new_displacements``
    (internal displacements during the year). ``kind="stocks"``: columns geo, t, cause, sex,
    age, n -> ``iso3, year, cause, sex, age, idps`` (people displaced at year end).
    ``cause`` is ``conflict`` or a disaster hazard (``flood``, ``storm``, … or ``disaster``);
    the added ``trigger`` column groups it into ``conflict`` / ``disaster``. IDMC's non-ISO
    code AB9 (Abyei Area) is kept.
    """
    location = str(path)
    if kind not in ("flows", "stocks"):
        raise DataError(f"kind must be 'flows' or 'stocks', not {kind!r}", location=location)
    raw = read_table(path)
    keys = ["geo", "t", "cause"] + (["sex", "age"] if kind == "stocks" else [])
    require_columns(raw, [*keys, "n"], location)
    numeric = require_numeric(raw, ["t", "n"], location)
    frame = _check_codes(raw, "geo", location)
    if frame["cause"].isna().any():
        rows = list(np.flatnonzero(frame["cause"].isna().to_numpy())[:5] + 2)
        raise DataError(
            "cause is empty", location=f"{location}:cause, lines {rows}",
            hint="IDMC rows need a cause: 'conflict', 'disaster' or a hazard type",
        )
    require_unique(frame, keys, location)
    value = "new_displacements" if kind == "flows" else "idps"
    out = frame[keys].rename(columns={"geo": "iso3", "t": "year"}).copy()
    # IDMC gives 'conflict' or the hazard type ('flood', 'storm', ...) or plain 'disaster'.
    out.insert(3, "trigger", np.where(out["cause"] == "conflict", "conflict", "disaster"))
    out["year"] = numeric["t"].astype(np.int64).to_numpy()
    out[value] = numeric["n"].astype(np.float64).to_numpy()
    for column in out.columns:
        if column not in ("year", value):
            out[column] = out[column].astype("str")
    return out.sort_values([c for c in out.columns if c != value]).reset_index(drop=True)


def _split_owid_column(column: str, hazards: list[str]) -> tuple[str, str]:
    for hazard in hazards:
        if column.endswith("_" + hazard):
            return column[: -len(hazard) - 1], hazard
    raise DataError(f"cannot tell the hazard of column {column!r}")


def load_emdat_owid(
    path: PathLike, *, unmatched: Literal["raise", "keep"] = "keep"
) -> pd.DataFrame:
    """Read Our World in Data's country-year aggregates of EM-DAT disaster impacts.

    Expected columns: Entity, Year and ``<measure>_<hazard>`` columns (deaths, injured,
    affected, homeless, total_affected, damages, and ``_rate_per_100k`` variants). Returns
    long rows ``iso3, country, year, hazard, measure, value``. Country names are matched to
    ISO3; OWID aggregates such as "World" are excluded and listed in
    ``attrs["excluded_aggregates"]``; names that cannot be matched raise (``unmatched="raise"``)
    or are kept with a missing iso3 and listed in ``attrs["unmatched"]``. Empty cells are not
    turned into rows; their number is in ``attrs["n_missing_cells"]``. Historical entities
    (Soviet Union, Yugoslavia, …) keep their former ISO 3166-3 style codes (SUN, YUG, CSK,
    SCG, ANT).
    """
    location = str(path)
    if unmatched not in ("raise", "keep"):
        raise DataError(f"unmatched must be 'raise' or 'keep', not {unmatched!r}")
    raw = read_table(path)
    require_columns(raw, ["Entity", "Year"], location)
    measures = [c for c in raw.columns if c not in ("Entity", "Year", "Code")]
    hazards = sorted(
        {c[len("deaths_"):] for c in measures if c.startswith("deaths_") and "_rate_" not in c},
        key=len,
        reverse=True,
    )
    if not hazards:
        raise DataError(
            "no deaths_<hazard> columns: this is not the OWID EM-DAT file",
            location=location,
            hint="download 'natural-disasters' from ourworldindata.org (full data CSV)",
        )
    numeric = require_numeric(raw, ["Year", *measures], location)
    entity = raw["Entity"].astype("str")
    is_aggregate = entity.isin(OWID_AGGREGATES)
    excluded = sorted(set(entity[is_aggregate]))
    match = match_countries(entity[~is_aggregate])
    if match.unmatched and unmatched == "raise":
        raise CountryMatchError(match.unmatched, location=f"{location}:Entity")
    keep = ~is_aggregate.to_numpy()
    wide = numeric.loc[keep, measures].copy()
    wide.insert(0, "year", numeric.loc[keep, "Year"].astype(np.int64).to_numpy())
    wide.insert(0, "country", entity[keep].to_numpy())
    wide.insert(0, "iso3", match.iso3.to_numpy())
    long = wide.melt(id_vars=["iso3", "country", "year"], var_name="column", value_name="value")
    n_missing = int(long["value"].isna().sum())
    long = long.dropna(subset=["value"])
    split = {c: _split_owid_column(c, hazards) for c in measures}
    long["measure"] = long["column"].map({c: m for c, (m, _) in split.items()}).astype("str")
    long["hazard"] = long["column"].map({c: h for c, (_, h) in split.items()}).astype("str")
    out = long[["iso3", "country", "year", "hazard", "measure", "value"]].astype(
        {"value": np.float64}
    )
    out = out.sort_values(["country", "year", "hazard", "measure"]).reset_index(drop=True)
    out.attrs["excluded_aggregates"] = excluded
    out.attrs["unmatched"] = list(match.unmatched)
    out.attrs["n_missing_cells"] = n_missing
    return out

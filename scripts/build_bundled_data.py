"""Rebuild the bundled datasets under src/humsec/data/bundled/ from the publishers' raw files.

Usage: python scripts/build_bundled_data.py --raw ../shared/data

The output is reproducible: rows are sorted, dtypes are fixed, Parquet is zstd-compressed, and
catalog.yaml records the sha256 of every raw file together with source, URL, licence, version
and attribution. The script prints the size of each file and the total (must stay < 5 MB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from humsec.data.catalog import BUNDLED_DIR
from humsec.data.conflict import ucdp_country_year
from humsec.data.countries import NON_ISO_CODES, coco_table, iso2_code
from humsec.data.output import atomic_path, write_text
from humsec.data.topojson import topology_to_features

SIZE_LIMIT = 5 * 1024 * 1024

HDR_FILE = "undp-hdr/HDR23-24_Composite_indices_complete_time_series.csv"
INFORM2020_FILE = "inform/inform_gri_2020_v040.csv"
INFORM2025_FILE = "inform/inform_risk_2025_12_dimensions.csv"
WDI_FILE = "wdi/wdi_13_indicators_long.csv"
UCDP_FILE = "ucdp/ucdp_prio_acd.csv"
GEO_FILE = "geo/countries-50m.json"
GEO_LICENCE_FILE = "geo/LICENSE-world-atlas"

# INFORM 2020 raw column -> snake_case name used across humsec (the index `inform` preset).
INFORM2020_COLUMNS: dict[str, str] = {
    "COUNTRY": "country",
    "ISO3": "iso3",
    "Earthquake": "earthquake",
    "Flood": "flood",
    "Tsunami": "tsunami",
    "Tropical Cyclone": "tropical_cyclone",
    "Drought": "drought",
    "Epidemic": "epidemic",
    "Natural": "natural",
    "Projected Conflict Risk": "projected_conflict_risk",
    "Current Highly Violent Conflict Intensity": "current_conflict_intensity",
    "Human": "human",
    "HAZARD & EXPOSURE": "hazard_exposure",
    "Development & Deprivation": "development_deprivation",
    "Inequality": "inequality",
    "Aid Dependency": "aid_dependency",
    "Socio-Economic Vulnerability": "socio_economic_vulnerability",
    "Uprooted people": "uprooted_people",
    "Health Conditions": "health_conditions",
    "Children U5": "children_u5",
    "Recent Shocks": "recent_shocks",
    "Food Security": "food_security",
    "Other Vulnerable Groups": "other_vulnerable_groups",
    "Vulnerable Groups": "vulnerable_groups",
    "VULNERABILITY": "vulnerability",
    "DRR": "drr",
    "Governance": "governance",
    "Institutional": "institutional",
    "Communication": "communication",
    "Physical infrastructure": "physical_infrastructure",
    "Access to health care": "access_to_health_care",
    "Infrastructure": "infrastructure",
    "LACK OF COPING CAPACITY": "lack_of_coping_capacity",
    "INFORM RISK": "inform_risk",
    "RISK CLASS": "risk_class",
    "Rank": "rank",
    "Number of Missing Indicators": "n_missing_indicators",
    "% of Missing Indicators": "pct_missing_indicators",
    "Countries in HVC": "in_highly_violent_conflict",
}
# Columns that hold only the spreadsheet error '#VALUE!' in the published CSV: dropped.
INFORM2020_DROPPED = ("Lack of Reliability (*)", "Recentness data (average years)")

INFORM2025_COLUMNS: dict[str, str] = {
    "ISO3": "iso3",
    "INFORM RISK": "inform_risk",
    "RISK CLASS": "risk_class",
    "Rank": "rank",
    "HAZARD & EXPOSURE": "hazard_exposure",
    "VULNERABILITY": "vulnerability",
    "LACK OF COPING CAPACITY": "lack_of_coping_capacity",
}

# Outlines without an ISO numeric id in world-atlas: assigned by name (documented in catalog).
GEO_NAME_IDS: dict[str, str | None] = {
    "Kosovo": "XKX",
    "Somaliland": "SOM",  # not a UN member state; drawn as part of Somalia
    "N. Cyprus": "CYP",  # drawn as part of Cyprus
    "Siachen Glacier": None,  # disputed glacier area; dropped
    "Indian Ocean Ter.": None,  # Australian external territories; dropped
}

INFORM_ATTRIBUTION = (
    "INFORM Risk Index, European Commission Joint Research Centre (JRC) and the INFORM "
    "partnership, https://drmkc.jrc.ec.europa.eu/inform-index."
)

PROVENANCE: dict[str, dict[str, str]] = {
    "hdr": {
        "title": "UNDP Human Development Report composite indices 1990–2022",
        "description": "HDI, IHDI, GDI, GII, PHDI and their components (life expectancy, "
        "schooling, GNI per capita, by sex), inequality, maternal mortality, adolescent "
        "births, population, CO2 and material footprint; countries only, long format.",
        "source": "UNDP Human Development Report Office (HDRO), Human Development Report 2023/2024",
        "url": "https://hdr.undp.org/data-center/documentation-and-downloads",
        "licence": "CC BY 3.0 IGO",
        "version": "HDR 2023/24 composite indices complete time series (1990–2022)",
        "attribution": "UNDP (United Nations Development Programme). 2024. Human Development "
        "Report 2023/2024. New York.",
    },
    "hdr_aggregates": {
        "title": "UNDP HDR regional and HDI-group aggregates 1990–2022",
        "description": "The ZZ* aggregate rows of the HDR file (world, developing regions, HDI "
        "groups), kept apart from country rows; long format.",
        "source": "UNDP Human Development Report Office (HDRO), Human Development Report 2023/2024",
        "url": "https://hdr.undp.org/data-center/documentation-and-downloads",
        "licence": "CC BY 3.0 IGO",
        "version": "HDR 2023/24 composite indices complete time series (1990–2022)",
        "attribution": "UNDP (United Nations Development Programme). 2024. Human Development "
        "Report 2023/2024. New York.",
    },
    "inform2020": {
        "title": "INFORM Risk Index 2020",
        "description": "Every INFORM 2020 component, category and dimension score (0–10), risk, "
        "risk class, rank and missing-indicator counts; one row per country, year 2020.",
        "source": "European Commission Joint Research Centre (JRC), INFORM",
        "url": "https://drmkc.jrc.ec.europa.eu/inform-index/INFORM-Risk/Results-and-data",
        "licence": "reuse authorised with acknowledgement of the source (EC JRC INFORM)",
        "version": "INFORM Global Risk Index 2020 v0.4.0",
        "attribution": INFORM_ATTRIBUTION,
    },
    "inform2025": {
        "title": "INFORM Risk Index 2025 (December update)",
        "description": "INFORM 2025 risk, risk class, rank and its three dimensions; one row per "
        "country, year 2025.",
        "source": "European Commission Joint Research Centre (JRC), INFORM",
        "url": "https://drmkc.jrc.ec.europa.eu/inform-index/INFORM-Risk/Results-and-data",
        "licence": "reuse authorised with acknowledgement of the source (EC JRC INFORM)",
        "version": "INFORM Risk 2025, December update",
        "attribution": INFORM_ATTRIBUTION,
    },
    "wdi": {
        "title": "World Development Indicators extract (13 variables)",
        "description": "Births per 1,000, age dependency ratio, FDI in/out, GDP, GDP per capita "
        "PPP, CPI inflation, net migration, WGI political stability, population, remittances "
        "in/out, unemployment; long format.",
        "source": "World Bank World Development Indicators; WGI (Kaufmann and Kraay); UN "
        "World Population Prospects 2024",
        "url": "https://databank.worldbank.org/source/world-development-indicators",
        "licence": "CC BY 4.0 (WDI, WGI); CC BY 3.0 IGO (UN WPP)",
        "version": "WDI extract, 1950–2023",
        "attribution": "World Bank, World Development Indicators; Worldwide Governance "
        "Indicators (www.govindicators.org); United Nations, World Population Prospects 2024.",
    },
    "ucdp_country_year": {
        "title": "UCDP/PRIO armed conflict, country-year aggregates 1946–2024",
        "description": "Per country and year: any_conflict (0/1), max_intensity (0 none, 1 minor "
        "25–999, 2 war >= 1,000 battle-related deaths), n_conflicts, n_conflicts_secondary; "
        "full country × year grid with explicit zeros.",
        "source": "Uppsala Conflict Data Program (UCDP) and PRIO, Armed Conflict Dataset",
        "url": "https://ucdp.uu.se/downloads/",
        "licence": "CC BY 4.0",
        "version": "UCDP/PRIO Armed Conflict Dataset, 1946–2024",
        "attribution": "Gleditsch, Nils Petter et al. (2002) Armed Conflict 1946–2001: A New "
        "Dataset. Journal of Peace Research 39(5); Davies, Shawn et al. (2025) Organized "
        "violence 1989–2024. Journal of Peace Research.",
    },
    "countries": {
        "title": "Country metadata",
        "description": "ISO3, ISO2, ISO numeric, short and official names, continent, UN "
        "region (from country_converter) and UNDP HDR region and HDI group, for every code in "
        "the bundled data.",
        "source": "country_converter (coco) classification table; UNDP HDR 2023/24",
        "url": "https://github.com/IndEcol/country_converter",
        "licence": "GPL-3.0 (country_converter data); CC BY 3.0 IGO (HDR regions)",
        "version": "country_converter {coco_version}",
        "attribution": "Stadler, K. (2017). The country converter coco - a Python package for "
        "converting country names between different classification schemes. Journal of Open "
        "Source Software 2(16); UNDP HDR 2023/24 regions.",
    },
    "world": {
        "title": "World country outlines",
        "description": "Natural Earth 1:50m admin-0 outlines via world-atlas, as GeoJSON with "
        "feature id = ISO3 and properties.name; coordinates rounded to 2 decimals and islands "
        "smaller than 0.01 square degrees dropped.",
        "source": "Natural Earth; world-atlas TopoJSON by Mike Bostock",
        "url": "https://github.com/topojson/world-atlas",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "version": "world-atlas 2.0 countries-50m",
        "attribution": "Made with Natural Earth. Outlines from world-atlas, Copyright 2013-2019 "
        "Michael Bostock (ISC licence).",
    },
}


def sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def raw_entry(raw: Path, rel: str) -> dict[str, Any]:
    path = raw / rel
    return {"path": rel, "sha256": sha256(path), "bytes": path.stat().st_size}


def write_parquet(frame: pd.DataFrame, name: str, out: Path) -> str:
    file = f"{name}.parquet"
    with atomic_path(out / file) as tmp:
        frame.to_parquet(tmp, index=False, compression="zstd", compression_level=9)
    return file


# ---------------------------------------------------------------- HDR
def build_hdr(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """HDR wide file -> (country long, aggregate long, country regions)."""
    wide = pd.read_csv(raw / HDR_FILE, encoding="utf-8-sig")
    meta_cols = ["iso3", "country", "hdicode", "region"]
    value_cols = [c for c in wide.columns if c not in meta_cols]
    bad = [c for c in value_cols if not re.fullmatch(r".+_(19|20)\d\d", c)]
    if bad:
        raise SystemExit(f"unexpected HDR columns: {bad}")
    # Melt by hand: split the 1,072 column names once, then tile them over the countries.
    variables = [c.rsplit("_", 1)[0] for c in value_cols]
    years = [int(c.rsplit("_", 1)[1]) for c in value_cols]
    values = wide[value_cols].apply(pd.to_numeric, errors="raise").to_numpy(np.float64)
    n_rows, n_cols = values.shape
    long = pd.DataFrame(
        {
            "iso3": np.repeat(wide["iso3"].astype("str").to_numpy(), n_cols),
            "year": np.tile(np.asarray(years, dtype=np.int16), n_rows),
            "variable": np.tile(np.asarray(variables, dtype=object), n_rows),
            "value": values.ravel(),
        }
    )
    long["iso3"] = long["iso3"].astype("str")
    long["variable"] = long["variable"].astype("str")
    # The file is a full grid; only cells the publisher filled are stored (absent row = missing).
    long = long.dropna(subset=["value"]).sort_values(["iso3", "variable", "year"])
    is_aggregate = long["iso3"].str.startswith("ZZ")
    regions = wide.loc[~wide["iso3"].str.startswith("ZZ"), meta_cols].rename(
        columns={"country": "hdr_name", "hdicode": "hdr_group", "region": "hdr_region"}
    )
    names = wide.loc[wide["iso3"].str.startswith("ZZ"), ["iso3", "country"]]
    aggregates = long[is_aggregate].merge(names.rename(columns={"country": "name"}), on="iso3")
    aggregates = aggregates.rename(columns={"iso3": "code"})[
        ["code", "name", "year", "variable", "value"]
    ]
    return long[~is_aggregate].reset_index(drop=True), aggregates.reset_index(drop=True), regions


# ---------------------------------------------------------------- INFORM
def _score(series: pd.Series) -> pd.Series:
    """INFORM cells: numbers, or 'x' for 'not available' -> NaN."""
    text = series.astype("str").str.strip()
    return pd.to_numeric(text.where(~text.isin(["x", "", "nan"])), errors="raise").astype(
        np.float64
    )


def build_inform2020(raw: Path) -> pd.DataFrame:
    table = pd.read_csv(raw / INFORM2020_FILE, encoding="cp1252", dtype=str, keep_default_na=False)
    expected = set(INFORM2020_COLUMNS) | set(INFORM2020_DROPPED)
    if set(table.columns) != expected:
        raise SystemExit(f"INFORM 2020 columns changed: {set(table.columns) ^ expected}")
    for column in INFORM2020_DROPPED:
        if set(table[column]) != {"#VALUE!"}:
            raise SystemExit(f"INFORM 2020 column {column!r} now has values; map it")
    table = table.drop(columns=list(INFORM2020_DROPPED)).rename(columns=INFORM2020_COLUMNS)
    out = pd.DataFrame({"iso3": table["iso3"].astype("str"), "country": table["country"]})
    out["year"] = np.int16(2020)
    text_cols = {"iso3", "country", "risk_class", "in_highly_violent_conflict", "rank"}
    for column in INFORM2020_COLUMNS.values():
        if column in text_cols or column in ("n_missing_indicators", "pct_missing_indicators"):
            continue
        out[column] = _score(table[column])
    out["risk_class"] = table["risk_class"].astype("str")
    out["rank"] = pd.to_numeric(table["rank"], errors="raise").astype(np.int16)
    out["n_missing_indicators"] = pd.to_numeric(table["n_missing_indicators"]).astype(np.int16)
    out["pct_missing_indicators"] = pd.to_numeric(
        table["pct_missing_indicators"].str.rstrip("%"), errors="raise"
    ).astype(np.float64)
    out["in_highly_violent_conflict"] = (table["in_highly_violent_conflict"] == "YES").astype(
        np.int8
    )
    return out.sort_values("iso3").reset_index(drop=True)


def build_inform2025(raw: Path) -> pd.DataFrame:
    table = pd.read_csv(raw / INFORM2025_FILE, encoding="utf-8-sig", dtype=str)
    if set(table.columns) != set(INFORM2025_COLUMNS):
        raise SystemExit(f"INFORM 2025 columns changed: {list(table.columns)}")
    table = table.rename(columns=INFORM2025_COLUMNS)
    out = pd.DataFrame({"iso3": table["iso3"].astype("str")})
    out["year"] = np.int16(2025)
    # The CSV carries binary floating-point noise ("8.3000000000000007"): scores have 1 decimal.
    for column in ("hazard_exposure", "vulnerability", "lack_of_coping_capacity", "inform_risk"):
        out[column] = _score(table[column]).round(1)
    out["risk_class"] = table["risk_class"].astype("str")
    out["rank"] = pd.to_numeric(table["rank"], errors="raise").astype(np.int16)
    return out.sort_values("iso3").reset_index(drop=True)


# ---------------------------------------------------------------- WDI
def build_wdi(raw: Path) -> pd.DataFrame:
    table = pd.read_csv(raw / WDI_FILE)
    if list(table.columns) != ["geo", "var", "t", "v"]:
        raise SystemExit(f"WDI columns changed: {list(table.columns)}")
    out = pd.DataFrame(
        {
            "iso3": table["geo"].astype("str"),
            "year": table["t"].astype(np.int16),
            "variable": table["var"].astype("str"),
            "value": table["v"].astype(np.float64),
        }
    )
    if out.duplicated(["iso3", "year", "variable"]).any():
        raise SystemExit("WDI has duplicated (geo, var, t) keys")
    return out.sort_values(["iso3", "variable", "year"]).reset_index(drop=True)


# ---------------------------------------------------------------- UCDP
def build_ucdp(raw: Path, states: set[str]) -> pd.DataFrame:
    acd = pd.read_csv(raw / UCDP_FILE)
    out = ucdp_country_year(acd, countries=states, years=(1946, int(acd["year"].max())))
    out["year"] = out["year"].astype(np.int16)
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


# ---------------------------------------------------------------- geo
def build_world(raw: Path) -> dict[str, Any]:
    topology = json.loads((raw / GEO_FILE).read_text(encoding="utf-8"))
    features = topology_to_features(topology, "countries", decimals=2, min_area=0.01)
    table = coco_table()
    numeric = {str(int(n)): c for n, c in zip(table["ISOnumeric"], table["ISO3"], strict=True) if n}
    merged: dict[str, dict[str, Any]] = {}
    for feature in features:
        name = feature["properties"].get("name", "")
        fid = feature.get("id")
        if fid is None:
            if name not in GEO_NAME_IDS:
                raise SystemExit(f"world-atlas feature {name!r} has no id and no assignment")
            iso3 = GEO_NAME_IDS[name]
        else:
            iso3 = numeric.get(str(int(fid)))
            if iso3 is None:
                raise SystemExit(f"world-atlas id {fid} ({name}) has no ISO3")
        if iso3 is None:
            continue
        polygons = feature["geometry"]["coordinates"]
        if iso3 in merged:
            merged[iso3]["geometry"]["coordinates"].extend(polygons)
            continue
        merged[iso3] = {
            "type": "Feature",
            "id": iso3,
            "properties": {"name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": list(polygons)},
        }
    return {"type": "FeatureCollection", "features": [merged[k] for k in sorted(merged)]}


# ---------------------------------------------------------------- countries
def build_countries(codes: set[str], hdr_regions: pd.DataFrame) -> pd.DataFrame:
    table = coco_table()
    table = table.sort_values("obsolete").drop_duplicates("ISO3")  # current entries first
    meta = pd.DataFrame(
        {
            "iso3": table["ISO3"],
            "iso2": table["ISO2"].map(iso2_code),
            "iso_numeric": pd.to_numeric(table["ISOnumeric"].replace("", None)),
            "name": table["name_short"],
            "official_name": table["name_official"],
            "continent": table["continent"],
            "un_region": table["UNregion"],
        }
    )
    meta = meta[meta["iso3"].isin(codes)]
    missing = sorted(codes - set(meta["iso3"]))
    extra = pd.DataFrame({"iso3": missing, "name": [NON_ISO_CODES.get(c, "") for c in missing]})
    unknown = [c for c in missing if c not in NON_ISO_CODES]
    if unknown:
        raise SystemExit(f"codes without country metadata: {unknown}")
    out = pd.concat([meta, extra], ignore_index=True).merge(
        hdr_regions[["iso3", "hdr_region", "hdr_group"]], on="iso3", how="left"
    )
    for column in ("iso2", "name", "official_name", "continent", "un_region"):
        out[column] = out[column].replace("", None).astype("str")
    out["iso_numeric"] = out["iso_numeric"].astype("Int16")
    for column in ("hdr_region", "hdr_group"):
        out[column] = out[column].astype("str")
    out["iso3"] = out["iso3"].astype("str")
    return out.sort_values("iso3").reset_index(drop=True)[
        ["iso3", "iso2", "iso_numeric", "name", "official_name", "continent", "un_region",
         "hdr_region", "hdr_group"]
    ]


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True, help="folder with the raw files")
    parser.add_argument(
        "--out", type=Path, default=BUNDLED_DIR,
        help="output folder (default: the package's bundled folder; other folders are for "
        "checking that a rebuild reproduces the shipped files)",
    )
    args = parser.parse_args(argv)
    raw: Path = args.raw.resolve()
    out: Path = args.out
    if not (raw / HDR_FILE).exists():
        parser.error(f"{raw} does not hold the raw data (missing {HDR_FILE})")
    import country_converter

    out.mkdir(parents=True, exist_ok=True)
    hdr, hdr_aggr, hdr_regions = build_hdr(raw)
    inform2020 = build_inform2020(raw)
    inform2025 = build_inform2025(raw)
    wdi = build_wdi(raw)
    states = set(hdr["iso3"])
    ucdp = build_ucdp(raw, states)
    world = build_world(raw)
    codes = (
        states
        | set(inform2020["iso3"])
        | set(inform2025["iso3"])
        | set(wdi["iso3"])
        | set(ucdp["iso3"])
        | {f["id"] for f in world["features"]}
    )
    country_table = build_countries(codes, hdr_regions)

    notes: dict[str, list[str]] = {
        "hdr": [
            "Aggregates (iso3 starting with ZZ) are in 'hdr_aggregates', not here.",
            "Cells left empty by the publisher are not stored: an absent (iso3, year, variable) "
            "row is missing; country_panel() shows it as NaN.",
            "hdi_rank, gii_rank and gdi_group are published for 2022 only.",
            "Country names are not carried over (use the countries table): two are "
            "mis-encoded in the raw file ('C魌e d'Ivoire', 'T黵kiye', i.e. Windows-1252 bytes "
            "read as GBK).",
        ],
        "hdr_aggregates": ["code is the HDR aggregate code (ZZA.VHHD … ZZK.WORLD)."],
        "inform2020": [
            "'x' (not available) in the raw file is NaN.",
            "Dropped: 'Lack of Reliability (*)' and 'Recentness data (average years)', which "
            "hold only the spreadsheet error '#VALUE!' in the published CSV.",
            "in_highly_violent_conflict is 1 where 'Countries in HVC' is YES, else 0.",
            "Raw file is Windows-1252 encoded.",
        ],
        "inform2025": ["Scores rounded to the published 1 decimal (the CSV has float noise)."],
        "wdi": ["Only published values are stored (the raw file has no empty cells)."],
        "ucdp_country_year": [
            "A country-year is in conflict when its government is a primary party (gwno_a or "
            "gwno_b) of a conflict; supporting states (gwno_a_2nd, gwno_b_2nd) are counted in "
            "n_conflicts_secondary only.",
            "Gleditsch–Ward codes mapped with country_converter plus successor fixes "
            "(316->CZE, 345->SRB, 678->YEM, 751->IND, 816->VNM, 817->VNM, 680->YEM).",
            "Grid: every HDR country and every conflict party, 1946 to the last ACD year; no "
            "recorded conflict is an explicit 0. Years before a state's independence are 0 "
            "because the ACD attributes such conflicts to the then-sovereign government.",
            "The raw extract repeats a conflict-year once per supporting state: conflicts are "
            "counted by distinct conflict_id.",
        ],
        "countries": [
            "Codes outside ISO 3166 kept with a name: " + ", ".join(sorted(NON_ISO_CODES)) + ".",
            "World Bank income groups are not available offline in coco and are not included.",
            "hdr_region is empty for countries outside the HDR's developing-country regions "
            "(as in the source); hdr_region and hdr_group are empty for codes not in the HDR.",
        ],
        "world": [
            "Somaliland is drawn as part of SOM and N. Cyprus as part of CYP; Kosovo is XKX; "
            "Siachen Glacier and Indian Ocean Ter. are dropped.",
        ],
    }
    raw_of = {
        "hdr": [HDR_FILE],
        "hdr_aggregates": [HDR_FILE],
        "inform2020": [INFORM2020_FILE],
        "inform2025": [INFORM2025_FILE],
        "wdi": [WDI_FILE],
        "ucdp_country_year": [UCDP_FILE],
        "countries": [HDR_FILE],
        "world": [GEO_FILE, GEO_LICENCE_FILE],
    }
    tables: dict[str, tuple[pd.DataFrame, str]] = {
        "hdr": (hdr, "long"),
        "hdr_aggregates": (hdr_aggr, "long"),
        "inform2020": (inform2020, "wide"),
        "inform2025": (inform2025, "wide"),
        "wdi": (wdi, "long"),
        "ucdp_country_year": (ucdp, "wide"),
        "countries": (country_table, "wide"),
    }
    entries: list[dict[str, Any]] = []
    for name, (frame, shape) in tables.items():
        file = write_parquet(frame, name, out)
        entries.append(
            _entry(name, file, shape, len(frame), list(frame.columns), raw, raw_of, notes)
        )
    # Plain GeoJSON (about 1.4 MB) stays within the size budget and is packaged by the
    # existing "**/*.geojson" package-data pattern.
    write_text(out / "world.geojson", json.dumps(world, separators=(",", ":")))
    entries.append(
        _entry("world", "world.geojson", "geojson", len(world["features"]),
               ["id", "properties.name", "geometry"], raw, raw_of, notes)
    )
    for entry in entries:
        entry["version"] = entry["version"].format(coco_version=country_converter.__version__)
    document = {"schema_version": 1, "built_with": "scripts/build_bundled_data.py",
                "datasets": entries}
    write_text(
        out / "catalog.yaml",
        "# Generated by scripts/build_bundled_data.py: do not edit by hand.\n"
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100),
    )
    total = 0
    for path in sorted(out.iterdir()):
        if path.is_file() and not path.name.startswith((".", "__")):
            size = path.stat().st_size
            total += size
            print(f"{size / 1024:9.1f} KiB  {path.name}")
    print(f"{total / 1024 / 1024:9.2f} MiB  total (limit 5 MiB)")
    if total >= SIZE_LIMIT:
        print("bundled data exceeds 5 MiB", file=sys.stderr)
        return 1
    return 0


def _entry(
    name: str,
    file: str,
    shape: str,
    rows: int,
    columns: list[str],
    raw: Path,
    raw_of: dict[str, list[str]],
    notes: dict[str, list[str]],
) -> dict[str, Any]:
    return {
        "name": name,
        **PROVENANCE[name],
        "file": file,
        "raw_files": [raw_entry(raw, rel) for rel in raw_of[name]],
        "rows": rows,
        "columns": [str(c) for c in columns],
        "shape": shape,
        "notes": notes.get(name, []),
    }


if __name__ == "__main__":
    raise SystemExit(main())

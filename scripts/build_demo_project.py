"""Build the bundled sub-national demo project (Kenya, 47 counties) from the raw public files.

Usage: python scripts/build_demo_project.py --raw ../shared/data [--out src/humsec/project/demo]

What ships, and under which terms (see each folder's README under subnational/kenya):

- boundaries: the 47 county outlines, simplified TopoJSON (Omare & Omare 2017, CC BY 4.0);
- census 2019 housing and amenities, % of households by county (KNBS 2019 KPHC Vol. IV as
  transcribed in rKenyaCensus; KNBS permits extracts with acknowledgement);
- population 2019 and the share of children under 5 (OCHA COD-PS from KNBS Vol. III;
  CC BY-IGO 3.0 as recorded by third parties);
- IPC acute food insecurity, share in phase 3+ by county and year, latest analysis of the year
  (Kenya IPC TWG via HDX; CC0 per an HDX metadata record); only arid and semi-arid counties are
  analysed, the others are missing by design;
- UCDP GED conflict events, aggregated here to county x year by point in polygon (the same
  function ``humsec project run`` uses); only the aggregates ship (CC BY 4.0, UCDP);
- the GDL health index 2010-2019 of the former province of each county (Smits & Permanyer
  2019; CC BY 4.0 as declared by Gapminder's repackaging);
- a SYNTHETIC household survey generated on the real counties (no open microdata exists),
  a hazard scenario and risk-reduction measures whose numbers are documented assumptions.

The OPHI county MPI (licence not verified) is never shipped. Output is reproducible: fixed
seed, sorted rows, fixed float formats; PROVENANCE.md records the sha256 of every raw file.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from humsec.data import read_table, synthetic_survey
from humsec.project import read_boundaries
from humsec.project.events import count_events

KEN = "subnational/kenya"
BOUNDARY = f"{KEN}/boundaries/ken_adm1_counties_simplified.topojson"
BOUNDARY_FULL = f"{KEN}/boundaries/ken_adm1_counties_full.geojson"
CENSUS_TABLES = {
    "14": "hh_floor_material_pct",
    "15": "hh_drinking_water_source_pct",
    "16": "hh_human_waste_disposal_pct",
    "18": "hh_cooking_fuel_pct",
    "19": "hh_lighting_fuel_pct",
    "36": "hh_assets_pct",
}


def census_file(table: str) -> str:
    """Path of a census county table (raw folder relative)."""
    return f"{KEN}/census2019/ken_census2019_V4_T2.{table}_{CENSUS_TABLES[table]}_county.csv"


POPULATION = f"{KEN}/population/raw/ken_admpop_adm1_2019.csv"
IPC = f"{KEN}/ipc/ipc_ken_county_current_by_analysis.csv"
UCDP = f"{KEN}/conflict_events/ucdp_conflict_data_ken.csv"
GDL = "subnational/gdl_shdi/shdi_v5_ken_moz_subnational.csv"
GDL_CROSSWALK = "subnational/gdl_shdi/crosswalk_ken_county_to_gdl_province.csv"

SEED = 20191
HOUSEHOLDS = 6000
HOUSEHOLDS_PER_PSU = 12
# synthetic_survey's region order -> Kenya's eight former provinces (GDL regions).
PROVINCES = [
    "North Eastern",
    "Coast",
    "Eastern",
    "Western",
    "Central",
    "Rift Valley",
    "Nyanza",
    "Nairobi",
]

ATTRIBUTION = {
    "boundaries": "Kenya County Assembly Boundaries. Omare B.D.A. and Omare G.J.M 2017 "
    "(digitised from IEBC 2012 maps), dissolved to counties; CC BY 4.0.",
    "census": "Kenya National Bureau of Statistics, 2019 Kenya Population and Housing Census, "
    "Volume IV (tables 2.12-2.36), as transcribed in rKenyaCensus (S. Kariuki); extracts "
    "published with acknowledgement of the source.",
    "population": "KNBS 2019 census Volume III via OCHA COD-PS (cod-ps-ken, HDX); CC BY-IGO 3.0 "
    "as recorded by the sources that copied it.",
    "ipc": "IPC acute food insecurity analyses, Kenya IPC Technical Working Group, via HDX "
    "(kenya-acute-food-insecurity-country-data); CC0 per an HDX metadata record.",
    "ucdp": "UCDP Georeferenced Event Dataset (Sundberg & Melander 2013, JPR 50(4); Davies et "
    "al. 2024, JPR 61(4)), Kenya events via HDX, aggregated to county x year; CC BY 4.0.",
    "gdl": "Global Data Lab Subnational HDI v5.0 (Smits & Permanyer 2019, Scientific Data "
    "6:190038), via Gapminder's ddf--gdl--shdi; CC BY 4.0 as declared there.",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def census_indicators(raw: Path) -> pd.DataFrame:
    """MPI-style living-standard deprivations, % of conventional households by county."""

    def table(number: str) -> pd.DataFrame:
        return pd.read_csv(raw / census_file(number)).set_index("ADM1_PCODE")

    water = table("15")
    sanitation = table("16")
    cooking = table("18")
    lighting = table("19")
    floor = table("14")
    assets = table("36")
    out = pd.DataFrame(
        {
            "water_unimproved": water[
                ["Pond", "Dam/Lake", "Stream/River", "UnprotectedSpring", "UnprotectedWell"]
            ].sum(axis=1),
            "sanitation_unimproved": sanitation[
                ["PitLatrine_Uncovered", "BucketLatrine", "OpenBush"]
            ].sum(axis=1),
            "cooking_solid_fuel": cooking[["Firewood", "Charcoal"]].sum(axis=1),
            "no_electricity": 100 - lighting["MainsElectricity"],
            "floor_earth": floor[["Earth/Sand", "Dung"]].sum(axis=1),
            "no_internet": 100 - assets["Internet"],
        }
    )
    out = out.round(1).reset_index().rename(columns={"ADM1_PCODE": "pcode"})
    out.insert(1, "year", 2019)
    return out.sort_values("pcode").reset_index(drop=True)


def population(raw: Path) -> pd.DataFrame:
    pop = pd.read_csv(raw / POPULATION)
    out = pd.DataFrame(
        {
            "pcode": pop["ADM1_PCODE"],
            "year": 2019,
            "population": pop["T_TL"].astype(int),
            "children_u5_share": (100 * pop["T_00_04"] / pop["T_TL"]).round(2),
        }
    )
    return out.sort_values("pcode").reset_index(drop=True)


def ipc(raw: Path) -> pd.DataFrame:
    table = pd.read_csv(raw / IPC)
    table["from"] = pd.to_datetime(table["From"])
    table["year"] = table["from"].dt.year
    latest = table.sort_values("from").groupby(["ADM1_PCODE", "year"]).tail(1)
    out = pd.DataFrame(
        {
            "pcode": latest["ADM1_PCODE"],
            "year": latest["year"],
            "food_insecurity": (100 * latest["pop_phase3plus"] / latest["pop_analysed"]).round(2),
            "analysis": latest["Date of analysis"],
        }
    )
    return out.sort_values(["pcode", "year"]).reset_index(drop=True)


def conflict(raw: Path, pop: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """UCDP GED events per county and year by point in polygon on the full-resolution
    outlines; 5-year sums per 100k people (2019 census)."""
    layer = read_boundaries(raw / BOUNDARY_FULL, 1)
    events = read_table(raw / UCDP)
    counts = count_events(
        events, layer, lat="latitude", lon="longitude", year="year", weight="best"
    )
    table = counts.table.rename(
        columns={"events": "conflict_events", "weight": "conflict_fatalities"}
    )
    table = table.sort_values(["pcode", "year"]).reset_index(drop=True)
    people = pop.set_index("pcode")["population"]
    for column in ("conflict_events", "conflict_fatalities"):
        rolling = table.groupby("pcode")[column].transform(
            lambda s: s.rolling(5, min_periods=5).sum()
        )
        table[f"{column.replace('conflict_', 'conflict_')}_5y"] = (
            1e5 * rolling / people.reindex(table["pcode"]).to_numpy()
        ).round(3)
    table["conflict_fatalities"] = table["conflict_fatalities"].astype(int)
    table = table.rename(
        columns={
            "conflict_events_5y": "conflict_events_5y",
            "conflict_fatalities_5y": "conflict_fatalities_5y",
        }
    )
    return table, len(events), counts.outside


def health_index(raw: Path) -> pd.DataFrame:
    shdi = pd.read_csv(raw / GDL)
    cross = pd.read_csv(raw / GDL_CROSSWALK)
    shdi = shdi[(shdi["iso3"] == "KEN") & shdi["year"].between(2010, 2019)]
    joined = cross.merge(shdi[["gdlcode", "year", "healthindex"]], on="gdlcode", how="left")
    out = joined.rename(columns={"ADM1_PCODE": "pcode", "healthindex": "health_index"})
    return (
        out[["pcode", "year", "health_index"]].sort_values(["pcode", "year"]).reset_index(drop=True)
    )


def survey(pop: pd.DataFrame, raw: Path) -> pd.DataFrame:
    """A synthetic survey on the real counties: strata are former province x urban; each PSU
    lies in a county of its province drawn in proportion to the county's 2019 population;
    weights are scaled to the 2019 census total. SYNTHETIC: no open microdata exists."""
    frame = synthetic_survey(
        HOUSEHOLDS, SEED, n_regions=8, areas_per_region=1, households_per_psu=HOUSEHOLDS_PER_PSU
    )
    cross = pd.read_csv(raw / GDL_CROSSWALK)
    people = pop.set_index("pcode")["population"]
    rng = np.random.default_rng(SEED)
    region_names = sorted(frame["region"].unique(), key=list(frame["region"].unique()).index)
    province_of = dict(zip(region_names, PROVINCES, strict=True))
    psus = frame.drop_duplicates("psu")[["psu", "region"]]
    county_of_psu = {}
    for psu, region in psus.itertuples(index=False):
        counties = cross.loc[cross["gdl_region"] == province_of[region], "ADM1_PCODE"].tolist()
        p = people.reindex(counties).to_numpy(dtype=float)
        county_of_psu[psu] = counties[int(rng.choice(len(counties), p=p / p.sum()))]
    frame["area"] = frame["psu"].map(county_of_psu)
    frame["region"] = frame["region"].map(province_of)
    frame["weight"] = frame["weight"] * (people.sum() / frame["weight"].sum())
    return frame.sort_values(["hh_id", "person_id"]).reset_index(drop=True)


def scenario(
    conflict_table: pd.DataFrame, ipc_table: pd.DataFrame, pcodes: list[str]
) -> dict[str, Any]:
    arid = sorted(set(ipc_table["pcode"]))
    recent = conflict_table[conflict_table["year"].between(2004, 2023)]
    conflict_rate = recent.assign(any=recent["conflict_events"] > 0).groupby("pcode")["any"].mean()
    flood = ["KE004", "KE007", "KE040", "KE041", "KE042", "KE043", "KE044"]
    return {
        "name": "kenya-drought-flood-conflict",
        "description": "Droughts in the arid and semi-arid counties, floods on the Tana and around "
        "Lake Victoria, conflict at each county's UCDP event frequency, epidemics and national "
        "food-price spikes. Frequencies other than conflict are assumptions for the demo.",
        "hazards": {
            "area_hazards": [
                {
                    "hazard": "drought",
                    "threat": "disasters",
                    "units": "seasonal rainfall deficit (share of normal)",
                    "source": "assumption: severe droughts about one year in five in the counties "
                    "IPC analyses (2011, 2016-17, 2020-23 in the arid north), one in twenty "
                    "elsewhere",
                    "rate": 0.05,
                    "rates": {p: 0.2 for p in arid},
                    "intensity": {"kind": "beta", "a": 2.0, "b": 4.0, "low": 0.1, "high": 0.8},
                    "spatial_correlation": 0.8,
                },
                {
                    "hazard": "flood",
                    "threat": "disasters",
                    "units": "flood depth, m",
                    "source": "assumption: riverine and lake floods (1997-98, 2018, 2020, 2024) "
                    "about one year in six in the Tana River and Lake Victoria basin counties",
                    "rate": 0.01,
                    "rates": {p: 0.16 for p in flood},
                    "intensity": {"kind": "lognormal", "median": 0.8, "sigma": 0.5},
                    "spatial_correlation": 0.5,
                },
                {
                    "hazard": "conflict",
                    "threat": "armed_conflict",
                    "units": "share of the area's population directly affected",
                    "source": "UCDP GED 2004-2023: the share of years with at least one recorded "
                    "event in the county",
                    "rate": 0.0,
                    "rates": {
                        p: round(float(conflict_rate.get(p, 0.0)), 3)
                        for p in pcodes
                        if float(conflict_rate.get(p, 0.0)) > 0
                    },
                    "intensity": {"kind": "beta", "a": 1.5, "b": 12.0, "low": 0.0, "high": 1.0},
                    "spatial_correlation": 0.4,
                },
                {
                    "hazard": "epidemic",
                    "threat": "infectious_disease",
                    "units": "attack rate (share of people ill)",
                    "source": "assumption: cholera and other outbreaks most years in a few "
                    "counties",
                    "rate": 0.08,
                    "intensity": {"kind": "lognormal", "median": 0.02, "sigma": 0.8},
                    "spatial_correlation": 0.3,
                },
            ],
            "event_sets_from_return_periods": [
                {
                    "hazard": "price_shock",
                    "threat": "economic_crisis",
                    "units": "real food-price increase (share)",
                    "source": "assumption: national food-price spikes (2008, 2011, 2017, 2022)",
                    "areas": "all",
                    "table": [[5, 0.15], [10, 0.25], [25, 0.40], [50, 0.55]],
                },
            ],
            "dependence": {
                "hazards": ["drought", "flood", "conflict", "epidemic", "price_shock"],
                "correlation": [
                    [1.0, -0.2, 0.4, 0.2, 0.5],
                    [-0.2, 1.0, 0.0, 0.3, 0.0],
                    [0.4, 0.0, 1.0, 0.0, 0.2],
                    [0.2, 0.3, 0.0, 1.0, 0.0],
                    [0.5, 0.0, 0.2, 0.0, 1.0],
                ],
            },
        },
        "impact_functions": [
            {
                "hazard": "drought",
                "livelihood": "farming",
                "intensity": [0.1, 0.3, 0.5, 0.8],
                "asset_loss": [0.0, 0.02, 0.05, 0.10],
                "income_loss": [0.02, 0.25, 0.50, 0.80],
            },
            {
                "hazard": "drought",
                "livelihood": "pastoral",
                "intensity": [0.1, 0.3, 0.5, 0.8],
                "asset_loss": [0.0, 0.05, 0.15, 0.35],
                "income_loss": [0.02, 0.15, 0.35, 0.60],
            },
            {
                "hazard": "drought",
                "livelihood": "*",
                "intensity": [0.1, 0.3, 0.5, 0.8],
                "asset_loss": [0.0, 0.0, 0.01, 0.02],
                "income_loss": [0.0, 0.05, 0.11, 0.22],
            },
            {
                "hazard": "flood",
                "livelihood": "*",
                "intensity": [0.0, 0.5, 1.0, 2.0, 3.0],
                "asset_loss": [0.0, 0.2, 0.35, 0.6, 0.75],
                "income_loss": [0.0, 0.05, 0.15, 0.3, 0.4],
            },
            {
                "hazard": "conflict",
                "livelihood": "*",
                "intensity": [0.0, 0.2, 0.5, 1.0],
                "asset_loss": [0.0, 0.10, 0.30, 0.60],
                "income_loss": [0.0, 0.15, 0.40, 0.70],
            },
            {
                "hazard": "epidemic",
                "livelihood": "*",
                "intensity": [0.0, 0.1, 0.3, 1.0],
                "asset_loss": [0.0, 0.002, 0.01, 0.03],
                "income_loss": [0.0, 0.01, 0.04, 0.15],
            },
            {
                "hazard": "price_shock",
                "livelihood": "*",
                "intensity": [0.0, 0.2, 0.4, 0.6],
                "asset_loss": [0.0, 0.0, 0.0, 0.0],
                "income_loss": [0.0, 0.12, 0.24, 0.36],
            },
            {
                "hazard": "price_shock",
                "livelihood": "farming",
                "intensity": [0.0, 0.2, 0.4, 0.6],
                "asset_loss": [0.0, 0.0, 0.0, 0.0],
                "income_loss": [0.0, 0.04, 0.08, 0.12],
            },
        ],
        "coping": {
            "eta": 1.5,
            "discount_rate": 0.06,
            "recovery_years": 3.0,
            "productivity_of_capital": 0.33,
            "savings_use": 1.0,
            "remittance_response": 0.2,
            "social_protection": {
                "share_of_loss": 0.1,
                "per_capita": 20.0,
                "coverage": 0.15,
                "targeting": "poor",
                "delay_years": 0.5,
            },
            "insurance": {"penetration": 0.01, "attachment": 0.05, "cover": 0.3},
        },
        "deprivations": "default",
    }


def measures(arid: list[str]) -> dict[str, Any]:
    hsnp = ["KE008", "KE009", "KE010", "KE023"]  # Wajir, Mandera, Marsabit, Turkana
    flood = ["KE004", "KE007", "KE040", "KE041", "KE042", "KE043", "KE044"]
    return {
        "measures": [
            {
                "name": "drought_early_warning",
                "kind": "early_warning",
                "description": "county drought early warning and early action "
                "(NDMA-style bulletins)",
                "target": {"areas": arid, "coverage": 0.7},
                "effects": {"vulnerability": {"drought": {"income_loss_factor": 0.85}}},
                "upfront_cost": 5.0e6,
                "annual_cost": 2.0e6,
            },
            {
                "name": "safety_net_cash_transfers",
                "kind": "social_protection",
                "description": "regular and scalable cash transfers in the four northern counties "
                "(HSNP-style)",
                "target": {"groups": ["people_in_poverty"], "areas": hsnp, "coverage": 0.6},
                "effects": {
                    "coping": {
                        "transfer_share_of_loss": 0.3,
                        "transfer_per_capita": 40.0,
                        "transfer_delay_years": 0.25,
                    }
                },
                "annual_cost_per_person": 2.0,
            },
            {
                "name": "livestock_insurance",
                "kind": "insurance",
                "description": "index-based livestock insurance for pastoralists (KLIP-style)",
                "target": {"livelihoods": ["pastoral"], "areas": arid, "coverage": 0.2},
                "effects": {"coping": {"insurance_attachment": 0.02, "insurance_cover": 0.2}},
                "annual_cost_per_unit": 5.0,
                "claims_loading": 0.3,
            },
            {
                "name": "flood_protection",
                "kind": "disaster_risk_reduction",
                "description": "dykes, raised housing and drainage in the flood-prone counties",
                "target": {"areas": flood, "coverage": 0.3},
                "effects": {"vulnerability": {"flood": {"asset_loss_factor": 0.6}}},
                "upfront_cost_per_unit": 300.0,
                "annual_cost_per_unit": 3.0,
            },
        ]
    }


# A SYNTHETIC 3W table: fictional organisations with realistic types, sectors and reach, placed
# mostly in the arid and semi-arid counties (where IPC analyses are made) and thinly elsewhere.
THREEW_SEED = 2025
#: The demo plan's budget (USD, illustrative): about a third of the candidates' total cost.
PLAN_BUDGET = 40_000_000.0
THREEW_ORGS = (
    ("Horizon Relief International", "International NGO", ("Food Security", "Nutrition", "WASH")),
    ("Global Food Partnership", "UN agency", ("Food Security", "Livelihoods")),
    ("Child Health Alliance", "International NGO", ("Health", "Nutrition")),
    ("Kenya Water Trust", "National NGO", ("WASH",)),
    ("Pastoralist Women's Group Network", "Community-based organisation",
     ("Livelihoods", "Protection")),
    ("Peace Dialogue Forum", "National NGO", ("Protection", "Peacebuilding")),
    ("Savanna Microfinance Ltd", "Private company", ("Livelihoods",)),
    ("Regional Drylands Institute", "Research institute", ("Food Security",)),
    ("Ministry of Health", "Government", ("Health",)),
)
THREEW_DONORS = ("Bilateral Donor A", "Bilateral Donor B", "Pooled Fund C")


# The example programmes' generic risk measures -> the demo project's measures of that kind.
DEMO_MEASURE_NAMES = {
    "index-based livestock insurance": "livestock_insurance",
    "risk_measures: [adaptive_social_protection]": "risk_measures: [safety_net_cash_transfers]",
    "[early_warning, adaptive_social_protection]": "[drought_early_warning, "
    "safety_net_cash_transfers]",
}


def threew(pop: pd.DataFrame, arid: list[str], county: dict[str, str]) -> pd.DataFrame:
    """A SYNTHETIC who-does-what-where table (module docstring of the demo: labelled synthetic
    in its provenance and in the report). Seeded; one row per org x sector x county activity."""
    rng = np.random.default_rng(THREEW_SEED)
    names = dict(zip(pop["pcode"], pop["population"], strict=True))
    rows = []
    for pcode in sorted(names):
        dry = pcode in arid
        county_gov = f"County Government of {county[pcode]}"
        n_orgs = int(rng.integers(3, 7)) if dry else int(rng.integers(0, 3))
        picks = rng.choice(len(THREEW_ORGS), size=min(n_orgs, len(THREEW_ORGS)), replace=False)
        entries = [THREEW_ORGS[int(k)] for k in sorted(picks)]
        if dry and rng.random() < 0.6:
            entries.append((county_gov, "Local government", ("Food Security", "WASH")))
        for org, kind, sectors in entries:
            sector = sectors[int(rng.integers(0, len(sectors)))]
            targeted = int(round(names[pcode] * rng.uniform(0.005, 0.04), -2))
            rows.append(
                {
                    "Organisation": org,
                    "Organisation type": kind,
                    "Donor": THREEW_DONORS[int(rng.integers(0, len(THREEW_DONORS)))],
                    "Sector": sector,
                    "Admin1 Pcode": pcode,
                    "Activity": f"{sector} support",
                    "Targeted": targeted,
                    "Reached": int(round(targeted * rng.uniform(0.4, 1.0), -2)),
                }
            )
    return pd.DataFrame(rows)


# ILLUSTRATIVE candidate packages for the portfolio plan: costs per person and expected threat
# reductions (standard deviations of each threat's series) are assumptions, not evaluations.
PACKAGES = (
    # package, threats, groups, mode, reduces risk, reduction, cost per person (USD), share
    ("drought_resilience", "disasters,hunger", "people_in_poverty", "empowerment", True, 0.3,
     60.0, 0.04),
    ("health_outreach", "lack_of_health_care,infectious_disease", "children,women", "both",
     False, 0.25, 35.0, 0.05),
    ("peace_committees", "armed_conflict", "ethnic_minorities", "protection", False, 0.2, 20.0,
     0.03),
    ("water_points", "lack_of_basic_infrastructure", "women,children", "empowerment", True, 0.2,
     45.0, 0.04),
)


def candidates(pop: pd.DataFrame, arid: list[str], conflict: pd.DataFrame) -> pd.DataFrame:
    """ILLUSTRATIVE candidates: every package in the arid and semi-arid counties, health
    outreach and water points elsewhere, peace committees where UCDP recorded any event in
    2019-2023. No benefit column: ``humsec project run`` derives it from the project."""
    recent = conflict[conflict["year"] >= 2019].groupby("pcode")["conflict_events"].sum()
    rows = []
    for pcode, people in zip(pop["pcode"], pop["population"], strict=True):
        for package, threats, groups, mode, risk, reduction, per_person, share in PACKAGES:
            if pcode not in arid and package == "drought_resilience":
                continue
            if package == "peace_committees" and float(recent.get(pcode, 0)) <= 0:
                continue
            reached = int(round(float(people) * share, -2))
            rows.append(
                {
                    "area": pcode,
                    "package": package,
                    "cost": round(reached * per_person, -3),
                    "threats": threats,
                    "groups": groups,
                    "mode": mode,
                    "reduces_risk": "yes" if risk else "no",
                    "reduction": reduction,
                    "people": reached,
                }
            )
    return pd.DataFrame(rows)


def _indicator(
    code: str, direction: str | None, pillar: str | None, threats: list[str], name: str, unit: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": code, "name": name, "unit": unit}
    if direction:
        entry |= {"direction": direction, "pillar": pillar, "threats": threats}
    return entry


def project_config(raw_hashes: dict[str, str]) -> dict[str, Any]:
    worse = "higher_is_worse"
    infra = ["lack_of_basic_infrastructure"]
    return {
        "schema_version": 1,
        "name": "Kenya counties (humsec demo)",
        "country": "KEN",
        "description": "The 47 counties of Kenya with real boundaries, census, IPC, conflict "
        "and health data, a SYNTHETIC household survey generated on the real counties, and a "
        "hazard scenario whose frequencies are documented assumptions. Built by "
        "scripts/build_demo_project.py.",
        "admin_levels": [1],
        "areas": "FILLED BELOW",
        "boundaries": [
            {
                "file": "boundaries/ken_adm1_counties.topojson",
                "level": 1,
                "pcode_field": "ADM1_PCODE",
                "name_field": "ADM1_EN",
            }
        ],
        "datasets": [
            {
                "name": "census2019",
                "file": "data/census2019_housing.csv",
                "role": "indicators",
                "columns": {"area": "pcode", "year": "year"},
                "source": "KNBS 2019 KPHC Volume IV",
                "licence": "KNBS: extracts with acknowledgement",
                "attribution": ATTRIBUTION["census"],
                "indicators": [
                    _indicator(
                        "water_unimproved",
                        worse,
                        "want",
                        infra,
                        "Households with unimproved drinking water",
                        "%",
                    ),
                    _indicator(
                        "sanitation_unimproved",
                        worse,
                        "want",
                        infra,
                        "Households with unimproved sanitation",
                        "%",
                    ),
                    _indicator(
                        "cooking_solid_fuel",
                        worse,
                        "want",
                        infra,
                        "Households cooking with wood or charcoal",
                        "%",
                    ),
                    _indicator(
                        "no_electricity",
                        worse,
                        "want",
                        infra,
                        "Households without mains electricity",
                        "%",
                    ),
                    _indicator(
                        "floor_earth",
                        worse,
                        "want",
                        ["poverty"],
                        "Households with earth or dung floors",
                        "%",
                    ),
                    _indicator(
                        "no_internet",
                        worse,
                        "want",
                        infra,
                        "Households without internet access",
                        "%",
                    ),
                ],
            },
            {
                "name": "population2019",
                "file": "data/population2019.csv",
                "role": "indicators",
                "columns": {"area": "pcode", "year": "year"},
                "source": "OCHA COD-PS (KNBS 2019 census Volume III)",
                "licence": "CC BY-IGO 3.0",
                "attribution": ATTRIBUTION["population"],
                "indicators": [
                    _indicator("population", None, None, [], "Population (2019 census)", "people"),
                    _indicator(
                        "children_u5_share",
                        worse,
                        "want",
                        ["lack_of_health_care"],
                        "Children under 5",
                        "% of population",
                    ),
                ],
            },
            {
                "name": "ipc",
                "file": "data/ipc_food_insecurity.csv",
                "role": "indicators",
                "columns": {"area": "pcode", "year": "year"},
                "source": "IPC Kenya (HDX)",
                "licence": "CC0 (as recorded)",
                "attribution": ATTRIBUTION["ipc"],
                "notes": [
                    "Only arid and semi-arid counties are analysed by IPC: the others are "
                    "missing by design."
                ],
                "indicators": [
                    _indicator(
                        "food_insecurity",
                        worse,
                        "want",
                        ["hunger"],
                        "Population in IPC phase 3 or worse",
                        "%",
                    )
                ],
            },
            {
                "name": "conflict_ucdp",
                "file": "data/conflict_ucdp_ged.csv",
                "role": "indicators",
                "columns": {"area": "pcode", "year": "year"},
                "source": "UCDP GED (HDX export), aggregated by point in polygon",
                "licence": "CC BY 4.0",
                "attribution": ATTRIBUTION["ucdp"],
                "notes": ["0 = no event recorded by UCDP in the county and year."],
                "indicators": [
                    _indicator(
                        "conflict_events",
                        worse,
                        "fear",
                        ["armed_conflict"],
                        "UCDP conflict events",
                        "events",
                    ),
                    _indicator(
                        "conflict_fatalities",
                        worse,
                        "fear",
                        ["armed_conflict"],
                        "UCDP conflict fatalities (best estimate)",
                        "deaths",
                    ),
                    _indicator(
                        "conflict_events_5y",
                        worse,
                        "fear",
                        ["armed_conflict"],
                        "Conflict events in the last 5 years",
                        "per 100k people",
                    ),
                    _indicator(
                        "conflict_fatalities_5y",
                        worse,
                        "fear",
                        ["armed_conflict"],
                        "Conflict fatalities in the last 5 years",
                        "per 100k people",
                    ),
                ],
            },
            {
                "name": "gdl_health",
                "file": "data/gdl_health_index.csv",
                "role": "indicators",
                "columns": {"area": "pcode", "year": "year"},
                "source": "GDL Subnational HDI v5.0",
                "licence": "CC BY 4.0",
                "attribution": ATTRIBUTION["gdl"],
                "notes": ["Former-province values: every county of a province has the same value."],
                "indicators": [
                    _indicator(
                        "health_index",
                        "higher_is_better",
                        "want",
                        ["lack_of_health_care"],
                        "GDL health index",
                        "0-1",
                    )
                ],
            },
            {
                "name": "survey",
                "file": "data/survey_synthetic.parquet",
                "role": "survey",
                "year": 2024,
                "columns": {
                    "area": "area",
                    "weight": "weight",
                    "psu": "psu",
                    "strata": "stratum",
                    "household": "hh_id",
                },
                "source": "SYNTHETIC (humsec.data.synthetic_survey on the real counties)",
                "notes": [
                    "Synthetic: no open household microdata exists for Kenya; replace it "
                    "with your own survey (`humsec project add DIR FILE --role survey`)."
                ],
            },
            {
                "name": "scenario",
                "file": "specs/scenario.yaml",
                "role": "scenario",
                "source": "assumptions documented in the file; conflict rates from UCDP GED",
            },
            {
                "name": "measures",
                "file": "specs/measures.yaml",
                "role": "measures",
                "source": "illustrative measures; costs are assumptions",
            },
            {
                "name": "threew",
                "file": "data/threew_synthetic.csv",
                "role": "3w",
                "columns": {"area": "Admin1 Pcode", "org": "Organisation", "sector": "Sector",
                            "reached": "Reached", "targeted": "Targeted",
                            "activity": "Activity"},
                "source": "SYNTHETIC (fictional organisations; scripts/build_demo_project.py)",
                "notes": [
                    "Synthetic: there is no open Kenya 3W in the shared data; the organisations "
                    "are fictional. Replace it with your own 3W table (`humsec project add DIR "
                    "FILE --role 3w`)."
                ],
            },
            {
                "name": "candidates",
                "file": "data/candidates_illustrative.csv",
                "role": "candidates",
                "source": "ILLUSTRATIVE packages: costs and threat reductions are assumptions",
                "notes": [
                    "Illustrative: no benefit column, so the plan derives each benefit from the "
                    "project (equity weights, network ripples, erosion by shocks)."
                ],
            },
            {
                "name": "programme_integrated",
                "file": "programmes/integrated.yaml",
                "role": "programme",
                "source": "fictional example programme (multi-sector, multi-actor)",
            },
            {
                "name": "programme_siloed",
                "file": "programmes/siloed.yaml",
                "role": "programme",
                "source": "fictional example programme (sector-siloed)",
            },
        ],
        "specs": {
            "framework": "default",
            "index": "inform_subnational",
            "deprivation": "human_security_demo",
        },
        "settings": {"seed": 1, "n_years": 300, "k": 0.33, "min_psus": 5, "index_year": 2023},
        "plan": {"budget": PLAN_BUDGET, "one_per_area": True, "alternatives": 3,
                 "min_difference": 2, "gap": 0.0001},
        "attribution": [
            ATTRIBUTION[k] for k in ("boundaries", "census", "population", "ipc", "ucdp", "gdl")
        ],
    }


def _csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/humsec/project/demo"
    )
    args = parser.parse_args(argv)
    raw, out = args.raw, args.out
    if out.exists():
        shutil.rmtree(out)
    (out / "boundaries").mkdir(parents=True)
    (out / "specs").mkdir()
    shutil.copyfile(raw / BOUNDARY, out / "boundaries" / "ken_adm1_counties.topojson")
    pop = population(raw)
    census = census_indicators(raw)
    ipc_table = ipc(raw)
    conflict_table, n_events, outside = conflict(raw, pop)
    health = health_index(raw)
    _csv(census, out / "data" / "census2019_housing.csv")
    _csv(pop, out / "data" / "population2019.csv")
    _csv(ipc_table, out / "data" / "ipc_food_insecurity.csv")
    _csv(conflict_table, out / "data" / "conflict_ucdp_ged.csv")
    _csv(health, out / "data" / "gdl_health_index.csv")
    frame = survey(pop, raw)
    frame.to_parquet(out / "data" / "survey_synthetic.parquet", index=False, compression="zstd")
    layer = read_boundaries(out / "boundaries" / "ken_adm1_counties.topojson", 1)
    pcodes = layer.pcodes
    (out / "specs" / "scenario.yaml").write_text(
        "# Demo hazard scenario on Kenya's counties (built by scripts/build_demo_project.py).\n"
        + yaml.safe_dump(scenario(conflict_table, ipc_table, pcodes), sort_keys=False, width=100),
        encoding="utf-8",
    )
    arid = sorted(set(ipc_table["pcode"]))
    (out / "specs" / "measures.yaml").write_text(
        "# Demo risk-reduction measures (illustrative; costs in 2021 PPP $ are assumptions).\n"
        + yaml.safe_dump(measures(arid), sort_keys=False, width=100),
        encoding="utf-8",
    )
    county = dict(zip(layer.frame["pcode"], layer.frame["name"], strict=True))
    _csv(threew(pop, arid, county), out / "data" / "threew_synthetic.csv")
    _csv(candidates(pop, arid, conflict_table), out / "data" / "candidates_illustrative.csv")
    from humsec.programme import EXAMPLES, example_path

    (out / "programmes").mkdir()
    for name in EXAMPLES:
        text = example_path(name).read_text(encoding="utf-8")
        for generic, measure in DEMO_MEASURE_NAMES.items():
            text = text.replace(generic, measure)
        (out / "programmes" / f"{name}.yaml").write_text(
            "# Demo copy: risk measures named as the project's measures (specs/measures.yaml),\n"
            "# so that the appraisal simulates them on the project's scenario.\n" + text,
            encoding="utf-8",
        )
    files = [
        BOUNDARY,
        BOUNDARY_FULL,
        POPULATION,
        IPC,
        UCDP,
        GDL,
        GDL_CROSSWALK,
        *(census_file(t) for t in CENSUS_TABLES),
    ]
    hashes = {f: sha256(raw / f) for f in files}
    config = project_config(hashes)
    config["areas"] = [
        {"pcode": p, "name": n, "level": 1}
        for p, n in zip(layer.frame["pcode"], layer.frame["name"], strict=True)
    ]
    (out / "humsec.yaml").write_text(
        "# The humsec demo project: Kenya's 47 counties. Every path is relative to this folder.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    provenance = [
        "# Provenance of the demo project",
        "",
        "Built by `python scripts/build_demo_project.py --raw ../shared/data` from "
        "these raw files (paths relative to the raw data folder):",
        "",
        "| file | sha256 |",
        "|---|---|",
    ]
    provenance += [f"| `{f}` | `{h}` |" for f, h in hashes.items()]
    provenance += [
        "",
        "## Attribution",
        "",
        *(f"- {a}" for a in ATTRIBUTION.values()),
        "",
        "## Processing notes",
        "",
        f"- UCDP GED: {n_events} events; {outside} fall outside every county outline "
        "(lakes, coast, border) and are not counted.",
        "- The household survey is SYNTHETIC (humsec.data.synthetic_survey, seed "
        f"{SEED}, {HOUSEHOLDS} households): strata are former province x urban, "
        "each cluster is placed in a county of its province in proportion to the "
        "county's 2019 population, and weights sum to the 2019 census total.",
        "- The scenario's drought, flood, epidemic and price-shock frequencies are "
        "assumptions; conflict frequencies come from UCDP GED 2004-2023.",
        "- The 3W table (data/threew_synthetic.csv) is SYNTHETIC: fictional organisations "
        f"(seed {THREEW_SEED}) placed mostly in the arid and semi-arid counties; no open Kenya "
        "3W exists in the shared data.",
        "- The candidate packages (data/candidates_illustrative.csv) are ILLUSTRATIVE: costs "
        "per person and threat reductions are assumptions; their benefits are derived by "
        "the project's plan. The plan's budget (humsec.yaml `plan:`) is illustrative too.",
        "- The two programmes (programmes/) are the fictional examples of humsec.programme.",
        "- Never shipped: OPHI's county MPI (licence not verified).",
    ]
    (out / "PROVENANCE.md").write_text("\n".join(provenance) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path.relative_to(out)}: {path.stat().st_size / 1e3:.0f} kB")
    print(f"total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

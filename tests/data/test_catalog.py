"""Bundled data catalog: provenance, checksums against the raw files, size, load()."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from humsec.data import attribution, bundled_dir, catalog, dataset, load
from humsec.errors import DatasetNotFoundError

EXPECTED = {"hdr", "hdr_aggregates", "inform2020", "inform2025", "wdi", "ucdp_country_year",
            "countries", "world"}


def test_catalog_lists_every_dataset_with_provenance() -> None:
    entries = {e.name: e for e in catalog()}
    assert set(entries) == EXPECTED
    for entry in entries.values():
        assert entry.url.startswith("https://")
        assert entry.licence and entry.attribution and entry.version
        assert all(len(f.sha256) == 64 for f in entry.raw_files)
        assert entry.path.is_file()
    assert entries["hdr"].licence == "CC BY 3.0 IGO"
    assert entries["ucdp_country_year"].licence == "CC BY 4.0"


def test_catalog_sha256_matches_raw_files(raw_data_dir: Path) -> None:
    for entry in catalog():
        for raw in entry.raw_files:
            data = (raw_data_dir / raw.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == raw.sha256, raw.path
            assert len(data) == raw.bytes


def test_bundled_size_below_5_mb() -> None:
    total = sum(p.stat().st_size for p in bundled_dir().iterdir() if p.is_file())
    assert total < 5 * 1024 * 1024


def test_load_returns_copy_with_catalog_shape() -> None:
    first = load("inform2025")
    first.loc[0, "inform_risk"] = -1.0
    second = load("inform2025")
    assert (second["inform_risk"] >= 0).all()
    assert len(second) == dataset("inform2025").rows == 191
    assert list(second.columns) == dataset("inform2025").columns


def test_unknown_dataset_suggests_close_names() -> None:
    with pytest.raises(DatasetNotFoundError) as info:
        load("inform202")
    assert "inform2020" in str(info.value)


def test_attribution_mentions_each_publisher() -> None:
    text = " ".join(attribution())
    for publisher in ("UNDP", "Joint Research Centre", "World Bank", "Gleditsch", "Natural Earth"):
        assert publisher in text


def test_hdr_has_countries_only() -> None:
    hdr = load("hdr")
    assert not hdr["iso3"].str.startswith("ZZ").any()
    assert hdr["iso3"].nunique() == 195
    aggregates = load("hdr_aggregates")
    assert set(aggregates["code"]) >= {"ZZK.WORLD", "ZZJ.SSA"}


@pytest.mark.parametrize("iso3", ["NOR", "KEN", "AFG"])
def test_hdr_2022_values_match_raw_csv(iso3: str, raw_data_dir: Path) -> None:
    raw = pd.read_csv(raw_data_dir / "undp-hdr/HDR23-24_Composite_indices_complete_time_series.csv",
                      encoding="utf-8-sig").set_index("iso3")
    hdr = load("hdr").set_index(["iso3", "year", "variable"])["value"]
    for variable in ("hdi", "le", "mys", "gnipc", "gii"):
        assert hdr[(iso3, 2022, variable)] == pytest.approx(raw.loc[iso3, f"{variable}_2022"])


def test_hdr_known_values() -> None:
    hdr = load("hdr").set_index(["iso3", "year", "variable"])["value"]
    # HDR 2023/24 Table 1: Norway HDI 0.966, Kenya 0.601 (2022).
    assert hdr[("NOR", 2022, "hdi")] == pytest.approx(0.966)
    assert hdr[("KEN", 2022, "hdi")] == pytest.approx(0.601)


def test_inform2020_uses_snake_case_component_names() -> None:
    inform = load("inform2020").set_index("iso3")
    for name in ("earthquake", "flood", "tsunami", "tropical_cyclone", "drought", "epidemic",
                 "projected_conflict_risk", "current_conflict_intensity",
                 "development_deprivation", "inequality", "aid_dependency", "uprooted_people",
                 "health_conditions", "children_u5", "recent_shocks", "food_security", "drr",
                 "governance", "communication", "physical_infrastructure",
                 "access_to_health_care", "hazard_exposure", "vulnerability",
                 "lack_of_coping_capacity", "inform_risk", "risk_class", "rank"):
        assert name in inform.columns, name
    # Raw row for Afghanistan: risk 8, class Very High, rank 5, DRR 6.3; Albania DRR 'x'.
    assert inform.loc["AFG", "inform_risk"] == 8.0
    assert inform.loc["AFG", "risk_class"] == "Very High"
    assert inform.loc["AFG", "rank"] == 5
    assert inform.loc["AFG", "pct_missing_indicators"] == 12.0
    assert pd.isna(inform.loc["ALB", "drr"])
    assert inform["drr"].isna().sum() == 40


def test_inform_risk_is_geometric_mean_of_dimensions() -> None:
    for name in ("inform2020", "inform2025"):
        inform = load(name)
        geo = (inform["hazard_exposure"] * inform["vulnerability"]
               * inform["lack_of_coping_capacity"]) ** (1 / 3)
        assert (geo - inform["inform_risk"]).abs().max() <= 0.05 + 1e-9, name


def test_wdi_is_tidy_with_thirteen_variables() -> None:
    wdi = load("wdi")
    assert list(wdi.columns) == ["iso3", "year", "variable", "value"]
    assert wdi["variable"].nunique() == 13
    assert not wdi.duplicated(["iso3", "year", "variable"]).any()


def test_dataset_name_must_be_text() -> None:
    with pytest.raises(DatasetNotFoundError, match="text"):
        load(2020)  # type: ignore[arg-type]


def test_bundled_hdr_reproduces_published_hdi_2022() -> None:
    # UNDP HDI (HDR 2023/24 technical notes): geometric mean of
    # LEI = (le - 20) / 65, EI = (min(mys/15, 1) + min(eys/18, 1)) / 2,
    # II = (ln gnipc - ln 100) / (ln 75000 - ln 100), each capped at 1.
    import numpy as np

    for name, key in (("hdr", "iso3"), ("hdr_aggregates", "code")):
        table = load(name)
        wide = table[table["year"] == 2022].pivot(index=key, columns="variable", values="value")
        lei = ((wide["le"] - 20) / 65).clip(upper=1)
        ei = ((wide["mys"] / 15).clip(upper=1) + (wide["eys"] / 18).clip(upper=1)) / 2
        ii = ((np.log(wide["gnipc"]) - np.log(100)) / (np.log(75000) - np.log(100))).clip(upper=1)
        hdi = (lei * ei * ii) ** (1 / 3)
        published = wide["hdi"].dropna()
        assert len(published) == {"hdr": 193, "hdr_aggregates": 11}[name]
        assert (hdi[published.index].round(3) - published).abs().max() == 0.0

"""Country names and codes to ISO3, offline; the bundled country table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import countries, gw_to_iso3, load, match_countries, to_iso3
from humsec.errors import CountryMatchError, DataError


def test_variants_map_to_iso3() -> None:
    result = to_iso3(["Côte d'Ivoire", "Ivory Coast", "KEN", "Kenya", "Korea, Rep.",
                      "Congo, Dem. Rep.", "KE", 404, "404", "Türkiye", "Viet Nam"])
    assert list(result) == ["CIV", "CIV", "KEN", "KEN", "KOR", "COD", "KEN", "KEN", "KEN",
                            "TUR", "VNM"]


def test_single_string_returns_string() -> None:
    assert to_iso3("Bolivia (Plurinational State of)") == "BOL"


def test_unknown_names_are_all_listed() -> None:
    with pytest.raises(CountryMatchError) as info:
        to_iso3(["Kenya", "Atlantis", "Narnia", "Atlantis"], location="my.csv:country")
    assert info.value.unmatched == ["Atlantis", "Narnia"]
    assert "my.csv:country" in str(info.value) and "'Narnia'" in str(info.value)


def test_keep_returns_missing_and_reports_unmatched() -> None:
    values = pd.Series(["Kenya", "Atlantis", None, "Uganda"], index=[10, 11, 12, 13])
    result = to_iso3(values, unmatched="keep")
    assert list(result.index) == [10, 11, 12, 13]
    assert result[10] == "KEN" and result[13] == "UGA"
    assert pd.isna(result[11]) and pd.isna(result[12])
    assert result.attrs["unmatched"] == ["Atlantis"]  # a missing input is not a name


def test_match_counts_rows_not_names() -> None:
    match = match_countries(["Atlantis", "Atlantis", "Chad"])
    assert match.unmatched == ["Atlantis"]
    assert match.n_unmatched_rows == 2


def test_bad_unmatched_option() -> None:
    with pytest.raises(DataError):
        to_iso3(["Kenya"], unmatched="drop")  # type: ignore[arg-type]


def test_many_rows_are_fast_and_consistent() -> None:
    names = np.array(["Kenya", "Ivory Coast", "Korea, Rep.", "Germany"] * 5000)
    result = to_iso3(pd.Series(names))
    assert result.value_counts().to_dict() == {"KEN": 5000, "CIV": 5000, "KOR": 5000,
                                               "DEU": 5000}


def test_gleditsch_ward_codes() -> None:
    codes = pd.Series([2, 200, 365, 816, 817, 678, 680, 345, np.nan])
    assert gw_to_iso3(codes).tolist()[:8] == ["USA", "GBR", "RUS", "VNM", "VNM", "YEM", "YEM",
                                              "SRB"]
    with pytest.raises(DataError, match="9999"):
        gw_to_iso3(pd.Series([9999]))


def test_country_table_covers_every_bundled_code() -> None:
    table = countries()
    assert table["iso3"].is_unique
    codes = set(table["iso3"])
    for name in ("hdr", "wdi", "inform2020", "inform2025", "ucdp_country_year"):
        assert set(load(name)["iso3"]) <= codes, name
    kenya = table.set_index("iso3").loc["KEN"]
    assert kenya["name"] == "Kenya" and kenya["iso2"] == "KE" and kenya["iso_numeric"] == 404
    assert kenya["continent"] == "Africa" and kenya["hdr_region"] == "SSA"
    assert kenya["hdr_group"] == "Medium"
    assert table.set_index("iso3").loc["XKX", "name"] == "Kosovo"


def test_a_table_is_refused() -> None:
    with pytest.raises(DataError, match="one column"):
        to_iso3(pd.DataFrame({"country": ["Kenya"]}))


@pytest.mark.parametrize("column", ["iso3", "iso2", "iso_numeric", "name", "official_name"])
def test_every_bundled_country_round_trips(column: str) -> None:
    table = countries()
    rows = table[table[column].notna()]
    result = to_iso3(rows[column].astype(object))
    assert result.tolist() == rows["iso3"].tolist()
    assert len(rows) >= 245


def test_alternative_iso2_codes() -> None:
    assert list(to_iso3(["GR", "EL", "UK", "GB"])) == ["GRC", "GRC", "GBR", "GBR"]

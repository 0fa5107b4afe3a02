"""country_panel: shape, values from the sources, NaN never 0, errors."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.data import country_panel, indicator_registry, load
from humsec.errors import ColumnError


def test_default_panel_has_every_registered_indicator() -> None:
    panel = country_panel()
    assert list(panel.columns) == indicator_registry().codes()
    assert panel.index.names == ["iso3", "year"]
    assert panel.index.is_unique
    assert not panel.index.get_level_values("iso3").str.startswith("ZZ").any()
    assert all(dtype == np.float64 for dtype in panel.dtypes)
    # Full grid: every country has the same years.
    assert panel.groupby(level="iso3").size().nunique() == 1


def test_values_come_from_sources() -> None:
    panel = country_panel(["hdi", "inform_risk", "conflict_any", "inflation"], years=[2020, 2022])
    assert panel.shape[1] == 4
    assert set(panel.index.get_level_values("year")) == {2020, 2022}
    assert panel.loc[("KEN", 2022), "hdi"] == pytest.approx(0.601)
    assert panel.loc[("AFG", 2020), "inform_risk"] == 8.0
    assert panel.loc[("AFG", 2020), "conflict_any"] == 1.0
    assert panel.loc[("NOR", 2020), "conflict_any"] == 0.0
    wdi = load("wdi").set_index(["iso3", "year", "variable"])["value"]
    assert panel.loc[("KEN", 2020), "inflation"] == wdi[("KEN", 2020, "inf")]


def test_inform_years_are_stacked() -> None:
    panel = country_panel("inform_risk", years=[2020, 2025])
    assert panel.loc[("NOR", 2020), "inform_risk"] == 0.9
    assert panel.loc[("NOR", 2025), "inform_risk"] == 1.8


def test_missing_stays_nan_not_zero() -> None:
    panel = country_panel(["hdi", "inform_lack_of_drr"], years=2020)
    # INFORM publishes DRR as 'x' for Albania; HDR has no HDI for North Korea in 2020.
    assert np.isnan(panel.loc[("ALB", 2020), "inform_lack_of_drr"])
    assert np.isnan(panel.loc[("PRK", 2020), "hdi"])
    # HDI has no values in 2025 at all: the year still appears, all NaN.
    panel = country_panel(["hdi", "inform_risk"], years=[2025])
    assert panel["hdi"].isna().all() and panel["inform_risk"].notna().sum() == 191
    assert panel.attrs["coverage"]["hdi"] == 0.0


def test_unknown_code_suggests_close_matches() -> None:
    with pytest.raises(ColumnError) as info:
        country_panel(["hdi", "life_expectency"])
    assert "life_expectancy" in str(info.value)
    with pytest.raises(ColumnError, match="twice"):
        country_panel(["hdi", "hdi"])


def test_years_are_validated() -> None:
    from humsec.errors import DataError

    with pytest.raises(DataError, match="text"):
        country_panel("hdi", years="2020")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="whole numbers"):
        country_panel("hdi", years=["twenty"])  # type: ignore[list-item]
    panel = country_panel("hdi", years=range(2018, 2021))
    assert sorted(set(panel.index.get_level_values("year"))) == [2018, 2019, 2020]


def test_countries_filter_keeps_requested_rows() -> None:
    panel = country_panel(["hdi", "conflict_any"], years=[2020, 2020], countries=["Kenya", "NOR"])
    assert list(panel.index) == [("KEN", 2020), ("NOR", 2020)]
    assert panel.loc[("KEN", 2020), "conflict_any"] == 1.0
    # Kosovo has no HDR or UCDP entry: still a row, all missing.
    panel = country_panel("hdi", years=2020, countries="XKX")
    assert list(panel.index) == [("XKX", 2020)] and panel["hdi"].isna().all()
    from humsec.errors import CountryMatchError

    with pytest.raises(CountryMatchError, match="Atlantis"):
        country_panel("hdi", countries=["Atlantis"])

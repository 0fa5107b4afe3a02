"""UCDP/PRIO conflict-years to country-years; spot checks worked out by hand on the raw rows."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.data import load, ucdp_country_year
from humsec.errors import ColumnError


@pytest.fixture(scope="module")
def ucdp() -> pd.DataFrame:
    return load("ucdp_country_year").set_index(["iso3", "year"])


def test_full_grid_with_explicit_zeros(ucdp: pd.DataFrame) -> None:
    years = ucdp.index.get_level_values("year")
    assert years.min() == 1946 and years.max() == 2024
    per_country = ucdp.groupby(level="iso3").size()
    assert (per_country == 2024 - 1946 + 1).all()
    assert not ucdp.isna().any().any()
    assert ucdp.loc[("NOR", 2003), "any_conflict"] == 0


def test_hand_checked_country_years(ucdp: pd.DataFrame) -> None:
    # USA 2003: primary in conflict 418 (intensity 1) and the Iraq war 420 (intensity 2, raw
    # gwno_a "2, 200, 900" split into rows); supporter in conflict 333 (Afghanistan).
    assert ucdp.loc[("USA", 2003)].tolist() == [1, 2, 2, 1]
    # Iraq 2003: side B of conflict 420 only.
    assert ucdp.loc[("IRQ", 2003)].tolist() == [1, 2, 1, 0]
    # Kenya 2020: side A of 13646 (intensity 1); supporter in 11347, 14113 (Mali) and 337.
    assert ucdp.loc[("KEN", 2020)].tolist() == [1, 1, 1, 3]
    # Norway 2003: supporter only (conflicts 333 and 418): not itself in conflict.
    assert ucdp.loc[("NOR", 2003)].tolist() == [0, 0, 0, 2]


def test_aggregation_on_small_table() -> None:
    acd = pd.DataFrame(
        {
            "conflict_id": [1, 1, 1, 2, 3],
            "year": [2000, 2000, 2000, 2000, 2001],
            "gwno_a": [501, 501, 501, "500, 501", 2],
            "gwno_a_2nd": [2, 200, None, None, None],
            "gwno_b": [None, None, None, None, 501],
            "gwno_b_2nd": [None, None, None, None, None],
            "intensity_level": [1, 1, 1, 2, 1],
        }
    )
    out = ucdp_country_year(acd, countries=["TZA"]).set_index(["iso3", "year"])
    assert out.loc[("KEN", 2000)].tolist() == [1, 2, 2, 0]  # conflict 1 counted once
    assert out.loc[("UGA", 2000)].tolist() == [1, 2, 1, 0]
    assert out.loc[("GBR", 2000)].tolist() == [0, 0, 0, 1]
    assert out.loc[("KEN", 2001)].tolist() == [1, 1, 1, 0]
    assert out.loc[("TZA", 2001)].tolist() == [0, 0, 0, 0]
    assert len(out) == 5 * 2  # KEN, UGA, USA, GBR, TZA x 2000-2001


def test_missing_columns_are_named() -> None:
    with pytest.raises(ColumnError, match="intensity_level"):
        ucdp_country_year(pd.DataFrame({"conflict_id": [1], "year": [2000], "gwno_a": [2]}),
                          countries=[])

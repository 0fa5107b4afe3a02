"""Sector severity 1-5: household maximum, in need, profiles, people in need (JIAF-style)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.deprivation.severity import sector_severity
from humsec.errors import ColumnError

DATA = pd.DataFrame(
    {
        "hh": [1, 1, 2, 3, 4, 5],
        "area": ["A", "A", "A", "B", "B", "B"],
        "sex": ["f", "m", "f", "f", "m", "m"],
        "food": [2, np.nan, 4, 1, 3, np.nan],
        "wash": [3, 1, 2, 1, 3, np.nan],
        "health": [1, 1, 5, 2, 1, np.nan],
        "w": [1.0, 1.0, 2.0, 1.0, 3.0, 1.0],
    }
)


def test_household_max_in_need_and_profiles() -> None:
    r = sector_severity(DATA, ["food", "wash", "health"], household="hh", weight="w", area="area")
    u = r.units
    # Household 1 members share the household's sector maxima: food 2, wash 3, health 1.
    assert list(u["severity"]) == [3, 3, 5, 2, 3]
    assert list(u["in_need"]) == [True, True, True, False, True]
    assert list(u["severe"]) == [False, False, True, False, False]
    assert list(u["n_sectors_in_need"]) == [1, 1, 2, 0, 2]
    assert list(u["profile"]) == ["wash", "wash", "food+health", "none", "food+wash"]
    assert r.dropped == 1  # household 5 has no sector scored
    pin = r.people_in_need.set_index("area")
    # Area A: people 1 + 1 + 2 = 4; food PiN 2 (hh 2), wash PiN 2 (hh 1), health 2 (hh 2).
    assert pin.loc["A", "people"] == 4
    assert pin.loc["A", "pin_food"] == 2 and pin.loc["A", "pin_wash"] == 2
    assert pin.loc["A", "pin_max_sector"] == 2
    assert pin.loc["A", "pin_any_sector"] == 4
    assert pin.loc["A", "pin_severe"] == 2
    # Area B: hh 3 (w 1, none) and hh 4 (w 3, food + wash).
    assert pin.loc["B", "pin_max_sector"] == 3 and pin.loc["B", "people"] == 4
    assert pin.loc["B", "phase_3"] == 3 and pin.loc["B", "phase_2"] == 1
    shares = r.profiles.set_index("profile")["share"]
    assert shares.sum() == pytest.approx(1.0)
    assert shares["food+wash"] == pytest.approx(3 / 8)


def test_area_by_group_breakdown() -> None:
    r = sector_severity(DATA, ["food", "wash"], weight="w", area="area", group="sex")
    pin = r.people_in_need.set_index(["area", "sex"])
    assert pin.loc[("A", "f"), "pin_any_sector"] == 3  # person 1 (wash 3) + person 3 (food 4)
    assert pin.loc[("A", "m"), "pin_any_sector"] == 0


def test_bad_severity_values() -> None:
    with pytest.raises(ColumnError, match="integer 1-5"):
        sector_severity(DATA.assign(food=[0, 1, 2, 3, 4, 5]), ["food"])
    with pytest.raises(ColumnError, match="integer 1-5"):
        sector_severity(DATA.assign(food=["x", 1, 2, 3, 4, 5]), ["food"])
    with pytest.raises(ColumnError, match="not in the data"):
        sector_severity(DATA, ["shelter"])


HOUSEHOLDS = pd.DataFrame(
    {
        "area": ["A", "A", "B", "B"],
        "size": [5, 2, 4, 3],
        "hh_weight": [10.0, 10.0, 20.0, 20.0],
        "food": [3, 1, 4, np.nan],
        "wash": [1, np.nan, 3, 2],
    }
)


def test_people_in_need_counts_persons_on_household_rows() -> None:
    r = sector_severity(HOUSEHOLDS, ["food", "wash"], weight="hh_weight",
                        household_size="size", area="area")
    pin = r.people_in_need.set_index("area")
    # Area A: 10 x 5 + 10 x 2 = 70 persons; only household 1 (5 members, weight 10) in need.
    assert pin.loc["A", "people"] == 70
    assert pin.loc["A", "pin_food"] == 50 and pin.loc["A", "pin_max_sector"] == 50
    assert pin.loc["A", "households"] == 20 and pin.loc["A", "households_in_need"] == 10
    # Area B: 20 x 4 + 20 x 3 = 140 persons; household 3 in need in food (4) and wash (3).
    assert pin.loc["B", "people"] == 140
    assert pin.loc["B", "pin_food"] == 80 and pin.loc["B", "pin_wash"] == 80
    assert pin.loc["B", "share_in_need"] == pytest.approx(80 / 140)
    # Missing sector scores are reported, in persons, where they are.
    assert pin.loc["A", "missing_wash"] == 20 and pin.loc["A", "missing_food"] == 0
    assert pin.loc["B", "missing_food"] == 60
    assert r.missing == {"food": 1, "wash": 1}
    units = r.to_frame().attrs["units"]
    assert units["area"] == "key" and units["pin_food"] == "persons"
    assert units["households_in_need"] == "households"
    assert units["share_in_need"] == "share of persons"
    assert set(units) == set(r.people_in_need.columns)


def test_household_sizes_are_checked() -> None:
    with pytest.raises(ColumnError,
                       match=r"'size', row 1: household size must be a number > 0.*e.g. 0\n"):
        sector_severity(HOUSEHOLDS.assign(size=[5, 0, 4, 3]), ["food"], household_size="size")
    with pytest.raises(ColumnError, match="not both"):
        sector_severity(DATA, ["food"], household="hh", household_size="w")
    # without household_size every row is one person (weight = person weight)
    r = sector_severity(HOUSEHOLDS, ["food", "wash"], weight="hh_weight")
    assert r.people_in_need["people"].iloc[0] == 60
    assert "households" not in r.people_in_need.columns

"""`humsec deprivation severity --household-size`: people in need in persons, with the unit of
every column printed (JIAF 2.0 counts people, not households)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app


def test_household_rows_count_their_members(tmp_path: Path) -> None:
    # Three households of 4, 2 and 5 members; food 3 and 4 put households 1 and 3 in need.
    data = tmp_path / "hh.csv"
    pd.DataFrame({"food": [3, 1, 4], "wash": [1, 2, None], "size": [4, 2, 5]}).to_csv(
        data, index=False)
    out = tmp_path / "pin.csv"
    result = CliRunner().invoke(app, ["deprivation", "severity", "--data", str(data),
                                      "--sectors", "food,wash", "--household-size", "size",
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    pin = pd.read_csv(out, skiprows=[1]).iloc[0]  # row 2 holds the units
    assert pin["people"] == 11 and pin["pin_food"] == 9 and pin["pin_max_sector"] == 9
    assert pin["households"] == 3 and pin["households_in_need"] == 2
    assert pin["missing_wash"] == 5  # household 3's 5 members have no wash score
    assert pin["share_in_need"] == pytest.approx(9 / 11)
    flat = " ".join(result.output.split())
    assert "units: persons = people, pin_any_sector" in flat
    assert "households = households, households_in_need" in flat
    assert "share of persons = share_in_need" in flat
    assert "missing sector score (not counted as 1): food 0, wash 1" in flat


def test_household_size_and_person_rows_are_not_both_given(tmp_path: Path) -> None:
    data = tmp_path / "hh.csv"
    pd.DataFrame({"hh": [1, 1], "food": [3, 1], "size": [2, 2]}).to_csv(data, index=False)
    result = CliRunner().invoke(app, ["deprivation", "severity", "--data", str(data),
                                      "--sectors", "food", "--household", "hh",
                                      "--household-size", "size"])  # fmt: skip
    assert result.exit_code == 2 and "not both" in result.output

"""`humsec deprivation severity --out` writes the unit of every column (persons, households,
share of persons) into the file, in each format: a second header row in CSV, field metadata
in Parquet, a units sheet in XLSX, a units object in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from humsec.cli import app

UNITS = {
    "people": "persons", "pin_any_sector": "persons", "pin_food": "persons",
    "missing_wash": "persons", "households": "households", "households_in_need": "households",
    "pin_max_sector": "persons", "share_in_need": "share of persons",
}  # fmt: skip


def _run(tmp_path: Path, suffix: str) -> Path:
    # Households of 4, 2 and 5 members in areas A, B, A; food 3 and 4 put households 1 and
    # 3 (9 persons, both in A) in need.
    data = tmp_path / "hh.csv"
    pd.DataFrame({"food": [3, 1, 4], "wash": [1, 2, None], "size": [4, 2, 5],
                  "area": ["A", "B", "A"]}).to_csv(data, index=False)  # fmt: skip
    out = tmp_path / f"pin{suffix}"
    result = CliRunner().invoke(app, ["deprivation", "severity", "--data", str(data),
                                      "--sectors", "food,wash", "--household-size", "size",
                                      "--area", "area", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_csv_has_a_units_row(tmp_path: Path) -> None:
    out = _run(tmp_path, ".csv")
    lines = out.read_text().splitlines()
    header, units = lines[0].split(","), lines[1].split(",")
    got = dict(zip(header, units, strict=True))
    assert got["area"] == "" and {c: got[c] for c in UNITS} == UNITS
    table = pd.read_csv(out, header=[0, 1])
    assert table[("people", "persons")].tolist() == [9.0, 2.0]
    assert table[("households", "households")].tolist() == [2.0, 1.0]
    assert table[("share_in_need", "share of persons")].tolist() == [1.0, 0.0]
    profiles = pd.read_csv(tmp_path / "pin_profiles.csv", header=[0, 1])
    assert ("share", "share of persons") in profiles.columns


def test_parquet_has_unit_field_metadata(tmp_path: Path) -> None:
    out = _run(tmp_path, ".parquet")
    schema = pq.read_schema(out)
    for column, unit in UNITS.items():
        assert schema.field(column).metadata == {b"unit": unit.encode()}
    assert schema.field("area").metadata is None
    table = pd.read_parquet(out)  # the data read as before
    assert table["people"].tolist() == [9.0, 2.0] and table["area"].tolist() == ["A", "B"]


def test_xlsx_has_a_units_sheet(tmp_path: Path) -> None:
    out = _run(tmp_path, ".xlsx")
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Sheet1", "units"]
    units = {column: unit for column, unit in workbook["units"].iter_rows(min_row=2,
                                                                         values_only=True)}
    assert units["area"] is None and {c: units[c] for c in UNITS} == UNITS
    assert pd.read_excel(out)["pin_max_sector"].tolist() == [9, 0]


def test_json_has_a_units_object(tmp_path: Path) -> None:
    out = _run(tmp_path, ".json")
    payload = json.loads(out.read_text())
    assert {c: payload["units"][c] for c in UNITS} == UNITS and payload["units"]["area"] == ""
    assert [row["people"] for row in payload["data"]] == [9.0, 2.0]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".json"])
def test_tables_without_units_are_written_as_before(tmp_path: Path, suffix: str) -> None:
    from humsec.data import write_table

    frame = pd.DataFrame({"a": [1.5, 2.0], "b": ["x", "y"]})
    out = write_table(frame, tmp_path / f"t{suffix}", index=False)
    if suffix == ".csv":
        assert out.read_text().splitlines()[:2] == ["a,b", "1.5,x"]
    elif suffix == ".json":
        assert json.loads(out.read_text()) == [{"a": 1.5, "b": "x"}, {"a": 2.0, "b": "y"}]
    elif suffix == ".parquet":
        assert pq.read_schema(out).field("a").metadata is None
    else:
        assert load_workbook(out).sheetnames == ["Sheet1"]

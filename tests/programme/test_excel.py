"""The Excel template: dropdown validation for ids, and YAML -> Excel -> YAML without loss."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from humsec.errors import SpecError
from humsec.programme import example_programme, excel_template, read_excel


@pytest.mark.parametrize("name", ["integrated", "siloed"])
def test_yaml_excel_yaml_round_trip(tmp_path: Path, name: str) -> None:
    prog = example_programme(name)
    path = tmp_path / "prog.xlsx"
    excel_template(prog).save(path)
    again = read_excel(path)
    assert yaml.safe_load(again.to_yaml()) == yaml.safe_load(prog.to_yaml())
    assert again.where("components[1].sector") == "prog.xlsx[components]!C3 (components[1].sector)"


def test_template_has_dropdowns_for_ids(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    excel_template(areas=["KE001", "KE002"]).save(path)
    book = load_workbook(path)
    rules = {str(dv.sqref): dv.formula1 for dv in book["threats"].data_validations.dataValidation}
    assert rules == {"B2:B500": "=lists!$A$2:$A$14"}  # the framework's 13 threats
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"][1:14]][:2] == ["armed_conflict", "terrorism"]
    actor_rules = {str(dv.sqref) for dv in book["actors"].data_validations.dataValidation}
    assert actor_rules == {"C2:C500", "D2:D500"}


def test_bad_cells_are_named(tmp_path: Path) -> None:
    prog = example_programme("siloed")
    book = excel_template(prog)
    book["threats"]["B2"] = "povrety"
    book["actors"].append(["ghost", "Someone", "ngo", "implementing"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(SpecError, match=r"bad\.xlsx\[actors\]!A5: component 'ghost'"):
        read_excel(path)
    book["actors"].delete_rows(5)
    book.save(path)
    with pytest.raises(SpecError, match="unknown threat 'povrety'; did you mean 'poverty'"):
        read_excel(path)

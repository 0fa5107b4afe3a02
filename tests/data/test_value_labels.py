"""Categories written as value labels or as codes (Stata/SPSS columns)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from humsec.data import column_labels, read_table, resolve_categories
from humsec.errors import SpecError

WATER = {1: "piped", 2: "river", 3: "pond", 4: "Unprotected well"}


def test_labels_and_codes_give_the_stored_codes() -> None:
    where = "spec node 'x'"
    assert resolve_categories(["river", "pond"], WATER, column="water", where=where) == [2, 3]
    # Codes as numbers or as text, labels ignoring case and spaces; no code twice.
    got = resolve_categories([2, "3", 3.0, " unprotected WELL ", "river"], WATER,
                             column="water", where=where)  # fmt: skip
    assert got == [2, 3, 4]
    # Without labels (CSV, Parquet) the categories are taken as written.
    assert resolve_categories(["river"], None, column="water", where=where) == ["river"]


def test_a_category_that_is_neither_lists_the_valid_labels() -> None:
    with pytest.raises(SpecError, match="neither a value label nor a code") as info:
        resolve_categories(["lake"], WATER, column="water", where="spec node 'd_wtr'")
    text = str(info.value)
    assert "spec node 'd_wtr'" in text and "'river' (2)" in text and "'pond' (3)" in text


def test_a_code_that_is_another_codes_label_is_ambiguous() -> None:
    with pytest.raises(SpecError, match="both code 1 and the label of code 2"):
        resolve_categories(["1"], {1: "none", 2: "1"}, column="rooms", where="x")


def test_labels_travel_with_frames_read_from_stata(tmp_path: Path) -> None:
    path = tmp_path / "s.dta"
    frame = pd.DataFrame({"water": [1, 2, 3], "age": [30, 40, 50]})
    pyreadstat.write_dta(frame, str(path), variable_value_labels={"water": WATER})
    labels = column_labels(read_table(path))
    assert labels == {"water": WATER}
    assert column_labels(frame) == {}

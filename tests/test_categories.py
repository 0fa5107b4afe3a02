"""Categories written as value labels or as codes (Stata/SPSS columns): humsec.categories,
the one resolution that cutoffs and group rules share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from humsec.categories import match_categories
from humsec.data import column_labels, read_table, resolve_categories
from humsec.errors import ColumnError, SpecError

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


def test_the_unknown_category_error_suggests_the_nearest_label() -> None:
    with pytest.raises(SpecError, match=r"valid labels \(codes\): 'piped' \(1\).*did you mean "
                       r"'river'"):
        resolve_categories(["rivr"], WATER, column="water", where="spec node 'd_wtr'")


def test_a_yaml_true_means_code_one() -> None:
    # YAML reads `cutoff: [yes]` as True; on a column coded 0 no / 1 yes it is code 1.
    assert resolve_categories([True], {0: "no", 1: "yes"}, column="x", where="w") == [1]


def test_group_rules_and_cutoffs_resolve_categories_alike() -> None:
    # One resolution: what a cutoff means by a category, a group rule means too.
    labels = {1: "none", 2: "1", 3: "two"}
    column = pd.Series([1, 2, 3, 2, None], name="rooms")
    for written, codes in ((["two"], [3]), (["TWO ", 2], [3, 2]), ([2.0], [2])):
        assert resolve_categories(written, labels, column="rooms", where="w") == codes
        mask = match_categories(column, written, labels=labels, location="w")
        assert mask.tolist() == [c in codes for c in [1, 2, 3, 2, -1]]
    # the ambiguous "1" is refused by both (the group rule silently took code 1 before)
    for call in (lambda: resolve_categories(["1"], labels, column="rooms", where="w"),
                 lambda: match_categories(column, ["1"], labels=labels, location="w")):
        with pytest.raises(SpecError, match="both code 1 and the label of code 2"):
            call()


def test_group_rule_values_are_alternatives_but_one_must_match() -> None:
    column = pd.Series([1, 2, 2], name="sex")
    labels = {1: "Male", 2: "Female"}
    assert match_categories(column, ["female", "f"], labels=labels,
                            location="w").tolist() == [False, True, True]  # fmt: skip
    with pytest.raises(ColumnError, match=r"categories \['femail', 'w'\] are neither .*did you "
                       r"mean 'Female'"):
        match_categories(column, ["femail", "w"], labels=labels, location="group 'women'")

"""HXL hashtags: parsing, tag-pattern matching, detection, read and write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from humsec.data.hxl import (
    HxlPattern,
    HxlTag,
    find_column,
    find_columns,
    find_hashtag_row,
    read_hxl,
    require_tags,
    select_tags,
    write_hxl,
)
from humsec.data.readers import read_table
from humsec.errors import ColumnError, DataError

FIXTURES = Path(__file__).parent / "fixtures_readers"


def test_tag_parsing_is_case_and_order_insensitive() -> None:
    tag = HxlTag.parse(" #Affected +F+children ")
    assert tag == HxlTag("affected", frozenset({"f", "children"}))
    assert tag == HxlTag.parse("#affected+children+f")
    assert str(tag) == "#affected+children+f"
    with pytest.raises(DataError, match="not an HXL hashtag"):
        HxlTag.parse("affected+f")
    with pytest.raises(DataError):
        HxlTag.parse("#affected f")


@pytest.mark.parametrize(
    ("pattern", "tag", "expected"),
    [
        ("#affected", "#affected+f+children", True),
        ("#affected+f", "#affected+children+f", True),
        ("#AFFECTED+F", "#affected+f", True),
        ("#affected+m", "#affected+f+children", False),
        ("#affected-children", "#affected+f+children", False),
        ("#affected-children", "#affected+f", True),
        ("#affected+f!", "#affected+f+children", False),
        ("#affected+f!", "#affected+f", True),
        ("#country", "#country+code", True),
        ("#country+code", "#country+name", False),
        ("#adm1", "#adm1+code", True),
        ("#adm1", "#adm2+code", False),
    ],
)
def test_pattern_matching(pattern: str, tag: str, expected: bool) -> None:
    assert HxlPattern.parse(pattern).matches(tag) is expected


def test_hashtag_row_detection() -> None:
    assert find_hashtag_row([["#country+code", "#affected"], ["KEN", "5"]]) == 0
    assert find_hashtag_row([["Country", "N"], ["#country+code", "#affected"], ["KEN", "5"]]) == 1
    # a row with an untagged column still counts when most non-empty cells are hashtags
    assert find_hashtag_row([["a", "b", "c"], ["#org", "", "#sector"]]) == 1
    assert find_hashtag_row([["a", "b"], ["#1 choice", "x"], ["#org", "notes"]]) is None
    assert find_hashtag_row([["Country", "N"], ["KEN", "5"]]) is None


def test_read_fixture_with_header_and_required_tags() -> None:
    path = FIXTURES / "3w_hxl.csv"
    frame = read_hxl(path, required=["#country+code", "#adm1+code", "#org", "#reached"])
    assert len(frame) == 4
    assert frame.attrs["first_data_line"] == 3
    assert frame.attrs["hxl"]["Admin 1 P-code"] == "#adm1+code"
    assert find_column(frame, "#adm1+code") == "Admin 1 P-code"
    # two header cells read "People reached"; the hashtags tell them apart
    reached = find_columns(frame, "#reached")
    assert reached == ["#reached+f", "#reached+m"]
    assert frame[reached].sum().tolist() == [450, 380]
    assert frame[find_column(frame, "#reached+f")].tolist() == [120, 80, 200, 50]
    with pytest.raises(ColumnError, match="2 columns match #reached"):
        find_column(frame, "#reached")
    with pytest.raises(ColumnError, match="no column is tagged #inneed"):
        find_column(frame, "#inneed")


def test_missing_required_tags_lists_missing_and_found() -> None:
    path = FIXTURES / "3w_hxl.csv"
    with pytest.raises(ColumnError) as info:
        read_hxl(path, required=["#country+code", "#inneed", "#targeted+f"])
    text = str(info.value)
    assert "missing HXL tag(s): #inneed, #targeted+f" in text
    assert "found: #adm1+code, #adm1+name, #country+code, #org+impl" in text
    assert str(path) in text


def test_auto_detection_in_read_table_and_opt_out(tmp_path: Path) -> None:
    path = tmp_path / "only_tags.csv"
    path.write_text("#country+code,#affected+f\nKEN,5\nMLI,7\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["#country+code", "#affected+f"]
    assert frame["#affected+f"].tolist() == [5, 7]
    assert frame.attrs["first_data_line"] == 2
    raw = read_table(path, hxl=False)
    assert "hxl" not in raw.attrs and raw.iloc[0, 0] == "KEN"
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "hxl" not in read_table(plain).attrs
    with pytest.raises(ColumnError, match="no HXL hashtag row"):
        read_hxl(plain)


def test_hxl_in_excel(tmp_path: Path) -> None:
    path = tmp_path / "h.xlsx"
    grid = pd.DataFrame(
        [["Country", "Affected"], ["#country+code", "#affected+f"], ["KEN", 5], ["MLI", 7]]
    )
    grid.to_excel(path, index=False, header=False)
    frame = read_hxl(path, required=["#affected"])
    assert frame["Affected"].tolist() == [5, 7]
    assert frame.attrs["first_data_line"] == 3


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"iso3": ["KEN", "MLI"], "pin": [1200, 3400], "note": ["a, b", "c"]})
    out = tmp_path / "out" / "pin.csv"
    write_hxl(frame, {"iso3": "#country+code", "pin": "#inneed+total"}, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["iso3,pin,note", "#country+code,#inneed+total,"]
    back = read_hxl(out, required=["#country+code", "#inneed"])
    assert back["pin"].tolist() == [1200, 3400]
    assert back["note"].tolist() == ["a, b", "c"]
    assert back.attrs["hxl"] == {"iso3": "#country+code", "pin": "#inneed+total"}
    # writing from the attrs of a frame that was read
    again = tmp_path / "again.csv"
    write_hxl(back, None, again)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_write_rejects_bad_tags_and_leaves_nothing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"iso3": ["KEN"]})
    out = tmp_path / "bad.csv"
    with pytest.raises(DataError, match="not an HXL hashtag"):
        write_hxl(frame, {"iso3": "country code"}, out)
    with pytest.raises(ColumnError, match="did you mean 'iso3'"):
        write_hxl(frame, {"iso": "#country+code"}, out)
    assert list(tmp_path.iterdir()) == []


def test_require_tags_on_untagged_frame() -> None:
    with pytest.raises(ColumnError, match="no hashtags at all"):
        require_tags(pd.DataFrame({"a": [1]}), ["#country"])


def test_select_tags_renames_and_reports_all_problems() -> None:
    frame = read_hxl(FIXTURES / "3w_hxl.csv")
    tidy = select_tags(
        frame,
        {"iso3": "#country+code", "pcode": "#adm1+code", "org": "#org", "reached_f": "#reached+f"},
    )
    assert list(tidy.columns) == ["iso3", "pcode", "org", "reached_f"]
    assert tidy["pcode"].tolist() == ["KE023", "KE010", "SO24", "SO22"]
    assert tidy.attrs["hxl"]["reached_f"] == "#reached+f"
    assert tidy.attrs["source"] == str(FIXTURES / "3w_hxl.csv")
    with pytest.raises(ColumnError) as info:
        select_tags(frame, {"reached": "#reached", "pin": "#inneed", "iso3": "#country"})
    text = str(info.value)
    assert "reached: 2 columns match #reached" in text and "pin: no column is tagged" in text

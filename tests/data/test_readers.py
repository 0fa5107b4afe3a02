"""Readers for user data (every format and encoding), validation helpers and reshaping."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.data.readers import _layout, decode_bytes, read_table, sniff_delimiter
from humsec.data.shape import to_long, to_wide, years_to_long
from humsec.data.validation import (
    file_lines,
    require_between,
    require_columns,
    require_in,
    require_numeric,
    require_unique,
)
from humsec.errors import ColumnError, DataError

CIV = "Côte d'Ivoire"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("latin-1", "cp1252"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    text = f"iso3,country,value\nCIV,{CIV},1.5\nREU,Réunion,2\n"
    frame = read_table(write(tmp_path / "c.csv", text, encoding))
    assert frame["country"].tolist() == [CIV, "Réunion"]
    assert frame["value"].tolist() == [1.5, 2.0]
    assert list(frame.columns) == ["iso3", "country", "value"]  # no BOM left in a name
    assert frame.attrs["encoding"] == expected


def test_cp1252_punctuation_is_not_read_as_central_european(tmp_path: Path) -> None:
    text = "name,note\nÅlesund,“quoted” – dash\n"
    frame = read_table(write(tmp_path / "w.csv", text, "cp1252"))
    assert frame.loc[0, "name"] == "Ålesund"
    assert frame.loc[0, "note"] == "“quoted” – dash"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("город,страна\nМосква,Россия\nКиев,Украина\n", "cp1251", "cp1251"),
        ("miasto,kraj\nŁódź,Polska\nGdańsk,Polska\n", "cp1250", "cp1250"),
        ("πόλη,χώρα\nΑθήνα,Ελλάδα\n", "cp1253", "cp1253"),
        ("名前,値\n東京,1\n", "shift_jis", "cp932"),
        ("a,b\nSão Tomé,1\n€,2\n", "cp1252", "cp1252"),
        ("c0\nx;;é\n", "cp1252", "cp1252"),  # tiny: the detector alone says UTF-16
    ],
)
def test_other_scripts_and_tiny_western_files(text: str, encoding: str, expected: str) -> None:
    decoded, used = decode_bytes(text.encode(encoding))
    assert (decoded, used) == (text, expected)


def test_encoding_detected_from_bytes_far_into_a_large_file(tmp_path: Path) -> None:
    body = "".join(f"X{i:06d},{i}\n" for i in range(150_000))  # ~1.8 MB of ASCII
    path = write(tmp_path / "big.csv", f"id,v\n{body}CIV,{CIV}\n", "latin-1")
    frame = read_table(path)
    assert frame.attrs["encoding"] == "cp1252"
    assert frame["v"].iloc[-1] == CIV


def test_binary_file_with_text_suffix(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    pd.DataFrame({"a": [1]}).to_excel(tmp_path / "real.xlsx")
    path.write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(DataError, match="not a text file but a zip archive") as info:
        read_table(path)
    assert "(.xlsx)" in str(info.value)


def test_explicit_wrong_encoding_names_line_and_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", f"a,b\n1,x\n2,{CIV}\n", "latin-1")
    with pytest.raises(DataError) as info:
        read_table(path, encoding="utf-8")
    text = str(info.value)
    assert "line 3" in text and "not valid utf-8" in text and "encoding=" in text
    with pytest.raises(DataError, match="unknown encoding"):
        read_table(path, encoding="klingon")
    assert read_table(path, encoding="latin-1")["b"].tolist() == ["x", CIV]


# --- delimiters and text formats -------------------------------------------------------------
def test_tsv_semicolon_pipe_and_gzip(tmp_path: Path) -> None:
    tsv = read_table(write(tmp_path / "t.tsv", "a\tb\n1\tx, y\n2\tz\n"))
    assert tsv.attrs["delimiter"] == "\t" and tsv["b"].tolist() == ["x, y", "z"]
    semi = read_table(write(tmp_path / "s.txt", "a;b;c\n1;2,5;3\nx;-0,25;4\n"))
    assert semi.attrs["delimiter"] == ";" and semi["b"].tolist() == [2.5, -0.25]
    assert semi.attrs["decimal"] == ","
    mixed = read_table(write(tmp_path / "m.txt", "a;b\n1,5;2.5\n"))
    assert mixed["a"].tolist() == ["1,5"] and mixed["b"].tolist() == [2.5]
    assert read_table(write(tmp_path / "d.txt", "a;b\n1,5;2\n"), decimal=".")["a"].tolist() == [
        "1,5"
    ]
    pipe = read_table(write(tmp_path / "p.txt", "a|b\n1|2\n"))
    assert pipe.attrs["delimiter"] == "|" and pipe["b"].tolist() == [2]
    gz = tmp_path / "g.csv.gz"
    gz.write_bytes(gzip.compress(b"a,b\n1,2\n3,4\n"))
    assert read_table(gz)["b"].sum() == 6
    forced = read_table(write(tmp_path / "f.csv", "a;b\n1;2\n"), delimiter=",")
    assert list(forced.columns) == ["a;b"]
    assert read_table(tmp_path / "t.tsv", delimiter="tab")["a"].tolist() == [1, 2]
    assert read_table(tmp_path / "t.tsv", delimiter="\\t")["a"].tolist() == [1, 2]
    with pytest.raises(DataError, match="single character"):
        read_table(tmp_path / "t.tsv", delimiter=";;")


def test_sniffer_prefers_consistent_split() -> None:
    assert sniff_delimiter('name,comment\n"Doe, J",ok\n"Roe, R","fine; really"\n') == ","
    assert sniff_delimiter("x\n1\n2\n", ".tsv") == "\t"  # one column: suffix convention


def test_quoted_multiline_field_keeps_line_numbers(tmp_path: Path) -> None:
    text = 'a,b\n1,"two\nlines"\n3,4,5\n'
    with pytest.raises(DataError) as info:
        read_table(write(tmp_path / "q.csv", text))
    assert "line 4 has 3 fields but the header has 2" in str(info.value)


def test_blank_lines_are_skipped_and_remembered(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "b.csv", "a,b\n1,2\n\n3,x\n"))
    assert frame["a"].tolist() == [1, 3]
    assert frame.attrs["blank_lines"] == (3,)
    assert file_lines(frame, [0, 1]).tolist() == [2, 4]
    # a line of spaces and tabs is blank too (pandas skips it), not a ragged row
    spaces = read_table(write(tmp_path / "s.csv", "a,b\r\n1,2\r\n \t \r\n3,4\r\n"))
    assert spaces["b"].tolist() == [2, 4] and spaces.attrs["blank_lines"] == (3,)
    # but a line of empty fields is a row of missing values
    empty = read_table(write(tmp_path / "e.csv", "a,b\n1,2\n,\n"))
    assert empty["a"].isna().tolist() == [False, True]


def test_old_mac_line_ends(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "m.csv", "a,b\r1,2\r3,4\r"))
    assert frame["b"].tolist() == [2, 4]
    with pytest.raises(DataError, match="line 3 has 3 fields"):
        read_table(write(tmp_path / "r.csv", "a,b\r1,2\r3,4,5\r"))


# --- errors ----------------------------------------------------------------------------------
def test_ragged_rows_report_line_and_field_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    text = str(info.value)
    assert text.startswith(f"{path}:3: line 3 has 4 fields but the header has 3")
    assert "2 ragged row(s)" in text and "comma" in text
    short = write(tmp_path / "short.csv", "a,b,c\n1,2,3\n8,9\n")
    with pytest.raises(DataError, match="line 3 has 2 fields but the header has 3"):
        read_table(short)


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2,3\n4,5,6\n",  # pandas alone would make the surplus field an index
        "a,b\n1,2,3\n4\n",  # one long and one short row: the separator total balances
    ],
)
def test_balanced_or_indexed_ragged_rows_are_still_caught(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError, match="line 2 has 3 fields but the header has 2"):
        read_table(write(tmp_path / "r.csv", text))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty \\(0 bytes\\)"),
        (b"a,b,c\n", "header but no data rows"),
        (b"a,b,c\n\n\n", "header but no data rows"),
        (b"\n \n", "only blank lines"),
    ],
)
def test_empty_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match) as info:
        read_table(path)
    assert str(path) in str(info.value)


def test_missing_file_folder_and_suffix(tmp_path: Path) -> None:
    write(tmp_path / "data.csv", "a\n1\n")
    with pytest.raises(DataError, match="not found") as info:
        read_table(tmp_path / "dta.csv")
    assert "did you mean 'data.csv'" in str(info.value)
    with pytest.raises(DataError, match="folder"):
        read_table(tmp_path)
    with pytest.raises(DataError, match=r"suffix '\.docx'") as info2:
        read_table(write(tmp_path / "x.docx", "a"))
    assert ".xlsx" in str(info2.value)


def test_duplicate_header_names(tmp_path: Path) -> None:
    with pytest.raises(ColumnError, match="duplicate column name\\(s\\) in the header: 'a'"):
        read_table(write(tmp_path / "d.csv", "a,b,a\n1,2,3\n"))


def test_empty_header_cells_are_named_by_position(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "e.csv", "a,b,,\n1,2,,\n3,4,,\n"))
    assert list(frame.columns) == ["a", "b", "column_3", "column_4"]
    assert frame["column_3"].isna().all()


def test_options_that_do_not_apply(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(DataError, match="only read from CSV/TSV and Excel"):
        read_table(path, hxl=True)
    with pytest.raises(DataError, match="applies only to Excel"):
        read_table(write(tmp_path / "c.csv", "a\n1\n"), sheet="data")


def test_columns_option_and_typo(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "iso3,value,year\nKEN,1,2020\n")
    assert list(read_table(path, columns=["year", "iso3"]).columns) == ["year", "iso3"]
    with pytest.raises(ColumnError, match="did you mean 'value'"):
        read_table(path, columns=["valeu"])


# --- Excel -----------------------------------------------------------------------------------
def test_excel_sheets_and_types(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"iso3": ["KEN", "MLI"], "v": [1.5, None]}).to_excel(
            writer, sheet_name="data", index=False
        )
        pd.DataFrame({"n": [1, 2, 3]}).to_excel(writer, sheet_name="other", index=False)
    first = read_table(path)
    assert first["iso3"].tolist() == ["KEN", "MLI"]
    assert first["v"].iloc[0] == 1.5 and np.isnan(first["v"].iloc[1])
    assert first.attrs["sheet"] == "data" and first.attrs["first_data_line"] == 2
    assert read_table(path, sheet=1)["n"].tolist() == [1, 2, 3]
    assert read_table(path, sheet="1")["n"].tolist() == [1, 2, 3]
    assert read_table(path, sheet="other")["n"].dtype.kind == "i"
    with pytest.raises(DataError, match="did you mean 'other'"):
        read_table(path, sheet="othr")
    with pytest.raises(DataError, match="out of range"):
        read_table(path, sheet=5)


def test_legacy_xls_fixture() -> None:
    path = Path(__file__).parent / "fixtures_readers" / "legacy.xls"
    frame = read_table(path)
    assert frame["country"].tolist() == ["Kenya", CIV, "Norway"]
    assert frame["hdi_2022"].tolist() == [0.601, 0.534, 0.966]
    assert frame["note"].isna().tolist() == [True, False, True]
    tagged = read_table(path, sheet="hxl")
    assert tagged.attrs["hxl"] == {"Country": "#country+code", "Affected": "#affected+f"}
    assert tagged["Affected"].tolist() == [5, 7]


def test_year_headers_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    pd.DataFrame([["iso3", 2020, 2021.0], ["KEN", 0.6, 0.61]]).to_excel(
        path, index=False, header=False
    )
    assert list(read_table(path).columns) == ["iso3", "2020", "2021"]


def test_corrupt_workbook(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot open the workbook"):
        read_table(write(tmp_path / "bad.xlsx", "not a zip"))


# --- Parquet ---------------------------------------------------------------------------------
def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"iso3": ["KEN"], "v": [2.5]}).to_parquet(path)
    frame = read_table(path, columns=["v"])
    assert frame["v"].tolist() == [2.5] and frame.attrs["format"] == "parquet"
    with pytest.raises(ColumnError, match="did you mean 'iso3'"):
        read_table(path, columns=["iso"])
    with pytest.raises(DataError, match="cannot read the Parquet file"):
        read_table(write(tmp_path / "x.parquet", "garbage"))


# --- Stata and SPSS --------------------------------------------------------------------------
SURVEY = pd.DataFrame(
    {"hh": [1.0, 2.0, 3.0, 4.0], "sex": [1.0, 2.0, 2.0, 9.0], "w": [1.5, 2.0, 1.0, 0.5]}
)
LABELS = {"sex": {1: "male", 2: "female"}}
VARLABELS = ["household id", "sex of head", "sampling weight"]


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_labelled_files_keep_value_and_variable_labels(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"s{suffix}"
    writer = pyreadstat.write_dta if suffix == ".dta" else pyreadstat.write_sav
    writer(SURVEY, str(path), column_labels=VARLABELS, variable_value_labels=LABELS)
    codes = read_table(path)
    assert codes["sex"].tolist() == [1, 2, 2, 9]
    assert codes.attrs["value_labels"] == {"sex": {1: "male", 2: "female"}}
    assert codes.attrs["variable_labels"]["w"] == "sampling weight"
    assert codes.attrs["format"] == ("stata" if suffix == ".dta" else "spss")
    labelled = read_table(path, labels="labels")
    assert labelled["sex"].tolist() == ["male", "female", "female", "9"]
    assert labelled["sex"].cat.categories.tolist() == ["male", "female", "9"]
    assert labelled["w"].tolist() == SURVEY["w"].tolist()
    assert list(read_table(path, columns=["w"]).columns) == ["w"]


def test_spss_user_missing_becomes_missing(tmp_path: Path) -> None:
    path = tmp_path / "m.sav"
    pyreadstat.write_sav(
        SURVEY, str(path), variable_value_labels=LABELS, missing_ranges={"sex": [9]}
    )
    frame = read_table(path)
    assert frame["sex"].isna().tolist() == [False, False, False, True]


def test_bad_labels_option_and_corrupt_stata(tmp_path: Path) -> None:
    path = write(tmp_path / "x.dta", "garbage")
    with pytest.raises(DataError, match="labels='codes'"):
        read_table(path, labels="names")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="cannot read the Stata file"):
        read_table(path)


# --- validation helpers ----------------------------------------------------------------------
def test_require_columns_suggests(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "c.csv", "iso3,gni_pc\nKEN,1\n"))
    with pytest.raises(ColumnError) as info:
        require_columns(frame, ["iso3", "gnipc", "le"])
    text = str(info.value)
    assert "missing column(s): 'gnipc', 'le'" in text
    assert "for 'gnipc': did you mean 'gni_pc'?" in text
    assert text.startswith(str(tmp_path / "c.csv"))


def test_require_numeric_lists_file_lines_and_values(tmp_path: Path) -> None:
    text = "iso3,value\nKEN,1.5\nMLI,n.a.\n\nNER, 7 \nTCD,12k\n"
    frame = read_table(write(tmp_path / "n.csv", text))
    with pytest.raises(ColumnError) as info:
        require_numeric(frame, ["value"])
    message = str(info.value)
    assert "2 value(s) are not" in message
    assert "line 3: 'n.a.'" in message and "line 6: '12k'" in message  # blank line 4 counted
    fixed = frame.assign(value=frame["value"].replace({"n.a.": None, "12k": "12000"}))
    numeric = require_numeric(fixed, ["value"])
    assert numeric["value"].tolist()[::2] == [1.5, 7.0]
    assert np.isnan(numeric["value"].iloc[1]) and numeric["value"].iloc[3] == 12000.0
    with pytest.raises(ColumnError, match="1 missing value\\(s\\): line 3"):
        require_numeric(fixed, ["value"], allow_missing=False)
    # filtering keeps the reader's row numbers, so lines stay right
    subset = frame[frame["iso3"] != "MLI"]
    with pytest.raises(ColumnError, match="1 value\\(s\\) are not: line 6: '12k'"):
        require_numeric(subset, ["value"])
    # a frame re-indexed by the user falls back to positions and labels
    by_country = frame.set_index("iso3")
    with pytest.raises(ColumnError, match=r"row 2 \(MLI\): 'n\.a\.'"):
        require_numeric(by_country, ["value"])


def test_require_numeric_on_plain_frame_uses_index_labels() -> None:
    frame = pd.DataFrame({"v": [1, "x"]}, index=["KEN", "MLI"])
    with pytest.raises(ColumnError, match="row 2 \\(MLI\\): 'x'"):
        require_numeric(frame, ["v"], location="panel")
    assert require_numeric(pd.DataFrame({"b": [True, False]}), ["b"])["b"].tolist() == [1, 0]
    years = pd.DataFrame({2020: ["1.5", "2"], 2021: [1, 2]})
    converted = require_numeric(years, [2020])  # type: ignore[list-item]
    assert converted[2020].tolist() == [1.5, 2.0] and years[2020].tolist() == ["1.5", "2"]


def test_require_unique_lists_duplicates_with_lines(tmp_path: Path) -> None:
    text = "iso3,year,v\nKEN,2020,1\nKEN,2021,2\nKEN,2020,3\nMLI,2020,4\nMLI,2020,5\n"
    frame = read_table(write(tmp_path / "u.csv", text))
    with pytest.raises(DataError) as info:
        require_unique(frame, ["iso3", "year"])
    message = str(info.value)
    assert "2 key(s) of (iso3, year) occur more than once" in message
    assert "(iso3='KEN', year=2020) at line 2, line 4" in message
    assert "(iso3='MLI', year=2020) at line 5, line 6" in message
    require_unique(frame, ["v"])


def test_require_in_lists_unexpected_values_with_suggestions(tmp_path: Path) -> None:
    text = "id,sex,w\n1,female,1\n2,male,2\n3,femal,0\n4,,-1\n5,femal,3\n6,F,1\n"
    frame = read_table(write(tmp_path / "s.csv", text))
    require_in(frame, "sex", ["female", "male", "femal", "F"])
    with pytest.raises(ColumnError) as info:
        require_in(frame, "sex", ["female", "male"])
    message = str(info.value)
    assert "3 unexpected value(s)" in message
    assert "'femal' ×2 (line 4, line 6) did you mean 'female'?" in message
    assert "'F' ×1 (line 7)" in message
    with pytest.raises(ColumnError, match="1 missing value\\(s\\): line 5"):
        require_in(frame, "sex", ["female", "male", "femal", "F"], allow_missing=False)
    with pytest.raises(ColumnError) as bounds:
        require_between(frame, ["w"], low=0, inclusive=False)
    assert "must lie in (0, inf) but 2 value(s) do not: line 4: 0, line 5: -1" in str(bounds.value)
    require_between(frame, ["w"], low=-1, high=3)


# --- reshaping -------------------------------------------------------------------------------
def test_long_wide_round_trip() -> None:
    wide = pd.DataFrame({"iso3": ["KEN", "MLI"], "hdi": [0.6, 0.4], "le": [62.0, np.nan]})
    long = to_long(wide, "iso3", "indicator", "value")
    assert len(long) == 4 and long["value"].isna().sum() == 1
    dropped = to_long(wide, "iso3", dropna=True)
    assert len(dropped) == 3 and dropped.attrs["dropped_missing"] == 1
    nullable = to_long(
        pd.DataFrame({"k": ["a"], "x": pd.array([1], "Int64"), "y": pd.array([None], "Int64")}), "k"
    )
    assert str(nullable["value"].dtype) == "Int64" and nullable["value"].isna().tolist() == [
        False,
        True,
    ]
    back = to_wide(long, "iso3", "indicator", "value")
    assert back.loc["KEN", "hdi"] == 0.6 and np.isnan(back.loc["MLI", "le"])
    assert list(back.columns) == ["hdi", "le"]


def test_years_to_long_hdr_and_world_bank_layouts() -> None:
    hdr = pd.DataFrame(
        {
            "iso3": ["KEN", "NOR"],
            "hdi_2021": [0.6, 0.96],
            "hdi_2022": [0.601, 0.966],
            "le_f_1990": [60.1, np.nan],
        }
    )
    long = years_to_long(hdr, "iso3")
    assert len(long) == 6 and list(long.columns) == ["iso3", "variable", "year", "value"]
    row = long[(long["iso3"] == "NOR") & (long["variable"] == "hdi") & (long["year"] == 2022)]
    assert row["value"].tolist() == [0.966]
    assert long[long["variable"] == "le_f"]["value"].isna().sum() == 1  # kept, not dropped
    wb = pd.DataFrame({"Country Code": ["KEN"], "2019 [YR2019]": [1.0], "2020": [2.0]})
    tidy = years_to_long(wb, ["Country Code"], variable="gdp")
    assert tidy["year"].tolist() == [2019, 2020] and set(tidy["variable"]) == {"gdp"}
    with pytest.raises(ColumnError, match="need a variable name"):
        years_to_long(wb, ["Country Code"])
    with pytest.raises(ColumnError, match="neither ids nor year columns: 'country'"):
        years_to_long(hdr.assign(country="x"), "iso3")


def test_to_wide_refuses_duplicates(tmp_path: Path) -> None:
    text = "iso3,var,value\nKEN,hdi,0.6\nKEN,le,62\nKEN,hdi,0.61\n"
    long = read_table(write(tmp_path / "l.csv", text))
    with pytest.raises(DataError, match="\\(iso3='KEN', var='hdi'\\) at line 2, line 4"):
        to_wide(long, "iso3", "var", "value")
    with pytest.raises(ColumnError, match="also an id column"):
        to_long(long, ["iso3", "var"], var_name="var")
    with pytest.raises(ColumnError, match="no value columns"):
        to_long(long, ["iso3", "var", "value"], value_name="v")


# --- the vectorised byte scan agrees with the csv module -------------------------------------
_cell = st.one_of(
    st.text(alphabet="ab1 .é", max_size=4),
    st.text(alphabet='ab,\n"é;', max_size=5).map(lambda s: '"' + s.replace('"', '""') + '"'),
)
_row = st.lists(_cell, min_size=0, max_size=4).map(",".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_row, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_byte_scan_matches_csv_module(rows: list[str], newline: str) -> None:
    text = newline.join(rows) + newline
    raw = text.encode("utf-8")
    fast = _layout(raw, text, "utf-8", ",")
    slow = _layout(raw, text, "utf-8", ",", fast=False)
    assert fast.fast and not slow.fast
    assert fast.counts.tolist() == slow.counts.tolist()
    assert fast.lines.tolist() == slow.lines.tolist()


# --- the real raw files in ../shared/data (skipped when absent) ------------------------------
def test_real_files_read_with_their_encodings(raw_data_dir: Path) -> None:
    SHARED = raw_data_dir
    hdr = read_table(
        SHARED / "undp-hdr" / "HDR23-24_Composite_indices_complete_time_series.csv",
        columns=["iso3", "hdi_2022"],
    )
    assert hdr.attrs["encoding"] == "utf-8-sig"  # the BOM does not leak into 'iso3'
    hdi = hdr.set_index("iso3")["hdi_2022"]
    assert hdi["KEN"] == 0.601 and hdi["NOR"] == 0.966  # HDR 2023/24, table 1
    full = read_table(SHARED / "undp-hdr" / "HDR23-24_Composite_indices_complete_time_series.csv")
    panel = years_to_long(full, ["iso3", "country", "hdicode", "region"])
    assert len(panel) == 206 * (full.shape[1] - 4)
    kenya = panel[(panel["iso3"] == "KEN") & (panel["variable"] == "hdi")]
    assert kenya.set_index("year")["value"][2022] == 0.601
    inform = read_table(SHARED / "inform" / "inform_gri_2020_v040.csv")
    assert inform.attrs["encoding"] == "cp1252"
    assert inform.set_index("ISO3").loc["CIV", "COUNTRY"] == CIV
    assert inform.shape[0] == 191


# --- round trip: whatever pandas writes, read_table reads back ------------------------------
# Accented letters stand alone, as in real names (Côte, Réunion); a run such as "ééé" is
# what Cyrillic looks like through cp1252, and is read as such.
_TEXT = (
    st.text(alphabet='ab é,;"\n|', max_size=6)
    .filter(lambda s: "éé" not in s)
    .map(lambda s: "x" + s)
)
_NUMBER = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    n_cols = draw(st.integers(1, 4))
    n_rows = draw(st.integers(1, 6))
    data = {}
    for j in range(n_cols):
        kind = draw(st.sampled_from(["text", "int", "float"]))
        if kind == "text":
            data[f"c{j}"] = draw(st.lists(_TEXT, min_size=n_rows, max_size=n_rows))
        elif kind == "int":
            data[f"c{j}"] = draw(
                st.lists(st.integers(-(10**6), 10**6), min_size=n_rows, max_size=n_rows)
            )
        else:
            data[f"c{j}"] = draw(st.lists(_NUMBER.map(float), min_size=n_rows, max_size=n_rows))
    return pd.DataFrame(data)


@settings(max_examples=120, deadline=None)
@given(
    _frames(),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_round_trip_of_what_pandas_writes(
    tmp_path_factory: pytest.TempPathFactory, frame: pd.DataFrame, sep: str, encoding: str
) -> None:
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    frame.to_csv(path, sep=sep, index=False, encoding=encoding)
    back = read_table(path)
    assert list(back.columns) == list(frame.columns)
    for column in frame.columns:
        assert back[column].tolist() == frame[column].tolist(), column


# --- fuzz: any bytes in a .csv give a table or a DataError ----------------------------------
_BYTES = st.one_of(
    st.binary(max_size=120),
    st.text(alphabet='ab1é,;\t|"\n\r #+', max_size=80).map(lambda s: s.encode("utf-8")),
    st.text(alphabet='ab1é,;"\n', max_size=60).map(lambda s: s.encode("utf-16")),
)


@settings(max_examples=300, deadline=None)
@given(_BYTES)
def test_any_bytes_give_a_table_or_a_data_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("fz") / "f.csv"
    path.write_bytes(raw)
    try:
        frame = read_table(path)
    except DataError as error:
        assert str(path) in str(error)
    else:
        assert len(frame) >= 1 and frame.attrs["source"] == str(path)

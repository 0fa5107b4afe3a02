"""check_table: read_table's file checks without loading, for the lazy scanners."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from humsec.data import readers
from humsec.data.microdata import scan_microdata
from humsec.data.readers import check_table, read_table
from humsec.errors import DataError

CASES = {
    "empty.csv": (b"", "empty (0 bytes)"),
    "blank.csv": (b"\n \n", "only blank lines"),
    "header.csv": (b"a,b\n", "header but no data rows"),
    "ragged.csv": (b"a,b,c\n1,2,3\n4,5\n", "line 3 has 2 fields"),
    "nul.csv": (b"a,b\n1,2\n3,\x004\n", "NUL characters (first on line 3)"),
    "dupes.csv": (b"a,a\n1,2\n", "duplicate column name"),
    "book.csv": (b"PK\x03\x04\xff\xfe" + bytes(range(128, 256)), "zip archive"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_table_and_read_table_and_scan_agree(tmp_path: Path, name: str) -> None:
    content, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(content)
    for reader in (check_table, read_table, scan_microdata):
        with pytest.raises(DataError, match=re.escape(words)):
            reader(path)


def test_large_file_is_checked_at_head_and_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "CHECK_HEAD_BYTES", 64)
    monkeypatch.setattr(readers, "CHECK_TAIL_BYTES", 32)
    path = tmp_path / "big.csv"
    rows = "".join(f"{i};{i * 2};{i * 3}\n" for i in range(200))
    path.write_text("a;b;c\n" + rows, encoding="utf-8")
    found = check_table(path)
    assert (found.delimiter, found.columns, found.encoding) == (";", ("a", "b", "c"), "utf-8")
    path.write_text("a;b;c\n" + rows + "200;40", encoding="utf-8")  # cut mid-row
    with pytest.raises(DataError, match="looks truncated"):
        check_table(path)


def test_empty_parquet_is_refused_by_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "none.parquet"
    pd.DataFrame({"a": pd.Series([], dtype=float)}).to_parquet(path)
    for reader in (check_table, read_table, scan_microdata):
        with pytest.raises(DataError, match="no data rows"):
            reader(path)


def test_scan_uses_the_sniffed_separator(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("w;d_a\n1;0\n2;1\n", encoding="utf-8")
    lazy = scan_microdata(path, "polars")
    assert lazy.collect().columns == ["w", "d_a"]

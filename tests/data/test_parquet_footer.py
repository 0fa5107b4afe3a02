"""The Parquet footer read without pyarrow gives pyarrow's row count and column names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from humsec.data import check_table
from humsec.data.catalog import BUNDLED_DIR
from humsec.data.parquet_footer import parquet_footer
from humsec.errors import DataError


def _written(tmp_path: Path) -> list[Path]:
    nested = pa.table({
        "a": [1, 2],
        "s": pa.array([{"x": 1, "y": [1, 2]}, None]),
        "l": [[1], [2, 3]],
        "m": pa.array([[("k", 1)], []], type=pa.map_(pa.string(), pa.int64())),
        "é": ["ü", None],
    })  # fmt: skip
    files = []
    for compression in ("snappy", "zstd", "none"):
        files.append(tmp_path / f"nested_{compression}.parquet")
        pq.write_table(nested, files[-1], compression=compression)
    files.append(tmp_path / "wide.parquet")  # > 15 columns: a long list header
    pq.write_table(pa.table({f"c{i}": [i, i] for i in range(40)}), files[-1], row_group_size=1)
    files.append(tmp_path / "pandas_index.parquet")
    pd.DataFrame({"v": [1.0]}, index=pd.Index(["r"], name="key")).to_parquet(files[-1])
    files.append(tmp_path / "empty.parquet")
    pd.DataFrame({"v": pd.Series([], dtype=float)}).to_parquet(files[-1])
    files.append(tmp_path / "duckdb.parquet")
    duckdb.sql(f"COPY (SELECT range AS i, 'x' || range AS s FROM range(3000)) "
               f"TO '{files[-1]}' (FORMAT parquet)")  # fmt: skip
    files.append(tmp_path / "polars.parquet")
    pl.DataFrame({"a": [1, 2], "b": ["x", None]}).write_parquet(files[-1])
    return files


def test_footer_equals_pyarrows_metadata(tmp_path: Path) -> None:
    files = [*_written(tmp_path), *sorted(BUNDLED_DIR.glob("*.parquet"))]
    assert len(files) > 12
    for path in files:
        meta = pq.read_metadata(path)
        assert parquet_footer(path) == (meta.num_rows, tuple(meta.schema.to_arrow_schema().names))


@pytest.mark.parametrize(
    "content",
    [b"", b"PAR1 not really parquet", b"PAR1" + b"\0" * 20 + b"PAR1", b"PAR1\x05\x00\x00\x00PAR1"],
)
def test_damaged_files_are_left_to_pyarrow(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(content)
    assert parquet_footer(path) is None


def test_a_truncated_file_is_left_to_pyarrow(tmp_path: Path) -> None:
    good = _written(tmp_path)[0]
    path = tmp_path / "cut.parquet"
    path.write_bytes(good.read_bytes()[:-40] + good.read_bytes()[-8:])  # footer damaged
    assert parquet_footer(path) is None
    with pytest.raises(DataError, match="cannot read the Parquet file"):
        check_table(path)


def test_check_table_still_refuses_a_parquet_file_without_rows(tmp_path: Path) -> None:
    path = next(p for p in _written(tmp_path) if p.name == "empty.parquet")
    with pytest.raises(DataError, match="no data rows"):
        check_table(path)

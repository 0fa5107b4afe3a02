"""Result tables as Parquet blobs, stored exactly.

Why Parquet blobs and not one native SQL table per result: a result table's identity is more
than its values. pyarrow's pandas metadata keeps the dtypes (nullable ``Int64``, ``string``,
``category`` with its order, tz-aware datetimes), the column order, non-string column labels,
column MultiIndexes and the row index (a ``RangeIndex`` as metadata, any other index as
columns). A native table per result would lose most of that, would need DDL for every run and a
type mapping per backend, and would differ between DuckDB and PostgreSQL. A blob is the same
bytes on both backends, is compressed (zstd), hashes cleanly, and DuckDB can still query it
with ``read_parquet`` when exported.

Parquet has one null, so pandas' several missing markers in an *object* column (``None``,
``NaN``, ``pd.NA``, ``NaT``) would all come back as one of them. The codec records, per object
column, which rows held which marker (in the Parquet key-value metadata ``humsec.missing``)
and restores them on reading. After encoding, the table is decoded again and compared cell by
cell with the original; a table that would not come back exactly raises :class:`DataError`
naming the column, so nothing is ever stored that would be misread later.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from humsec.errors import DataError

_MISSING_KEY = b"humsec.missing"
_MARKERS: dict[str, Any] = {"none": None, "nan": np.nan, "na": pd.NA, "nat": pd.NaT}


def _marker(value: Any) -> str | None:
    """The kind of missing marker ``value`` is, or None when it is not missing."""
    if value is None:
        return "none"
    if value is pd.NA:
        return "na"
    if value is pd.NaT:
        return "nat"
    if isinstance(value, float) and value != value:
        return "nan"
    return None


def _object_missing(frame: pd.DataFrame) -> dict[str, dict[str, list[int]]]:
    """Per object column (by position), the rows holding each missing marker."""
    found: dict[str, dict[str, list[int]]] = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype != object:
            continue
        missing = np.flatnonzero(column.isna().to_numpy())
        kinds: dict[str, list[int]] = {}
        values = column.to_numpy()
        for row in missing:
            kind = _marker(values[row])
            if kind is not None:
                kinds.setdefault(kind, []).append(int(row))
        if kinds:
            found[str(position)] = kinds
    return found


def _restore_missing(frame: pd.DataFrame, missing: dict[str, dict[str, list[int]]]) -> None:
    for position, kinds in missing.items():
        column = frame.iloc[:, int(position)].to_numpy(copy=True)
        for kind, rows in kinds.items():
            for row in rows:
                column[row] = _MARKERS[kind]
        frame.isetitem(int(position), column)


def encode_table(name: str, frame: pd.DataFrame) -> bytes:
    """Parquet bytes (zstd) of ``frame``, verified to decode back exactly."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"the table is a {type(frame).__name__}, not a pandas DataFrame",
            location=f"result table {name!r}",
            hint="pass result tables as DataFrames (engine results: .to_frame())",
        )
    if frame.columns.has_duplicates:
        dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise DataError(
            f"the table has duplicate column names: {', '.join(dup)}",
            location=f"result table {name!r}",
            hint="rename the columns so that each name is unique",
        )
    try:
        table = pa.Table.from_pandas(frame, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise DataError(
            f"the table cannot be stored: {exc}",
            location=f"result table {name!r}",
            hint="give each column one type (e.g. convert a mixed column with .astype(str))",
        ) from exc
    missing = _object_missing(frame)
    if missing:
        meta = dict(table.schema.metadata or {})
        meta[_MISSING_KEY] = json.dumps(missing, separators=(",", ":")).encode()
        table = table.replace_schema_metadata(meta)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    data = buffer.getvalue()
    back = decode_table(data)
    problem = first_difference(frame, back)
    if problem:
        raise DataError(
            f"the table would not be stored exactly: {problem}",
            location=f"result table {name!r}",
            hint="use standard pandas dtypes (numbers, strings, categories, datetimes) "
            "with one type per column",
        )
    return data


def decode_table(data: bytes) -> pd.DataFrame:
    """The DataFrame stored by :func:`encode_table`, with its missing markers restored."""
    table = pq.read_table(pa.BufferReader(data))
    frame = table.to_pandas()
    raw = (table.schema.metadata or {}).get(_MISSING_KEY)
    if raw:
        _restore_missing(frame, json.loads(raw))
    return frame


def _same_missing(a: pd.Series, b: pd.Series) -> bool:
    if a.dtype != object:
        return True
    return [_marker(v) for v in a.to_numpy()] == [_marker(v) for v in b.to_numpy()]


def first_difference(a: pd.DataFrame, b: pd.DataFrame) -> str:
    """A sentence naming the first way ``b`` differs from ``a`` (labels, dtypes, index,
    values, missing markers), or ``""`` when they are the same table."""
    if list(a.columns) != list(b.columns) or a.columns.names != b.columns.names:
        return f"column labels {list(a.columns)!r} came back as {list(b.columns)!r}"
    try:
        pd.testing.assert_index_equal(a.index, b.index, exact=True, check_names=True)
    except AssertionError as exc:
        return f"the row index changed ({str(exc).splitlines()[0]})"
    for position in range(a.shape[1]):
        left, right = a.iloc[:, position], b.iloc[:, position]
        label = a.columns[position]
        if left.dtype != right.dtype:
            return f"column {label!r} has dtype {left.dtype} but came back as {right.dtype}"
        try:
            pd.testing.assert_series_equal(left, right, check_exact=True, check_names=False)
        except AssertionError:
            return f"column {label!r} has values that came back different"
        except TypeError:
            if not left.astype(str).equals(right.astype(str)):
                return f"column {label!r} has values that came back different"
        if not _same_missing(left, right):
            return f"column {label!r} mixes missing markers that came back different"
    return ""

"""Cell-by-cell comparison of two runs' result tables.

For every table name in either run, the rows of the answer say what changed:

- ``table only in a`` / ``table only in b``;
- ``column only in a`` / ``column only in b``, ``dtype`` (the column's dtype changed);
- ``row only in a`` / ``row only in b`` (rows are matched on the index label);
- ``value``: a cell that differs; ``diff`` is ``b - a`` for numbers.

Two missing cells are equal; a missing and a present cell differ. Numbers are compared
exactly (stored tables round-trip bit for bit), so any change shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ["table", "change", "row", "column", "a", "b", "diff"]


def _row(
    table: str,
    change: str,
    row: Any = None,
    column: Any = None,
    a: Any = None,
    b: Any = None,
    diff: Any = None,
) -> dict[str, Any]:
    return {
        "table": table,
        "change": change,
        "row": row,
        "column": column,
        "a": a,
        "b": b,
        "diff": diff,
    }


def _label(value: Any) -> str:
    return str(value) if not isinstance(value, tuple) else "/".join(str(v) for v in value)


def _compare_table(name: str, a: pd.DataFrame, b: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for column in a.columns.difference(b.columns, sort=False):
        rows.append(_row(name, "column only in a", column=_label(column)))
    for column in b.columns.difference(a.columns, sort=False):
        rows.append(_row(name, "column only in b", column=_label(column)))
    if not (a.index.is_unique and b.index.is_unique):
        # No label to match on: compare by position.
        a = a.reset_index(drop=True)
        b = b.reset_index(drop=True)
    for label in a.index.difference(b.index, sort=False):
        rows.append(_row(name, "row only in a", row=_label(label)))
    for label in b.index.difference(a.index, sort=False):
        rows.append(_row(name, "row only in b", row=_label(label)))
    common_rows = a.index.intersection(b.index, sort=False)
    for column in a.columns.intersection(b.columns, sort=False):
        left, right = a[column], b[column]
        if left.dtype != right.dtype:
            rows.append(
                _row(name, "dtype", column=_label(column), a=str(left.dtype), b=str(right.dtype))
            )
        left, right = left.loc[common_rows], right.loc[common_rows]
        left_na, right_na = left.isna().to_numpy(), right.isna().to_numpy()
        try:
            equal = left.to_numpy(dtype=object) == right.to_numpy(dtype=object)
            equal = np.asarray(equal, dtype=bool)
        except (TypeError, ValueError):
            equal = left.astype(str).to_numpy() == right.astype(str).to_numpy()
        same = (left_na & right_na) | (~left_na & ~right_na & equal)
        numeric = pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right)
        for position in np.flatnonzero(~same):
            x, y = left.iloc[position], right.iloc[position]
            diff = None
            if numeric and not (pd.isna(x) or pd.isna(y)) and not isinstance(x, bool | np.bool_):
                diff = float(y) - float(x)
            rows.append(
                _row(
                    name,
                    "value",
                    row=_label(common_rows[int(position)]),
                    column=_label(column),
                    a=x,
                    b=y,
                    diff=diff,
                )
            )
    return rows


def compare_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The differences between two runs' tables, one row per difference (module docstring)."""
    rows: list[dict[str, Any]] = []
    for name in a:
        if name not in b:
            rows.append(_row(name, "table only in a"))
        else:
            rows.extend(_compare_table(name, a[name], b[name]))
    rows.extend(_row(name, "table only in b") for name in b if name not in a)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(
        {"table": "string", "change": "string", "row": "string", "column": "string"}
    )

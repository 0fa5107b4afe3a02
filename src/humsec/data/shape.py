"""Reshape user tables between long (one value per row) and wide (one column per variable).

Survey and indicator files arrive both ways; engines want one or the other. Both helpers
validate their inputs and refuse to lose data silently: a wide table is only built when every
(index, column) pair occurs once.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from humsec.data.validation import require_columns, require_unique
from humsec.errors import ColumnError


def to_long(
    frame: pd.DataFrame,
    id_cols: Sequence[str] | str,
    var_name: str = "variable",
    value_name: str = "value",
    *,
    value_cols: Sequence[str] | None = None,
    dropna: bool = False,
) -> pd.DataFrame:
    """Melt a wide table: one row per (ids, variable), i.e. ``n_rows × n_value_cols`` rows.

    Missing values are kept as missing rows unless ``dropna=True``; the number dropped is
    recorded in ``attrs["dropped_missing"]`` so it can be reported.
    """
    ids = [id_cols] if isinstance(id_cols, str) else list(id_cols)
    require_columns(frame, ids)
    values = [c for c in frame.columns if c not in ids] if value_cols is None else list(value_cols)
    require_columns(frame, values)
    clash = [n for n in (var_name, value_name) if n in ids]
    if clash:
        raise ColumnError(
            f"var_name/value_name {clash[0]!r} is also an id column",
            location=frame.attrs.get("source"),
            hint="choose another var_name= or value_name=",
        )
    long = frame.melt(id_vars=ids, value_vars=values, var_name=var_name, value_name=value_name)
    dropped = 0
    if dropna:
        keep = long[value_name].notna()
        dropped = int((~keep).sum())
        long = long.loc[keep].reset_index(drop=True)
    long.attrs = {"source": frame.attrs.get("source"), "dropped_missing": dropped}
    return long


def to_wide(
    frame: pd.DataFrame,
    index: Sequence[str] | str,
    columns: str,
    values: str,
) -> pd.DataFrame:
    """Pivot a long table: one row per ``index`` key, one column per value of ``columns``.

    Duplicate (index, columns) pairs raise DataError listing the first duplicated keys and
    their rows, instead of being averaged away.
    """
    keys = [index] if isinstance(index, str) else list(index)
    require_columns(frame, [*keys, columns, values])
    require_unique(frame, [*keys, columns])
    wide = frame.pivot(index=keys, columns=columns, values=values)
    wide.columns.name = None
    wide.attrs = {"source": frame.attrs.get("source")}
    return wide


__all__ = ["to_long", "to_wide"]

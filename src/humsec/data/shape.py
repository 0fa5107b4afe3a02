"""Reshape user tables between long (one value per row) and wide (one column per variable).

Survey and indicator files arrive both ways; engines want one or the other. Both helpers
validate their inputs and refuse to lose data silently: a wide table is only built when every
(index, column) pair occurs once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humsec.data.validation import require_columns, require_unique
from humsec.errors import ColumnError


def _stack(
    frame: pd.DataFrame,
    ids: list[str],
    columns: list[str],
    per_column: dict[str, np.ndarray],
    value_name: str,
) -> pd.DataFrame:
    """Stack ``columns`` one after another (column-major, as ``DataFrame.melt`` orders rows).

    Each id value repeats once per stacked column; each entry of ``per_column`` (one value
    per column: its name, its year) repeats once per row. Plain numpy tiling, which is many
    times faster than ``melt`` on string id columns.
    """
    n, k = len(frame), len(columns)
    if k == 0:
        raise ColumnError(
            "there are no value columns to stack: every column is an id column",
            location=frame.attrs.get("source"),
            hint="leave the value columns out of id_cols",
        )
    values = frame[columns]
    if values.dtypes.nunique() == 1:
        stacked = pd.Series(values.to_numpy().ravel(order="F"), dtype=values.dtypes.iloc[0])
    else:
        stacked = pd.concat([values[c] for c in columns], ignore_index=True)
    data: dict[str, Any] = {
        c: pd.Series(np.tile(frame[c].to_numpy(), k), dtype=frame[c].dtype) for c in ids
    }
    for name, labels in per_column.items():
        repeated = np.repeat(labels, n)
        data[name] = pd.Series(repeated, dtype="str") if labels.dtype == object else repeated
    data[value_name] = stacked.reset_index(drop=True)  # keeps nullable and text dtypes
    return pd.DataFrame(data, columns=[*ids, *per_column, value_name])


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
    long = _stack(frame, ids, values, {var_name: np.array(values, dtype=object)}, value_name)
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


# "<variable>_<year>" (UNDP HDR: hdi_2022, le_f_1990), "<year>" or "<year> [YR<year>]"
# (World Bank downloads), each with the year 1900-2099 at the end.
_YEAR_COLUMN = re.compile(
    r"^(?:(?P<variable>.+?)[_ .-])?(?P<year>(?:19|20)\d{2})(?: \[YR(?:19|20)\d{2}\])?$"
)


def years_to_long(
    frame: pd.DataFrame,
    id_cols: Sequence[str] | str,
    *,
    variable: str | None = None,
) -> pd.DataFrame:
    """Turn year-wide columns into a tidy panel: ``id_cols + [variable, year, value]``.

    Recognised column names: ``hdi_2022`` (variable ``hdi``), ``2022`` and
    ``2022 [YR2022]``; the last two need ``variable=`` to name what they hold. Every column
    that is neither an id nor a year column is reported (ColumnError), never dropped.
    Missing values stay as rows with a missing value.
    """
    ids = [id_cols] if isinstance(id_cols, str) else list(id_cols)
    require_columns(frame, ids)
    others = [str(c) for c in frame.columns if c not in ids]
    parsed = pd.Series(others, dtype="str").str.extract(_YEAR_COLUMN)
    unmatched = [c for c, ok in zip(others, parsed["year"].notna(), strict=True) if not ok]
    if unmatched:
        raise ColumnError(
            f"column(s) are neither ids nor year columns: {', '.join(map(repr, unmatched[:10]))}"
            + (f" (and {len(unmatched) - 10} more)" if len(unmatched) > 10 else ""),
            location=frame.attrs.get("source"),
            hint="add them to id_cols, or drop them first; year columns look like "
            "'hdi_2022', '2022' or '2022 [YR2022]'",
        )
    names = parsed["variable"]
    if names.isna().any():
        if variable is None:
            raise ColumnError(
                "columns named only by a year need a variable name",
                location=frame.attrs.get("source"),
                hint="pass variable='gdp' (or whatever the values measure)",
            )
        names = names.fillna(variable)
    long = _stack(
        frame,
        ids,
        others,
        {
            "variable": names.to_numpy(dtype=object),
            "year": parsed["year"].astype("int64").to_numpy(),
        },
        "value",
    )
    long.attrs = {"source": frame.attrs.get("source")}
    return long


__all__ = ["to_long", "to_wide", "years_to_long"]

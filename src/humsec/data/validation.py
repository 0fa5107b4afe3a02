"""Checks on user tables that every engine and command shares: columns, numbers, unique keys.

Messages point at the place a user can find in their file: for tables read with
:func:`humsec.data.readers.read_table`, rows are given as 1-based file lines (the header is
line 1; spreadsheet rows likewise); for other frames, as 1-based row positions together with
the index label.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, did_you_mean

#: How many offending rows or keys a message lists before summarising the rest.
SHOWN = 5


def _where(frame: pd.DataFrame, location: str | None) -> str | None:
    return location or frame.attrs.get("source")


def _tracks_file(frame: pd.DataFrame) -> bool:
    """True when the row labels are still the reader's 0-based data-row numbers.

    The readers return a RangeIndex; filtering keeps those labels, so lines stay correct
    after ``frame[frame.x > 0]``. A frame re-indexed by the user (``set_index("iso3")``)
    no longer maps to file lines.
    """
    return frame.attrs.get("first_data_line") is not None and pd.api.types.is_integer_dtype(
        frame.index.dtype
    )


def file_lines(frame: pd.DataFrame, positions: Sequence[int] | np.ndarray) -> np.ndarray:
    """1-based file lines of the rows at 0-based ``positions``.

    For a frame from :func:`humsec.data.readers.read_table`, line = first_data_line + the
    row's original number (its index label), shifted past every blank line the reader
    skipped (``attrs["blank_lines"]``). Other frames get position + 1.
    """
    pos = np.asarray(positions, dtype=np.int64)
    if not _tracks_file(frame):
        return pos + 1
    lines = frame.index.to_numpy()[pos].astype(np.int64) + int(frame.attrs["first_data_line"])
    for blank in sorted(frame.attrs.get("blank_lines", ())):
        lines = lines + (lines >= blank)
    return lines


def row_labels(frame: pd.DataFrame, positions: Sequence[int] | np.ndarray) -> list[str]:
    """Human-readable names of rows: ``line 7`` for file-backed frames, else ``row 3 (KEN)``."""
    pos = np.asarray(positions, dtype=np.int64)
    numbers = file_lines(frame, pos)
    if _tracks_file(frame):
        return [f"line {n}" for n in numbers]
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return [f"row {n}" for n in numbers]
    labels = frame.index[pos]
    return [f"row {n} ({label})" for n, label in zip(numbers, labels, strict=True)]


def require_columns(
    frame: pd.DataFrame, columns: Iterable[str], location: str | None = None
) -> None:
    """Raise ColumnError listing every missing column, with close matches from the table."""
    present = [str(c) for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    tips = []
    for name in missing:
        near = did_you_mean(str(name), present)
        if near:
            tips.append(f"for {name!r}: {near}")
    shown = ", ".join(present[:30]) + (" ..." if len(present) > 30 else "")
    raise ColumnError(
        f"missing column(s): {', '.join(map(repr, missing))}",
        location=_where(frame, location),
        hint="; ".join(tips) + ("; " if tips else "") + f"the table has: {shown}",
    )


def require_numeric(
    frame: pd.DataFrame,
    columns: Iterable[str],
    location: str | None = None,
    *,
    allow_missing: bool = True,
    finite: bool = False,
) -> pd.DataFrame:
    """Check that ``columns`` hold numbers and return a copy with them as numeric dtypes.

    Text that parses as a number (``"12.5"``) is converted; any other text raises a
    ColumnError listing the first offending rows and values. Missing cells stay missing
    (NaN) and are allowed unless ``allow_missing=False``, in which case they are listed.
    With ``finite=True`` infinite values (``inf``, ``-inf``, or a number beyond float range
    such as ``1e999``) are listed too. Booleans count as numbers (0/1). Every message says
    how to fix the cells (and that an empty cell marks a missing value only where one is
    allowed).
    """
    columns = list(columns)
    require_columns(frame, columns, location)
    converted: dict[str, pd.Series] = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            values = values.astype("float64" if values.isna().any() else "int64")
        if not pd.api.types.is_numeric_dtype(values):
            stripped = values.astype("string").str.strip()
            stripped = stripped.where(stripped != "")
            numeric = pd.to_numeric(stripped, errors="coerce")
            bad = np.flatnonzero((numeric.isna() & stripped.notna()).to_numpy())
            if bad.size:
                rows = row_labels(frame, bad[:SHOWN])
                shown = ", ".join(
                    f"{r}: {values.iloc[i]!r}" for r, i in zip(rows, bad[:SHOWN], strict=True)
                )
                more = f" (and {bad.size - SHOWN} more)" if bad.size > SHOWN else ""
                raise ColumnError(
                    f"column {column!r} must be numeric but {bad.size} value(s) are not: "
                    f"{shown}{more}",
                    location=_where(frame, location),
                    hint=("fix or blank these cells (blank cells are read as missing); "
                          if allow_missing else "replace them with numbers; ")
                    + "use '.' as the decimal mark and no thousands separators",
                )  # fmt: skip
            values = numeric.astype("float64")
        if finite:
            _require_finite(frame, column, values, location, allow_missing)
        if not allow_missing:
            gaps = np.flatnonzero(values.isna().to_numpy())
            if gaps.size:
                rows = row_labels(frame, gaps[:SHOWN])
                more = f" (and {gaps.size - SHOWN} more)" if gaps.size > SHOWN else ""
                raise ColumnError(
                    f"column {column!r} has {gaps.size} missing value(s): {', '.join(rows)}{more}",
                    location=_where(frame, location),
                    hint="fill these cells or drop those rows explicitly before this step",
                )
        converted[column] = values
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is left as it was
    for column, values in converted.items():
        out[column] = values  # item assignment also works for non-text names such as 2020
    out.attrs = dict(frame.attrs)
    return out


def _require_finite(
    frame: pd.DataFrame, column: str, values: pd.Series, location: str | None,
    allow_missing: bool,
) -> None:
    with np.errstate(invalid="ignore"):
        infinite = np.flatnonzero(np.isinf(values.to_numpy(dtype=float, na_value=np.nan)))
    if not infinite.size:
        return
    rows = row_labels(frame, infinite[:SHOWN])
    cells = frame[column]
    shown = ", ".join(
        f"{r}: {cells.iloc[i]!r}" if isinstance(cells.iloc[i], str) else f"{r}: {values.iloc[i]:g}"
        for r, i in zip(rows, infinite[:SHOWN], strict=True)
    )
    more = f" (and {infinite.size - SHOWN} more)" if infinite.size > SHOWN else ""
    raise ColumnError(
        f"column {column!r} must be a finite number but {infinite.size} value(s) are "
        f"infinite: {shown}{more}",
        location=_where(frame, location),
        hint="replace those values with finite numbers or remove those rows"
        + (", or leave the cells empty to mark them missing" if allow_missing else ""),
    )


def require_in(
    frame: pd.DataFrame,
    column: str,
    allowed: Iterable[Any],
    location: str | None = None,
    *,
    allow_missing: bool = True,
) -> None:
    """Raise ColumnError when ``column`` holds values outside ``allowed``.

    The message lists each unexpected value with how often it occurs and its first rows,
    plus a close allowed spelling where there is one (``'femal'``: did you mean 'female'?).
    """
    require_columns(frame, [column], location)
    allowed_set = set(allowed)
    values = frame[column]
    present = values.notna().to_numpy()
    bad = present & ~values.isin(allowed_set).to_numpy()
    if not allow_missing and (~present).any():
        rows = row_labels(frame, np.flatnonzero(~present)[:SHOWN])
        raise ColumnError(
            f"column {column!r} has {int((~present).sum())} missing value(s): {', '.join(rows)}",
            location=_where(frame, location),
            hint="fill these cells; allowed values: "
            + ", ".join(map(repr, sorted(allowed_set, key=str))),
        )
    if not bad.any():
        return
    positions = np.flatnonzero(bad)
    counts = values.iloc[positions].value_counts(sort=True)
    described = []
    for value, n in itertools.islice(counts.items(), SHOWN):
        where = np.flatnonzero((values == value).to_numpy() & bad)[:3]
        near = did_you_mean(str(value), [str(a) for a in allowed_set], n=1)
        described.append(
            f"{value!r} ×{n} ({', '.join(row_labels(frame, where))})" + (f" {near}" if near else "")
        )
    more = f"; and {len(counts) - SHOWN} more value(s)" if len(counts) > SHOWN else ""
    raise ColumnError(
        f"column {column!r} has {positions.size} unexpected value(s): "
        + "; ".join(described)
        + more,
        location=_where(frame, location),
        hint="allowed values: " + ", ".join(map(repr, sorted(allowed_set, key=str))),
    )


def require_between(
    frame: pd.DataFrame,
    columns: Iterable[str],
    low: float | None = None,
    high: float | None = None,
    location: str | None = None,
    *,
    inclusive: bool = True,
) -> None:
    """Raise ColumnError when numeric ``columns`` leave ``[low, high]`` (or the open interval).

    Missing values are not checked here (see :func:`require_numeric`); the message lists
    the first offending rows and values for each column.
    """
    columns = list(columns)
    numeric = require_numeric(frame, columns, location)
    for column in columns:
        values = numeric[column].to_numpy(dtype=float)
        outside = np.zeros(values.size, dtype=bool)
        with np.errstate(invalid="ignore"):
            if low is not None:
                outside |= values < low if inclusive else values <= low
            if high is not None:
                outside |= values > high if inclusive else values >= high
        positions = np.flatnonzero(outside)
        if positions.size:
            rows = row_labels(frame, positions[:SHOWN])
            shown = ", ".join(
                f"{r}: {values[i]:g}" for r, i in zip(rows, positions[:SHOWN], strict=True)
            )
            more = f" (and {positions.size - SHOWN} more)" if positions.size > SHOWN else ""
            bounds = (
                ("[" if inclusive else "(")
                + f"{'-inf' if low is None else low}, "
                + (f"{'inf' if high is None else high}" + ("]" if inclusive else ")"))
            )
            raise ColumnError(
                f"column {column!r} must lie in {bounds} but {positions.size} value(s) do not: "
                f"{shown}{more}",
                location=_where(frame, location),
                hint="fix these cells, or check the unit (percent vs share, per 1,000 vs per "
                "person)",
            )


def require_unique(
    frame: pd.DataFrame, keys: Iterable[str] | str, location: str | None = None
) -> None:
    """Raise DataError when key combinations repeat, listing the first duplicates and rows."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    require_columns(frame, keys, location)
    repeated = frame.duplicated(subset=keys, keep=False).to_numpy()
    if not repeated.any():
        return
    positions = np.flatnonzero(repeated)
    groups = frame.iloc[positions].groupby(keys, sort=False, dropna=False).indices
    described: list[str] = []
    for key, members in itertools.islice(groups.items(), SHOWN):
        rows = row_labels(frame, positions[np.asarray(members)][:SHOWN])
        described.append(f"{_key_text(keys, key)} at {', '.join(rows)}")
    n_keys = len(groups)
    more = f"; and {n_keys - SHOWN} more duplicated key(s)" if n_keys > SHOWN else ""
    raise DataError(
        f"{n_keys} key(s) of ({', '.join(keys)}) occur more than once: "
        + "; ".join(described)
        + more,
        location=_where(frame, location),
        hint="remove or aggregate the duplicate rows, or add the column that tells them "
        "apart to the key",
    )


def _key_text(keys: list[str], key: Any) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return "(" + ", ".join(f"{k}={v!r}" for k, v in zip(keys, values, strict=False)) + ")"


__all__ = [
    "file_lines",
    "require_between",
    "require_columns",
    "require_in",
    "require_numeric",
    "require_unique",
    "row_labels",
]

"""HTML tables for the report, with missing values shown explicitly.

pandas' ``DataFrame.to_html`` prints missing values as ``NaN`` and cannot mark numeric cells
for right alignment; the report needs both, and it must escape every text cell because
indicator names and user files may contain ``<`` or ``&``.

Every numeric column is printed with one number of decimals for all its rows (a column of
scores never shows ``0.500`` beside ``3`` and ``2.10``): the caller's ``decimals`` for the
column (an index's scores carry theirs in the spec: INFORM 1, HDI 3), else
:func:`column_decimals`. The CSV download beside a table always holds the unrounded values.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Iterable, Mapping
from html import escape
from numbers import Integral, Number
from typing import Any

import pandas as pd

from humsec.errors import ColumnError, HumsecError

MISSING = "—"
"""How a missing value appears in a report table (with a ``title`` saying it is missing)."""

MAX_DECIMALS = 6
"""The most decimals :func:`column_decimals` gives a column."""

Formatter = Callable[[Any], str]


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip() == ""  # a blank cell would look like a missing value
    return isinstance(value, float) and math.isnan(value)


def _is_year(column: str, values: Iterable[Any]) -> bool:
    """A year column (``year``, ``first_year``, ``year_to``, holding whole numbers from 1800
    to 2200) prints without thousands separators; ``pushed_per_year`` is not one."""
    name = column.lower()
    if not (name == "year" or name.endswith("_year") or name.startswith("year_")):
        return False
    numbers = [v for v in values if isinstance(v, Number) and not _is_missing(v)]
    return bool(numbers) and all(
        float(v).is_integer() and 1800 <= float(v) <= 2200  # type: ignore[arg-type]
        for v in numbers
    )


def column_decimals(values: Iterable[Any], digits: int = 3) -> int:
    """One number of decimals for a whole column.

    ``d = digits - 1 - floor(log10(m))`` for the median ``m`` of the column's non-zero
    magnitudes (``digits`` significant digits for a typical value), clipped to
    ``[0, MAX_DECIMALS]``, and never more than the values carry (a column a section rounded to
    1 decimal keeps 1). Whole numbers get 0. E.g. INFORM-like scores rounded to 1 decimal keep
    1 (0.5, 3.0, 2.1), M0 around 0.15 gets 3 (0.098, 0.189), losses in the millions get 0.
    """
    numbers = [float(v) for v in values if isinstance(v, Number) and not isinstance(v, bool)]  # type: ignore[arg-type]
    finite = sorted(abs(v) for v in numbers if math.isfinite(v))
    if not finite or all(v.is_integer() for v in finite):
        return 0
    nonzero = [v for v in finite if v > 0]
    median = nonzero[len(nonzero) // 2]
    significant = max(0, min(digits - 1 - math.floor(math.log10(median)), MAX_DECIMALS))
    carried = next(
        (d for d in range(MAX_DECIMALS) if all(_rounds_to(v, d) for v in finite)), MAX_DECIMALS
    )
    return min(significant, carried)


def index_decimals(spec: Any, columns: Iterable[str]) -> dict[str, int]:
    """Decimals for an index table's ``columns`` from its spec (a :class:`humsec.index.IndexSpec`):
    every node and indicator score the spec's display decimals (INFORM 1, HDI 3, ND-GAIN's
    GAIN 1 and its pillars 3), ``rank`` 0 and ``coverage`` (a share) 2."""
    codes = {n.code for n in spec.nodes} | set(spec.indicator_codes)
    fixed = {"rank": 0, "coverage": 2}
    return {
        c: fixed[c] if c in fixed else spec.display_decimals(c)
        for c in columns
        if c in codes or c in fixed
    }


def _is_p_value(column: str) -> bool:
    return column.lower().replace("-", "_").replace(" ", "_") in {"p", "p_value", "pvalue"}


def _rounds_to(value: float, places: int) -> bool:
    """Whether ``value`` already has at most ``places`` decimals (up to float noise)."""
    return abs(value - round(value, places)) <= 1e-9 * max(1.0, value)


def fixed_number(value: Any, decimals: int, *, separators: bool = True) -> str:
    """``value`` with exactly ``decimals`` decimals (thousands separated unless
    ``separators=False``); a non-zero value that would round to zero prints as
    ``<0.001`` (or ``>-0.001``) at that resolution, so it is never shown as 0."""
    number = float(value)
    sep = "," if separators else ""
    resolution = 10.0**-decimals
    if number != 0 and abs(number) < resolution / 2:
        bound = f"{resolution:.{decimals}f}"
        return f"<{bound}" if number > 0 else f">-{bound}"
    return f"{number:{sep}.{decimals}f}"


def format_number(value: Any, digits: int = 3) -> str:
    """Format a number with ``digits`` significant digits (thousands separated), text unchanged.

    Integers print without decimals; large magnitudes are rounded to whole units so that,
    e.g., GNI per capita reads ``4,474`` rather than ``4.47e+03``.
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Number):
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e15:
            return f"{int(number):,}"
        magnitude = abs(number)
        if magnitude >= 10 ** (digits - 1):
            return f"{number:,.0f}"
        decimals = digits - 1 - (math.floor(math.log10(magnitude)) if magnitude > 0 else 0)
        return f"{number:,.{max(decimals, 0)}f}"
    return str(value)


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    formatters: Mapping[str, Formatter] | None = None,
    decimals: Mapping[str, int] | None = None,
    html_columns: Iterable[str] = (),
    table_id: str | None = None,
    css_class: str = "data-table",
    download: pd.DataFrame | None = None,
    download_name: str = "table.csv",
) -> str:
    """Render ``frame`` (its columns, not its index) as an escaped HTML ``<table>``.

    Numbers are right-aligned; each numeric column is printed with one number of decimals:
    ``decimals[column]`` if given (see :func:`index_decimals` for an index's scores), else
    :func:`column_decimals` of the column (0 for whole numbers; year columns without thousands
    separators; p-values 3, with ``<0.001`` below). A column with its own entry in
    ``formatters`` uses that instead. Missing values, and blank text, print as ``—`` with
    ``title="missing"``. Columns named in ``html_columns`` hold trusted HTML made by the report
    itself (for example inline SVG sparklines) and are inserted unescaped.

    With ``download`` (usually the unformatted data behind the table), a "Download CSV" link
    carries that frame inside the page as a ``data:`` URI, so the numbers can be taken into a
    spreadsheet without any server; missing values are empty cells.
    """
    formatters = dict(formatters or {})
    decimals = dict(decimals or {})
    trusted = set(html_columns)
    unknown = (set(formatters) | set(decimals) | trusted) - {str(c) for c in frame.columns}
    if unknown:
        raise ColumnError(
            f"table has no column(s) {sorted(unknown)}",
            location="report table",
            hint=f"columns are {[str(c) for c in frame.columns]}",
        )
    columns = [str(c) for c in frame.columns]
    numeric = {
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }
    for column in numeric - set(formatters) - trusted:
        default = 3 if _is_p_value(column) else column_decimals(frame[column].tolist())
        places = decimals.get(column, default)
        formatters[column] = _fixed(places, separators=not _is_year(column, frame[column]))
    head = "".join(
        f'<th scope="col"{" class=num" if c in numeric else ""}>{escape(c)}</th>' for c in columns
    )
    body_rows: list[str] = []
    for row in frame.itertuples(index=False, name=None):
        cells: list[str] = []
        for column, value in zip(columns, row, strict=True):
            css = ' class="num"' if column in numeric else ""
            if _is_missing(value):
                cells.append(f'<td class="missing" title="missing">{MISSING}</td>')
            elif column in trusted:
                cells.append(f"<td{css}>{value}</td>")
            else:
                fmt = formatters.get(column, format_number)
                cells.append(f"<td{css}>{escape(fmt(value))}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    id_attr = f' id="{escape(table_id)}"' if table_id else ""
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    link = "" if download is None else csv_link(download, download_name)
    return (
        f'<div class="table-wrap"><table class="{escape(css_class)}"{id_attr}>{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body_rows)}</tbody></table>"
        f"{link}</div>"
    )


def _fixed(places: int, *, separators: bool) -> Formatter:
    def fmt(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, Number):
            return format_number(value)
        if isinstance(value, Integral) and places == 0:
            return f"{int(value):,}" if separators else str(int(value))
        return fixed_number(value, places, separators=separators)

    return fmt


def csv_link(frame: pd.DataFrame, file_name: str) -> str:
    """An ``<a download>`` link holding ``frame`` as CSV (UTF-8, base64 ``data:`` URI)."""
    if not file_name.endswith(".csv") or "/" in file_name:
        raise HumsecError(
            f"download name {file_name!r} must be a plain file name ending in .csv",
            hint="e.g. 'indicators.csv'",
        )
    payload = base64.b64encode(frame.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (
        f'<a class="download" download="{escape(file_name)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">Download CSV</a>'
    )

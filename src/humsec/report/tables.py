"""HTML tables for the report, with missing values shown explicitly.

pandas' ``DataFrame.to_html`` prints missing values as ``NaN`` and cannot mark numeric cells
for right alignment; the report needs both, and it must escape every text cell because
indicator names and user files may contain ``<`` or ``&``.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Iterable, Mapping
from html import escape
from numbers import Number
from typing import Any

import pandas as pd

from humsec.errors import ColumnError, HumsecError

MISSING = "—"
"""How a missing value appears in a report table (with a ``title`` saying it is missing)."""

Formatter = Callable[[Any], str]


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


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
    html_columns: Iterable[str] = (),
    table_id: str | None = None,
    css_class: str = "data-table",
    download: pd.DataFrame | None = None,
    download_name: str = "table.csv",
) -> str:
    """Render ``frame`` (its columns, not its index) as an escaped HTML ``<table>``.

    Numbers are right-aligned and formatted with :func:`format_number` unless a column has its
    own entry in ``formatters``; missing values print as ``—`` with ``title="missing"``.
    Columns named in ``html_columns`` hold trusted HTML made by the report itself (for example
    inline SVG sparklines) and are inserted unescaped.

    With ``download`` (usually the unformatted data behind the table), a "Download CSV" link
    carries that frame inside the page as a ``data:`` URI, so the numbers can be taken into a
    spreadsheet without any server; missing values are empty cells.
    """
    formatters = dict(formatters or {})
    trusted = set(html_columns)
    unknown = (set(formatters) | trusted) - {str(c) for c in frame.columns}
    if unknown:
        raise ColumnError(
            f"table has no column(s) {sorted(unknown)}",
            location="report table",
            hint=f"columns are {[str(c) for c in frame.columns]}",
        )
    columns = [str(c) for c in frame.columns]
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th scope="col"{" class=num" if c in numeric else ""}>{escape(c)}</th>' for c in columns
    )
    body_rows: list[str] = []
    for row in frame.itertuples(index=False, name=None):
        cells: list[str] = []
        for column, value in zip(columns, row, strict=True):
            css = ' class="num"' if column in numeric else ""
            if column in trusted:
                cells.append(f"<td{css}>{'' if _is_missing(value) else value}</td>")
            elif _is_missing(value):
                cells.append(f'<td class="missing" title="missing">{MISSING}</td>')
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

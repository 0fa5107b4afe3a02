"""A pandas frame as a console table that stays readable at 80 columns.

Numbers never wrap and never use scientific notation (issue 8 §3); headers wrap between the
words of codes, text cells between words. Every command that prints a frame uses
:func:`frame_table`, so the console and the ``--out`` file show the same numbers (the file keeps
full precision).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType

from humsec.cli.terminal import Table, console

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["frame_table", "plain_number"]


def plain_number(value: float) -> str:
    """A number without scientific notation: thousands with separators and no decimals,
    ordinary values with 2 decimals, small ones with 3 significant digits (at most 8)."""
    size = abs(value)
    if size == 0 or not math.isfinite(value):
        return "0" if size == 0 else str(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.{min(8, 2 - math.floor(math.log10(size)))}f}"


def _cell(value: object, decimals: int | None) -> str:
    """One table cell: missing is empty; numbers with ``decimals`` (None: :func:`plain_number`)."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, int | np.integer):
        return str(value)
    if isinstance(value, float | np.floating):
        if value != value:  # NaN
            return ""
        return plain_number(float(value)) if decimals is None else f"{value:.{decimals}f}"
    return str(value)


def _fit_widths(natural: list[int], minimum: list[int], budget: int) -> list[int]:
    """Column widths: each column's natural width, the widest narrowed first (never below
    its minimum) until the widths add up to ``budget`` or nothing can narrow further."""
    widths = list(natural)
    while sum(widths) > budget:
        narrowable = [j for j, w in enumerate(widths) if w > minimum[j]]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda j: widths[j])
        widths[widest] -= 1
    return widths


def frame_table(
    frame: pd.DataFrame,
    title: str,
    *,
    index_name: str = "unit",
    decimals: Mapping[str, int | None] | None = None,
    default: int | None = None,
) -> RenderableType:
    """A console table that stays readable at 80 columns: numbers never wrap (a column is
    at least as wide as its longest number), headers wrap between the words of codes
    (``lack_of_coping`` prints as "lack of coping"), text cells between words, and numbers
    have the decimals the spec gives for the measure (``decimals`` per column, ``default``
    otherwise; None = plain formatting, never scientific notation). A frame whose columns do
    not fit side by side prints as several tables, the row labels repeated in each."""
    import pandas as pd

    decimals = decimals or {}
    labels = [" ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in frame.index]
    cells = [labels] + [
        [_cell(v, decimals.get(str(column), default)) for v in frame[column].tolist()]
        for column in frame.columns
    ]
    headers = [index_name] + [str(c).replace("_", " ") for c in frame.columns]
    numeric = [False] + [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]

    def longest(texts: list[str], words: bool) -> int:
        parts = [w for t in texts for w in (t.split() if words else [t])]
        return max([len(p) for p in parts] + [1])

    natural = [max(longest(col, False), len(h)) for col, h in zip(cells, headers, strict=True)]
    minimum = [
        max(longest(col, not is_number), longest([h], True))
        for col, h, is_number in zip(cells, headers, numeric, strict=True)
    ]
    # numbers written as text (intervals "1-3") are right-aligned like numbers
    right = [
        is_number or (j > 0 and all(c == "" or c[0].isdigit() for c in col))
        for j, (col, is_number) in enumerate(zip(cells, numeric, strict=True))
    ]
    parts = []
    for k, chosen in enumerate(_column_blocks(minimum, console.width)):
        widths = _fit_widths([natural[j] for j in chosen], [minimum[j] for j in chosen],
                             console.width - 2 * (len(chosen) - 1) - 1)
        table = Table(title=title if k == 0 else f"{title} (continued)", title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1),
                      collapse_padding=True)  # fmt: skip
        for j, width in zip(chosen, widths, strict=True):
            table.add_column(headers[j], justify="right" if right[j] else "left",
                             width=width, overflow="fold")
        for row in zip(*(cells[j] for j in chosen), strict=True):
            table.add_row(*row)  # string cells print literally (cli.terminal.Table)
        parts.append(table)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _column_blocks(minimum: list[int], budget: int) -> list[list[int]]:
    """Split the columns (0 is the row label, repeated in every block) into consecutive
    blocks whose minimum widths, with 2 spaces between columns, fit ``budget``; a frame too
    wide for one table prints as several, as pandas wraps wide frames."""
    blocks: list[list[int]] = [[0]]
    for j in range(1, len(minimum)):
        block = blocks[-1]
        used = sum(minimum[k] for k in block) + 2 * len(block)
        if len(block) > 1 and used + minimum[j] > budget - 1:
            blocks.append([0, j])
        else:
            block.append(j)
    return blocks

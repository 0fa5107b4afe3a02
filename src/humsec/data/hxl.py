"""Read and write HXL-tagged tables (CSV/TSV/Excel with a hashtag row).

Parsing and matching hashtags lives in :mod:`humsec.data.hashtags` (no I/O); this module
reads a tagged file through :func:`humsec.data.readers.read_table` and writes one atomically.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.data.hashtags import (
    HxlPattern,
    HxlTag,
    find_column,
    find_columns,
    find_hashtag_row,
    hxl_tags,
    is_hashtag,
    require_tags,
    select_tags,
)
from humsec.data.output import atomic_path
from humsec.data.readers import read_table
from humsec.errors import ColumnError, did_you_mean


def read_hxl(
    path: str | os.PathLike[str],
    required: Iterable[str] = (),
    **options: Any,
) -> pd.DataFrame:
    """Read an HXL-tagged table (CSV/TSV/Excel) and check the required tag patterns.

    The frame carries ``attrs["hxl"] = {column: "#tag+attrs"}``; look columns up with
    :func:`find_column`. ``options`` go to :func:`humsec.data.readers.read_table`.
    """
    frame = read_table(path, hxl=True, **options)
    require_tags(frame, required)
    return frame


def write_hxl(
    frame: pd.DataFrame,
    tags: Mapping[str, str] | None,
    path: str | os.PathLike[str],
    *,
    header: bool = True,
) -> Path:
    """Write ``frame`` as HXL-tagged CSV (header row, then hashtag row, then data), atomically.

    ``tags`` maps column names to hashtags; ``None`` uses ``frame.attrs["hxl"]``. Columns
    without a tag get an empty hashtag cell, which HXL tools ignore.
    """
    target = Path(path)
    mapping = dict(tags) if tags is not None else hxl_tags(frame)
    unknown = [c for c in mapping if c not in frame.columns]
    if unknown:
        raise ColumnError(
            f"tags given for column(s) not in the table: {', '.join(map(repr, unknown))}",
            location=str(target),
            hint=did_you_mean(str(unknown[0]), [str(c) for c in frame.columns])
            or f"columns: {', '.join(map(str, frame.columns))}",
        )
    for text in mapping.values():
        HxlTag.parse(text)  # validate; the author's attribute order is kept when writing
    hashtag_row = [re.sub(r"\s+", "", mapping[c]) if c in mapping else "" for c in frame.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow([str(c) for c in frame.columns])
    writer.writerow(hashtag_row)
    frame.to_csv(buffer, index=False, header=False, lineterminator="\n")
    with atomic_path(target) as tmp:
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
    return target


__all__ = [
    "HxlPattern",
    "HxlTag",
    "find_column",
    "find_columns",
    "find_hashtag_row",
    "hxl_tags",
    "is_hashtag",
    "read_hxl",
    "require_tags",
    "select_tags",
    "write_hxl",
]

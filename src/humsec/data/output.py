"""Write outputs atomically: to a temporary file in the target folder, then rename.

A failure half-way (bad input, a crash, Ctrl-C) therefore never leaves a truncated file
where the user expects a result, and never overwrites a previous good result.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from humsec.errors import DataError

TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx", ".json")


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates the file 0600; give the result the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically and return the final path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = True) -> Path:
    """Write a table atomically; the format follows the suffix (csv, parquet, xlsx, json)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise DataError(
            f"cannot write a table with suffix {suffix or '(none)'!r}",
            location=str(target),
            hint=f"use one of {', '.join(TABLE_SUFFIXES)}",
        )
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=index)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=index)
        elif suffix == ".xlsx":
            frame.to_excel(tmp, index=index, engine="openpyxl")
        else:
            frame.to_json(tmp, orient="table" if index else "records", indent=1)
    return target

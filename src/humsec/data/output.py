"""Write outputs atomically: to a temporary file in the target folder, then rename.

A failure half-way (bad input, a crash, Ctrl-C, SIGTERM) therefore never leaves a truncated
file where the user expects a result, and never overwrites a previous good result. Every
writer in humsec goes through :func:`atomic_path`, which also

* refuses targets that are not (or would not be) a regular file: a directory, a symbolic link,
  a device node such as ``/dev/null``, a FIFO or a socket; renaming over them would destroy them;
* turns the operating system's refusals (disk full, read-only file system, permission denied,
  a missing or non-folder parent) into :class:`~humsec.errors.OutputError` with what to do;
* flushes the data to disk (``fsync``) before the rename, so the rename publishes a complete
  file even after a power cut;
* keeps a registry of the temporary files being written, so that a signal handler
  (:func:`remove_partial_outputs`) can delete them before the process ends.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from humsec.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx", ".json")

#: Temporary files currently being written (removed on success, failure or a signal).
_PARTIAL: set[Path] = set()

#: errno -> (what happened, what to do)
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free some space or write to another disk"),
    errno.EDQUOT: ("the disk quota is exhausted", "free some space or write elsewhere"),
    errno.EROFS: ("the file system is read-only", "write to a folder on a writable disk"),
    errno.EACCES: ("permission denied", "write to a folder you may write to, or fix its "
                   "permissions"),
    errno.EPERM: ("operation not permitted", "write to a folder you may write to"),
    errno.EISDIR: ("this is a folder", "name a file inside the folder"),
    errno.ENOTDIR: ("a parent of this path is a file, not a folder", "check the path"),
    errno.ENAMETOOLONG: ("the file name is too long", "use a shorter name"),
    errno.ENOENT: ("the folder does not exist", "check the path"),
}


def check_output_target(path: str | os.PathLike[str], *, probe: bool = False) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a result may be written there.

    Raises :class:`~humsec.errors.OutputError` for an existing directory, symbolic link, device
    node, FIFO or socket (the atomic rename would replace it), an empty name, and a parent that
    exists but is not a folder. With ``probe`` (the check commands make before any work) it
    also creates and removes an empty file in the nearest existing folder, so that a folder
    without write permission, a read-only file system or a pseudo file system such as ``/sys``
    fail now rather than after the computation.
    """
    target = Path(path)
    where = str(target)
    if not target.name or str(target) in (".", ".."):
        raise OutputError("no file name given", location=where, hint="name a file, e.g. out.csv")
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _os_error(error, target) from None
    if info is not None:
        mode = info.st_mode
        kind = (
            "a symbolic link" if stat.S_ISLNK(mode)
            else "a folder" if stat.S_ISDIR(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else None
        )  # fmt: skip
        if kind is not None:
            raise OutputError(
                f"will not write over {kind}",
                location=where,
                hint="name a regular file (a new one, or a previous result to replace)"
                + (", inside that folder" if kind == "a folder" else ""),
            )
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(
                    f"{str(parent)!r} is a file, not a folder", location=where,
                    hint="check the path",
                )  # fmt: skip
            if probe:
                _probe_folder(parent, target)
            break
    return target


def _probe_folder(folder: Path, target: Path) -> None:
    """Create and remove an empty file in ``folder``; an OS error names ``target``."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".probe",
                                    dir=folder)
    except OSError as error:
        raise _os_error(error, target) from None
    os.close(fd)
    with suppress(OSError):
        os.unlink(name)


def _os_error(error: OSError, target: Path) -> OutputError:
    reason, hint = _OS_REASONS.get(
        error.errno or -1, (error.strerror or str(error), "check the path and the disk")
    )
    return OutputError(f"cannot write the file: {reason}", location=str(target), hint=hint)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success.

    The temporary file lives in the target folder (so the rename is atomic on one file
    system), is ``fsync``-ed before the rename and removed on any failure or signal.
    OS errors become :class:`~humsec.errors.OutputError`.
    """
    target = check_output_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name[:200]}.", suffix=".tmp", dir=target.parent
        )
        os.close(fd)
    except OSError as error:
        raise _os_error(error, target) from None
    tmp = Path(tmp_name)
    _PARTIAL.add(tmp)
    try:
        try:
            yield tmp
            _sync(tmp)
            # mkstemp creates the file 0600; give the result the permissions open() would.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            check_output_target(target)  # nothing unsafe appeared there meanwhile
            os.replace(tmp, target)
        except OSError as error:
            raise _os_error(error, target) from None
        _sync_folder(target.parent)
    finally:
        _PARTIAL.discard(tmp)
        with suppress(OSError):
            tmp.unlink()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform or file system allows it.
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_partial_outputs() -> int:
    """Delete every temporary output file still being written; return how many.

    For signal handlers: the interrupted writer's own cleanup may never run.
    """
    removed = 0
    for tmp in list(_PARTIAL):
        with suppress(OSError):
            tmp.unlink()
            removed += 1
        _PARTIAL.discard(tmp)
    return removed


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically and return the final path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def check_table_target(path: str | os.PathLike[str] | None) -> Path | None:
    """Check a table's ``--out`` target before any work: :func:`check_output_target` (with
    ``probe``, so an unwritable folder fails too) plus a
    suffix :func:`write_table` can write (csv, parquet, xlsx, json). ``None`` passes through,
    so commands call it first thing with their optional ``--out``."""
    if path is None:
        return None
    target = check_output_target(path, probe=True)
    suffix = target.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise OutputError(
            f"cannot write a table with suffix {suffix or '(none)'!r}",
            location=str(target),
            hint=f"use one of {', '.join(TABLE_SUFFIXES)}",
        )
    return target


def companion_path(path: str | os.PathLike[str], part: str) -> Path:
    """The file next to ``path`` for a second table of the same result:
    ``out.csv`` + ``overlap`` -> ``out_overlap.csv`` (same folder, same format)."""
    target = Path(path)
    return target.with_name(f"{target.stem}_{part}{target.suffix}")


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = True,
    units: Mapping[str, str] | None = None,
) -> Path:
    """Write a table atomically; the format follows the suffix (csv, parquet, xlsx, json).

    ``units`` (column -> unit, e.g. ``persons``) goes into the file with the data: CSV, a
    second header row with each column's unit (empty where none is given; read the data with
    ``pandas.read_csv(path, header=[0, 1])`` or ``skiprows=[1]``); Parquet, field metadata
    ``unit``; XLSX, a ``units`` sheet (column, unit) after the data sheet; JSON, an object
    ``{"units": {...}, "data": [...]}``."""
    target = check_table_target(path)
    assert target is not None
    suffix = target.suffix.lower()
    with atomic_path(target) as tmp:
        if units:
            _write_with_units(frame, tmp, suffix, index, dict(units))
        elif suffix == ".csv":
            frame.to_csv(tmp, index=index)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=index)
        elif suffix == ".xlsx":
            frame.to_excel(tmp, index=index, engine="openpyxl")
        else:
            frame.to_json(tmp, orient="table" if index else "records", indent=1)
    return target


def _write_with_units(
    frame: pd.DataFrame, tmp: Path, suffix: str, index: bool, units: dict[str, str]
) -> None:
    import pandas as pd

    flat = frame.reset_index() if index else frame
    columns = [str(c) for c in flat.columns]
    row = [units.get(c, "") for c in columns]
    if suffix == ".csv":
        flat.set_axis(pd.MultiIndex.from_arrays([columns, row]), axis=1).to_csv(tmp, index=False)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(flat, preserve_index=False)
        fields = [
            field.with_metadata({"unit": units[field.name]}) if field.name in units else field
            for field in table.schema
        ]
        schema = pa.schema(fields, metadata=table.schema.metadata)
        pq.write_table(pa.Table.from_arrays(table.columns, schema=schema), tmp)
    elif suffix == ".xlsx":
        with pd.ExcelWriter(tmp, engine="openpyxl") as workbook:
            flat.to_excel(workbook, index=False)
            pd.DataFrame({"column": columns, "unit": row}).to_excel(
                workbook, sheet_name="units", index=False
            )
    else:
        payload = {"units": dict(zip(columns, row, strict=True)),
                   "data": json.loads(flat.to_json(orient="records"))}  # fmt: skip
        tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")


WORKBOOK_SUFFIXES = (".xlsx", ".json")


def write_tables(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write several named tables into one file atomically: an ``.xlsx`` workbook with one
    sheet per table (in the given order; names cut to Excel's 31 characters), or a ``.json``
    object mapping each name to the table in pandas' ``table`` orientation."""
    import pandas as pd

    target = check_output_target(path)
    suffix = target.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise OutputError(
            f"cannot write several tables into one {suffix or '(no suffix)'} file",
            location=str(target),
            hint=f"use one of {', '.join(WORKBOOK_SUFFIXES)}",
        )
    with atomic_path(target) as tmp:
        if suffix == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as workbook:
                for name, frame in tables.items():
                    frame.to_excel(workbook, sheet_name=name[:31])
        else:
            payload = {
                name: json.loads(frame.to_json(orient="table")) for name, frame in tables.items()
            }
            tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return target

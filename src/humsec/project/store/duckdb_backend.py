"""The embedded DuckDB backend: one file, zero set-up, the default store of a project.

One connection is held for the store's lifetime (DuckDB's single-writer rule is per process:
see :mod:`humsec.project.store.locking`). Threads of this process share it safely: each
operation runs on its own cursor, and write transactions are serialised by a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from humsec.errors import StoreError, StoreVersionError
from humsec.project.store.database import Params
from humsec.project.store.locking import lock_path, locked_error, remove_lock, write_lock
from humsec.project.store.schema import DUCKDB_MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

# DuckDB shares one database instance between the connections of a process, so two Store
# objects on one file in one process share its writer lock and its lock file.
_GUARD = threading.Lock()
_WRITE_LOCKS: dict[Path, threading.Lock] = {}
_OPEN_WRITERS: dict[Path, int] = {}
# Write transactions ended per file in this process (see DuckDBDatabase.change_count).
_WRITES: dict[Path, int] = {}


def _shared_write_lock(path: Path) -> threading.Lock:
    with _GUARD:
        return _WRITE_LOCKS.setdefault(path, threading.Lock())


def _writer_opened(path: Path) -> None:
    with _GUARD:
        _OPEN_WRITERS[path] = _OPEN_WRITERS.get(path, 0) + 1
        if _OPEN_WRITERS[path] == 1:
            write_lock(path)


def _writer_closed(path: Path) -> None:
    with _GUARD:
        _OPEN_WRITERS[path] -= 1
        if _OPEN_WRITERS[path] == 0:
            del _OPEN_WRITERS[path]
            remove_lock(lock_path(path))


def _duckdb_sql(sql: str) -> str:
    """``:name`` parameters as DuckDB's ``$name``."""
    return _PARAM.sub(r"$\1", sql)


class _Cursor:
    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def execute(self, sql: str, params: Params = None) -> None:
        self._cursor.execute(_duckdb_sql(sql), dict(params or {}))

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return self._cursor.execute(_duckdb_sql(sql), dict(params or {})).fetchall()


class DuckDBDatabase:
    """A store in a DuckDB file (created with its schema when it does not exist)."""

    def __init__(self, path: Path, *, read_only: bool = False, migrate_to: int | None = None):
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        self._key = path.resolve()
        self._write_lock = _shared_write_lock(self._key)
        self._writer = False
        self._cursor_lock = threading.Lock()
        if read_only and not path.exists():
            raise StoreError(
                "there is no store to read at this path",
                location=str(path),
                hint="check the path, or open it for writing once to create it",
            )
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" in message.lower():
                raise locked_error(path, message, read_only=read_only) from exc
            raise StoreError(
                f"DuckDB cannot open the store: {message}",
                location=str(path),
                hint="check that the file is a humsec store and that you may read it",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"DuckDB cannot open the store: {exc}",
                location=str(path),
                hint="check that the file is a DuckDB humsec store (not another file type)",
            ) from exc
        if not read_only:
            _writer_opened(self._key)
            self._writer = True
        try:
            self._prepare(migrate_to or SCHEMA_VERSION)
        except BaseException:
            self.close()
            raise

    # -- schema -----------------------------------------------------------------------
    def _tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        return {r[0] for r in rows}

    def schema_version(self) -> int:
        """The schema version recorded in the store (0 for a new, empty file)."""
        tables = self._tables()
        if not tables:
            return 0
        if "store_meta" not in tables:
            raise StoreError(
                "this DuckDB file is not a humsec store (it has no store_meta table)",
                location=self.location,
                hint="point the project at a new file, or at the store humsec created",
            )
        row = self._con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone()
        if row is None:
            raise StoreError(
                "the store records no schema version, so it cannot be read safely",
                location=self.location,
                hint="restore the store from a backup",
            )
        return int(row[0])

    def _prepare(self, target: int) -> None:
        from humsec import __version__

        found = self.schema_version()
        if found > SCHEMA_VERSION:
            raise StoreVersionError(
                f"the store has schema version {found}, newer than this humsec "
                f"({__version__}) knows (version {SCHEMA_VERSION}); reading it could "
                "misread it",
                location=self.location,
                hint="upgrade humsec (pip install -U humsec) to open this store",
            )
        if found >= target:
            return
        if self.read_only:
            raise StoreVersionError(
                f"the store has schema version {found} and needs migrating to "
                f"{SCHEMA_VERSION}, which a read-only open cannot do",
                location=self.location,
                hint="open it once for writing (any humsec command on the project) to migrate",
            )
        for version in range(found + 1, target + 1):
            with self.transaction() as tx:
                for statement in DUCKDB_MIGRATIONS[version]:
                    tx.execute(statement)
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta VALUES ('schema_version', :v)",
                    {"v": str(version)},
                )
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta VALUES ('migrated_by', :v)",
                    {"v": f"humsec {__version__} at {datetime.now(UTC).isoformat()}"},
                )

    # -- access -----------------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._cursor_lock:  # a cursor per operation, made one at a time
            return self._con.cursor()

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        cursor = self._cursor()
        try:
            return _Cursor(cursor).query(sql, params)
        finally:
            cursor.close()

    def write(self, work: Callable[[_Cursor], T]) -> T:
        """Run ``work`` in one write transaction (serialised across this process's threads)."""
        with self.transaction() as tx:
            return work(tx)

    @contextmanager
    def transaction(self) -> Iterator[_Cursor]:
        if self.read_only:
            raise StoreError(
                "the store was opened read-only",
                location=self.location,
                hint="open it without read_only=True to write",
            )
        with self._write_lock:
            cursor = self._cursor()
            try:
                cursor.execute("BEGIN TRANSACTION")
                try:
                    yield _Cursor(cursor)
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                cursor.close()
                with _GUARD:  # counted whether or not it committed: never too low
                    _WRITES[self._key] = _WRITES.get(self._key, 0) + 1

    def change_count(self) -> int | None:
        """A number that changes whenever the store may have changed: the write transactions
        this process has ended on the file, through any handle. A writable open is the only
        process that can write the file (DuckDB's OS lock), so an unchanged number means an
        unchanged store. None for a read-only open: a writer elsewhere cannot be seen."""
        if self.read_only:
            return None
        with _GUARD:
            return _WRITES.get(self._key, 0)

    def close(self) -> None:
        try:
            self._con.close()
        finally:
            if self._writer:
                self._writer = False
                _writer_closed(self._key)

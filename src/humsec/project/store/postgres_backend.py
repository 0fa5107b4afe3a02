"""The PostgreSQL backend: a shared store for the service, through SQLAlchemy 2 Core.

- **Driver and pool:** psycopg 3 (``postgresql://`` URLs are read as
  ``postgresql+psycopg://``) and a connection pool with ``pool_pre_ping``, so connections
  broken by a server restart are replaced at checkout. A query or write transaction that
  loses its connection is run once more on a fresh one after ``retry_wait`` seconds, so a
  store outlives a restart of its server; if the server is still away, the error is
  :class:`~humsec.errors.StoreUnreachableError` with the URL minus its password.
- **Schema:** created and migrated by the Alembic revisions shipped in
  ``migrations/versions`` (revision ``000N`` is schema version N), run programmatically on
  opening under an advisory lock, so two processes opening a new store do not race. The
  store may live in its own PostgreSQL schema (``schema=``; the version table goes there too).
- **Writers:** each write transaction takes a transaction-scoped advisory lock of the store,
  so numbering (run ``seq``, dataset versions) is serialised across processes and threads;
  reads run in parallel on pooled connections.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from humsec.errors import StoreError, StoreUnreachableError, StoreVersionError
from humsec.project.store.database import Params
from humsec.project.store.schema import SCHEMA_VERSION

T = TypeVar("T")
MIGRATIONS = Path(__file__).with_name("migrations")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _revision(version: int) -> str:
    return f"{version:04d}"


def _connection_lost(exc: sa.exc.DBAPIError) -> bool:
    """Whether a database error means the connection (not the statement) failed."""
    return bool(exc.connection_invalidated) or isinstance(
        exc, sa.exc.OperationalError | sa.exc.InterfaceError
    )


def _driver_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"not a valid PostgreSQL URL: {exc}",
            location=url.split("@")[-1],
            hint="write it as postgresql://user:password@host:port/database",
        ) from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class _Connection:
    def __init__(self, connection: Connection):
        self._connection = connection

    def execute(self, sql: str, params: Params = None) -> None:
        self._connection.execute(sa.text(sql), dict(params or {}))

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._connection.execute(sa.text(sql), dict(params or {}))]


class PostgresDatabase:
    """A store in a PostgreSQL database (and schema), created or migrated on opening."""

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        read_only: bool = False,
        migrate_to: int | None = None,
        pool_size: int = 5,
        retry_wait: float = 1.0,
    ):
        parsed = _driver_url(url)
        self.location = parsed.set(drivername="postgresql").render_as_string(hide_password=True)
        self.read_only = read_only
        self.retry_wait = retry_wait
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise StoreError(
                f"{schema!r} is not a usable PostgreSQL schema name",
                location=self.location,
                hint="use lower-case letters, digits and underscores, starting with a letter",
            )
        self.schema = schema
        self._lock_key = zlib.crc32(f"humsec-store:{schema or 'public'}".encode())
        connect_args: dict[str, Any] = {"connect_timeout": 10}
        if schema is not None:
            connect_args["options"] = f"-csearch_path={schema}"
        self._engine = sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            connect_args=connect_args,
        )
        try:
            self._retrying(lambda connection: self._migrate(connection, migrate_to))
        except BaseException:
            self._engine.dispose()
            raise

    # -- connections ------------------------------------------------------------------
    def _unreachable(self, exc: BaseException) -> StoreUnreachableError:
        detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        return StoreUnreachableError(
            f"cannot reach the PostgreSQL server of the store: {detail[0] if detail else exc}",
            location=self.location,
            hint="check that the server is running and that host, port, database and user "
            "in the URL are right (a password goes in the URL or in PGPASSWORD)",
        )

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        connection = self._engine.connect()
        try:
            with connection.begin():
                yield connection
        finally:
            connection.close()

    def _retrying(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, run once more after a lost connection (a restart)."""
        for attempt in (1, 2):
            try:
                with self._begin() as connection:
                    return work(connection)
            except sa.exc.DBAPIError as exc:
                if not _connection_lost(exc):
                    raise
                if attempt == 2:
                    raise self._unreachable(exc) from exc
                time.sleep(self.retry_wait)
        raise AssertionError("not reached")

    # -- schema -----------------------------------------------------------------------
    def _alembic_config(self, connection: Connection) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        config.attributes["schema"] = self.schema
        return config

    def _recorded_version(self, connection: Connection) -> tuple[str | None, int | None]:
        """(alembic revision, store_meta schema_version) as found in the database."""
        from alembic.runtime.migration import MigrationContext

        context = MigrationContext.configure(connection, opts={"version_table_schema": self.schema})
        revision = context.get_current_revision()
        names = sa.inspect(connection).get_table_names(schema=self.schema)
        if "store_meta" not in names:
            if names or revision is not None:
                raise StoreError(
                    "this PostgreSQL schema holds tables but no humsec store",
                    location=f"{self.location} (schema {self.schema or 'public'})",
                    hint="give the store its own schema (open_store(url, schema='humsec'))",
                )
            return revision, None
        row = connection.execute(
            sa.text("SELECT value FROM store_meta WHERE key = 'schema_version'")
        ).first()
        if row is None:
            raise StoreError(
                "the store records no schema version, so it cannot be read safely",
                location=self.location,
                hint="restore the store from a backup",
            )
        return revision, int(row[0])

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        return self._retrying(lambda connection: self._recorded_version(connection)[1] or 0)

    def _migrate(self, connection: Connection, migrate_to: int | None) -> None:
        """Check the recorded version and migrate forward (Alembic), under an advisory lock."""
        from alembic import command
        from alembic.script import ScriptDirectory

        from humsec import __version__

        target = migrate_to or SCHEMA_VERSION
        if self.schema is not None and not self.read_only:
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key})
        revision, version = self._recorded_version(connection)
        config = self._alembic_config(connection)
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        if (version or 0) > SCHEMA_VERSION or (revision is not None and revision not in known):
            raise StoreVersionError(
                f"the store has schema version {version} (migration {revision}), newer than "
                f"this humsec ({__version__}) knows (version {SCHEMA_VERSION}); reading it "
                "could misread it",
                location=self.location,
                hint="upgrade humsec (pip install -U humsec) to open this store",
            )
        if (version or 0) >= target:
            return
        if self.read_only:
            raise StoreVersionError(
                f"the store has schema version {version or 0} and needs migrating to "
                f"{target}, which a read-only open cannot do",
                location=self.location,
                hint="open it once for writing to migrate it",
            )
        command.upgrade(config, _revision(target))

    # -- access -----------------------------------------------------------------------
    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return self._retrying(lambda connection: _Connection(connection).query(sql, params))

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                "the store was opened read-only",
                location=self.location,
                hint="open it without read_only=True to write",
            )

    @contextmanager
    def transaction(self) -> Iterator[_Connection]:
        """One write transaction under the store's advisory lock (no rerun: see write)."""
        self._check_writable()
        try:
            with self._begin() as connection:
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key}
                )
                yield _Connection(connection)
        except sa.exc.DBAPIError as exc:
            if _connection_lost(exc):
                raise self._unreachable(exc) from exc
            raise

    def write(self, work: Callable[[_Connection], T]) -> T:
        """Run ``work`` in one write transaction under the store's advisory lock; after a
        lost connection it runs once more on a fresh one."""
        self._check_writable()

        def locked(connection: Connection) -> T:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key})
            return work(_Connection(connection))

        return self._retrying(locked)

    def change_count(self) -> None:
        """None: other processes write a shared server, so only a query can tell whether
        the store changed."""
        return None

    def close(self) -> None:
        self._engine.dispose()

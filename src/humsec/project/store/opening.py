"""Open a store from a path or a URL: the one place that picks the backend."""

from __future__ import annotations

from pathlib import Path

from humsec.errors import StoreError
from humsec.project.store.runstore import Store


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}


def open_store(
    url_or_path: str | Path,
    *,
    read_only: bool = False,
    root: str | Path | None = None,
    schema: str | None = None,
    migrate_to: int | None = None,
) -> Store:
    """Open (or create) the store at ``url_or_path``.

    - a file path (``project/.humsec/store.duckdb``): the embedded DuckDB backend, created
      with its schema on first use; dataset paths are kept relative to ``root`` (default:
      the folder holding the file);
    - ``postgresql://user:password@host:port/db``: the PostgreSQL backend (SQLAlchemy 2 +
      psycopg, schema by Alembic); ``schema`` picks a PostgreSQL schema (default
      ``public``).

    ``read_only`` opens a DuckDB store for reading (several readers may share it when no
    process writes). ``migrate_to`` stops migrations at an older schema version (for tests
    and staged upgrades); by default the store is migrated to the current version. A store
    from a newer humsec raises :class:`~humsec.errors.StoreVersionError`.
    """
    text = str(url_or_path)
    if _is_postgres(text):
        from humsec.project.store.postgres_backend import PostgresDatabase

        return Store(
            PostgresDatabase(text, schema=schema, read_only=read_only, migrate_to=migrate_to),
            root=Path(root) if root is not None else None,
        )
    if "://" in text:
        raise StoreError(
            f"unknown store URL scheme {text.split('://', 1)[0]!r}",
            location=text.split("@")[-1],
            hint="use a DuckDB file path or a postgresql://user@host:port/db URL",
        )
    from humsec.project.store.duckdb_backend import DuckDBDatabase

    path = Path(text)
    return Store(
        DuckDBDatabase(path, read_only=read_only, migrate_to=migrate_to),
        root=Path(root) if root is not None else path.parent,
    )

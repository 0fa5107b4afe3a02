"""What a backend gives the store: queries and write transactions in one SQL vocabulary.

Queries are written once with ``:name`` parameters, in the SQL that DuckDB and PostgreSQL
share (no casts, no dialect functions). Timestamps cross the boundary as naive UTC datetimes,
blobs as ``bytes``. A write transaction (a function of an :class:`Executor`, so that it can be rerun
after a lost connection) is exclusive within the store: DuckDB serialises
writers with a lock in the process (it allows one writing process anyway), PostgreSQL with a
transaction-scoped advisory lock, so numbering (run ``seq``, dataset versions) never races.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

Params = Mapping[str, Any] | None
T = TypeVar("T")


class Executor(Protocol):
    """Runs statements inside one transaction."""

    def execute(self, sql: str, params: Params = None) -> None: ...

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]: ...


class Database(Protocol):
    """A backend: DuckDB file or PostgreSQL server."""

    #: Where the store is, for messages (a file path, or a URL without its password).
    location: str
    #: True when the store was opened for reading only.
    read_only: bool

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]: ...

    def transaction(self) -> AbstractContextManager[Executor]:
        """One exclusive write transaction (not rerun after a lost connection: prefer
        :meth:`write`)."""
        ...

    def write(self, work: Callable[[Executor], T]) -> T:
        """Run ``work`` in one exclusive write transaction and return its result; a backend
        may run ``work`` again (once) when the connection was lost before the commit."""
        ...

    def schema_version(self) -> int: ...

    def change_count(self) -> int | None:
        """A number that changes whenever the store may have changed (equal numbers: nothing
        was written meanwhile), or None when the backend cannot tell without a query."""
        ...

    def close(self) -> None: ...


def rows_as_dicts(columns: list[str], rows: list[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    """Each row as a dict keyed by ``columns``."""
    for row in rows:
        yield dict(zip(columns, row, strict=True))

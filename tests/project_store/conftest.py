"""Store fixtures: the same suite runs on every backend.

``store_target`` is parametrised over the backends: ``duckdb`` (a fresh file in tmp_path) and
``postgresql`` (a fresh schema in the server named by ``HUMSEC_TEST_POSTGRES_URL``, dropped
after the test). PostgreSQL cases skip, with the reason, when the variable is unset or the
server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from humsec.project.store import Store, open_store

POSTGRES_ENV = "HUMSEC_TEST_POSTGRES_URL"
BACKENDS = ["duckdb", "postgresql"]


def _engine(url: str) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"connect_timeout": 3},
        poolclass=sa.pool.NullPool,
    )


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL, or a skip saying why there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_ENV}=postgresql://… (unset)")
    try:
        import sqlalchemy as sa

        with _engine(url).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: skip, saying why
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is unreachable: {first}")
    return url


@pytest.fixture
def fresh_schema(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL schema, dropped after the test."""
    import sqlalchemy as sa

    name = f"humsec_test_{uuid.uuid4().hex[:12]}"
    yield name
    with _engine(postgres_url).begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Keyword arguments for ``open_store`` naming a fresh, empty store on one backend."""
    if request.param == "duckdb":
        return {"url_or_path": tmp_path / "project" / ".humsec" / "store.duckdb"}
    url = request.getfixturevalue("postgres_url")
    return {
        "url_or_path": url,
        "schema": request.getfixturevalue("fresh_schema"),
        "root": tmp_path / "project",
    }


@pytest.fixture
def store(store_target: dict[str, Any]) -> Iterator[Store]:
    with open_store(**store_target) as opened:
        yield opened

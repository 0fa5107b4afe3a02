"""The service's read path: tokens kept for a few seconds by digest, run history extended."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from humsec.api.run_history import history_rows
from humsec.api.tokens import ServiceTokens, create_token, digest
from humsec.project.store import Store, TokenRecord, open_store


class CountingBook:
    """The store's token table, counting the look-ups that reach it."""

    def __init__(self, store: Store):
        self.table = store.tokens
        self.lookups = 0

    def add_token(self, record: TokenRecord) -> None:
        self.table.add_token(record)

    def token_by_digest(self, digest: str) -> TokenRecord | None:
        self.lookups += 1
        return self.table.token_by_digest(digest)

    def list_tokens(self) -> list[TokenRecord]:
        return self.table.list_tokens()

    def revoke(self, token_id: str, *, by: str) -> None:
        self.table.revoke(token_id, by=by)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "store.duckdb")


def test_a_token_is_looked_up_once_per_ttl_and_revocation_is_seen_at_once(store: Store) -> None:
    book, clock = CountingBook(store), Clock()
    tokens = ServiceTokens(book, ttl=5.0, clock=clock)
    token, made = create_token(tokens, "analyst", project="kenya")
    key = digest(token)
    assert tokens.token_by_digest(key) == made and book.lookups == 1
    clock.now += 4.9
    assert tokens.token_by_digest(key) == made and book.lookups == 1  # kept
    clock.now += 0.2  # 5.1 s after the look-up: read again
    assert tokens.token_by_digest(key) == made and book.lookups == 2
    tokens.revoke(made.token_id, by="admin")
    found = tokens.token_by_digest(key)
    assert found is not None and found.revoked and book.lookups == 3
    # a wrong token is never kept: every attempt reaches the store
    for _ in range(3):
        assert tokens.token_by_digest(digest("hs_wrong")) is None
    assert book.lookups == 6


def test_creating_a_token_empties_the_cache_and_its_size_is_bounded(store: Store) -> None:
    book, clock = CountingBook(store), Clock()
    tokens = ServiceTokens(book, ttl=60.0, capacity=2, clock=clock)
    keys = [digest(create_token(tokens, "viewer", project="kenya")[0]) for _ in range(3)]
    for key in keys:
        tokens.token_by_digest(key)
    assert book.lookups == 3
    tokens.token_by_digest(keys[2])  # kept (most recent)
    tokens.token_by_digest(keys[0])  # dropped when the third came in: read again
    assert book.lookups == 4
    create_token(tokens, "viewer")  # a new token: everything is read afresh
    tokens.token_by_digest(keys[0])
    assert book.lookups == 5


def _run(store: Store, i: int) -> str:
    moment = datetime(2026, 5, 1, 12, 0, i, tzinfo=UTC)
    return store.record(
        analysis="shocks",
        input_hash=f"{i % 2:064d}",
        inputs={},
        spec={"i": i % 2},
        seed=i % 2,
        started=moment,
        ended=moment,
        tables={"t": pd.DataFrame({"i": [i]})},
        humsec_version="0.1.0",
    ).run_id


def _full(store: Store) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(
        store.history().to_json(orient="records", date_format="iso")
    )
    return rows


def test_history_rows_read_only_new_runs_and_match_the_whole_history(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert history_rows(store) == []
    first = [_run(store, i) for i in range(3)]
    assert [r["run_id"] for r in history_rows(store)] == first
    reuse = store.find("shocks", f"{0:064d}")
    assert reuse is not None
    rows = history_rows(store)
    assert rows == _full(store) and len(rows) == 4
    assert rows[-1]["status"] == "reused" and rows[-1]["reused_from"] == first[2]
    assert rows[0]["started"] == "2026-05-01T12:00:00.000Z" and rows[1]["seed"] == 1
    # No run added since: the history is not read again at all.
    monkeypatch.setattr(store, "history", lambda **_: pytest.fail("history read again"))
    assert history_rows(store) == rows

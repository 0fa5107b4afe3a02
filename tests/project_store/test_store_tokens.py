"""The service's tokens in the store, on both backends: digests only, revocations kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from humsec.project.store import TokenRecord, open_store


def test_tokens_round_trip_and_revocation_is_an_insert(store_target: dict[str, Any]) -> None:
    made = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    record = TokenRecord(
        token_id="t1",
        digest="d" * 64,
        role="analyst",
        project="kenya",
        label="field team",
        created=made,
        expires=made + timedelta(days=30),
    )
    with open_store(**store_target) as store:
        store.tokens.add_token(record)
        assert store.tokens.token_by_digest("d" * 64) == record
        assert store.tokens.token_by_digest("e" * 64) is None
        store.tokens.revoke("t1", by="admin")
    with open_store(**store_target) as store:  # kept across openings
        (listed,) = store.tokens.list_tokens()
        assert listed.revoked and not listed.allows("viewer", "kenya")
        assert listed.model_copy(update={"revoked": False}) == record

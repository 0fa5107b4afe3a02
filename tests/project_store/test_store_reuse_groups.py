"""Reuses written in groups (humsec.project.store.reuses), on every backend: concurrent reuses
share one transaction, and each keeps its own history entry and its own audit entry."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from humsec.errors import SpecError, StoreError
from humsec.project.store import Store, open_store

T0 = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)


def _original(store: Store, key: str = "h1") -> str:
    record = store.record(
        analysis="shocks.simulate",
        input_hash=key,
        inputs={},
        spec={"kind": "shocks", "seed": 1},
        seed=1,
        started=T0,
        ended=T0,
        tables={"summary": pd.DataFrame({"value": [0.25, 0.5]})},
        humsec_version="0.1.0",
        actor="analyst-0",
    )
    return record.run_id


def _counting_writes(store: Store) -> list[int]:
    """Count the store's write transactions from now on (one entry per transaction)."""
    database: Any = store._db
    counted: list[int] = []
    write = database.write

    def counting(work: Any) -> Any:
        counted.append(1)
        return write(work)

    database.write = counting
    return counted


def _reuse_in_threads(store: Store, n: int, *, held: bool) -> list[Any]:
    """``n`` threads reuse the stored run at once; with ``held``, the writer's turn is taken
    until all ``n`` are queued, so they are written as one group. Returns the records."""
    found: list[Any] = [None] * n
    errors: list[BaseException] = []
    queue: Any = store._reuses

    def reuse(i: int) -> None:
        try:
            found[i] = store.find("shocks.simulate", "h1", actor=f"token-{i}", note={"job": i})
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reuse, args=(i,)) for i in range(n)]
    if held:
        queue._turn.acquire()
    for thread in threads:
        thread.start()
    if held:
        deadline = time.monotonic() + 10
        while len(queue._waiting) < n and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(queue._waiting) == n
        queue._turn.release()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return found


def test_concurrent_reuses_share_one_transaction_and_each_is_audited(store: Store) -> None:
    original = _original(store)
    writes = _counting_writes(store)
    found = _reuse_in_threads(store, 6, held=True)
    assert len(writes) == 1  # six reuses, one transaction
    ids = [r.run_id for r in found]
    assert len(set(ids)) == 6 and all(r.reused_from == original for r in found)
    history = store.history()
    assert list(history["status"]) == ["new"] + ["reused"] * 6
    assert sorted(history["run_id"].iloc[1:]) == sorted(ids)
    # Run ids end in consecutive history positions 2..7, in the order they were queued.
    assert sorted(int(i.rsplit("-", 1)[1]) for i in ids) == list(range(2, 8))
    log = store.audit_log(action="reuse")
    assert len(log) == 6
    by_run = {d["run_id"]: (actor, d) for actor, d in zip(log["actor"], log["detail"], strict=True)}
    for i, record in enumerate(found):
        actor, detail = by_run[record.run_id]
        assert actor == f"token-{i}" and detail["job"] == i
        assert detail["reused_from"] == original and detail["input_hash"] == "h1"
        assert store.run(record.run_id) == record
    # The audit log is numbered without gaps: the run's entry, then the six reuses.
    assert list(store.audit_log()["seq"]) == list(range(1, 8))


def test_reuses_one_after_another_are_written_one_by_one(store: Store) -> None:
    _original(store)
    writes = _counting_writes(store)
    first = store.find("shocks.simulate", "h1")
    second = store.find("shocks.simulate", "h1")
    assert first is not None and second is not None
    assert len(writes) == 2 and first.run_id != second.run_id
    assert store.run_count() == 3


def test_a_group_that_fails_writes_nothing_and_every_caller_hears(store: Store) -> None:
    _original(store)
    database: Any = store._db

    def refuse(work: Any) -> Any:
        raise StoreError("the disk is full", location=store.location, hint="free space")

    database.write = refuse
    with pytest.raises(StoreError, match="the disk is full"):
        _reuse_in_threads(store, 3, held=True)
    assert store.run_count() == 1 and store.audit_log(action="reuse").empty


def test_a_note_that_is_not_json_is_refused_before_it_joins_a_group(store: Store) -> None:
    _original(store)
    with pytest.raises(SpecError, match="no canonical JSON form"):
        store.find("shocks.simulate", "h1", note={"job": object()})
    assert store.run_count() == 1 and store._reuses._waiting == []


def test_reuses_from_two_handles_of_one_store_never_share_a_number(
    store_target: dict[str, Any],
) -> None:
    """Two Store objects (two services on one PostgreSQL store, or two handles in one process
    on a DuckDB file) queue separately; the backend's writer lock still numbers them apart."""
    with open_store(**store_target) as one, open_store(**store_target) as two:
        _original(one)
        results: list[Any] = []

        def reuse(handle: Store, n: int) -> None:
            for _ in range(n):
                results.append(handle.find("shocks.simulate", "h1"))

        threads = [threading.Thread(target=reuse, args=(h, 10)) for h in (one, two, one, two)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        history = one.history()
        assert len(history) == 41 and history["run_id"].is_unique
        assert sorted(r.run_id for r in results) == sorted(history["run_id"].iloc[1:])
        assert len(two.audit_log(action="reuse")) == 40


def test_the_kept_run_count_sees_runs_added_through_another_handle(
    store_target: dict[str, Any],
) -> None:
    """The count is kept only while no write could have happened: on a writable DuckDB file
    the process's write counter is shared by every handle (no other process can write the file
    while it is open for writing: DuckDB's lock); PostgreSQL, written by other processes too,
    is asked every time."""
    with open_store(**store_target) as one, open_store(**store_target) as two:
        _original(one)
        assert one.run_count() == 1
        queries: list[str] = []
        database: Any = one._db
        query = database.query

        def counting(sql: str, params: Any = None) -> Any:
            queries.append(sql)
            return query(sql, params)

        database.query = counting
        assert one.run_count() == 1
        kept = database.change_count() is not None
        assert queries == ([] if kept else ["SELECT COUNT(*) FROM runs"])
        assert two.find("shocks.simulate", "h1") is not None  # a reuse through the other handle
        _original(two, key="h2")
        assert one.run_count() == 3 and two.run_count() == 3
        assert one.run_count() == 3
        assert len(queries) == (1 if kept else 3)  # on PostgreSQL, each of one.run_count()

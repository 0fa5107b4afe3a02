"""Store.history_rows, on every backend: the same rows as the history's DataFrame through
pandas' JSON writer, without pandas."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.project.store import Store


def _via_pandas(store: Store, after: int = 0) -> list[dict[str, object]]:
    frame = store.history(after=after)
    return list(json.loads(frame.to_json(orient="records", date_format="iso")))


def test_history_rows_are_the_history_as_json(store: Store) -> None:
    assert store.history_rows() == [] == _via_pandas(store)
    started = datetime(2026, 3, 1, 9, 30, 15, 123999, tzinfo=UTC)  # truncated to .123
    ended = datetime(2026, 3, 1, 9, 31, 0, tzinfo=UTC)
    for seed, key in ((7, "h1"), (None, "h2")):
        store.record(
            analysis="deprivation",
            input_hash=key,
            inputs={"survey": "abc"},
            spec={"k": 0.33},
            seed=seed,
            started=started,
            ended=ended,
            tables={"summary": pd.DataFrame({"M0": [0.125]})},
            humsec_version="0.1.0",
        )
    reuse = store.find("deprivation", "h1")
    assert reuse is not None
    rows = store.history_rows()
    assert rows == _via_pandas(store)
    assert rows[0]["started"] == "2026-03-01T09:30:15.123Z"
    assert rows[0]["ended"] == "2026-03-01T09:31:00.000Z"
    assert [r["seed"] for r in rows] == [7, None, 7]
    assert [r["status"] for r in rows] == ["new", "new", "reused"]
    assert rows[2]["reused_from"] == rows[0]["run_id"] and rows[0]["reused_from"] is None
    assert store.history_rows(after=2) == _via_pandas(store, after=2) == rows[2:]
    assert store.history_rows(after=3) == []
    with pytest.raises(DataError, match="negative"):
        store.history_rows(after=-1)

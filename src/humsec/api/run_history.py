"""The run history of a store as JSON rows, kept per store and extended as runs are added.

A store only ever appends runs, so the rows read once stay true: each request asks the store
how many runs it holds (one ``COUNT``) and reads only the runs added since the last request.
A service whose clients list runs while jobs keep adding reuses would otherwise decode the
whole, growing history on every request.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

from humsec.project.store import Store


class _Kept:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.lock = threading.Lock()


_KEPT: weakref.WeakKeyDictionary[Store, _Kept] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def history_rows(store: Store) -> list[dict[str, Any]]:
    """Every run of ``store``, oldest first, as JSON-ready rows (the columns of
    :meth:`~humsec.project.store.Store.history`, times in ISO 8601 UTC)."""
    with _GUARD:
        kept = _KEPT.setdefault(store, _Kept())
    with kept.lock:
        held, count = len(kept.rows), store.run_count()
        if count < held:  # not an append-only history any more (a restored store): start over
            kept.rows.clear()
            held = 0
        if count != held:
            frame = store.history(after=held)
            kept.rows.extend(json.loads(frame.to_json(orient="records", date_format="iso")))
        return list(kept.rows)

"""The run history of a store as JSON rows, kept per store and extended as runs are added.

A store only ever appends runs, so the rows read once stay true: each request asks the store
how many runs it holds (one ``COUNT``) and reads only the runs added since the last request,
as plain rows (:meth:`~humsec.project.store.Store.history_rows`: no DataFrame on the way).
A service whose clients list runs while jobs keep adding reuses would otherwise decode the
whole, growing history on every request.
"""

from __future__ import annotations

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


def _refreshed(store: Store) -> _Kept:
    """The kept rows of ``store`` with the runs added since the last request read (the
    caller holds the returned ``lock`` while reading ``rows``)."""
    with _GUARD:
        kept = _KEPT.setdefault(store, _Kept())
    kept.lock.acquire()
    try:
        held, count = len(kept.rows), store.run_count()
        if count < held:  # not an append-only history any more (a restored store): start over
            kept.rows.clear()
            held = 0
        if count != held:
            kept.rows.extend(store.history_rows(after=held))
    except BaseException:
        kept.lock.release()
        raise
    return kept


def history_rows(store: Store) -> list[dict[str, Any]]:
    """Every run of ``store``, oldest first, as JSON-ready rows (the columns of
    :meth:`~humsec.project.store.Store.history`, times in ISO 8601 UTC)."""
    kept = _refreshed(store)
    try:
        return list(kept.rows)
    finally:
        kept.lock.release()


def history_slice(
    store: Store, offset: int, limit: int | None, *, newest_first: bool = False
) -> tuple[int, list[dict[str, Any]]]:
    """``(total, rows)``: the total number of runs and the ``limit`` rows (all with ``None``)
    from position ``offset`` (0-based) in the order asked for, copying only those rows."""
    kept = _refreshed(store)
    try:
        rows, total = kept.rows, len(kept.rows)
        start = min(offset, total)
        end = total if limit is None else min(total, start + limit)
        if not newest_first:
            return total, rows[start:end]
        # newest first, position k is row total-1-k: positions [start, end) are the rows
        # [total-end, total-start), reversed
        return total, rows[total - end : total - start][::-1]
    finally:
        kept.lock.release()

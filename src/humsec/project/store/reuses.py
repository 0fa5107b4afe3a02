"""Reuses noted together: concurrent :meth:`~humsec.project.store.Store.find` calls of one
store share one write transaction (group commit).

A reuse is one history entry and one audit entry, a few statements, but a store has one
writer, and under load every statement also waits for the interpreter lock once DuckDB hands
it back. Measured in the service benchmark (50 clients, 35 reuses a second), a reuse held the
writer about 13 ms (p50) and waited about 0.9 s for it: the writer was busy all the time.

So a reuse joins a queue and waits for the writer's turn. Whoever gets the turn writes every
reuse queued by then in one transaction: two ``MAX(seq)`` reads, one multi-row insert into
``runs`` and one into ``audit`` (one statement each), whatever the number of reuses. Each reuse
keeps its own history entry, with its own time, and its own audit entry in the same
transaction, so the guarantees stay those of one reuse at a time: nothing is overwritten, every
reuse is audited, and numbering is serialised by the backend's writer (DuckDB's lock in the
process, PostgreSQL's advisory lock between processes). A group that fails is written not at
all, and each of its callers gets the error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from humsec.project.store.database import Database, Executor


@dataclass
class PendingReuse:
    """A reuse waiting for the writer: what to write and, once written, its run id (or why
    it failed)."""

    analysis: str
    input_hash: str
    reused_from: str
    spec_json: str
    seed: int | None
    humsec_version: str
    at: datetime
    actor: str
    note: dict[str, Any]
    run_id: str | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


#: Writes a group of reuses in one transaction and returns their run ids, in order.
GroupWrite = Callable[[Executor, list["PendingReuse"]], list[str]]


class ReuseQueue:
    """The reuses of one store waiting for its writer, written in groups (see the module)."""

    def __init__(self, database: Database, write_group: GroupWrite):
        self._db = database
        self._write_group = write_group
        self._waiting: list[PendingReuse] = []
        self._guard = threading.Lock()  # guards _waiting
        self._turn = threading.Lock()  # one group is written at a time

    def write(self, reuse: PendingReuse) -> str:
        """Queue ``reuse``, wait until it is written (by this thread or one whose turn came
        first) and return its run id; raise the error that stopped its group."""
        with self._guard:
            self._waiting.append(reuse)
        with self._turn:
            if not reuse.done.is_set():
                with self._guard:
                    group, self._waiting = self._waiting, []
                self._write(group)
        if reuse.error is not None:
            raise reuse.error
        assert reuse.run_id is not None
        return reuse.run_id

    def _write(self, group: list[PendingReuse]) -> None:
        try:
            run_ids = self._db.write(lambda tx: self._write_group(tx, group))
        except BaseException as error:
            for reuse in group:
                reuse.error = error
                reuse.done.set()
            return
        for reuse, run_id in zip(group, run_ids, strict=True):
            reuse.run_id = run_id
            reuse.done.set()

"""The records the store hands out: a run, a dataset version, an audit entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RunRecord:
    """One run in the store's history.

    A *new* run (``reused`` false) owns its result tables. A *reuse* (``reused`` true) is the
    history entry written when :meth:`Store.find` hands out a stored result for the same
    inputs again; ``reused_from`` names the run whose tables it shares.
    Times are timezone-aware UTC.
    """

    run_id: str
    analysis: str
    started: datetime
    ended: datetime
    input_hash: str
    inputs: dict[str, str] = field(hash=False)
    spec: dict[str, Any] = field(hash=False)
    seed: int | None
    humsec_version: str
    reused: bool = False
    reused_from: str | None = None
    table_names: tuple[str, ...] = ()

    @property
    def source_run_id(self) -> str:
        """The run that computed the tables: this one, or the one it reused."""
        return self.reused_from or self.run_id


@dataclass(frozen=True)
class DatasetVersion:
    """One stored version of a dataset: versions count up from 1 per name."""

    name: str
    version: int
    sha256: str
    size: int
    added: datetime
    source: str | None = None

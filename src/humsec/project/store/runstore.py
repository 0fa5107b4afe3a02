"""The run store: every run with its provenance and its result tables, never overwritten.

What is kept (see docs/store.md):

- a run: analysis, input hash (:func:`~humsec.project.store.hashing.input_hash`), the content
  hash of every input by name, the spec as canonical JSON, the seed, the humsec version, start
  and end times (UTC), and its result tables as Parquet blobs (exact round trip:
  :mod:`~humsec.project.store.tables`);
- a reuse: when :meth:`Store.find` hands out a stored result for the same analysis and input
  hash, a history entry pointing at the run it reused;
- datasets: content-addressed versions 1, 2, … per name (the same bytes again are not a new
  version);
- the audit log: who did what, with which inputs, when.

Nothing is updated or deleted: every write is an INSERT, so results and datasets are
versioned by construction. Paths are stored relative to the store's folder, so a moved or
copied project keeps working.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from difflib import get_close_matches
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from humsec.errors import DataError, RunNotFoundError
from humsec.project.store.access import TokenTable
from humsec.project.store.database import Database, Executor, rows_as_dicts
from humsec.project.store.hashing import canonical_json, content_hash
from humsec.project.store.locking import holder_now
from humsec.project.store.record import DatasetVersion, RunRecord
from humsec.project.store.reuses import PendingReuse, ReuseQueue

if TYPE_CHECKING:  # pandas, pyarrow and the table codec load on first use
    import pandas as pd

_RUN_COLUMNS = [
    "run_id",
    "analysis",
    "input_hash",
    "started",
    "ended",
    "spec_json",
    "seed",
    "humsec_version",
    "reused_from",
]
_RUN_SELECT = "SELECT " + ", ".join(_RUN_COLUMNS) + " FROM runs"
_AUDIT_INSERT = (
    "INSERT INTO audit (seq, happened, actor, action, detail_json) VALUES (:q, :at, :who,"
    " :what, :detail)"
)


def _utc_naive(moment: datetime, what: str) -> datetime:
    """A datetime as naive UTC for storage (naive input is taken to be UTC already)."""
    if not isinstance(moment, datetime):
        raise DataError(
            f"{what} is a {type(moment).__name__}, not a datetime",
            location=what,
            hint="pass datetime.now(UTC)",
        )
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _utc_column(values: pd.Series) -> pd.Series:
    """Naive-UTC timestamps from the database as a tz-aware UTC column (µs), empty or not."""
    import pandas as pd

    return pd.Series(
        pd.to_datetime(values.to_list()), dtype="datetime64[us]", index=values.index
    ).dt.tz_localize("UTC")


def _iso_ms(moment: datetime) -> str:
    """A stored (naive UTC) time as ISO 8601 UTC to the millisecond, truncated (pandas'
    ``to_json(date_format="iso")``)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _rows_of_values(rows: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """``(:a_0, :b_0), (:a_1, :b_1), …`` for a multi-row ``VALUES`` of ``rows`` (dicts with
    the same keys, in the columns' order), and its parameters."""
    groups, params = [], {}
    for i, row in enumerate(rows):
        names = []
        for column, value in row.items():
            params[f"{column}_{i}"] = value
            names.append(f":{column}_{i}")
        groups.append("(" + ", ".join(names) + ")")
    return ", ".join(groups), params


def _default_actor() -> str:
    return f"{holder_now()['user']}@{socket.gethostname()}"


class Store:
    """The project store on one backend (:func:`humsec.project.store.open_store` opens one).

    Safe to share between the threads of one process. Use it as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, database: Database, *, root: Path | None = None):
        self._db = database
        self.root = root
        self._reuses = ReuseQueue(database, self._write_reuses)
        self._run_count: tuple[int, int] | None = None  # (change count, runs) last seen

    # -- lifecycle --------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the store is: a file path, or the PostgreSQL URL without its password."""
        return self._db.location

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    @property
    def schema_version(self) -> int:
        """The schema version of the store (see :mod:`humsec.project.store.schema`)."""
        return self._db.schema_version()

    @property
    def tokens(self) -> TokenTable:
        """The service's access tokens kept in this store (digests and roles)."""
        return TokenTable(self._db)

    def close(self) -> None:
        """Release the backend (the DuckDB file lock, or the PostgreSQL pool)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    # -- runs -------------------------------------------------------------------------
    def _record_from_row(self, row: dict[str, Any]) -> RunRecord:
        source = row["reused_from"] or row["run_id"]
        inputs = dict(
            self._db.query(
                "SELECT name, sha256 FROM run_inputs WHERE run_id = :r ORDER BY name",
                {"r": source},
            )
        )
        names = tuple(
            r[0]
            for r in self._db.query(
                "SELECT name FROM result_tables WHERE run_id = :r ORDER BY position",
                {"r": source},
            )
        )
        return RunRecord(
            run_id=row["run_id"],
            analysis=row["analysis"],
            started=_aware(row["started"]),
            ended=_aware(row["ended"]),
            input_hash=row["input_hash"],
            inputs=inputs,
            spec=json.loads(row["spec_json"]),
            seed=None if row["seed"] is None else int(row["seed"]),
            humsec_version=row["humsec_version"],
            reused=row["reused_from"] is not None,
            reused_from=row["reused_from"],
            table_names=names,
        )

    @staticmethod
    def _new_run_id(started: datetime, seq: int) -> str:
        """``YYYYMMDD-HHMMSS-N``: the start (UTC) to read, the history position ``N`` (unique,
        as writes are serialised) to tell runs of the same second apart."""
        return f"{started:%Y%m%d-%H%M%S}-{seq}"

    @staticmethod
    def _next_seq(tx: Executor, table: str) -> int:
        row = tx.query(f"SELECT COALESCE(MAX(seq), 0) FROM {table}")
        return int(row[0][0]) + 1

    def run(self, run_id: str) -> RunRecord:
        """The record of one run; :class:`RunNotFoundError` names the closest ids."""
        rows = self._db.query(_RUN_SELECT + " WHERE run_id = :r", {"r": run_id})
        if not rows:
            known = [r[0] for r in self._db.query("SELECT run_id FROM runs ORDER BY seq")]
            close = get_close_matches(run_id, known, n=3, cutoff=0.3)
            close += [k for k in known if k.startswith(run_id) and k not in close][:3]
            hint = (
                "did you mean " + ", ".join(repr(c) for c in close) + "?"
                if close
                else "list the runs with `humsec project history DIR`"
            )
            raise RunNotFoundError(
                f"no run {run_id!r} in the store ({len(known)} runs)",
                location=self.location,
                hint=hint,
            )
        return self._record_from_row(next(rows_as_dicts(_RUN_COLUMNS, rows)))

    def find(
        self,
        analysis: str,
        input_hash: str,
        *,
        note_reuse: bool = True,
        actor: str | None = None,
        note: Mapping[str, Any] | None = None,
    ) -> RunRecord | None:
        """The stored result of ``analysis`` for these inputs, or None when there is none.

        The latest *new* run with this analysis and input hash is the match. On a writable
        store, with ``note_reuse`` (the default), handing it out is recorded in the history
        as a reuse, and the reuse's record is returned (``reused`` true, ``reused_from`` the
        matching run, same tables), together with an audit entry ``reuse`` by ``actor``
        (default ``user@host``); ``note`` adds to that entry's detail (say, the job that asked),
        in the same transaction. Otherwise the matching run's own record is returned.

        Reuses asked for at the same time share one write transaction, each with its own
        history and audit entries (:mod:`humsec.project.store.reuses`).
        """
        rows = self._db.query(
            _RUN_SELECT + " WHERE analysis = :a AND input_hash = :h AND reused_from IS NULL"
            " ORDER BY seq DESC LIMIT 1",
            {"a": analysis, "h": input_hash},
        )
        if not rows:
            return None
        original = self._record_from_row(next(rows_as_dicts(_RUN_COLUMNS, rows)))
        if not note_reuse or self.read_only:
            return original
        now = datetime.now(UTC)
        detail = {**(note or {})}
        canonical_json(detail)  # refused here, not in a group that others share
        pending = PendingReuse(
            analysis=analysis,
            input_hash=input_hash,
            reused_from=original.run_id,
            spec_json=canonical_json(original.spec),
            seed=original.seed,
            humsec_version=original.humsec_version,
            at=_utc_naive(now, "started"),
            actor=actor or _default_actor(),
            note=detail,
        )
        run_id = self._reuses.write(pending)
        # Built here, not read back: a connection lost after the commit must not turn a
        # stored run into a reported failure.
        return replace(
            original,
            run_id=run_id,
            started=_aware(now),
            ended=_aware(now),
            reused=True,
            reused_from=original.run_id,
        )

    def _write_reuses(self, tx: Executor, group: list[PendingReuse]) -> list[str]:
        """Write a group of reuses (:mod:`humsec.project.store.reuses`) in transaction
        ``tx``: for each, its history entry and its audit entry ``reuse``, numbered in the
        order they were queued, in two multi-row inserts. Returns their run ids."""
        first_run, first_audit = self._next_seq(tx, "runs"), self._next_seq(tx, "audit")
        recorded = _utc_naive(datetime.now(UTC), "recorded")
        runs, entries, run_ids = [], [], []
        for offset, reuse in enumerate(group):
            run_id = self._new_run_id(reuse.at, first_run + offset)
            run_ids.append(run_id)
            runs.append(
                {
                    "run_id": run_id,
                    "seq": first_run + offset,
                    "analysis": reuse.analysis,
                    "input_hash": reuse.input_hash,
                    "started": reuse.at,
                    "ended": reuse.at,
                    "spec_json": reuse.spec_json,
                    "seed": reuse.seed,
                    "humsec_version": reuse.humsec_version,
                    "reused_from": reuse.reused_from,
                    "recorded": recorded,
                }
            )
            detail = {
                **reuse.note,
                "run_id": run_id,
                "reused_from": reuse.reused_from,
                "analysis": reuse.analysis,
                "input_hash": reuse.input_hash,
            }
            entries.append(
                {
                    "q": first_audit + offset,
                    "at": recorded,
                    "who": reuse.actor,
                    "what": "reuse",
                    "detail": canonical_json(detail),
                }
            )
        values, params = _rows_of_values(runs)
        tx.execute(
            "INSERT INTO runs (run_id, seq, analysis, input_hash, started, ended, spec_json,"
            " seed, humsec_version, reused_from, recorded) VALUES " + values,
            params,
        )
        values, params = _rows_of_values(entries)
        tx.execute(
            "INSERT INTO audit (seq, happened, actor, action, detail_json) VALUES " + values,
            params,
        )
        return run_ids

    def record(
        self,
        *,
        analysis: str,
        input_hash: str,
        inputs: Mapping[str, str],
        spec: Mapping[str, Any],
        seed: int | None,
        started: datetime,
        ended: datetime,
        tables: Mapping[str, pd.DataFrame],
        humsec_version: str,
        actor: str | None = None,
    ) -> RunRecord:
        """Store a new run and its result tables in one transaction; return its record.

        Times may be aware (converted to UTC) or naive (taken as UTC). The run and an audit
        entry (``actor``, default ``user@host``) are written together or not at all.
        """
        from humsec.project.store.tables import encode_table

        if not analysis:
            raise DataError("a run needs an analysis name", location="record(analysis=…)")
        spec_json = canonical_json(spec)
        encoded = [(str(name), encode_table(str(name), frame)) for name, frame in tables.items()]
        started_utc = _utc_naive(started, "started")
        ended_utc = _utc_naive(ended, "ended")

        def write(tx: Executor) -> str:
            seq = self._next_seq(tx, "runs")
            run_id = self._new_run_id(started_utc, seq)
            tx.execute(
                "INSERT INTO runs (run_id, seq, analysis, input_hash, started, ended, spec_json,"
                " seed, humsec_version, reused_from, recorded) VALUES (:run_id, :seq, :analysis,"
                " :input_hash, :started, :ended, :spec_json, :seed, :humsec_version,"
                " NULL, :recorded)",
                {
                    "run_id": run_id,
                    "seq": seq,
                    "analysis": analysis,
                    "input_hash": input_hash,
                    "started": started_utc,
                    "ended": ended_utc,
                    "spec_json": spec_json,
                    "seed": None if seed is None else int(seed),
                    "humsec_version": str(humsec_version),
                    "recorded": _utc_naive(datetime.now(UTC), "recorded"),
                },
            )
            for name, sha in sorted(inputs.items()):
                tx.execute(
                    "INSERT INTO run_inputs (run_id, name, sha256) VALUES (:r, :n, :s)",
                    {"r": run_id, "n": str(name), "s": str(sha)},
                )
            for position, (name, data) in enumerate(encoded):
                frame = tables[name]
                tx.execute(
                    "INSERT INTO result_tables (run_id, name, position, format, sha256, n_rows,"
                    " n_cols, data) VALUES (:r, :n, :p, 'parquet', :s, :rows, :cols, :d)",
                    {
                        "r": run_id,
                        "n": name,
                        "p": position,
                        "s": content_hash(data),
                        "rows": int(frame.shape[0]),
                        "cols": int(frame.shape[1]),
                        "d": data,
                    },
                )
            self._audit(
                tx,
                actor,
                "run",
                {
                    "run_id": run_id,
                    "analysis": analysis,
                    "input_hash": input_hash,
                    "inputs": dict(sorted(inputs.items())),
                },
            )
            return run_id

        run_id = self._db.write(write)
        return RunRecord(
            run_id=run_id,
            analysis=analysis,
            started=_aware(started_utc),
            ended=_aware(ended_utc),
            input_hash=input_hash,
            inputs={str(k): str(v) for k, v in sorted(inputs.items())},
            spec=json.loads(spec_json),
            seed=None if seed is None else int(seed),
            humsec_version=str(humsec_version),
            table_names=tuple(name for name, _ in encoded),
        )

    def tables(self, run_id: str) -> dict[str, pd.DataFrame]:
        """The result tables of a run (of the run it reused, for a reuse), exactly as
        recorded, in their recorded order."""
        from humsec.project.store.tables import decode_table

        record = self.run(run_id)
        rows = self._db.query(
            "SELECT name, data FROM result_tables WHERE run_id = :r ORDER BY position",
            {"r": record.source_run_id},
        )
        return {name: decode_table(bytes(data)) for name, data in rows}

    def run_count(self) -> int:
        """How many runs (new and reused) the history holds.

        Runs are only ever added, each at the end of the history, so the history has changed
        exactly when this number has: a reader may keep what it has read until then.

        Kept while the backend's :meth:`~humsec.project.store.database.Database.change_count`
        stays the same (a writable DuckDB file: nothing was written by this process, the only
        one that can write it); asked of the database otherwise (PostgreSQL, read-only
        DuckDB: another process may have added runs)."""
        mark = self._db.change_count()  # before the query: a write after it changes the mark
        kept = self._run_count
        if mark is not None and kept is not None and kept[0] == mark:
            return kept[1]
        count = int(self._db.query("SELECT COUNT(*) FROM runs")[0][0])
        if mark is not None:
            self._run_count = (mark, count)
        return count

    def history(self, *, after: int = 0) -> pd.DataFrame:
        """All runs, oldest first: run_id, analysis, started, ended, input_hash, status
        (``new`` or ``reused``), reused_from, seed, humsec_version.

        ``after`` skips the first ``after`` runs (a reader that holds them already asks only
        for the newer ones; see :meth:`run_count`)."""
        if after < 0:
            raise DataError(f"after={after} is negative", location="history(after=…)")
        import pandas as pd

        rows = self._db.query(
            "SELECT run_id, analysis, started, ended, input_hash, reused_from, seed,"
            " humsec_version FROM runs ORDER BY seq OFFSET :after",
            {"after": int(after)},
        )
        frame = pd.DataFrame(
            rows,
            columns=[
                "run_id",
                "analysis",
                "started",
                "ended",
                "input_hash",
                "reused_from",
                "seed",
                "humsec_version",
            ],
        )
        frame["started"] = _utc_column(frame["started"])
        frame["ended"] = _utc_column(frame["ended"])
        status = ["new" if pd.isna(r) else "reused" for r in frame["reused_from"]]
        frame.insert(5, "status", status)
        frame["seed"] = frame["seed"].astype("Int64")
        return frame.astype(
            {
                c: "string"
                for c in [
                    "run_id",
                    "analysis",
                    "input_hash",
                    "status",
                    "reused_from",
                    "humsec_version",
                ]
            }
        )

    def history_rows(self, *, after: int = 0) -> list[dict[str, Any]]:
        """The runs of :meth:`history` (``after`` as there) as JSON-ready dicts, in its
        columns and order, built from the query's rows without pandas: times as ISO 8601 UTC
        to the millisecond (``2026-12-02T20:06:29.123Z``, as ``DataFrame.to_json`` writes
        them), a missing seed or ``reused_from`` as None.

        A service that lists runs while jobs add reuses asks for one or two new runs at a
        time; through a DataFrame that costs ~5 ms of the interpreter lock per listing, this
        ~0.3 ms."""
        if after < 0:
            raise DataError(f"after={after} is negative", location="history_rows(after=…)")
        rows = self._db.query(
            "SELECT run_id, analysis, started, ended, input_hash, reused_from, seed,"
            " humsec_version FROM runs ORDER BY seq OFFSET :after",
            {"after": int(after)},
        )
        return [
            {
                "run_id": run_id,
                "analysis": name,
                "started": _iso_ms(started),
                "ended": _iso_ms(ended),
                "input_hash": key,
                "status": "new" if reused_from is None else "reused",
                "reused_from": reused_from,
                "seed": None if seed is None else int(seed),
                "humsec_version": version,
            }
            for run_id, name, started, ended, key, reused_from, seed, version in rows
        ]

    def compare(self, run_a: str, run_b: str) -> pd.DataFrame:
        """The differences between two runs' result tables, cell by cell (see
        :mod:`humsec.project.store.comparison` for the rows)."""
        from humsec.project.store.comparison import compare_tables

        return compare_tables(self.tables(run_a), self.tables(run_b))

    # -- datasets ---------------------------------------------------------------------
    def _relative_source(self, path: Path) -> str:
        """A dataset's source path relative to the store's folder (never absolute)."""
        if self.root is None:
            return path.name
        return Path(os.path.relpath(path.resolve(), self.root.resolve())).as_posix()

    def put_dataset(
        self, name: str, content: str | Path | bytes, *, actor: str | None = None
    ) -> DatasetVersion:
        """Store a dataset's bytes as a new version of ``name`` and return that version.

        Versions count 1, 2, … per name. Content equal (by SHA-256) to the latest version
        is not stored again: that version is returned. Nothing is ever replaced.
        """
        if not name:
            raise DataError("a dataset needs a name", location="put_dataset(name=…)")
        source: str | None = None
        if isinstance(content, bytes | bytearray | memoryview):
            data = bytes(content)
        else:
            path = Path(content)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise DataError(
                    f"cannot read the dataset: {exc.strerror or exc}",
                    location=str(path),
                    hint="check that the file exists and is readable",
                ) from exc
            source = self._relative_source(path)
        sha = content_hash(data)
        now = _utc_naive(datetime.now(UTC), "added")

        def write(tx: Executor) -> int:
            latest = tx.query(
                "SELECT version, sha256 FROM datasets WHERE name = :n ORDER BY version DESC"
                " LIMIT 1",
                {"n": name},
            )
            if latest and latest[0][1] == sha:
                version = int(latest[0][0])
            else:
                version = int(latest[0][0]) + 1 if latest else 1
                tx.execute(
                    "INSERT INTO datasets (name, version, sha256, size, source, added, data)"
                    " VALUES (:n, :v, :s, :z, :src, :a, :d)",
                    {
                        "n": name,
                        "v": version,
                        "s": sha,
                        "z": len(data),
                        "src": source,
                        "a": now,
                        "d": data,
                    },
                )
                self._audit(
                    tx,
                    actor,
                    "dataset",
                    {"name": name, "version": version, "sha256": sha, "source": source},
                )
            return version

        version = self._db.write(write)
        return self.dataset_version(name, version)

    def dataset_version(self, name: str, version: int | None = None) -> DatasetVersion:
        """A dataset's version record (the latest when ``version`` is None)."""
        sql = "SELECT name, version, sha256, size, added, source FROM datasets WHERE name = :n"
        params: dict[str, Any] = {"n": name}
        if version is not None:
            sql += " AND version = :v"
            params["v"] = int(version)
        rows = self._db.query(sql + " ORDER BY version DESC LIMIT 1", params)
        if not rows:
            names = [r[0] for r in self._db.query("SELECT DISTINCT name FROM datasets")]
            close = get_close_matches(name, names, n=3, cutoff=0.5)
            what = f"dataset {name!r}" + ("" if version is None else f" version {version}")
            raise RunNotFoundError(
                f"no {what} in the store",
                location=self.location,
                hint=("did you mean " + ", ".join(repr(c) for c in close) + "?")
                if close and name not in names
                else "list the datasets with store.datasets()",
            )
        n, v, s, z, a, src = rows[0]
        return DatasetVersion(
            name=n, version=int(v), sha256=s, size=int(z), added=_aware(a), source=src
        )

    def dataset(self, name: str, version: int | None = None) -> bytes:
        """The bytes of a dataset version (the latest when ``version`` is None)."""
        record = self.dataset_version(name, version)
        rows = self._db.query(
            "SELECT data FROM datasets WHERE name = :n AND version = :v",
            {"n": name, "v": record.version},
        )
        return bytes(rows[0][0])

    def datasets(self) -> pd.DataFrame:
        """Every dataset version: name, version, sha256, size, added, source."""
        import pandas as pd

        rows = self._db.query(
            "SELECT name, version, sha256, size, added, source FROM datasets ORDER BY name, version"
        )
        frame = pd.DataFrame(rows, columns=["name", "version", "sha256", "size", "added", "source"])
        frame["added"] = _utc_column(frame["added"])
        return frame.astype(
            {
                "name": "string",
                "version": "Int64",
                "sha256": "string",
                "size": "Int64",
                "source": "string",
            }
        )

    # -- audit ------------------------------------------------------------------------
    def _audit(self, tx: Executor, actor: str | None, action: str, detail: Any) -> None:
        tx.execute(
            _AUDIT_INSERT,
            {
                "q": self._next_seq(tx, "audit"),
                "at": _utc_naive(datetime.now(UTC), "at"),
                "who": actor or _default_actor(),
                "what": action,
                "detail": canonical_json(detail),
            },
        )

    def audit(self, actor: str, action: str, detail: Mapping[str, Any] | str) -> None:
        """Append an entry to the audit log: who (``actor``), what (``action``), with what
        (``detail``: inputs, run ids, request), when (now, UTC)."""
        if not actor or not action:
            raise DataError(
                "an audit entry needs an actor and an action", location="audit(actor=…, action=…)"
            )

        def write(tx: Executor) -> None:
            self._audit(tx, actor, action, detail)

        self._db.write(write)

    def audit_log(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
    ) -> pd.DataFrame:
        """The audit log, oldest first, optionally filtered: seq, at, actor, action, detail
        (a dict)."""
        import pandas as pd

        sql = "SELECT seq, happened, actor, action, detail_json FROM audit WHERE 1 = 1"
        params: dict[str, Any] = {}
        if actor is not None:
            sql += " AND actor = :actor"
            params["actor"] = actor
        if action is not None:
            sql += " AND action = :action"
            params["action"] = action
        if since is not None:
            sql += " AND happened >= :since"
            params["since"] = _utc_naive(since, "since")
        rows = self._db.query(sql + " ORDER BY seq", params)
        frame = pd.DataFrame(rows, columns=["seq", "at", "actor", "action", "detail"])
        frame["at"] = _utc_column(frame["at"])
        frame = frame.astype({"seq": "Int64", "actor": "string", "action": "string"})
        frame["detail"] = pd.Series([json.loads(d) for d in frame["detail"]], dtype=object)
        return frame

"""The store contract, run on every backend (see conftest.store_target)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError, RunNotFoundError, StoreError
from humsec.project.store import RunRecord, Store, content_hash, input_hash, open_store

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
SHA_S = content_hash(b"survey v1")
SHA_S2 = content_hash(b"survey v2")


def _tables(scale: float = 1.0) -> dict[str, pd.DataFrame]:
    areas = pd.Index(["MZ01", "MZ02", "MZ03"], name="pcode")
    return {
        "estimates": pd.DataFrame(
            {
                "H": [0.5 * scale, np.nan, 0.25],
                "n": pd.array([120, None, 80], dtype="Int64"),
                "flag": pd.Categorical(["ok", "few PSUs", "ok"]),
            },
            index=areas,
        ),
        "summary": pd.DataFrame({"M0": [0.125 * scale], "note": pd.Series([None], dtype=object)}),
    }


def _record(
    store: Store,
    *,
    sha: str = SHA_S,
    seed: int | None = 7,
    scale: float = 1.0,
    spec: dict | None = None,
    analysis: str = "deprivation",
) -> RunRecord:
    spec = spec or {"k": 0.33, "indicators": ["water", "school"]}
    key = input_hash({"survey": sha}, spec, "0.1.0", seed)
    return store.record(
        analysis=analysis,
        input_hash=key,
        inputs={"survey": sha},
        spec=spec,
        seed=seed,
        started=T0,
        ended=T0 + timedelta(seconds=2.5),
        tables=_tables(scale),
        humsec_version="0.1.0",
    )


def test_a_run_is_recorded_with_its_provenance(store: Store) -> None:
    run = _record(store)
    assert run.analysis == "deprivation" and not run.reused and run.reused_from is None
    assert run.inputs == {"survey": SHA_S}
    assert run.spec == {"k": 0.33, "indicators": ["water", "school"]}
    assert run.seed == 7 and run.humsec_version == "0.1.0"
    assert run.started == T0 and run.ended == T0 + timedelta(seconds=2.5)
    assert run.table_names == ("estimates", "summary")
    assert store.run(run.run_id) == run


def test_tables_come_back_exactly(store: Store) -> None:
    run = _record(store)
    back = store.tables(run.run_id)
    assert list(back) == ["estimates", "summary"]
    for name, frame in _tables().items():
        pd.testing.assert_frame_equal(back[name], frame, check_exact=True)
    assert back["summary"]["note"].iloc[0] is None


def test_a_rerun_with_the_same_inputs_reuses_and_a_changed_input_is_new(store: Store) -> None:
    first = _record(store)
    spec = {"k": 0.33, "indicators": ["water", "school"]}
    same = input_hash({"survey": SHA_S}, spec, "0.1.0", 7)
    reuse = store.find("deprivation", same)
    assert reuse is not None and reuse.reused and reuse.reused_from == first.run_id
    assert reuse.run_id != first.run_id and reuse.input_hash == first.input_hash
    assert store.run(reuse.run_id) == reuse
    assert reuse.inputs == first.inputs and reuse.spec == first.spec
    pd.testing.assert_frame_equal(store.tables(reuse.run_id)["estimates"], _tables()["estimates"])
    assert store.find("deprivation", same, note_reuse=False) == first
    changed = input_hash({"survey": SHA_S2}, spec, "0.1.0", 7)
    assert store.find("deprivation", changed) is None
    assert store.find("index", same) is None
    second = _record(store, sha=SHA_S2, scale=2.0)
    history = store.history()
    assert list(history["run_id"]) == [first.run_id, reuse.run_id, second.run_id]
    assert list(history["status"]) == ["new", "reused", "new"]
    assert list(history["input_hash"]) == [same, same, changed]
    assert list(history.columns[:6]) == [
        "run_id",
        "analysis",
        "started",
        "ended",
        "input_hash",
        "status",
    ]
    assert history["started"].iloc[0] == pd.Timestamp(T0)
    # Nothing was overwritten: the first run's tables are unchanged.
    pd.testing.assert_frame_equal(store.tables(first.run_id)["summary"], _tables()["summary"])


def test_history_after_reads_only_the_newer_runs(store: Store) -> None:
    assert store.run_count() == 0 and store.history(after=0).empty
    first = _record(store)
    reuse = store.find("deprivation", first.input_hash)
    assert reuse is not None
    second = _record(store, sha=SHA_S2)
    assert store.run_count() == 3
    full = store.history()
    newer = store.history(after=1)
    assert list(newer["run_id"]) == [reuse.run_id, second.run_id]
    assert list(newer["status"]) == ["reused", "new"]
    expected = full.iloc[1:].reset_index(drop=True)
    pd.testing.assert_frame_equal(newer.reset_index(drop=True), expected)
    assert store.history(after=3).empty and list(store.history(after=3).columns) == list(full)
    with pytest.raises(DataError, match="negative"):
        store.history(after=-1)


def test_recording_the_same_inputs_again_makes_a_new_version(store: Store) -> None:
    a = _record(store)
    b = _record(store)
    assert a.run_id != b.run_id and a.input_hash == b.input_hash
    found = store.find("deprivation", a.input_hash, note_reuse=False)
    assert found is not None and found.run_id == b.run_id  # the latest version
    assert len(store.history()) == 2


def test_compare_lists_each_cell_that_differs(store: Store) -> None:
    a = _record(store)
    b = _record(store, sha=SHA_S2, scale=2.0)
    diff = store.compare(a.run_id, b.run_id)
    assert list(diff.columns) == ["table", "change", "row", "column", "a", "b", "diff"]
    rows = {(r.table, r.row, r.column): r for r in diff.itertuples()}
    assert set(rows) == {("estimates", "MZ01", "H"), ("summary", "0", "M0")}
    assert rows[("estimates", "MZ01", "H")].a == 0.5
    assert rows[("estimates", "MZ01", "H")].b == 1.0
    assert rows[("summary", "0", "M0")].diff == 0.125
    assert store.compare(a.run_id, a.run_id).empty


def test_compare_reports_tables_rows_columns_and_dtypes(store: Store) -> None:
    spec = {"k": 1}
    key = input_hash({}, spec, "0.1.0", None)

    def rec(tables: dict[str, pd.DataFrame]) -> str:
        return store.record(
            analysis="index",
            input_hash=key,
            inputs={},
            spec=spec,
            seed=None,
            started=T0,
            ended=T0,
            tables=tables,
            humsec_version="0.1.0",
        ).run_id

    a = rec(
        {
            "t": pd.DataFrame({"x": [1, 2], "y": [1.0, 2.0]}, index=["A", "B"]),
            "old": pd.DataFrame({"v": [1]}),
        }
    )
    b = rec(
        {
            "t": pd.DataFrame({"x": [1.0, 2.0], "z": [0, 0]}, index=["A", "C"]),
            "new": pd.DataFrame({"v": [1]}),
        }
    )
    diff = store.compare(a, b)[["table", "change", "row", "column"]]
    got = sorted(
        (tuple(None if pd.isna(v) else v for v in row) for row in diff.itertuples(index=False)),
        key=str,
    )
    assert got == sorted(
        [
            ("old", "table only in a", None, None),
            ("new", "table only in b", None, None),
            ("t", "column only in a", None, "y"),
            ("t", "column only in b", None, "z"),
            ("t", "row only in a", "B", None),
            ("t", "row only in b", "C", None),
            ("t", "dtype", None, "x"),
        ],
        key=str,
    )


def test_an_unknown_run_id_names_the_closest(store: Store) -> None:
    run = _record(store)
    typo = run.run_id[:-1] + ("0" if run.run_id[-1] != "0" else "1")
    with pytest.raises(RunNotFoundError, match="did you mean") as caught:
        store.tables(typo)
    assert run.run_id in str(caught.value)
    with pytest.raises(RunNotFoundError, match="humsec project history"):
        store.compare("nope", "nope")


def test_times_are_kept_in_utc_from_any_zone(store: Store) -> None:
    plus2 = timezone(timedelta(hours=2))
    spec: dict = {}
    run = store.record(
        analysis="a",
        input_hash=input_hash({}, spec, "0.1.0", None),
        inputs={},
        spec=spec,
        seed=None,
        started=T0.astimezone(plus2),
        ended=T0.replace(tzinfo=None),
        tables={},
        humsec_version="0.1.0",
    )
    assert run.started == T0 and run.ended == T0 and run.started.tzinfo is UTC
    assert store.tables(run.run_id) == {}


def test_datasets_are_versioned_by_content_never_replaced(store: Store, tmp_path: Path) -> None:
    v1 = store.put_dataset("survey", b"hh,w\n1,2\n")
    assert (v1.name, v1.version, v1.size) == ("survey", 1, 9)
    assert v1.sha256 == content_hash(b"hh,w\n1,2\n")
    assert store.put_dataset("survey", b"hh,w\n1,2\n") == v1  # same bytes: same version
    file = tmp_path / "project" / "data" / "survey.csv"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"hh,w\n1,3\n")
    v2 = store.put_dataset("survey", file)
    assert v2.version == 2 and v2.sha256 == content_hash(file)
    assert v2.source is not None and not Path(v2.source).is_absolute()
    assert store.dataset("survey", 1) == b"hh,w\n1,2\n"
    assert store.dataset("survey") == b"hh,w\n1,3\n"
    assert store.dataset_version("survey") == v2
    listing = store.datasets()
    assert list(listing["version"]) == [1, 2]
    with pytest.raises(RunNotFoundError, match="did you mean 'survey'"):
        store.dataset("survy")
    with pytest.raises(RunNotFoundError, match="version 3"):
        store.dataset("survey", 3)


def test_the_audit_log_keeps_who_did_what_with_what_and_when(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    run = store.record(
        analysis="shocks",
        input_hash="h" * 64,
        inputs={"scenario": SHA_S},
        spec={},
        seed=3,
        started=T0,
        ended=T0,
        tables={},
        humsec_version="0.1.0",
        actor="token:amina",
    )
    store.put_dataset("scenario", b"x", actor="token:amina")
    store.audit("token:jo", "download", {"run_id": run.run_id, "format": "csv"})
    reuse = store.find("shocks", "h" * 64, actor="token:jo")
    assert reuse is not None
    log = store.audit_log()
    assert list(log["action"]) == ["run", "dataset", "download", "reuse"]
    assert list(log["actor"]) == ["token:amina", "token:amina", "token:jo", "token:jo"]
    assert log["detail"].iloc[3] == {
        "run_id": reuse.run_id,
        "reused_from": run.run_id,
        "analysis": "shocks",
        "input_hash": "h" * 64,
    }
    assert log["detail"].iloc[0] == {
        "run_id": run.run_id,
        "analysis": "shocks",
        "input_hash": "h" * 64,
        "inputs": {"scenario": SHA_S},
    }
    assert (log["at"] >= pd.Timestamp(before)).all()
    assert list(store.audit_log(actor="token:jo")["action"]) == ["download", "reuse"]
    assert len(store.audit_log(action="run")) == 1
    assert store.audit_log(since=datetime.now(UTC) + timedelta(hours=1)).empty


def test_concurrent_threads_record_and_read_safely(store: Store) -> None:
    errors: list[BaseException] = []
    ids: list[str] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            run = _record(store, seed=i, scale=float(i + 1))
            back = store.tables(run.run_id)["summary"]["M0"].iloc[0]
            assert back == 0.125 * (i + 1)
            store.history()
            with lock:
                ids.append(run.run_id)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(store.history()["run_id"]) == sorted(ids) and len(set(ids)) == 8
    assert sorted(store.history()["seed"]) == list(range(8))


def test_a_closed_store_reopens_with_everything(store_target: dict[str, object]) -> None:
    with open_store(**store_target) as store:
        run = _record(store)
    with open_store(**store_target) as store:
        assert store.run(run.run_id) == run
        pd.testing.assert_frame_equal(store.tables(run.run_id)["estimates"], _tables()["estimates"])


def test_an_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'"):
        open_store("mysql://u:secret@host/db")


def test_listings_have_the_same_columns_and_dtypes_empty_or_not(store: Store) -> None:
    empty = [store.history().dtypes, store.audit_log().dtypes, store.datasets().dtypes]
    _record(store)
    store.put_dataset("d", b"1")
    full = [store.history().dtypes, store.audit_log().dtypes, store.datasets().dtypes]
    for before, after in zip(empty, full, strict=True):
        pd.testing.assert_series_equal(before, after)
    assert str(full[0]["started"]) == "datetime64[us, UTC]"

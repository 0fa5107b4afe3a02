"""The service's read path: tokens kept for a few seconds by digest, run history extended."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import anyio
import pandas as pd
import pytest

from humsec.api.job_kinds import JOB_KINDS
from humsec.api.jobs import JobRunner, JobView, _Job, plan_kind
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
    assert tokens.kept(key) == made  # at hand without the store (the request path's check)
    assert tokens.token_by_digest(key) == made and book.lookups == 1  # kept
    clock.now += 0.2  # 5.1 s after the look-up: read again
    assert tokens.kept(key) is None and tokens.kept(digest("hs_other")) is None
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


class _Future:
    """What the runner needs of a Dask future for a job still running."""

    def cancelled(self) -> bool:
        return False


class _Client:
    """A Dask client whose progress read is slow enough for the job to end meanwhile."""

    def __init__(self, runner: JobRunner, job_id: str):
        self.runner, self.job_id = runner, job_id

    def get_events(self, topic: str) -> list[tuple[float, dict[str, object]]]:
        # The job ends while its progress is being read (the recorder thread's update).
        self.runner._jobs[self.job_id].update(status="done", progress=1.0, run_id="r-1")
        return [(0.0, {"progress": 0.9, "message": "summarising"})]


def _running_job(store: Store) -> tuple[JobRunner, str]:
    runner = JobRunner(lambda _project: store)
    plan = plan_kind(JOB_KINDS["shocks"], {"n_households": 100, "n_years": 10})
    view = JobView(
        job_id="j1",
        kind="shocks",
        status="running",
        progress=0.5,
        message="simulating",
        key=plan.key,
        submitted=datetime.now(UTC),
    )
    runner._jobs["j1"] = _Job(view, plan, _Future())
    runner._client = _Client(runner, "j1")
    return runner, "j1"


def test_progress_read_as_a_job_ends_does_not_make_it_run_again(store: Store) -> None:
    runner, job_id = _running_job(store)
    view = runner.view(job_id)
    # Before the fix the stale progress was written over the ended job ("running", 0.9)
    # and a client waiting for the end waited forever.
    assert (view.status, view.progress, view.run_id) == ("done", 1.0, "r-1")
    assert runner.view(job_id).status == "done"


def test_the_event_stream_sends_each_change_then_ends() -> None:
    class Runner(JobRunner):
        def __init__(self, views: list[JobView]):
            super().__init__(lambda _project: None)  # type: ignore[arg-type,return-value]
            self.views_left = views
            self._jobs["j1"] = _Job(views[0], None)  # type: ignore[arg-type]

        def view(self, job_id: str) -> JobView:
            return self.views_left.pop(0) if len(self.views_left) > 1 else self.views_left[0]

    base = JobView(
        job_id="j1",
        kind="shocks",
        status="running",
        progress=0.1,
        message="started",
        key="k",
        submitted=datetime(2026, 5, 1, tzinfo=UTC),
    )
    views = [
        base,
        base,  # no change: nothing sent
        base.model_copy(update={"progress": 0.5, "message": "simulating"}),
        base.model_copy(update={"status": "done", "progress": 1.0, "message": "done"}),
    ]

    async def collect() -> list[str]:
        return [m async for m in Runner(views).stream("j1", poll=0.0)]

    # On a thread of its own: an event loop may already run in this one (Playwright's).
    got: list[list[str]] = []
    worker = threading.Thread(target=lambda: got.append(anyio.run(collect)))
    worker.start()
    worker.join(timeout=30)
    (messages,) = got
    assert messages[0] == "retry: 2000\n\n"
    events = [json.loads(m.split("data: ", 1)[1]) for m in messages[1:]]
    assert all(m.startswith("event: job\n") for m in messages[1:])
    assert [(e["status"], e["progress"]) for e in events] == [
        ("running", 0.1),
        ("running", 0.5),
        ("done", 1.0),
    ]


def test_every_response_says_how_long_the_service_took(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from humsec.api import ServiceSettings, create_app

    settings = ServiceSettings(store=str(tmp_path / "s.duckdb"), projects=str(tmp_path / "p"))
    with TestClient(create_app(settings)) as client:
        for response in (client.get("/api/v1/health"), client.get("/api/v1/runs")):
            timing = response.headers["server-timing"]
            assert re.fullmatch(r"app;dur=\d+\.\d", timing), timing
            assert 0 <= float(timing.split("=")[1]) < 60_000
        assert client.get("/api/v1/runs").status_code == 401  # timed, and still refused


def test_a_projects_readiness_is_worked_out_once_per_loaded_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview asked :func:`missing_inputs` (tens of ms of pandas work under the
    interpreter lock) on every request; now once per loaded project, again after a change."""
    from fastapi.testclient import TestClient

    import humsec.api.readiness as readiness
    from humsec.api import ServiceSettings, create_app
    from humsec.project import missing_inputs

    calls: list[int] = []

    def counted(project):  # type: ignore[no-untyped-def]
        calls.append(id(project))
        return missing_inputs(project)

    monkeypatch.setattr(readiness, "missing_inputs", counted)
    admin = {"Authorization": "Bearer t"}
    settings = ServiceSettings(
        store=str(tmp_path / "s.duckdb"), projects=str(tmp_path / "p"), admin_token="t"
    )
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/v1/projects", json={"name": "kenya"}, headers=admin).is_success
        views = [client.get("/api/v1/projects/kenya", headers=admin).json() for _ in range(5)]
        assert len(calls) == 1 and all(v == views[0] for v in views)
        ready = {a["name"]: a["ready"] for a in views[0]["analyses"]}
        folder = client.app.state.workspace.folder("kenya")  # type: ignore[attr-defined]
        assert ready == {
            a: a not in missing_inputs(client.app.state.workspace.project("kenya"))  # type: ignore[attr-defined]
            for a in ready
        }
        assert ready["events"] is False  # the demo has no point events
        # A new humsec.yaml (the events dataset added) is a new loaded project: asked again.
        events = tmp_path / "events.csv"
        events.write_text(
            "year,latitude,longitude,best\n"
            "2023,-1.29,36.82,2\n"
        )
        with events.open("rb") as f:
            added = client.post(
                "/api/v1/projects/kenya/datasets",
                files={"file": ("events.csv", f)},
                data={"role": "events"},
                headers=admin,
            )
        assert added.status_code == 201, added.text
        after = client.get("/api/v1/projects/kenya", headers=admin).json()
        assert len(calls) == 2 and (folder / "humsec.yaml").read_text().count("events.csv") == 1
        assert {a["name"]: a["ready"] for a in after["analyses"]}["events"] is True

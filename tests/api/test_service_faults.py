"""Service faults on loopback: the PostgreSQL store restarted under load, many writers at once on
the embedded DuckDB store, and an upload cut off half-way.

* **PostgreSQL restart.** Clients keep creating tokens, queueing jobs and reading while the
  store's server restarts. Every write the service acknowledged is in the store afterwards, a
  request that met the outage got a 503 problem document (never a 500), and the same service
  answers again by itself (the pool replaces dead connections, a lost write is rerun once).
  Like the store's own restart test it needs CI's throw-away cluster (HUMSEC_TEST_PG_CTL and
  HUMSEC_TEST_PGDATA): a shared server is never restarted.
* **DuckDB single writer.** DuckDB allows one writing process; the service is it, and serialises
  its writers. Many concurrent uploads and jobs: every one acknowledged, none lost, no lock
  error leaking as a 500.
* **Truncated upload.** A client that disconnects half-way through an upload leaves no file, no
  dataset entry and no stored version behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from humsec import __version__
from humsec.api import ServiceSettings, create_app
from humsec.api.job_kinds import JOB_KINDS
from humsec.api.jobs import plan_kind

ADMIN = "fault-admin-token"


@dataclass
class Live:
    url: str
    app: Any

    def client(self, token: str = ADMIN) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _running(store: str, root: Path) -> Iterator[Live]:
    """The service (uvicorn in a thread, as ``humsec serve`` runs it) on ``store``."""
    import uvicorn

    settings = ServiceSettings(
        store=store,
        projects=str(root / "projects"),
        admin_token=ADMIN,
        compute_per_minute=100_000,
    )
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@pytest.fixture
def duckdb_service(tmp_path: Path) -> Iterator[Live]:
    """The service on its default embedded DuckDB store, with the demo project."""
    with _running(str(tmp_path / "store.duckdb"), tmp_path) as live:
        with live.client() as admin:
            made = admin.post("/api/v1/projects", json={"name": "kenya"})
            assert made.status_code == 201, made.text
        yield live


def _is_store_outage(response: httpx.Response) -> bool:
    """A 503 problem document saying the PostgreSQL store cannot be reached."""
    return (
        response.status_code == 503
        and response.headers.get("content-type", "").startswith("application/problem+json")
        and "PostgreSQL" in response.json()["detail"]
    )


@pytest.fixture
def restartable_postgres() -> Iterator[str]:
    """A fresh database on CI's own PostgreSQL cluster (never a shared server)."""
    url = os.environ.get("HUMSEC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL service tests need HUMSEC_TEST_POSTGRES_URL=postgresql://…")
    if not (os.environ.get("HUMSEC_TEST_PG_CTL") and os.environ.get("HUMSEC_TEST_PGDATA")):
        pytest.skip(
            "restarting PostgreSQL needs HUMSEC_TEST_PG_CTL and HUMSEC_TEST_PGDATA "
            "(CI's own cluster); a shared server is never restarted"
        )
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"humsec_faults_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server at {make_url(url).host} is unreachable: {exc}")
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        yield fresh
    finally:
        for _ in range(20):  # the server may still be coming back from the test's restart
            try:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except sa.exc.OperationalError:
                time.sleep(0.5)
        admin.dispose()


def _wait_job(client: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/api/v1/jobs/{job_id}")
        if response.status_code == 200 and response.json()["status"] not in ("queued", "running"):
            return dict(response.json())
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end")


def _shock_job(seed: int, project: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "shocks",
        "params": {"n_households": 100, "n_years": 10, "seed": seed},
    }
    if project is not None:
        body["project"] = project
    return body


@pytest.mark.slow
def test_a_postgres_restart_under_load_loses_no_acknowledged_write(
    restartable_postgres: str, tmp_path: Path
) -> None:
    from tests.project_store.test_store_restart import _restart_server, _server_started

    with _running(restartable_postgres, tmp_path) as live:
        tokens: list[str] = []  # token ids the service acknowledged (201)
        runs: list[str] = []  # run ids of jobs the service reported done
        outages: list[str] = []  # requests refused with a 503 while the server was away
        wrong: list[str] = []  # anything else: a 500, a hang, a malformed answer
        during: list[float] = []  # when requests were answered
        stop = threading.Event()
        with live.client() as warm:  # Dask up and one run stored before the restart
            first = _wait_job(warm, warm.post("/api/v1/jobs", json=_shock_job(0)).json()["job_id"])
            assert first["status"] == "done", first
            runs.append(first["run_id"])

        def answered(response: httpx.Response) -> bool:
            during.append(time.monotonic())
            if response.status_code < 300:
                return True
            if _is_store_outage(response):
                outages.append(response.json()["detail"])
            else:
                wrong.append(f"{response.request.url.path}: {response.status_code} {response.text}")
            return False

        def loop(work: Any) -> None:
            with live.client() as client:
                while not stop.is_set():
                    try:
                        work(client)
                    except httpx.HTTPError as exc:
                        wrong.append(f"{type(exc).__name__}: {exc}")
                    time.sleep(0.01)

        def make_token(client: httpx.Client) -> None:
            response = client.post("/api/v1/tokens", json={"role": "viewer", "label": "load"})
            if answered(response):
                tokens.append(response.json()["token_id"])

        seeds = iter(range(1, 10_000))

        def run_job(client: httpx.Client) -> None:
            response = client.post("/api/v1/jobs", json=_shock_job(next(seeds)))
            if answered(response):
                view = _wait_job(client, response.json()["job_id"])
                if view["status"] == "done":
                    runs.append(view["run_id"])
                elif "PostgreSQL" not in (view["error"] or ""):
                    wrong.append(f"job failed for another reason: {view['error']}")

        def read(client: httpx.Client) -> None:
            answered(client.get("/api/v1/runs"))
            answered(client.get("/api/v1/tokens"))

        threads = [
            threading.Thread(target=loop, args=(w,))
            for w in (make_token, make_token, run_job, read, read)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        before = _server_started(restartable_postgres)
        restarting = time.monotonic()
        _restart_server(restartable_postgres)
        restarted = time.monotonic()
        assert _server_started(restartable_postgres) > before  # it really restarted
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert wrong == []
        assert any(restarting <= t <= restarted + 1.5 for t in during)  # load went on
        # Recovered by itself: the same service writes and reads again.
        with live.client() as client:
            made = client.post("/api/v1/tokens", json={"role": "viewer", "label": "after"})
            assert made.status_code == 201, made.text
            tokens.append(made.json()["token_id"])
            after = _wait_job(
                client, client.post("/api/v1/jobs", json=_shock_job(99_999)).json()["job_id"]
            )
            assert after["status"] == "done", after
            runs.append(after["run_id"])
            listed = {t["token_id"] for t in client.get("/api/v1/tokens").json()}
            history = {r["run_id"] for r in client.get("/api/v1/runs?paging=false").json()["runs"]}
        # Nothing acknowledged was lost.
        assert set(tokens) <= listed and len(tokens) > 10
        assert set(runs) <= history and len(runs) >= 3
        print(f"{len(tokens)} tokens, {len(runs)} runs acknowledged; {len(outages)} refused (503)")


def _three_w(i: int) -> bytes:
    """A small, valid 3W table (who does what where) on the demo's counties, distinct per i."""
    rows = [f"KE{(i + k) % 47 + 1:03d},org{i},sector{k}" for k in range(3)]
    return ("pcode,org,sector\n" + "\n".join(rows) + "\n").encode()


def _events(i: int) -> bytes:
    """A small table of point events in Nairobi, distinct per i."""
    rows = [f"{-1.28 + 0.01 * k:.2f},{36.80 + 0.01 * i:.2f},{2020 + k}" for k in range(3)]
    return ("lat,lon,year\n" + "\n".join(rows) + "\n").encode()


PROJECTS = ("kenya", "kenya-b")


@pytest.mark.slow
def test_concurrent_writers_on_duckdb_lose_nothing_and_never_leak_a_lock_error(
    duckdb_service: Live,
) -> None:
    live = duckdb_service
    # Stored results for four shock jobs: asking for them again is a write (the reuse and its
    # audit entry) made in the request itself, so eight such requests are eight writers.
    store = live.app.state.workspace.store("kenya")
    stored = {}
    for seed in range(4):
        plan = plan_kind(JOB_KINDS["shocks"], _shock_job(1000 + seed)["params"])
        stored[seed] = store.record(
            analysis=plan.analysis,
            input_hash=plan.key,
            inputs={},
            spec=plan.spec,
            seed=plan.seed,
            started=datetime.now(UTC),
            ended=datetime.now(UTC),
            tables={"summary": pd.DataFrame({"seed": [seed]})},
            humsec_version=__version__,
        ).run_id
    with live.client() as admin:
        for name in PROJECTS[1:]:
            assert admin.post("/api/v1/projects", json={"name": name}).status_code == 201
        token = admin.post("/api/v1/tokens", json={"role": "analyst"}).json()["token"]
    # Each project gets a 3W table and a table of events at the same moment: both rewrite
    # its humsec.yaml, so one entry would be lost if the two were not taken in turn.
    files = {
        (project, f"{kind}_{i}.csv"): make(i)
        for i, project in enumerate(PROJECTS)
        for kind, make in (("who", _three_w), ("events", _events))
    }

    def upload(key: tuple[str, str]) -> httpx.Response:
        project, name = key
        with live.client(token) as client:
            return client.post(
                f"/api/v1/projects/{project}/datasets",
                files={"file": (name, files[key], "text/csv")},
            )

    def job(seed: int) -> httpx.Response:
        with live.client(token) as client:
            return client.post("/api/v1/jobs", json=_shock_job(1000 + seed, "kenya"))

    def mint(i: int) -> httpx.Response:
        with live.client() as client:
            return client.post("/api/v1/tokens", json={"role": "viewer", "label": f"w{i}"})

    work: list[tuple[Any, Any]] = [(upload, key) for key in files]
    work += [(job, i % 4) for i in range(8)] + [(mint, i) for i in range(6)]
    with ThreadPoolExecutor(len(work)) as pool:
        answers = list(pool.map(lambda w: w[0](w[1]), work))
    failed = [
        f"{a.request.url.path}: {a.status_code} {a.text}" for a in answers if a.status_code >= 300
    ]
    assert failed == []  # every writer acknowledged: no 500, no 503 "locked"
    uploads, jobs, minted = answers[:4], answers[4:12], answers[12:]
    with live.client() as client:
        history = {
            r["run_id"]: r
            for r in client.get("/api/v1/projects/kenya/runs?paging=false").json()["runs"]
        }
        tokens = {t["token_id"] for t in client.get("/api/v1/tokens").json()}
        listed = {
            p: [d["name"] for d in client.get(f"/api/v1/projects/{p}").json()["datasets"]]
            for p in PROJECTS
        }
    # Every upload is in its project's humsec.yaml once, stored with its bytes' hash.
    for ((project, name), content), answer in zip(files.items(), uploads, strict=True):
        stem = name.removesuffix(".csv")
        assert listed[project].count(stem) == 1
        versions = live.app.state.workspace.store(project).datasets().set_index("name")
        assert answer.json()["sha256"] == hashlib.sha256(content).hexdigest()
        assert versions.loc[stem, "sha256"] == answer.json()["sha256"]
    # Every job was handed its stored result, and each hand-out is in the history.
    for i, answer in enumerate(jobs):
        view = answer.json()
        assert view["status"] == "done" and view["reused"]
        assert history[view["run_id"]]["reused_from"] == stored[i % 4]
    assert len(history) == 4 + 8
    assert {m.json()["token_id"] for m in minted} <= tokens
    audit = live.app.state.store.audit_log(action="dataset.upload")
    assert sorted(d["dataset"] for d in audit["detail"]) == sorted(
        n.removesuffix(".csv") for _, n in files
    )


def _project_files(live: Live) -> dict[str, bytes]:
    root = Path(live.app.state.settings.projects) / "kenya"
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".humsec" not in p.parts
    }


def _multipart(name: str, content: bytes, boundary: str) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _send_cut(live: Live, token: str, body: bytes, sent: int, length: int) -> bytes:
    """Send an upload's headers (declaring ``length`` bytes) and the first ``sent`` bytes of
    ``body``, then hang up; what the service answered, if anything."""
    host, port = live.url.removeprefix("http://").split(":")
    head = (
        "POST /api/v1/projects/kenya/datasets HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: multipart/form-data; boundary=cut\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + body[:sent])
        sock.shutdown(socket.SHUT_WR)  # the client goes away mid-body
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


@pytest.mark.slow
def test_an_interrupted_upload_leaves_nothing_behind(
    duckdb_service: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = duckdb_service
    spool = tmp_path / "spool"  # where the service spools request bodies and its temp files
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    with live.client() as admin:
        token = admin.post("/api/v1/tokens", json={"role": "analyst", "project": "kenya"}).json()[
            "token"
        ]
    before = _project_files(live)
    store = live.app.state.workspace.store("kenya")
    versions_before = len(store.datasets())
    # 3 MB: past the 1 MB an upload is kept in memory, so part of it was spooled to disk.
    big = _three_w(0) + b"".join(f"KE001,org{i},sector\n".encode() for i in range(150_000))
    body = _multipart("cut.csv", big, "cut")
    for sent in (len(body) // 2, len(body) - 10):  # cut mid-file, and just before the end
        _send_cut(live, token, body, sent, len(body))
    # A body that arrives whole but whose file part is cut (no closing boundary) is refused.
    cut_part = body[: len(body) // 2]
    answer = _send_cut(live, token, cut_part, len(cut_part), len(cut_part))
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    assert 400 <= status < 500, answer[:300]
    time.sleep(0.5)  # let the service notice the disconnects
    with live.client(token) as client:
        overview = client.get("/api/v1/projects/kenya")
        assert overview.status_code == 200  # the service is fine
        assert "cut" not in [d["name"] for d in overview.json()["datasets"]]
        # and a whole upload right after goes through
        whole = client.post(
            "/api/v1/projects/kenya/datasets",
            files={"file": ("whole.csv", _three_w(1), "text/csv")},
        )
        assert whole.status_code == 201, whole.text
    after = _project_files(live)
    added = sorted(set(after) - set(before))
    assert added == ["data/whole.csv"]  # no trace of the cut uploads
    assert {k: v for k, v in after.items() if k != "humsec.yaml" and k in before} == {
        k: v for k, v in before.items() if k != "humsec.yaml"
    }
    assert len(store.datasets()) == versions_before + 1
    assert list(spool.iterdir()) == []  # no spooled body or temp folder left

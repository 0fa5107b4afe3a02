"""The service end to end on a DuckDB store: tokens and roles, jobs on Dask, runs and tables."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from humsec.api import ServiceSettings, create_app

ADMIN = "test-admin-token"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("service")
    settings = ServiceSettings(
        store=str(root / "store.duckdb"),
        projects=str(root / "projects"),
        admin_token=ADMIN,
        compute_per_minute=5,
    )
    with TestClient(create_app(settings)) as client:
        made = client.post("/api/v1/projects", json={"name": "kenya"}, headers=_auth(ADMIN))
        assert made.status_code == 201, made.text
        yield client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(client: TestClient, role: str, project: str | None = None) -> str:
    response = client.post(
        "/api/v1/tokens", json={"role": role, "project": project}, headers=_auth(ADMIN)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def _wait(client: TestClient, job_id: str, token: str) -> dict:  # type: ignore[type-arg]
    for _ in range(600):
        view = client.get(f"/api/v1/jobs/{job_id}", headers=_auth(token)).json()
        if view["status"] in ("done", "failed", "cancelled"):
            return dict(view)
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_no_token_wrong_token_and_expired_token_are_401(service: TestClient) -> None:
    assert service.get("/api/v1/runs").status_code == 401
    response = service.get("/api/v1/runs", headers=_auth("hs_wrong"))
    assert response.status_code == 401
    assert "hs_wrong" not in response.text  # tokens never echoed


def test_tokens_are_stored_as_digests_and_listed_without_them(service: TestClient) -> None:
    token = _token(service, "viewer", "kenya")
    listed = service.get("/api/v1/tokens", headers=_auth(ADMIN)).json()
    assert all("digest" not in t and "token" not in t for t in listed)
    assert any(t["project"] == "kenya" and t["role"] == "viewer" for t in listed)
    store = service.app.state.store  # type: ignore[attr-defined]
    assert all(token not in str(t) for t in store.tokens.list_tokens())


def test_roles_are_enforced(service: TestClient) -> None:
    viewer = _token(service, "viewer", "kenya")
    response = service.post(
        "/api/v1/jobs", json={"kind": "shocks", "project": "kenya"}, headers=_auth(viewer)
    )
    assert response.status_code == 403
    assert "analyst" in response.json()["detail"]
    analyst = _token(service, "analyst", "kenya")
    # an analyst of one project cannot make tokens, nor compute in another project
    assert (
        service.post("/api/v1/tokens", json={"role": "viewer"}, headers=_auth(analyst)).status_code
        == 403
    )
    assert (
        service.post(
            "/api/v1/jobs", json={"kind": "shocks", "project": "moz"}, headers=_auth(analyst)
        ).status_code
        == 403
    )


def test_a_job_runs_on_dask_reports_progress_and_is_reused(service: TestClient) -> None:
    analyst = _token(service, "analyst", "kenya")
    body = {
        "kind": "shocks",
        "project": "kenya",
        "params": {"n_households": 300, "n_years": 40, "seed": 7},
    }
    submitted = service.post("/api/v1/jobs", json=body, headers=_auth(analyst))
    assert submitted.status_code == 202, submitted.text
    job = _wait(service, submitted.json()["job_id"], analyst)
    assert job["status"] == "done" and job["run_id"]
    stream = service.get(f"/api/v1/jobs/{job['job_id']}/events", headers=_auth(analyst))
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert '"status":"done"' in stream.text

    # The stored result equals the same computation in Python.
    from humsec.shocks import demo_scenario, simulate

    expected = simulate(demo_scenario(300, seed=7), n_years=40, seed=7).to_frame()
    csv = service.get(
        f"/api/v1/projects/kenya/runs/{job['run_id']}/tables/year_losses?format=csv",
        headers=_auth(analyst),
    ).text
    got = pd.read_csv(io.StringIO(csv))
    assert got["asset_loss"].to_numpy() == pytest.approx(expected["asset_loss"].to_numpy())

    again = service.post("/api/v1/jobs", json=body, headers=_auth(analyst)).json()
    assert again["status"] == "done" and again["reused"] is True


def test_table_fields_filters_and_formats(service: TestClient) -> None:
    analyst = _token(service, "analyst", "kenya")
    body = {
        "kind": "shocks",
        "project": "kenya",
        "params": {"n_households": 300, "n_years": 40, "seed": 7},
    }
    run_id = service.post("/api/v1/jobs", json=body, headers=_auth(analyst)).json()["run_id"]
    base = f"/api/v1/projects/kenya/runs/{run_id}/tables/summary"
    data = service.get(base, headers=_auth(analyst)).json()
    assert data["columns"] == ["metric", "value"] and data["rows"] > 5
    one = service.get(base + "?filter=metric:eq:years&fields=value", headers=_auth(analyst)).json()
    assert one["data"] == [{"value": 40.0}]
    hxl = service.get(base + "?format=hxl", headers=_auth(analyst)).text.splitlines()
    assert hxl[0] == "metric,value" and hxl[1] == "#indicator+metric,#indicator+value"
    parquet = service.get(base + "?format=parquet", headers=_auth(analyst)).content
    assert len(pd.read_parquet(io.BytesIO(parquet))) == data["rows"]
    bad = service.get(base + "?fields=valeu", headers=_auth(analyst))
    assert bad.status_code == 422 and "'value'" in bad.json()["hint"]
    bad = service.get(base + "?filter=value:between:1", headers=_auth(analyst))
    assert bad.status_code == 422 and "operator" in bad.json()["detail"]
    # another project's viewer cannot read this run
    other = _token(service, "viewer", "moz")
    assert service.get(base, headers=_auth(other)).status_code == 403


def test_bad_job_requests_are_problems(service: TestClient) -> None:
    analyst = _token(service, "analyst")
    response = service.post("/api/v1/jobs", json={"kind": "shock"}, headers=_auth(analyst))
    assert response.status_code == 404 and "'shocks'" in response.json()["hint"]
    response = service.post(
        "/api/v1/jobs",
        json={"kind": "shocks", "params": {"n_households": -5}},
        headers=_auth(analyst),
    )
    assert response.status_code == 422 and "n_households" in response.json()["detail"]
    assert service.get("/api/v1/jobs/nope", headers=_auth(analyst)).status_code == 404


def test_compute_is_rate_limited_per_token(service: TestClient) -> None:
    analyst = _token(service, "analyst")
    codes = [
        service.post("/api/v1/jobs", json={"kind": "nope"}, headers=_auth(analyst)).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [404] * 5 and codes[5] == 429


def test_the_store_keeps_an_audit_log(service: TestClient) -> None:
    state = service.app.state  # type: ignore[attr-defined]
    assert {"token.create", "project.create"} <= set(state.store.audit_log()["action"])
    project_log = state.workspace.store("kenya").audit_log()
    assert {"job.submit", "job.done"} <= set(project_log["action"])
    assert set(project_log["actor"]) - {"env-admin"}  # the analyst's token id, not a token


def test_tokens_survive_a_restart(tmp_path: Path) -> None:
    settings = ServiceSettings(store=str(tmp_path / "s.duckdb"), projects=str(tmp_path / "p"))
    with TestClient(create_app(settings.model_copy(update={"admin_token": ADMIN}))) as client:
        token = _token(client, "viewer")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/runs", headers=_auth(token)).status_code == 200


def test_a_project_analysis_through_the_api_equals_the_python_run(service: TestClient) -> None:
    from humsec.project import Project, analysis

    analyst = _token(service, "analyst", "kenya")
    overview = service.get("/api/v1/projects/kenya", headers=_auth(analyst)).json()
    assert overview["country"] == "KEN" and overview["areas"] == 47
    jobs = service.post(
        "/api/v1/projects/kenya/runs", json={"analyses": ["area_index"]}, headers=_auth(analyst)
    )
    assert jobs.status_code == 202, jobs.text
    job = _wait(service, jobs.json()[0]["job_id"], analyst)
    assert job["status"] == "done", job
    run = service.get(f"/api/v1/projects/kenya/runs/{job['run_id']}", headers=_auth(analyst))
    names = run.json()["tables"]
    folder = service.app.state.workspace.folder("kenya")  # type: ignore[attr-defined]
    expected = analysis("area_index").run(Project.load(folder))
    assert sorted(names) == sorted(expected)
    first = names[0]
    got = service.get(
        f"/api/v1/projects/kenya/runs/{job['run_id']}/tables/{first}?format=parquet",
        headers=_auth(analyst),
    ).content
    frame = pd.read_parquet(io.BytesIO(got))
    want = expected[first]
    if want.index.name is not None or any(n is not None for n in want.index.names):
        want = want.reset_index()
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), want.reset_index(drop=True))
    history = service.get(
        "/api/v1/projects/kenya/runs?paging=false", headers=_auth(analyst)
    ).json()["runs"]
    assert any(r["run_id"] == job["run_id"] for r in history)


def test_uploads_are_checked(service: TestClient) -> None:
    analyst = _token(service, "analyst", "kenya")
    url = "/api/v1/projects/kenya/datasets"
    bad_name = service.post(
        url, files={"file": ("../../etc/passwd", b"a,b\n1,2\n")}, headers=_auth(analyst)
    )
    assert bad_name.status_code == 422 and "not allowed" in bad_name.json()["detail"]
    empty = service.post(url, files={"file": ("empty.csv", b"")}, headers=_auth(analyst))
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    garbage = service.post(
        url, files={"file": ("x.csv", b"\x00\x01\x02garbage")}, headers=_auth(analyst)
    )
    assert garbage.status_code == 422
    viewer = _token(service, "viewer", "kenya")
    refused = service.post(url, files={"file": ("x.csv", b"a\n1\n")}, headers=_auth(viewer))
    assert refused.status_code == 403
    unknown = service.get("/api/v1/projects/kenia", headers=_auth(ADMIN))
    assert unknown.status_code == 404 and "'kenya'" in unknown.json()["hint"]


def test_the_local_cluster_keeps_its_housekeeping_quiet(service: TestClient) -> None:
    """The Dask worker shares the service's cores: no stack sampling of running jobs."""
    import dask

    client = service.app.state.jobs.client  # type: ignore[attr-defined]
    keys = ("distributed.worker.profile.enabled", "distributed.admin.tick.interval")
    seen = client.run(lambda: tuple(dask.config.get(k) for k in keys))
    assert set(seen.values()) == {(False, "200ms")}


def test_a_revoked_token_stops_working_with_its_next_request(service: TestClient) -> None:
    made = service.post(
        "/api/v1/tokens", json={"role": "analyst", "project": "kenya"}, headers=_auth(ADMIN)
    ).json()
    analyst, token_id = made["token"], made["token_id"]
    assert service.get("/api/v1/projects/kenya", headers=_auth(analyst)).status_code == 200
    # a project's analyst cannot revoke; an unknown id is a 404 problem
    refused = service.delete(f"/api/v1/tokens/{token_id}", headers=_auth(analyst))
    assert refused.status_code == 403
    assert service.delete("/api/v1/tokens/nope", headers=_auth(ADMIN)).status_code == 404
    revoked = service.delete(f"/api/v1/tokens/{token_id}", headers=_auth(ADMIN))
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert "digest" not in revoked.json()
    # at once, although the token was looked up (and kept) a moment ago
    after = service.get("/api/v1/projects/kenya", headers=_auth(analyst))
    assert after.status_code == 401 and "revoked" in after.json()["detail"]
    log = service.app.state.store.audit_log(action="token.revoke")  # type: ignore[attr-defined]
    assert {"token": token_id} in list(log["detail"])

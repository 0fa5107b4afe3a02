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
    store = tmp_path_factory.mktemp("service") / "store.duckdb"
    app = create_app(ServiceSettings(store=str(store), admin_token=ADMIN, compute_per_minute=5))
    with TestClient(app) as client:
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
        f"/api/v1/runs/{job['run_id']}/tables/year_losses?format=csv", headers=_auth(analyst)
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
    base = f"/api/v1/runs/{run_id}/tables/summary"
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
    store = service.app.state.store  # type: ignore[attr-defined]
    actions = set(store.audit_log()["action"])
    assert {"token.create", "job.submit", "job.done"} <= actions


def test_store_path_outside(tmp_path: Path) -> None:
    # A service over an existing store file reopens it with its tokens.
    store = tmp_path / "s.duckdb"
    app = create_app(ServiceSettings(store=str(store), admin_token=ADMIN))
    with TestClient(app) as client:
        token = _token(client, "viewer")
    with TestClient(create_app(ServiceSettings(store=str(store)))) as client:
        assert client.get("/api/v1/runs", headers=_auth(token)).status_code == 200

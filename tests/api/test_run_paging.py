"""The run history a page at a time (DHIS2-style ``page``/``pageSize``/``paging``), with its
pager's totals and links, newest first on request, and the table parameters; a result table's
rows a page at a time when asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from humsec.api import ServiceSettings, create_app

ADMIN = "paging-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
N_RUNS = 7


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root: Path = tmp_path_factory.mktemp("paging")
    settings = ServiceSettings(
        store=str(root / "store.duckdb"), projects=str(root / "projects"), admin_token=ADMIN
    )
    with TestClient(create_app(settings)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for k in range(N_RUNS):  # runs 0..6: analyses a, b, a, b, ...; seeds 0..6
            store.record(
                analysis="ab"[k % 2],
                input_hash=f"{k:064x}",
                inputs={},
                spec={"k": k},
                seed=k,
                started=start + timedelta(minutes=k),
                ended=start + timedelta(minutes=k, seconds=1),
                tables={"t": pd.DataFrame({"x": range(k + 1)})},  # run k: k + 1 rows
                humsec_version="test",
            )
        yield client


def test_pages_hold_page_size_runs_and_link_to_the_next(service: TestClient) -> None:
    store = service.app.state.store  # type: ignore[attr-defined]
    order = list(store.history()["run_id"])
    assert len(order) == N_RUNS
    first = service.get("/api/v1/runs?pageSize=3", headers=AUTH)
    assert first.status_code == 200
    pager = first.json()["pager"]
    # 7 runs at 3 a page: pages of 3, 3 and 1
    assert pager == {
        "page": 1,
        "pageCount": 3,
        "total": 7,
        "pageSize": 3,
        "nextPage": "http://testserver/api/v1/runs?page=2&pageSize=3",
        "prevPage": None,
    }
    assert first.headers["link"] == f'<{pager["nextPage"]}>; rel="next"'
    seen, url, pages = [], "/api/v1/runs?pageSize=3", []
    while url:
        body = service.get(url, headers=AUTH).json()
        pages.append(len(body["runs"]))
        seen += [r["run_id"] for r in body["runs"]]
        url = body["pager"]["nextPage"]
    assert pages == [3, 3, 1] and seen == order  # every run once, oldest first
    last = service.get("/api/v1/runs?pageSize=3&page=3", headers=AUTH).json()["pager"]
    assert last["nextPage"] is None and last["prevPage"].endswith("?page=2&pageSize=3")


def test_newest_first_all_at_once_and_the_default_page(service: TestClient) -> None:
    order = list(service.app.state.store.history()["run_id"])  # type: ignore[attr-defined]
    desc = service.get("/api/v1/runs?order=desc&pageSize=2&page=2", headers=AUTH).json()
    assert [r["run_id"] for r in desc["runs"]] == order[::-1][2:4]
    everything = service.get("/api/v1/runs?paging=false", headers=AUTH).json()
    assert [r["run_id"] for r in everything["runs"]] == order
    assert everything["pager"]["pageCount"] == 1 and everything["pager"]["nextPage"] is None
    default = service.get("/api/v1/runs", headers=AUTH).json()["pager"]
    assert (default["page"], default["pageSize"], default["total"]) == (1, 50, 7)
    beyond = service.get("/api/v1/runs?pageSize=3&page=9", headers=AUTH).json()
    assert beyond["runs"] == [] and beyond["pager"]["prevPage"].endswith("?page=3&pageSize=3")


def test_filters_and_fields_page_the_runs_that_hold(service: TestClient) -> None:
    got = service.get(
        "/api/v1/runs?filter=analysis:eq:b&fields=analysis,seed&pageSize=2&page=2", headers=AUTH
    ).json()
    # runs b are seeds 1, 3, 5: the second page of two holds seed 5 alone
    assert got["pager"]["total"] == 3 and got["pager"]["pageCount"] == 2
    assert got["runs"] == [{"analysis": "b", "seed": 5}]
    high = service.get("/api/v1/runs?filter=seed:ge:4&order=desc", headers=AUTH).json()
    assert [r["seed"] for r in high["runs"]] == [6, 5, 4]


def test_bad_paging_parameters_are_problem_documents(service: TestClient) -> None:
    for query, where in (("pageSize=0", "pageSize"), ("page=0", "page"), ("order=up", "order")):
        response = service.get(f"/api/v1/runs?{query}", headers=AUTH)
        assert response.status_code == 422, query
        assert response.headers["content-type"].startswith("application/problem+json")
        assert where in response.text
    bad = service.get("/api/v1/runs?fields=sede", headers=AUTH)
    assert bad.status_code == 422 and "'seed'" in bad.json()["hint"]


def test_the_contract_documents_the_pager(service: TestClient) -> None:
    spec = service.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/runs"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"page", "pageSize", "paging", "order", "fields", "filter"} <= names
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/RunPage"}
    pager = spec["components"]["schemas"]["Pager"]["properties"]
    assert {"page", "pageCount", "total", "pageSize", "nextPage", "prevPage"} <= set(pager)
    project = spec["paths"]["/api/v1/projects/{project}/runs"]["get"]
    assert {"page", "pageSize"} <= {p["name"] for p in project["parameters"]}


def test_a_tables_rows_come_a_page_at_a_time_when_asked(service: TestClient) -> None:
    store = service.app.state.store  # type: ignore[attr-defined]
    last = str(store.history()["run_id"].iloc[-1])  # its table t holds x = 0..6
    base = f"/api/v1/runs/{last}/tables/t"
    whole = service.get(base, headers=AUTH).json()
    assert [r["x"] for r in whole["data"]] == list(range(7)) and "pager" not in whole
    second = service.get(base + "?pageSize=3&page=2", headers=AUTH)
    body = second.json()
    assert [r["x"] for r in body["data"]] == [3, 4, 5] and body["rows"] == 3
    assert (body["pager"]["total"], body["pager"]["pageCount"]) == (7, 3)
    assert body["pager"]["nextPage"].endswith("/tables/t?page=3&pageSize=3")
    assert 'rel="next"' in second.headers["link"] and 'rel="prev"' in second.headers["link"]
    # filters first, then pages: x >= 2 keeps 5 rows, the second page of 3 holds 5 and 6
    kept = service.get(base + "?filter=x:ge:2&pageSize=3&page=2", headers=AUTH).json()
    assert [r["x"] for r in kept["data"]] == [5, 6] and kept["pager"]["total"] == 5
    csv = service.get(base + "?format=csv&pageSize=3&page=3", headers=AUTH)
    assert csv.text.splitlines() == ["x", "6"] and 'rel="prev"' in csv.headers["link"]
    bad = service.get(base + "?pageSize=0", headers=AUTH)
    assert bad.status_code == 422 and "pageSize" in bad.text

"""The engine resources under /api/v1/projects/{project}: every table the API returns equals
the same public engine call in Python on the same project inputs; roles, unknown ids and
malformed uploads are problem documents."""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from humsec.api import ServiceSettings, create_app

ADMIN = "resources-admin-token"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
THREEW = FIXTURES / "threew" / "kenya_3w_hxl.csv"
IATI = FIXTURES / "iati" / "kenya_activities_203.xml"
API = "/api/v1/projects/kenya"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("resources")
    settings = ServiceSettings(
        store=str(root / "store.duckdb"), projects=str(root / "projects"), admin_token=ADMIN
    )
    with TestClient(create_app(settings)) as client:
        made = client.post("/api/v1/projects", json={"name": "kenya"}, headers=_auth(ADMIN))
        assert made.status_code == 201, made.text
        yield client


@pytest.fixture(scope="module")
def analyst(service: TestClient) -> str:
    return _token(service, "analyst", "kenya")


@pytest.fixture(scope="module")
def project(service: TestClient) -> Any:
    return service.app.state.workspace.project("kenya")  # type: ignore[attr-defined]


def _token(client: TestClient, role: str, project: str | None = None) -> str:
    made = client.post(
        "/api/v1/tokens", json={"role": role, "project": project}, headers=_auth(ADMIN)
    )
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


def _table(client: TestClient, token: str, run_id: str, name: str) -> pd.DataFrame:
    got = client.get(f"{API}/runs/{run_id}/tables/{name}?format=parquet", headers=_auth(token))
    assert got.status_code == 200, got.text
    return pd.read_parquet(io.BytesIO(got.content))


def _done(client: TestClient, token: str, job: dict[str, Any]) -> str:
    # Generous: on a loaded machine the queued jobs share one Dask worker.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        view = client.get(f"/api/v1/jobs/{job['job_id']}", headers=_auth(token)).json()
        if view["status"] in ("done", "failed", "cancelled"):
            assert view["status"] == "done", view
            return str(view["run_id"])
        time.sleep(0.1)
    raise AssertionError(f"job {job['job_id']} did not finish in 600 s: {view}")


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False
    )


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["detail"] and body["hint"]
    return body


# --- queued first, so the jobs run while the synchronous resources are checked -----------------
@pytest.fixture(scope="module")
def jobs(service: TestClient, analyst: str) -> dict[str, dict[str, Any]]:
    headers = _auth(analyst)
    queued = {
        "uncertainty": service.post(
            f"{API}/index-builds/uncertainty",
            json={"n": 10, "seed": 3, "sobol": False},
            headers=headers,
        ),
        "network": service.post(
            f"{API}/threat-networks",
            json={"threats": ["armed_conflict", "lack_of_health_care"], "bootstrap": 10},
            headers=headers,
        ),
        "shocks": service.post(
            f"{API}/shock-simulations", json={"n_years": 10, "seed": 5}, headers=headers
        ),
        "iati": service.post(
            f"{API}/iati-imports", files={"file": (IATI.name, IATI.read_bytes())}, headers=headers
        ),
    }
    for name, response in queued.items():
        assert response.status_code == 202, (name, response.text)
    return {name: response.json() for name, response in queued.items()}


def test_specs_are_listed_and_resolved(
    service: TestClient, analyst: str, jobs: dict[str, Any]
) -> None:
    specs = service.get(f"{API}/specs", headers=_auth(analyst)).json()
    assert specs["index"] == "inform_subnational" and "global_mpi" in specs["deprivation_specs"]
    index = service.get(f"{API}/specs/index", headers=_auth(analyst)).json()
    assert index["name"]
    body = _problem(service.get(f"{API}/specs/index?preset=infrom", headers=_auth(analyst)), 422)
    assert "'inform'" in body["hint"]


def test_index_build_equals_python(
    service: TestClient, analyst: str, project: Any, jobs: dict[str, Any]
) -> None:
    from humsec.index import build

    made = service.post(f"{API}/index-builds", json={}, headers=_auth(analyst))
    assert made.status_code == 201, made.text
    run = made.json()
    assert set(run["tables"]) == {"scores", "ranks", "normalised", "coverage", "missing", "audit"}
    result = build(project.index_spec(), project.indicator_wide(), year=2023)
    ranks = _table(service, analyst, run["run_id"], "ranks")
    _same(ranks.set_index("pcode"), result.ranks)
    normalised = _table(service, analyst, run["run_id"], "normalised")
    _same(normalised.set_index("pcode"), result.normalised)
    assert len(_table(service, analyst, run["run_id"], "audit")) == len(result.audit)
    scores = service.get(
        run["links"]["scores"] + "?fields=pcode,name,risk&filter=pcode:eq:KE023",
        headers=_auth(analyst),
    ).json()
    assert scores["data"] == [
        {
            "pcode": "KE023",
            "name": "Turkana",
            "risk": pytest.approx(result.scores.loc["KE023", "risk"]),
        }
    ]
    again = service.post(f"{API}/index-builds", json={}, headers=_auth(analyst)).json()
    assert again["reused"] is True and again["reused_from"] == run["run_id"]


def test_index_uncertainty_job_equals_python(
    service: TestClient, analyst: str, project: Any, jobs: dict[str, Any]
) -> None:
    from humsec.index import uncertainty

    run_id = _done(service, analyst, jobs["uncertainty"])
    want = uncertainty(
        project.index_spec(), project.indicator_wide(), n=10, seed=3, year=2023, sobol=False
    ).summary()
    _same(_table(service, analyst, run_id, "summary"), want.reset_index())


def test_deprivation_estimates_with_design_ses_equal_python(
    service: TestClient, analyst: str, project: Any
) -> None:
    from humsec.deprivation import SurveyDesign, estimate
    from humsec.project import survey_frame

    made = service.post(
        f"{API}/deprivation-estimates", json={"by": ["sex"], "k": 0.4}, headers=_auth(analyst)
    )
    assert made.status_code == 201, made.text
    got = _table(service, analyst, made.json()["run_id"], "estimates")
    survey = survey_frame(project)
    design = SurveyDesign(weight="weight", psu="psu", strata="stratum")
    want = estimate(survey, project.deprivation_spec().with_k(0.4), design, by=["sex"]).table
    _same(got, want)
    m0 = got[(got["measure"] == "M0") & (got["subgroup"] == "total")]
    assert float(m0["se"].iloc[0]) > 0  # a design-based SE, not a placeholder
    body = _problem(
        service.post(f"{API}/deprivation-estimates", json={"by": ["sexx"]}, headers=_auth(analyst)),
        422,
    )
    assert "'sex'" in body["hint"]


def test_large_microdata_is_estimated_as_a_job(
    service: TestClient, analyst: str, project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from humsec.api.routers import deprivation
    from humsec.deprivation import SurveyDesign, estimate
    from humsec.project import survey_frame

    monkeypatch.setattr(deprivation, "AT_ONCE_ROWS", 1_000)  # the demo survey: 26,779 rows
    refused = service.post(
        f"{API}/deprivation-estimates", json={"mode": "now"}, headers=_auth(analyst)
    )
    assert "mode: job" in _problem(refused, 422)["hint"]
    queued = service.post(
        f"{API}/deprivation-estimates", json={"by": ["urban"]}, headers=_auth(analyst)
    )
    assert queued.status_code == 202, queued.text
    got = _table(service, analyst, _done(service, analyst, queued.json()), "estimates")
    design = SurveyDesign(weight="weight", psu="psu", strata="stratum")
    spec = project.deprivation_spec().with_k(project.config.settings.k)
    _same(got, estimate(survey_frame(project), spec, design, by=["urban"]).table)


def test_shock_simulation_job_equals_the_stress_test_in_python(
    service: TestClient, analyst: str, project: Any, jobs: dict[str, Any]
) -> None:
    from humsec.api.stress_test import run_stress_test

    run_id = _done(service, analyst, jobs["shocks"])
    blobs = run_stress_test(str(project.root), "scenario", [], 10, 5, lambda f, m: None)
    want = pd.read_parquet(io.BytesIO(blobs["summary"]))
    _same(_table(service, analyst, run_id, "summary"), want)
    options = service.get(f"{API}/shock-options", headers=_auth(analyst)).json()
    assert options["scenarios"] == ["scenario"] and options["measures"]
    bad = service.post(
        f"{API}/measure-appraisals", json={"measures": ["no-such-measure"]}, headers=_auth(analyst)
    )
    assert _problem(bad, 422)["detail"].startswith("the project has no measure")


def test_programme_upload_list_and_appraisal_equal_python(
    service: TestClient, analyst: str, project: Any
) -> None:
    from humsec.actors import presence, read_3w
    from humsec.programme import AppraisalContext, Programme, appraise, example_path

    path = example_path("integrated")
    up = service.post(
        f"{API}/programmes", files={"file": (path.name, path.read_bytes())}, headers=_auth(analyst)
    )
    assert up.status_code == 201, up.text
    assert up.json()["id"] == "KE-DRYLANDS-HS" and up.json()["version"] == 1
    listed = service.get(f"{API}/programmes", headers=_auth(analyst)).json()
    assert [p["name"] for p in listed if p["source"] == "upload"] == ["KE-DRYLANDS-HS"]
    own = {Programme.from_yaml(project.path(d.file)).id for d in project.datasets("programme")}
    assert own <= {p["name"] for p in listed}  # the project's own programmes are offered too
    one = service.get(f"{API}/programmes/KE-DRYLANDS-HS", headers=_auth(analyst)).json()
    assert one["summary"]["areas"] == "KE023,KE010,KE009,KE008"

    in_context = service.post(
        f"{API}/programmes/KE-DRYLANDS-HS/appraisal", json={"n_years": 20}, headers=_auth(analyst)
    )
    assert in_context.status_code == 202, in_context.text  # the context is simulated: a job

    service.post(
        f"{API}/threew", files={"file": (THREEW.name, THREEW.read_bytes())}, headers=_auth(analyst)
    )
    made = service.post(
        f"{API}/programmes/KE-DRYLANDS-HS/appraisal",
        json={"threew": THREEW.name, "context": False},
        headers=_auth(analyst),
    )
    assert made.status_code == 201, made.text
    run_id = made.json()["run_id"]
    programme = Programme.from_yaml(path, framework=project.framework, areas=project.pcodes)
    context = AppraisalContext(presence=presence(read_3w(THREEW)))
    want = appraise(programme, context, framework=project.framework)
    got = _table(service, analyst, run_id, "scores")
    assert got["score"].tolist() == [s.score for s in want.scores]
    checks = _table(service, analyst, run_id, "checks")
    assert set(want.not_checked) <= set(checks.loc[checks["kind"] == "not_checked", "detail"])
    assert checks["detail"].str.contains("without the project's context").any()

    # In the project's context: the same as humsec.project.appraisal_context in Python.
    from humsec.project import CONTEXT_ANALYSES, appraisal_context, run_project

    built = appraisal_context(
        project, run_project(project, None, only=CONTEXT_ANALYSES), n_years=20
    )
    want = appraise(programme, built.context, framework=project.framework)
    run_id = _done(service, analyst, in_context.json())
    got = _table(service, analyst, run_id, "scores")
    assert want.with_context and got["score"].tolist() == [s.score for s in want.scores]
    evidence = _table(service, analyst, run_id, "evidence")
    _same(evidence, want.evidence_frame())
    sources = _table(service, analyst, run_id, "sources")
    assert set(sources["part"]) == set(built.context.sources)
    summary = _table(service, analyst, run_id, "summary").iloc[0]
    assert (summary["marker"], bool(summary["with_context"])) == (want.marker, True)
    assert summary["mean_score"] == pytest.approx(want.mean_score)

    # The same programme through the Excel template is the same canonical YAML: no new version.
    from humsec.programme import excel_template

    book = io.BytesIO()
    excel_template(programme).save(book)
    excel = service.post(
        f"{API}/programmes",
        files={"file": ("drylands.xlsx", book.getvalue())},
        headers=_auth(analyst),
    )
    assert excel.status_code == 201, excel.text
    assert (excel.json()["id"], excel.json()["version"]) == ("KE-DRYLANDS-HS", 1)

    missing = service.post(f"{API}/programmes/NOPE/appraisal", json={}, headers=_auth(analyst))
    assert "KE-DRYLANDS-HS" in _problem(missing, 404)["hint"]
    broken = service.post(
        f"{API}/programmes",
        files={"file": ("p.yaml", b"programme: {id: X}\ncomponents: [")},
        headers=_auth(analyst),
    )
    _problem(broken, 422)
    wrong = service.post(
        f"{API}/programmes", files={"file": ("p.txt", b"hello")}, headers=_auth(analyst)
    )
    assert ".yaml" in _problem(wrong, 422)["hint"]


def test_iati_import_job_equals_python(
    service: TestClient, analyst: str, project: Any, jobs: dict[str, Any]
) -> None:
    from humsec.programme import read_iati

    run_id = _done(service, analyst, jobs["iati"])
    want = read_iati(IATI, framework=project.framework)
    _same(_table(service, analyst, run_id, "issues"), want.issues)
    programmes = _table(service, analyst, run_id, "programmes")
    assert programmes["id"].tolist() == [p.id for p in want.programmes]
    activities = _table(service, analyst, run_id, "activities")
    assert activities["budget_total_usd"].sum() == pytest.approx(
        want.activities["budget_total_usd"].sum()
    )
    not_xml = service.post(
        f"{API}/iati-imports", files={"file": ("a.xml", b"just text")}, headers=_auth(analyst)
    )
    assert "not XML" in _problem(not_xml, 422)["detail"]


def test_threew_presence_and_coverage_equal_python(service: TestClient, analyst: str) -> None:
    from humsec.actors import coverage, presence, read_3w

    up = service.post(
        f"{API}/threew", files={"file": (THREEW.name, THREEW.read_bytes())}, headers=_auth(analyst)
    )
    assert up.status_code == 201 and up.json()["counts"]["input_rows"] == 9
    threew = read_3w(THREEW)
    made = service.post(
        f"{API}/threew/{THREEW.name}/presence", json={"level": "adm1"}, headers=_auth(analyst)
    )
    assert made.status_code == 201, made.text
    _same(_table(service, analyst, made.json()["run_id"], "presence"), presence(threew, "adm1"))
    needs = [
        {"area": "KE023", "in_need": 60000},
        {"area": "KE010", "in_need": 30000},
        {"area": "KE009", "in_need": 90000},
    ]
    made = service.post(
        f"{API}/threew/{THREEW.name}/coverage", json={"needs": needs}, headers=_auth(analyst)
    )
    assert made.status_code == 201, made.text
    want = coverage(threew, pd.DataFrame(needs))
    _same(_table(service, analyst, made.json()["run_id"], "coverage"), want.table)
    no_need = service.post(f"{API}/threew/{THREEW.name}/coverage", json={}, headers=_auth(analyst))
    assert "in need" in _problem(no_need, 422)["detail"]
    unknown = service.post(f"{API}/threew/other.csv/presence", json={}, headers=_auth(analyst))
    assert THREEW.name in _problem(unknown, 404)["hint"]


def test_threat_network_job_equals_python(
    service: TestClient, analyst: str, project: Any, jobs: dict[str, Any]
) -> None:
    from humsec.threats import estimate_network, registry_from_table

    run_id = _done(service, analyst, jobs["network"])
    want = estimate_network(
        project.indicator_wide(),
        threats=["armed_conflict", "lack_of_health_care"],
        bootstrap=10,
        seed=1,
        framework=project.framework,
        registry=registry_from_table(project.area_indicators),
    )
    _same(_table(service, analyst, run_id, "edges"), want.edges)
    _same(_table(service, analyst, run_id, "leverage"), want.leverage)


def test_portfolio_plan_is_the_best_affordable_set(service: TestClient, analyst: str) -> None:
    candidates = pd.DataFrame(
        {
            "area": ["KE001", "KE002", "KE003", "KE004"],
            "package": ["wash", "cash", "health", "roads"],
            "cost": [40.0, 30.0, 50.0, 20.0],
            "benefit": [9.0, 7.0, 10.0, 3.0],
        }
    )
    up = service.post(
        f"{API}/candidates",
        files={"file": ("candidates.csv", candidates.to_csv(index=False).encode())},
        headers=_auth(analyst),
    )
    assert up.status_code == 201 and up.json()["rows"] == 4
    lacking = service.post(
        f"{API}/candidates",
        files={"file": ("bad.csv", b"area,package\nKE001,wash\n")},
        headers=_auth(analyst),
    )
    assert "cost, benefit" in _problem(lacking, 422)["detail"]
    body = {"candidates": "candidates.csv", "budgets": [{"amount": 90}], "alternatives": 2}
    job = service.post(f"{API}/portfolio-plans", json=body, headers=_auth(analyst))
    assert job.status_code == 202, job.text
    run_id = _done(service, analyst, job.json())
    chosen = _table(service, analyst, run_id, "chosen")
    # By hand: every subset costing at most 90; the best is wash + health (cost 90, benefit 19).
    best = max(
        (
            c
            for r in range(5)
            for c in itertools.combinations(range(4), r)
            if candidates["cost"].iloc[list(c)].sum() <= 90
        ),
        key=lambda c: candidates["benefit"].iloc[list(c)].sum(),
    )
    assert sorted(chosen["package"]) == sorted(candidates["package"].iloc[list(best)])
    assert sorted(chosen["package"]) == ["health", "wash"]
    frontier = _table(service, analyst, run_id, "frontier")
    # the default frontier (PlanOptions: 6 points up to 1.5 x the budget) ends at 135: by hand
    # the best set within it is wash + cash + health (cost 120, benefit 26)
    assert frontier["amount"].iloc[-1] == pytest.approx(135.0)
    assert frontier["objective"].iloc[-1] == pytest.approx(26.0)
    alternatives = _table(service, analyst, run_id, "alternatives")
    assert alternatives["alternative"].nunique() == 2
    missing = service.post(
        f"{API}/portfolio-plans", json={**body, "candidates": "other.csv"}, headers=_auth(analyst)
    )
    assert _problem(missing, 404)["location"] == "body: candidates"


def test_roles_and_projects_are_enforced(service: TestClient) -> None:
    viewer = _token(service, "viewer", "kenya")
    refused = service.post(f"{API}/index-builds", json={}, headers=_auth(viewer))
    assert "analyst" in _problem(refused, 403)["detail"]
    upload = service.post(
        f"{API}/threew", files={"file": (THREEW.name, THREEW.read_bytes())}, headers=_auth(viewer)
    )
    _problem(upload, 403)
    assert service.get(f"{API}/programmes", headers=_auth(viewer)).status_code == 200
    other = _token(service, "analyst", "moz")
    for response in (
        service.get(f"{API}/programmes", headers=_auth(other)),
        service.get(f"{API}/specs", headers=_auth(other)),
        service.post(f"{API}/threat-networks", json={}, headers=_auth(other)),
    ):
        _problem(response, 403)
    assert service.post(f"{API}/index-builds", json={}).status_code == 401
    unknown = service.post("/api/v1/projects/kenia/index-builds", json={}, headers=_auth(ADMIN))
    assert "'kenya'" in _problem(unknown, 404)["hint"]

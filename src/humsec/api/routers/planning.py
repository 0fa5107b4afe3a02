"""``/api/v1/projects/{project}``: the threat network and portfolio plans, as jobs.

* ``POST /threat-networks`` estimates the interlinkage network on the project's area panel
  (bootstrap intervals, multiplier, leverage).
* ``POST /candidates`` uploads a candidate table (area, package, cost, benefit [, threats,
  mode, risk_reduction, weight]); ``POST /portfolio-plans`` chooses the portfolio under the
  budgets (MILP on HiGHS), with the frontier and near-optimal alternatives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile

from humsec.api.auth import caller, compute, need
from humsec.api.computations import (
    answer_later,
    project_inputs,
    project_of,
    project_plan,
    role_datasets,
)
from humsec.api.jobs import JobView
from humsec.api.problems import ServiceProblem
from humsec.api.project_kinds import NetworkParams, PlanParams
from humsec.api.tokens import TokenRecord
from humsec.api.uploads import keep, listing, project_files, read_upload, stored

router = APIRouter(prefix="/projects/{project}", tags=["planning"])

CANDIDATES = "candidates"
CANDIDATE_COLUMNS = ("area", "package", "cost", "benefit")
"""The columns ``humsec.programme.plan`` requires of a candidate table."""


@router.post("/threat-networks", status_code=202)
def estimate_network(
    project: str, body: NetworkParams, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Estimate the threat network as a job; an analyst's compute action."""
    compute(request, record, project)
    loaded = project_of(request, project)
    inputs = project_inputs(loaded, role_datasets(loaded, "indicators"))
    plan = project_plan(loaded, "threat_network", body.model_dump(mode="json"), inputs)
    return answer_later(request, record, loaded, plan)


@router.post("/candidates", status_code=201)
async def upload_candidates(
    project: str,
    request: Request,
    file: UploadFile = File(description="a candidate table: CSV, Excel or Parquet"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """Add (or version) a candidate table; an analyst's action."""
    import tempfile

    from humsec.data import read_table

    need(record, "analyst", project)
    project_of(request, project)
    name, data = await read_upload(file, (".csv", ".xlsx", ".parquet"), "a candidate table")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        frame = read_table(path)
    lacking = [c for c in CANDIDATE_COLUMNS if c not in frame.columns]
    if lacking:
        raise ServiceProblem(
            422,
            f"the candidate table {name!r} lacks column(s) {', '.join(lacking)}",
            hint=f"a candidate table has columns {', '.join(CANDIDATE_COLUMNS)} (optional: "
            "threats, groups, mode, risk_reduction, weight); it has "
            f"{', '.join(map(str, frame.columns))}",
            location="form: file",
        )
    store = request.app.state.workspace.store(project)
    return {**keep(store, CANDIDATES, name, data, record.token_id), "rows": len(frame)}


@router.get("/candidates")
def list_candidates(
    project: str, request: Request, record: TokenRecord = Depends(caller)
) -> list[dict[str, Any]]:
    """The project's candidate tables: uploads (latest version of each), then its own."""
    need(record, "viewer", project)
    files = project_files(project_of(request, project), "candidates")
    return listing(request.app.state.workspace.store(project), CANDIDATES, files)


@router.post("/portfolio-plans", status_code=202)
def plan_portfolio(
    project: str, body: PlanParams, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Choose the portfolio under the budgets as a job; an analyst's compute action."""
    compute(request, record, project)
    loaded = project_of(request, project)
    store = request.app.state.workspace.store(project)
    data = stored(
        store, CANDIDATES, body.candidates, "candidate table", location="body: candidates"
    )
    uploads = {f"candidates{Path(body.candidates).suffix.lower()}": data}
    params = body.model_dump(mode="json")
    plan = project_plan(loaded, "portfolio_plan", params, project_inputs(loaded), uploads)
    return answer_later(request, record, loaded, plan)

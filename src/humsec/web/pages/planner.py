"""The portfolio planner: which candidates to fund under a budget (:func:`humsec.programme.plan`,
a MILP on HiGHS), with a budget slider, the efficient frontier and near-optimal alternatives.

By default it plans with the project's own candidates and budget: the ``plan`` analysis
(``humsec project run``, or the button here, as a job with progress) solves the ``plan:``
section of humsec.yaml over the project's ``candidates`` dataset, deriving each benefit from
the project's results (:mod:`humsec.project.planning`); the page shows that run and the slider
re-solves over the same candidates, with the same options (one package per area, aversion,
coverage rules, gap), at other totals (every fund scaled in proportion, as the frontier
does). At the project's own budget it gives the plan run's portfolio.

The other sources: the project's latest measures run (each risk-reduction measure a
package: cost = its present-value cost, benefit = its present value of avoided well-being
loss), or an uploaded candidate table (area, package, cost, benefit [, threats, mode,
risk_reduction, weight]), planned with the plain options of the form.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from humsec.api import (
    ServiceProblem,
    analysis_needs,
    compute,
    measure_names,
    need,
    plan_analysis,
)
from humsec.programme import Budget, PlanInfeasibleError, plan
from humsec.project import project_plan_budgets
from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.job_progress import job_events, job_progress
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()
PROJECT_WIDE = "project-wide"
PLAN = "plan"


def project_candidates(page: ProjectPage) -> pd.DataFrame | None:
    """The candidates of the project's latest plan run, benefits as derived there (None if
    the plan never ran)."""
    run, tables = page.latest(PLAN)
    table = tables.get("candidates")
    if run is None or table is None:
        return None
    frame = table.copy()
    frame.attrs["source"] = f"the project's candidates (plan run {run.run_id})"
    return frame


def project_budget(page: ProjectPage) -> float:
    """The total of the project's ``plan:`` funds (0 without a plan)."""
    return float(sum(b.amount for b in project_plan_budgets(page.project)))


def project_options(page: ProjectPage) -> dict[str, Any]:
    """The options of :func:`humsec.programme.plan` set in the project's ``plan:``."""
    settings = page.project.config.plan
    return {} if settings is None else settings.solver_options()


def project_funds(page: ProjectPage, budget: float) -> list[Budget]:
    """The project's funds scaled in proportion to a total of ``budget``:
    ``amount_b · budget / Σ amount``."""
    funds = project_plan_budgets(page.project)
    total = sum(b.amount for b in funds)
    if total <= 0:  # the plan: section was removed after the plan ran: one fund
        return [Budget(budget, None, "budget")]
    return [Budget(b.amount * budget / total, b.areas, b.name) for b in funds]


def stored_plan(page: ProjectPage) -> dict[str, Any] | None:
    """The latest plan run's portfolio, frontier and alternatives, as the page shows them."""
    run, tables = page.latest(PLAN)
    if run is None or "chosen" not in tables:
        return None
    frontier = tables["frontier"]
    summary = tables["summary"].set_index("metric")["value"]
    return {
        "run": run,
        "tables": list(tables),
        "chosen": tables["chosen"].to_dict("records"),
        "summary": {str(k): float(v) for k, v in summary.items()},
        "status": str(tables["summary"]["status"].iloc[0]),
        "frontier_rows": frontier.to_dict("records"),
        "alternatives": tables["alternatives"].to_dict("records"),
        "notes": [str(n) for n in tables["notes"]["note"]] if "notes" in tables else [],
        "figure": figures.frontier(
            frontier["amount"].tolist(),
            [None if pd.isna(v) else float(v) for v in frontier["objective"]],
            chosen=float(summary.get("budget_total", 0.0)),
            title="Efficient frontier of the project's plan",
        ),
    }


def measure_candidates(page: ProjectPage) -> pd.DataFrame | None:
    """The project's measures as candidates, from its latest measures run (None if none)."""
    run, tables = page.latest("measures")
    table = tables.get("measures")
    if table is None:
        return None
    names: list[str] = []
    for d in page.project.datasets("measures"):
        names += measure_names(page.project, d.name)
    own = table[table["measure"].isin(names)]  # not the combined package: it would count twice
    frame = pd.DataFrame(
        {
            "area": PROJECT_WIDE,
            "package": own["measure"].astype(str),
            "cost": own["cost_pv"].astype(float),
            "benefit": own["benefit_wellbeing_npv"].astype(float),
        }
    ).reset_index(drop=True)
    frame.attrs["source"] = f"measures run {run.run_id if run else '?'}"
    return frame


def _uploaded(file: UploadFile) -> pd.DataFrame:
    from humsec.data import read_table

    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise ServiceProblem(
            422,
            f"cannot read {file.filename!r} as a candidate table",
            hint="upload a .csv, .xlsx or .parquet table with area, package, cost, benefit",
            location="form: file",
        )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"candidates{suffix}"
        path.write_bytes(file.file.read())
        frame = read_table(path)
    frame.attrs["source"] = f"uploaded {file.filename}"
    return frame


def _solve(
    candidates: pd.DataFrame,
    budget: float,
    funds: float | list[Budget],
    options: dict[str, Any],
    areas: list[str] | None = None,
) -> dict[str, Any]:
    total = float(pd.to_numeric(candidates["cost"], errors="coerce").sum())
    if budget <= 0:
        return {"infeasible": "the budget must be above 0", "budget": budget, "total": total}
    try:
        best = plan(candidates, funds, areas=areas, **options)
    except PlanInfeasibleError as error:
        return {"infeasible": str(error), "budget": budget, "total": total}
    amounts = np.linspace(total / 10, total, 10) if total > 0 else np.array([0.0])
    front = best.frontier(amounts.tolist())
    differ = 2 if len(candidates) > 4 else 1
    others = best.alternatives(3, differ)
    return {
        "budget": budget,
        "total": total,
        "best": best,
        "chosen": best.to_frame().to_dict("records"),
        "spend": float(best.spend.sum()),
        "frontier_rows": front.to_dict("records"),
        "figure": figures.frontier(
            front["amount"].tolist(),
            [None if pd.isna(v) else float(v) for v in front["objective"]],
            chosen=budget,
            title="Efficient frontier: the best objective for each budget",
        ),
        "alternatives": [
            {
                "objective": o.objective,
                "packages": ", ".join(o.chosen["package"].astype(str)),
                "spend": float(o.spend.sum()),
            }
            for o in others
        ],
    }


@router.get("/projects/{name}/planner")
def planner_page(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """The planner form, preset on the project's candidates and budget when its plan has
    run (else on its measures), and the project's latest plan."""
    page = project_page(request, name, record)
    own = project_candidates(page)
    measures = measure_candidates(page)
    budget = project_budget(page) if own is not None else 0.0
    if own is not None:
        total = float(own["cost"].sum())
    elif measures is not None:
        total = float(measures["cost"].sum())
        budget = round(total / 2, -3)
    else:
        total = 0.0
    # The slider's step divides the project's budget (so the preset is a point on it), else
    # a hundredth of the total cost; its end is the first step past the total cost.
    step = budget / 20 if own is not None and budget > 0 else round((total or 1e6) / 100, -3) or 1.0
    top = step * math.ceil(max(total, budget) / step)
    return render(
        request,
        "planner.html",
        **page.context(
            "planner",
            own=None if own is None else len(own),
            candidates=None if measures is None else measures.to_dict("records"),
            total=total,
            top=top,
            step=step,
            budget=budget,
            plan_needs=analysis_needs(page.project).get(PLAN, []),
            shown=stored_plan(page),
        ),
    )


@router.post("/projects/{name}/planner/run")
def run_project_plan(
    name: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """Run the project's plan analysis (an analyst's action) as a job and show its progress."""
    check_origin(request)
    compute(request, record, name)
    project = request.app.state.workspace.project(name)
    view = request.app.state.jobs.submit(
        plan_analysis(project, PLAN), actor=record.token_id, project=name
    )
    return _progress(request, name, record, view.job_id)


def _stored_plan_of(page: ProjectPage, run_id: str) -> dict[str, Any] | None:
    return stored_plan(page)  # the page shows the project's latest plan run


def _progress(request: Request, name: str, record: TokenRecord, job_id: str) -> Response:
    return job_progress(request, name, record, job_id, "planner_progress.html", _stored_plan_of)


@router.get("/projects/{name}/planner/jobs/{job_id}/events")
def plan_events(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> StreamingResponse:
    """The plan job's progress as server-sent events, until it ends."""
    return job_events(request, name, record, job_id)


@router.get("/projects/{name}/planner/jobs/{job_id}")
def plan_progress(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """The plan job's progress, then the plan."""
    need(record, "viewer", name)
    return _progress(request, name, record, job_id)


@router.post("/projects/{name}/planner")
def planner_solve(
    name: str,
    request: Request,
    budget: float = Form(..., ge=0),
    source: str = Form("project"),
    one_per_area: bool = Form(False),
    file: UploadFile | None = File(None),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Solve the portfolio for the budget (an analyst's compute action): the project's
    candidates with its plan's options and funds scaled to ``budget``, or the measures or an
    uploaded table with the form's options."""
    check_origin(request)
    compute(request, record, name)
    page = project_page(request, name, record)
    if source == "project":
        own = project_candidates(page)
        if own is None:
            raise ServiceProblem(
                422,
                "the project's plan has not run yet",
                hint="run the project's plan first (the button above, or humsec project run)",
            )
        result = (
            _solve(
                own, budget, project_funds(page, budget), project_options(page), page.project.pcodes
            )
            if budget > 0
            else _solve(own, budget, budget, {})
        )
        candidates = own
    else:
        if source == "upload":
            if file is None or not file.filename:
                raise ServiceProblem(
                    422, "choose a candidate table to upload", location="form: file"
                )
            candidates = _uploaded(file)
        else:
            found = measure_candidates(page)
            if found is None:
                raise ServiceProblem(
                    422,
                    "the project's measures have not been appraised yet",
                    hint="run the project's analyses first, or upload a candidate table",
                )
            candidates = found
        result = _solve(candidates, budget, budget, {"one_per_area": one_per_area, "gap": 1e-6})
    return render(
        request,
        "planner_result.html",
        name=name,
        source=candidates.attrs.get("source", ""),
        n_candidates=len(candidates),
        **result,
    )

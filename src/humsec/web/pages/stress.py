"""The shock stress test page: choose a scenario, measures, years and seed; run it as a job;
watch its progress; see the results (from the store, so a rerun of the same choices is
reused)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response, StreamingResponse

from humsec.api import STRESS_TEST, compute, measure_names, need, stress_plan
from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.job_progress import job_events, job_progress
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()

SUMMARY = (
    "eai_wellbeing_loss",
    "eai_asset_loss",
    "eai_people_pushed_into_poverty",
)


def _options(page: ProjectPage) -> dict[str, Any]:
    measures = []
    for d in page.project.datasets("measures"):
        measures += measure_names(page.project, d.name)
    settings = page.project.config.settings
    return {
        "scenarios": [d.name for d in page.project.datasets("scenario")],
        "measures": measures,
        "n_years": settings.n_years,
        "seed": settings.seed,
    }


def results(page: ProjectPage, run_id: str) -> dict[str, Any]:
    """What the results fragment shows of a stress-test run."""
    run = page.store.run(run_id)
    tables = page.store.tables(run_id)
    summary = tables["summary"]
    out: dict[str, Any] = {
        "run": run,
        "summary": summary[summary["metric"].isin(SUMMARY)].to_dict("records"),
        "tables": list(tables),
        "measures": None,  # a stress test run without measures has no appraisal to show
        "measure_figure": None,
        "curve_figure": None,
    }
    if "measures" in tables:
        m = tables["measures"]
        out["measures"] = m.to_dict("records")
        shown = m[m["measure"] != "baseline"]
        out["measure_figure"] = figures.bars(
            shown["measure"].astype(str).tolist(),
            shown["bcr_wellbeing"].astype(float).tolist(),
            errors=shown["bcr_wellbeing_se"].astype(float).fillna(0).tolist(),
            title="Benefit-cost ratio on well-being (±1 Monte Carlo SE)",
            x_title="benefit / cost",
        )
    curve = tables.get("exceedance")
    if curve is not None:
        loss = curve[curve["metric"] == "wellbeing_loss"].sort_values("return_period")
        out["curve_figure"] = {
            "data": [
                {
                    "type": "scatter",
                    "x": loss["return_period"].tolist(),
                    "y": loss["impact"].tolist(),
                    "mode": "lines",
                    "line": {"color": "#b42318"},
                }
            ],
            "layout": {
                "title": {"text": "Well-being loss by return period (baseline)"},
                "xaxis": {"title": {"text": "return period (years)"}, "type": "log"},
                "yaxis": {"title": {"text": "loss in a year"}},
                "height": 340,
                "margin": {"l": 70, "r": 20, "t": 40, "b": 50},
            },
        }
    return out


@router.get("/projects/{name}/stress-test")
def stress_page(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """The form, and the latest stress test's results if there is one."""
    page = project_page(request, name, record)
    latest, _ = page.latest(STRESS_TEST)
    shown = results(page, latest.run_id) if latest is not None else None
    return render(
        request,
        "stress.html",
        **page.context("stress", options=_options(page), shown=shown),
    )


@router.post("/projects/{name}/stress-test")
def start_stress_test(
    name: str,
    request: Request,
    scenario: str = Form(..., max_length=200),
    measures: list[str] = Form(default_factory=list),
    n_years: int = Form(..., ge=10, le=5000),
    seed: int = Form(..., ge=0, le=2**31),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Queue the stress test (an analyst's action) and show its progress."""
    check_origin(request)
    compute(request, record, name)
    project = request.app.state.workspace.project(name)
    plan = stress_plan(project, scenario, measures, n_years, seed)
    view = request.app.state.jobs.submit(plan, actor=record.token_id, project=name)
    return _progress(request, name, record, view.job_id)


def _progress(request: Request, name: str, record: TokenRecord, job_id: str) -> Response:
    return job_progress(request, name, record, job_id, "stress_progress.html", results)


@router.get("/projects/{name}/stress-test/jobs/{job_id}/events")
def stress_events(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> StreamingResponse:
    """The job's progress as server-sent events (the page's EventSource), until it ends."""
    return job_events(request, name, record, job_id)


@router.get("/projects/{name}/stress-test/jobs/{job_id}")
def stress_progress(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """The job's progress, then its results (fetched when the event stream says the job
    ended, or polled where the browser has no event streams)."""
    need(record, "viewer", name)
    return _progress(request, name, record, job_id)

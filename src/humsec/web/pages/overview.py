"""The project list, a project's overview (analyses ready or missing, with what each needs),
and running its analyses as jobs with their progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from humsec.api import ServiceProblem, analysis_needs, compute, need, plan_analysis
from humsec.project import ANALYSES
from humsec.project.store import TokenRecord
from humsec.web.project_access import project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()


@router.get("/")
def project_list(request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """Every project the signed-in token may see."""
    workspace = request.app.state.workspace
    rows = []
    for name in workspace.names():
        if not record.allows("viewer", name):
            continue
        project = workspace.project(name)
        missing = analysis_needs(project)
        rows.append(
            {
                "name": name,
                "title": project.name,
                "country": project.country,
                "areas": len(project.level_pcodes(project.main_level)),
                "ready": sum(a.name not in missing for a in ANALYSES),
                "total": len(ANALYSES),
            }
        )
    return render(request, "projects.html", projects=rows, record=record)


@router.get("/projects/{name}")
def project_overview(
    name: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """Which analyses the project can run, what the others need, and their latest runs."""
    page = project_page(request, name, record)
    missing = analysis_needs(page.project)
    analyses = [
        {
            "name": a.name,
            "title": a.title,
            "ready": a.name not in missing,
            "needs": missing.get(a.name, []),
            "run": page.latest(a.name)[0],
        }
        for a in ANALYSES
    ]
    return render(
        request,
        "overview.html",
        **page.context(
            "overview",
            analyses=analyses,
            areas=len(page.project.level_pcodes(page.project.main_level)),
            runs=len(page.store.history()),
        ),
    )


@router.post("/projects/{name}/runs")
def run_analyses(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """Queue every ready analysis as a job (an analyst's action) and show their progress."""
    check_origin(request)
    compute(request, record, name)
    project = request.app.state.workspace.project(name)
    missing = analysis_needs(project)
    runner = request.app.state.jobs
    pairs = []
    for item in ANALYSES:
        if item.name in missing:
            continue
        view = runner.submit(plan_analysis(project, item.name), actor=record.token_id, project=name)
        pairs.append((view.job_id, item.name))
    return job_list(request, name, pairs, f"/projects/{name}", "See the updated overview")


def job_list(
    request: Request,
    name: str,
    pairs: list[tuple[str, str]],
    done_link: str = "",
    done_text: str = "",
) -> Response:
    """The jobs fragment: each job's status and progress; it polls itself while one runs."""
    runner = request.app.state.jobs
    jobs = []
    for job_id, label in pairs:
        view = runner.view(job_id)
        jobs.append({"label": label, **view.model_dump()})
    going = any(j["status"] in ("queued", "running") for j in jobs)
    ids = ",".join(f"{job_id}.{label}" for job_id, label in pairs)
    return render(
        request,
        "jobs.html",
        name=name,
        jobs=jobs,
        going=going,
        ids=ids,
        done_link=done_link,
        done_text=done_text,
    )


@router.get("/projects/{name}/jobs")
def project_jobs(
    name: str,
    request: Request,
    ids: str = Query("", max_length=2000),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """The progress of some of the project's jobs (polled by the page)."""
    need(record, "viewer", name)
    pairs = []
    for item in ids.split(","):
        job_id, _, label = item.partition(".")
        if job_id:
            view = request.app.state.jobs.view(job_id)
            if view.project != name:
                raise ServiceProblem(404, f"project {name!r} has no job {job_id!r}")
            pairs.append((job_id, label[:60]))
    return job_list(request, name, pairs, f"/projects/{name}", "See the updated overview")

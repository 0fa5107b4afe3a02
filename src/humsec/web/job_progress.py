"""A dashboard job's progress, shared by the pages that run one (stress test, appraisal,
planner): the job's server-sent events and its progress fragment, which shows the page's own
results once the job is done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from humsec.api import ServiceProblem, need
from humsec.project.store import TokenRecord
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render

ShownOf = Callable[[ProjectPage, str], Any]
"""What a page shows of its finished job: ``shown(page, run_id)``."""


def project_job(request: Request, name: str, job_id: str) -> Any:
    """The job's view, when it belongs to project ``name`` (404 otherwise: a job id never
    reveals another project's work)."""
    view = request.app.state.jobs.view(job_id)
    if view.project != name:
        raise ServiceProblem(404, f"project {name!r} has no job {job_id!r}")
    return view


def job_events(request: Request, name: str, record: TokenRecord, job_id: str) -> StreamingResponse:
    """The job's progress as server-sent events (the page's EventSource), until it ends."""
    need(record, "viewer", name)
    project_job(request, name, job_id)
    return StreamingResponse(
        request.app.state.jobs.stream(job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


def job_progress(
    request: Request,
    name: str,
    record: TokenRecord,
    job_id: str,
    template: str,
    shown: ShownOf,
) -> Response:
    """The progress fragment ``template``; once the job is done it also carries
    ``shown(page, run_id)``, the page's view of the stored run."""
    view = project_job(request, name, job_id)
    result = None
    if view.status == "done" and view.run_id:
        result = shown(project_page(request, name, record), view.run_id)
    return render(request, template, name=name, job=view, shown=result)

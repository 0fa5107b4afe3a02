"""``/api/v1/jobs``: long computations on Dask, with progress as server-sent events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from humsec.api.auth import caller, compute, need
from humsec.api.job_kinds import JOB_KINDS
from humsec.api.jobs import JobView, plan_kind
from humsec.api.tokens import TokenRecord

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobRequest(BaseModel):
    """A job to run: its kind and its parameters (see ``GET /api/v1/jobs/kinds``)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="one of the job kinds, e.g. 'shocks' or 'uncertainty'")
    params: dict[str, Any] = Field(default_factory=dict)
    project: str | None = None


@router.get("/kinds")
def job_kinds() -> dict[str, Any]:
    """Every job kind with the JSON schema of its parameters."""
    return {name: kind.params.model_json_schema() for name, kind in JOB_KINDS.items()}


@router.post("", status_code=202)
def submit_job(
    body: JobRequest, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Queue a job (or reuse the stored result of the same inputs); an analyst's action."""
    compute(request, record, body.project)
    runner = request.app.state.jobs
    if body.project is not None:
        request.app.state.workspace.folder(body.project)  # 404 for an unknown project
    plan = plan_kind(runner.kind(body.kind), body.params)
    return runner.submit(plan, actor=record.token_id, project=body.project)


@router.get("")
def list_jobs(request: Request, record: TokenRecord = Depends(caller)) -> list[JobView]:
    """The jobs this token may see, newest first."""
    views = request.app.state.jobs.views()
    return [v for v in views if record.allows("viewer", v.project)]


def _visible(request: Request, record: TokenRecord, job_id: str) -> JobView:
    view: JobView = request.app.state.jobs.view(job_id)
    need(record, "viewer", view.project)
    return view


@router.get("/{job_id}")
def get_job(job_id: str, request: Request, record: TokenRecord = Depends(caller)) -> JobView:
    """A job's status and progress."""
    return _visible(request, record, job_id)


@router.get("/{job_id}/events")
def job_events(
    job_id: str, request: Request, record: TokenRecord = Depends(caller)
) -> StreamingResponse:
    """Progress as server-sent events (``text/event-stream``) until the job ends."""
    _visible(request, record, job_id)
    return StreamingResponse(
        request.app.state.jobs.stream(job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


@router.delete("/{job_id}")
def cancel_job(job_id: str, request: Request, record: TokenRecord = Depends(caller)) -> JobView:
    """Cancel a queued or running job; an analyst's action."""
    view = _visible(request, record, job_id)
    need(record, "analyst", view.project)
    return request.app.state.jobs.cancel(job_id)

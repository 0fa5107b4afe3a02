"""``/api/v1/projects``: the projects a service serves, their areas, datasets and runs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from humsec.api.auth import caller, compute, need
from humsec.api.jobs import JobView, plan_analysis
from humsec.api.problems import ServiceProblem
from humsec.api.readiness import analysis_needs
from humsec.api.routers.runs import FIELDS, FILTERS, FORMAT, project_store, run_router
from humsec.api.tables import render, select
from humsec.api.tokens import TokenRecord
from humsec.api.workspace import check_name, safe_file_name
from humsec.project import ANALYSES, ROLES, display_geojson

router = APIRouter(prefix="/projects", tags=["projects"])

UPLOAD_CHUNK = 1 << 20


class NewProject(BaseModel):
    """A project to create; today from the bundled demo (a real sub-national project)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="1-63 lowercase letters, digits, '-' or '_'")
    demo: bool = Field(True, description="copy the bundled demo project")


class RunRequest(BaseModel):
    """Which analyses to run (default: every analysis the project has the inputs for)."""

    model_config = ConfigDict(extra="forbid")

    analyses: list[str] | None = None


def _overview(request: Request, name: str) -> dict[str, Any]:
    project = request.app.state.workspace.project(name)
    missing = analysis_needs(project)
    return {
        "name": name,
        "title": project.name,
        "country": project.country,
        "areas": len(project.areas),
        "levels": sorted(project.boundaries),
        "datasets": [
            {"name": d.name, "role": d.role, "file": d.file} for d in project.config.datasets
        ],
        "analyses": [
            {
                "name": a.name,
                "title": a.title,
                "ready": a.name not in missing,
                "needs": missing.get(a.name, []),
            }
            for a in ANALYSES
        ],
    }


@router.get("")
def list_projects(request: Request, record: TokenRecord = Depends(caller)) -> list[dict[str, Any]]:
    """The projects this token may see."""
    names = request.app.state.workspace.names()
    return [_overview(request, n) for n in names if record.allows("viewer", n)]


@router.post("", status_code=201)
def create_project(
    body: NewProject, request: Request, record: TokenRecord = Depends(caller)
) -> dict[str, Any]:
    """Create a project (a service admin's action)."""
    need(record, "admin")
    check_name(body.name)
    if not body.demo:
        raise ServiceProblem(
            422,
            "only projects copied from the demo can be created through the API today",
            hint="send demo: true, or create the folder with `humsec project init` on the "
            "server's workspace and it appears here",
            location="body: demo",
        )
    request.app.state.workspace.create_demo(body.name)
    request.app.state.store.audit(record.token_id, "project.create", {"project": body.name})
    return _overview(request, body.name)


@router.get("/{project}")
def get_project(project: str, request: Request, record: TokenRecord = Depends(caller)) -> Any:
    """A project's identity, datasets and which analyses it can run (and what each needs)."""
    need(record, "viewer", project)
    return _overview(request, project)


@router.get("/{project}/areas")
def project_areas(
    project: str,
    request: Request,
    format: str = FORMAT,
    fields: str | None = FIELDS,
    filter: list[str] | None = FILTERS,
    record: TokenRecord = Depends(caller),
) -> Response:
    """The project's areas: p-code, name, level, parent."""
    need(record, "viewer", project)
    areas = request.app.state.workspace.project(project).areas
    return render(select(areas.reset_index(drop=True), fields, filter), format, "areas")


@router.get("/{project}/boundaries")
def project_boundaries(
    project: str,
    request: Request,
    level: int | None = Query(None, description="admin level (default: the project's main)"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """The project's boundaries as simplified GeoJSON for maps."""
    need(record, "viewer", project)
    loaded = request.app.state.workspace.project(project)
    chosen = loaded.main_level if level is None else level
    if chosen not in loaded.boundaries:
        raise ServiceProblem(
            404,
            f"the project has no boundaries at admin level {chosen}",
            hint=f"levels with boundaries: {sorted(loaded.boundaries)}",
            location="query: level",
        )
    return dict(display_geojson(loaded.boundaries[chosen]))


@router.post("/{project}/datasets", status_code=201)
async def upload_dataset(
    project: str,
    request: Request,
    file: UploadFile = File(description="the data file (CSV, Excel, Parquet, Stata, SPSS)"),
    role: str | None = Form(None, description=f"one of {', '.join(ROLES)} (inferred if absent)"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """Add a data file to the project (an analyst's action): its role and columns are inferred,
    the project is revalidated, and the bytes are versioned by content hash in its store."""
    need(record, "analyst", project)
    request.app.state.workspace.folder(project)  # 404 for an unknown project
    name = safe_file_name(file.filename or "")
    if role is not None and role not in ROLES:
        raise ServiceProblem(
            422,
            f"unknown role {role!r}",
            hint=f"use one of {', '.join(ROLES)}",
            location="form: role",
        )
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / name
        with target.open("wb") as out:
            while chunk := await file.read(UPLOAD_CHUNK):
                out.write(chunk)
        if target.stat().st_size == 0:
            raise ServiceProblem(422, f"the file {name!r} is empty", location="form: file")
        # Validating the project and storing the bytes block: off the event loop.
        loaded, entry, version = await run_in_threadpool(
            request.app.state.workspace.add_dataset, project, target, role
        )
    await run_in_threadpool(
        request.app.state.store.audit,
        record.token_id,
        "dataset.upload",
        {"project": project, "dataset": entry["name"], "sha256": version.sha256},
    )
    return {
        "dataset": entry,
        "version": version.version,
        "sha256": version.sha256,
        "project": loaded.name,
    }


@router.post("/{project}/runs", status_code=202)
def run_analyses(
    project: str, body: RunRequest, request: Request, record: TokenRecord = Depends(caller)
) -> list[JobView]:
    """Run (or reuse) the project's analyses as jobs, one per analysis."""
    compute(request, record, project)
    loaded = request.app.state.workspace.project(project)
    missing = analysis_needs(loaded)
    names = body.analyses or [a.name for a in ANALYSES if a.name not in missing]
    plans = [plan_analysis(loaded, n) for n in names]
    runner = request.app.state.jobs
    return [runner.submit(p, actor=record.token_id, project=project) for p in plans]


router.include_router(run_router("/{project}/runs", project_store, whose="the project's store"))

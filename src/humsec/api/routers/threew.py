"""``/api/v1/projects/{project}/threew``: who does what where (3W tables).

``POST /threew`` uploads a 3W table (CSV or Excel; HXL hashtags, legacy tags or plain headers),
read with ``humsec.actors.read_3w`` before it is kept (a new version of its file name when it
changes). ``POST /threew/{name}/presence`` and ``/coverage`` compute, at once, who is present
per area and presence against need (gaps, duplications, localisation).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile

from humsec.api.auth import caller, compute, need
from humsec.api.computations import (
    RunView,
    answer_now,
    project_inputs,
    project_of,
    project_plan,
    role_datasets,
)
from humsec.api.project_kinds import CoverageParams, PresenceParams
from humsec.api.tokens import TokenRecord
from humsec.api.uploads import keep, listing, project_files, read_upload, stored

router = APIRouter(prefix="/projects/{project}/threew", tags=["3w"])

THREEW = "threew"


@router.post("", status_code=201)
async def upload_threew(
    project: str,
    request: Request,
    file: UploadFile = File(description="a 3W table: CSV or Excel"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """Add (or version) a 3W table; an analyst's action. Its rows, organisations and notes
    are counted in the answer."""
    from humsec.actors import read_3w

    need(record, "analyst", project)
    project_of(request, project)
    name, data = await read_upload(file, (".csv", ".xlsx"), "a 3W table")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        threew = read_3w(path)
    store = request.app.state.workspace.store(project)
    version = keep(store, THREEW, name, data, record.token_id)
    return {
        **version,
        "counts": {k: int(v) for k, v in threew.counts.items()},
        "organisations": int(threew.table["org"].nunique()),
        "notes": list(threew.notes),
    }


@router.get("")
def list_threew(
    project: str, request: Request, record: TokenRecord = Depends(caller)
) -> list[dict[str, Any]]:
    """The project's 3W tables: uploads (latest version of each), then its own 3W datasets."""
    need(record, "viewer", project)
    files = project_files(project_of(request, project), "3w")
    return listing(request.app.state.workspace.store(project), THREEW, files)


def _uploads(request: Request, project: str, name: str) -> dict[str, bytes]:
    store = request.app.state.workspace.store(project)
    files = project_files(project_of(request, project), "3w")
    data = stored(store, THREEW, name, "3W table", location="path: name", files=files)
    return {f"threew{Path(name).suffix.lower()}": data}


@router.post("/{name}/presence", status_code=201)
def threew_presence(
    project: str,
    name: str,
    body: PresenceParams,
    request: Request,
    record: TokenRecord = Depends(caller),
) -> RunView:
    """Organisations present per area, at once; an analyst's compute action."""
    compute(request, record, project)
    loaded = project_of(request, project)
    params = body.model_dump(mode="json")
    uploads = _uploads(request, project, name)
    plan = project_plan(loaded, "threew_presence", params, project_inputs(loaded), uploads)
    return answer_now(request, record, loaded, plan)


@router.post("/{name}/coverage", status_code=201)
def threew_coverage(
    project: str,
    name: str,
    body: CoverageParams,
    request: Request,
    record: TokenRecord = Depends(caller),
) -> RunView:
    """Presence against need per area [and sector], at once; an analyst's compute action."""
    compute(request, record, project)
    loaded = project_of(request, project)
    datasets = role_datasets(loaded, "indicators") if body.indicator else []
    params = body.model_dump(mode="json")
    uploads = _uploads(request, project, name)
    inputs = project_inputs(loaded, datasets)
    plan = project_plan(loaded, "threew_coverage", params, inputs, uploads)
    return answer_now(request, record, loaded, plan)

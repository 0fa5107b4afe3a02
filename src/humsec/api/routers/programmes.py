"""``/api/v1/projects/{project}``: programmes, their appraisal, and IATI import.

* ``POST /programmes`` uploads a programme (humsec YAML or the Excel template), checked
  against the project's framework and areas and kept in the project's store as canonical YAML
  under its id (a new version when it changes); ``GET /programmes`` lists them and
  ``GET /programmes/{id}`` gives one.
* ``POST /programmes/{id}/appraisal`` scores it on the rubric: in the project's assessment
  context (``humsec.project.appraisal_context``) as a job, or at once without it
  (``context: false``); an uploaded 3W table, when named, gives actor presence. Its ``checks``
  table says which checks could not be made and why, ``sources`` where each part came from.
* ``POST /iati-imports`` reads an IATI activity file as a job: activities, programmes, issues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile

from humsec.api.auth import caller, compute, need
from humsec.api.computations import (
    RunView,
    answer_later,
    answer_now,
    project_inputs,
    project_of,
    project_plan,
    role_datasets,
)
from humsec.api.jobs import JobPlan, JobView
from humsec.api.problems import ServiceProblem
from humsec.api.project_kinds import AppraisalParams, programmes_table, read_programme
from humsec.api.readiness import analysis_needs
from humsec.api.tokens import TokenRecord
from humsec.api.uploads import check_id, keep, listing, project_files, read_upload, stored
from humsec.programme import Programme
from humsec.project import CONTEXT_ANALYSES, Project, analysis, run_identity
from humsec.project.store import Store

router = APIRouter(prefix="/projects/{project}", tags=["programmes"])

PROGRAMMES = "programme"
SOURCES = "programme-source"
IATI = "iati"
THREEW = "threew"
PROGRAMME_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")
#: The history's name for a programme appraisal run.
APPRAISAL_ANALYSIS = "programme.appraisal"


def project_programmes(loaded: Project) -> dict[str, Path]:
    """The project's own programme files (role ``programme`` in humsec.yaml), by programme id."""
    out = {}
    for path in project_files(loaded, "programme").values():
        out[read_programme(loaded, path.name, path.read_bytes()).id] = path
    return out


def stored_programme(store: Store, loaded: Project, programme_id: str) -> tuple[bytes, Any]:
    """The bytes (canonical YAML, or the project's own file) and the checked programme of
    ``programme_id``: the latest upload of that id, else the project's own programme."""
    checked = check_id(programme_id, "programme id")
    data = stored(
        store,
        PROGRAMMES,
        checked,
        "programme",
        location="path: programme_id",
        files=project_programmes(loaded),
    )
    return data, read_programme(loaded, "programme.yaml", data)


def _stored_programme(request: Request, loaded: Project, programme_id: str) -> tuple[bytes, Any]:
    return stored_programme(
        request.app.state.workspace.store(loaded.root.name), loaded, programme_id
    )


def keep_programme(
    store: Store, programme: Programme, actor: str, source: tuple[str, bytes] | None = None
) -> dict[str, Any]:
    """Keep ``programme`` in the project's store as the next version of its canonical YAML
    under its id (an Excel workbook's own bytes too, as ``programme-source/``); the version
    record with the id and the programme's name."""
    programme_id = check_id(programme.id, "programme id")
    if source is not None and Path(source[0]).suffix.lower() in (".xlsx", ".xlsm"):
        keep(store, SOURCES, source[0], source[1], actor)
    version = keep(store, PROGRAMMES, programme_id, programme.to_yaml().encode(), actor)
    return {**version, "id": programme_id, "programme": programme.programme.name}


def appraisal_plan(loaded: Project, uploads: dict[str, bytes], params: AppraisalParams) -> JobPlan:
    """The plan of a programme appraisal: ``uploads`` holds ``programme.yaml`` (and, for
    presence from an uploaded 3W table, ``threew.<suffix>``). In the project's context it
    reads the context analyses' inputs and the project's 3W tables too, so its key changes
    with any of them; the API and the dashboard plan it alike, so either reuses the other's
    run of the same programme."""
    inputs = project_inputs(loaded)
    if params.context:
        inputs |= context_inputs(loaded) | project_inputs(loaded, role_datasets(loaded, "3w"))
    body = params.model_dump(mode="json")
    return project_plan(loaded, "programme_appraisal", body, inputs, uploads)


@router.post("/programmes", status_code=201)
async def upload_programme(
    project: str,
    request: Request,
    file: UploadFile = File(description="a programme: humsec YAML or the Excel template"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """Add (or version) a programme; an analyst's action. The file is validated first: a
    programme that does not fit the framework or the project's areas is a 422 naming the
    nodes to fix."""
    need(record, "analyst", project)
    loaded = project_of(request, project)
    name, data = await read_upload(file, PROGRAMME_SUFFIXES, "a programme")
    programme: Programme = read_programme(loaded, name, data)
    store = request.app.state.workspace.store(project)
    return keep_programme(store, programme, record.token_id, (name, data))


@router.get("/programmes")
def list_programmes(
    project: str, request: Request, record: TokenRecord = Depends(caller)
) -> list[dict[str, Any]]:
    """The project's programmes: uploads by id (latest version of each), then the project's
    own programme datasets."""
    need(record, "viewer", project)
    store = request.app.state.workspace.store(project)
    return listing(store, PROGRAMMES, project_programmes(project_of(request, project)))


@router.get("/programmes/{programme_id}")
def get_programme(
    project: str, programme_id: str, request: Request, record: TokenRecord = Depends(caller)
) -> dict[str, Any]:
    """One programme (latest version) in the programme format, as JSON."""
    need(record, "viewer", project)
    _, programme = _stored_programme(request, project_of(request, project), programme_id)
    row = programmes_table([programme]).iloc[0].to_dict()
    return {"summary": row, "programme": programme.to_dict()}


def context_inputs(loaded: Project) -> dict[str, str]:
    """The identities (input hashes) of the analyses the project's context is built from."""
    missing = analysis_needs(loaded)
    return {
        f"context:{name}": run_identity(loaded, analysis(name))[3]
        for name in CONTEXT_ANALYSES
        if name not in missing
    }


@router.post(
    "/programmes/{programme_id}/appraisal",
    status_code=201,
    responses={202: {"model": JobView, "description": "in the project's context: a job"}},
)
def appraise_programme(
    project: str,
    programme_id: str,
    body: AppraisalParams,
    request: Request,
    response: Response,
    record: TokenRecord = Depends(caller),
) -> RunView | JobView:
    """Appraise the programme on the rubric; an analyst's compute action. In the project's
    context (``context: true``, the default) it is a job, since the context's analyses and
    the erosion of gains are simulated; without it, it is answered at once."""
    compute(request, record, project)
    loaded = project_of(request, project)
    data, _ = _stored_programme(request, loaded, programme_id)
    uploads = {"programme.yaml": data}
    if body.threew is not None:
        store = request.app.state.workspace.store(project)
        files = project_files(loaded, "3w")
        blob = stored(store, THREEW, body.threew, "3W table", location="body: threew", files=files)
        uploads[f"threew{Path(body.threew).suffix.lower()}"] = blob
    plan = appraisal_plan(loaded, uploads, body)
    if body.context:
        response.status_code = 202
        return answer_later(request, record, loaded, plan)
    return answer_now(request, record, loaded, plan)


@router.post("/iati-imports", status_code=202)
async def import_iati(
    project: str,
    request: Request,
    file: UploadFile = File(description="an IATI activity file (XML, versions 2.01-2.03)"),
    record: TokenRecord = Depends(caller),
) -> JobView:
    """Import an IATI activity file as a job; the file is kept in the project's store."""
    compute(request, record, project)
    loaded = project_of(request, project)
    name, data = await read_upload(file, (".xml",), "an IATI activity file")
    if not data.lstrip().startswith(b"<"):
        raise ServiceProblem(
            422,
            f"{name!r} is not XML",
            hint="upload the IATI activity file itself (it starts with '<?xml' or '<iati')",
            location="form: file",
        )
    keep(request.app.state.workspace.store(project), IATI, name, data, record.token_id)
    plan = project_plan(loaded, "iati_import", {}, project_inputs(loaded), {"iati.xml": data})
    return answer_later(request, record, loaded, plan)

"""The programme appraisal workspace: a programme (an upload in humsec's YAML or the Excel
template, a bundled example, or one of the project's programmes) appraised in the project's
assessment context, as a job with progress; see the rubric radar, the gaps, the evidence and
where each part of the context came from.

The appraisal is the API's (``POST /api/v1/projects/{p}/programmes/{id}/appraisal``): the
programme is kept in the project's store as its canonical YAML under its id, and the job is
planned alike (:func:`humsec.api.appraisal_plan`), so the page and the API reuse each other's
runs. The context (:func:`humsec.project.appraisal_context`: top threats, deprivation by
group, actor presence, dominant hazards, erosion of gains) is built from the project's own
analyses, which are simulated, hence the job. An IATI activity file is imported in the request
and each of its programmes kept, to be appraised in turn.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from humsec.api import (
    APPRAISAL_ANALYSIS,
    AppraisalParams,
    ServiceProblem,
    appraisal_plan,
    compute,
    keep_programme,
    need,
    project_programmes,
    read_programme,
    stored_programme,
)
from humsec.programme import EXAMPLES, Programme, example_path, read_iati
from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.job_progress import job_events, job_progress
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()

PROGRAMME_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")
IATI_SUFFIX = ".xml"
#: At most this many programmes of one IATI file are kept and offered.
IATI_SHOWN = 20


def programme_choices(page: ProjectPage) -> list[dict[str, str]]:
    """The programmes the page offers: those kept in the project's store (uploads, latest
    version of each id) and the project's own programme datasets."""
    frame = page.store.datasets()
    kept = sorted(
        {
            str(n).removeprefix("programme/")
            for n in frame["name"]
            if str(n).startswith("programme/")
        }
    )
    own = [i for i in project_programmes(page.project) if i not in kept]
    return [{"id": i, "source": "upload"} for i in kept] + [
        {"id": i, "source": "project"} for i in own
    ]


def results(page: ProjectPage, run_id: str) -> dict[str, Any]:
    """What the results fragment shows of an appraisal run: the summary, the scores with
    their gaps, the evidence, the checks not made and the context's sources."""
    run = page.store.run(run_id)
    tables = page.store.tables(run_id)
    scores = tables["scores"]
    summary = tables["summary"].iloc[0].to_dict() if "summary" in tables else {}
    checks = tables.get("checks", pd.DataFrame(columns=["kind", "detail"]))
    return {
        "run": run,
        "tables": list(tables),
        "summary": summary,
        "rows": scores.to_dict("records"),
        "evidence": tables["evidence"].to_dict("records"),
        "checks": checks.to_dict("records"),
        "sources": tables.get("sources", pd.DataFrame()).to_dict("records"),
        "figure": figures.radar(
            [str(c).replace("_", " ") for c in scores["criterion"]],
            [int(s) for s in scores["score"]],
            title=f"{summary.get('name', run.spec.get('params', {}))}: rubric scores (0-4)",
            top=4,
        ),
    }


@router.get("/projects/{name}/appraisal")
def appraisal_page(
    name: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """The form (a file, an example or one of the project's programmes) and the latest
    appraisal in the project's store."""
    page = project_page(request, name, record)
    latest, _ = page.latest(APPRAISAL_ANALYSIS)
    return render(
        request,
        "appraisal.html",
        **page.context(
            "appraisal",
            examples=EXAMPLES,
            programmes=programme_choices(page),
            n_years=page.project.config.settings.n_years,
            shown=results(page, latest.run_id) if latest is not None else None,
        ),
    )


def _read(page: ProjectPage, file: UploadFile | None, example: str) -> tuple[str, str, bytes]:
    """``(kind, source, bytes)`` of the form's programme: ``programme`` or ``iati``."""
    if file is not None and file.filename:
        suffix = Path(file.filename).suffix.lower()
        if suffix not in (*PROGRAMME_SUFFIXES, IATI_SUFFIX):
            raise ServiceProblem(
                422,
                f"cannot appraise {file.filename!r}: not a programme or an IATI XML file",
                hint="upload a .yaml/.yml programme (humsec's format), the Excel template "
                "(.xlsx) or a .xml IATI activity file",
                location="form: file",
            )
        data = file.file.read()
        if not data:
            raise ServiceProblem(422, f"the file {file.filename!r} is empty", location="form: file")
        return ("iati" if suffix == IATI_SUFFIX else "programme"), file.filename, data
    if example in EXAMPLES:
        return "programme", f"bundled example {example!r}", example_path(example).read_bytes()
    raise ServiceProblem(
        422, "choose a file to upload, an example or a programme", location="form: file"
    )


def _imported(page: ProjectPage, data: bytes) -> tuple[list[Programme], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activities.xml"
        path.write_bytes(data)
        imported = read_iati(path, framework=page.project.framework)
    notes = [*imported.notes, f"{len(imported.issues)} data-quality issue(s) flagged"]
    return imported.programmes, notes


def _start(
    request: Request, page: ProjectPage, data: bytes, n_years: int | None, record: TokenRecord
) -> Response:
    """Queue the appraisal of the programme ``data`` (canonical YAML) in the project's
    context (the erosion of gains simulated over ``n_years``; None: the project's years)
    and show its progress."""
    params = AppraisalParams(n_years=n_years)
    plan = appraisal_plan(page.project, {"programme.yaml": data}, params)
    view = request.app.state.jobs.submit(plan, actor=record.token_id, project=page.name)
    return _progress(request, page.name, record, view.job_id)


@router.post("/projects/{name}/appraisal")
def appraise_upload(
    name: str,
    request: Request,
    file: UploadFile | None = File(None),
    example: str = Form(""),
    n_years: int | None = Form(None, ge=10, le=10_000),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Keep the uploaded programme (or example) in the project's store and appraise it in
    the project's context as a job; an IATI file's programmes are kept and listed instead,
    each to be appraised in turn. An analyst's action."""
    check_origin(request)
    compute(request, record, name)
    page = project_page(request, name, record)
    kind, source, data = _read(page, file, example)
    if kind == "iati":
        programmes, notes = _imported(page, data)
        if len(programmes) > IATI_SHOWN:
            notes.append(f"{len(programmes)} programmes in the file: the first {IATI_SHOWN} kept")
        kept = [keep_programme(page.store, p, record.token_id) for p in programmes[:IATI_SHOWN]]
        return render(
            request, "appraisal_import.html", name=name, source=source, notes=notes, kept=kept
        )
    suffix = Path(file.filename).suffix.lower() if file is not None and file.filename else ".yaml"
    programme: Programme = read_programme(page.project, f"programme{suffix}", data)
    keep_programme(page.store, programme, record.token_id, (f"{programme.id}{suffix}", data))
    return _start(request, page, programme.to_yaml().encode(), n_years, record)


@router.post("/projects/{name}/appraisal/programmes/{programme_id}")
def appraise_programme(
    name: str,
    programme_id: str,
    request: Request,
    n_years: int | None = Form(None, ge=10, le=10_000),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Appraise a programme of the project (kept in its store or its own) in context."""
    check_origin(request)
    compute(request, record, name)
    page = project_page(request, name, record)
    data, _ = stored_programme(page.store, page.project, programme_id)
    return _start(request, page, data, n_years, record)


def _progress(request: Request, name: str, record: TokenRecord, job_id: str) -> Response:
    return job_progress(request, name, record, job_id, "appraisal_progress.html", results)


@router.get("/projects/{name}/appraisal/jobs/{job_id}/events")
def appraisal_events(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> StreamingResponse:
    """The job's progress as server-sent events (the page's EventSource), until it ends."""
    return job_events(request, name, record, job_id)


@router.get("/projects/{name}/appraisal/jobs/{job_id}")
def appraisal_progress(
    name: str, job_id: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """The job's progress, then its results."""
    need(record, "viewer", name)
    return _progress(request, name, record, job_id)

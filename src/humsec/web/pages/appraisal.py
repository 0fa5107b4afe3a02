"""The programme appraisal workspace: upload a programme (humsec YAML) or an IATI activity
file, or pick a bundled example; see the rubric radar, the gaps and the evidence trail
(:func:`humsec.programme.appraise`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from humsec.api import ServiceProblem, need
from humsec.programme import EXAMPLES, Programme, appraise, example_path, read_iati
from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()

SUFFIXES = {".yaml": "programme", ".yml": "programme", ".xml": "iati"}


def _programmes(page: ProjectPage, path: Path, kind: str) -> tuple[list[Programme], list[str]]:
    framework = page.project.framework
    if kind == "programme":
        return [Programme.from_yaml(path, framework=framework, areas=page.project.pcodes)], []
    imported = read_iati(path, framework=framework)
    notes = [*imported.notes, f"{len(imported.issues)} data-quality issue(s) flagged"]
    return imported.programmes, notes


def _appraised(page: ProjectPage, programmes: list[Programme]) -> list[dict[str, Any]]:
    out = []
    for programme in programmes[:10]:
        result = appraise(programme, framework=page.project.framework)
        frame = result.to_frame()
        out.append(
            {
                "result": result,
                "rows": frame.to_dict("records"),
                "evidence": result.evidence_frame().to_dict("records"),
                "figure": figures.radar(
                    [s.criterion.replace("_", " ") for s in result.scores],
                    [s.score for s in result.scores],
                    title=f"{result.name}: rubric scores (0-4)",
                    top=4,
                ),
            }
        )
    return out


@router.get("/projects/{name}/appraisal")
def appraisal_page(
    name: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """The upload form."""
    page = project_page(request, name, record)
    return render(request, "appraisal.html", **page.context("appraisal", examples=EXAMPLES))


@router.post("/projects/{name}/appraisal")
def appraise_upload(
    name: str,
    request: Request,
    file: UploadFile | None = File(None),
    example: str = Form(""),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Appraise the uploaded programme or IATI file (or a bundled example)."""
    check_origin(request)
    page = project_page(request, name, record)
    need(record, "viewer", name)
    notes: list[str] = []
    if file is not None and file.filename:
        suffix = Path(file.filename).suffix.lower()
        if suffix not in SUFFIXES:
            raise ServiceProblem(
                422,
                f"cannot appraise {file.filename!r}: not a programme YAML or an IATI XML file",
                hint="upload a .yaml/.yml programme (humsec's format) or a .xml IATI file",
                location="form: file",
            )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(file.file.read())
            if path.stat().st_size == 0:
                raise ServiceProblem(422, f"the file {file.filename!r} is empty")
            programmes, notes = _programmes(page, path, SUFFIXES[suffix])
        source = file.filename
    elif example in EXAMPLES:
        programmes, _ = _programmes(page, example_path(example), "programme")
        source = f"bundled example {example!r}"
    else:
        raise ServiceProblem(422, "choose a file to upload or an example", location="form: file")
    if len(programmes) > 10:
        notes.append(f"{len(programmes)} programmes in the file: the first 10 are shown")
    return render(
        request,
        "appraisal_result.html",
        name=name,
        source=source,
        notes=notes,
        appraisals=_appraised(page, programmes),
    )

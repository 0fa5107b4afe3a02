"""``/api/v1/runs``: the store's runs, their provenance and their result tables."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from humsec.api.auth import caller, need
from humsec.api.problems import ServiceProblem
from humsec.api.tables import render, select
from humsec.api.tokens import TokenRecord
from humsec.errors import did_you_mean

router = APIRouter(prefix="/runs", tags=["runs"])


def run_project(analysis: str) -> str | None:
    """The project a run belongs to: the part of its analysis name before ``/``, if any."""
    return analysis.split("/", 1)[0] if "/" in analysis else None


@router.get("")
def list_runs(request: Request, record: TokenRecord = Depends(caller)) -> list[dict[str, Any]]:
    """Every run this token may see: id, analysis, started, input hash, new or reused."""
    history = request.app.state.store.history()
    rows = history.to_dict(orient="records")
    visible = [r for r in rows if record.allows("viewer", run_project(str(r["analysis"])))]
    for row in visible:
        for key, value in row.items():
            if hasattr(value, "isoformat"):
                row[key] = value.isoformat()
    return visible


def _run(request: Request, record: TokenRecord, run_id: str) -> Any:
    run = request.app.state.store.run(run_id)
    need(record, "viewer", run_project(run.analysis))
    return run


@router.get("/{run_id}")
def get_run(run_id: str, request: Request, record: TokenRecord = Depends(caller)) -> Any:
    """One run's provenance and the names of its result tables."""
    run = _run(request, record, run_id)
    tables = list(request.app.state.store.tables(run_id))
    return {**run.model_dump(mode="json"), "tables": tables}


@router.get("/{run_id}/tables/{name}")
def get_table(
    run_id: str,
    name: str,
    request: Request,
    format: str = Query("json", description="json, csv, parquet or hxl"),
    fields: str | None = Query(None, description="comma-separated columns to keep"),
    filter: list[str] | None = Query(None, description="column:operator:value (repeatable)"),
    record: TokenRecord = Depends(caller),
) -> Response:
    """One result table, with DHIS2-style ``fields`` and ``filter`` parameters."""
    _run(request, record, run_id)
    tables = request.app.state.store.tables(run_id)
    if name not in tables:
        raise ServiceProblem(
            404,
            f"run {run_id} has no table {name!r}",
            hint=f"tables: {', '.join(tables)}. {did_you_mean(name, tables)}".strip(),
            location="path: name",
        )
    frame = tables[name]
    if not isinstance(frame.index, type(frame.index)) or frame.index.name is not None:
        frame = frame.reset_index()
    return render(select(frame, fields, filter), format, name)

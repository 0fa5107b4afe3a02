"""``/api/v1/runs``: the service store's runs, their provenance and their result tables.

The same three views serve a project's runs under ``/api/v1/projects/{project}/runs``
(:mod:`humsec.api.routers.projects`), on that project's own store.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from humsec.api.auth import caller, need
from humsec.api.problems import ServiceProblem
from humsec.api.run_history import history_rows
from humsec.api.tables import render, select
from humsec.api.tokens import TokenRecord
from humsec.errors import did_you_mean
from humsec.project.store import Store

router = APIRouter(prefix="/runs", tags=["runs"])

FORMAT = Query("json", description="json, csv, parquet or hxl")
FIELDS = Query(None, description="comma-separated columns to keep, in order")
FILTERS = Query(None, description="column:operator:value (repeatable; all must hold)")


def history(store: Store) -> list[dict[str, Any]]:
    """The store's runs, as JSON-ready rows: id, analysis, started, input hash, new/reused."""
    return history_rows(store)


def run_detail(store: Store, run_id: str) -> dict[str, Any]:
    """One run's provenance and the names of its tables."""
    run = store.run(run_id)
    detail = json.loads(json.dumps(dataclasses.asdict(run), default=str))
    return {**detail, "tables": list(store.tables(run_id))}


@functools.lru_cache(maxsize=64)
def _run_tables(store: Store, run_id: str) -> dict[str, pd.DataFrame]:
    # A run's tables never change (the store only inserts), so decoded tables can be kept.
    return store.tables(run_id)


def run_table(
    store: Store, run_id: str, name: str, fmt: str, fields: str | None, filters: list[str] | None
) -> Response:
    """One table of a run, selected and rendered."""
    tables = _run_tables(store, run_id)
    if name not in tables:
        raise ServiceProblem(
            404,
            f"run {run_id} has no table {name!r}",
            hint=f"tables: {', '.join(tables)}. {did_you_mean(name, tables)}".strip(),
            location="path: name",
        )
    frame = tables[name]
    if frame.index.name is not None or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    return render(select(frame, fields, filters), fmt, name)


@router.get("")
def list_runs(request: Request, record: TokenRecord = Depends(caller)) -> list[dict[str, Any]]:
    """Every run of the service store (service-wide viewers)."""
    need(record, "viewer")
    return history(request.app.state.store)


@router.get("/{run_id}")
def get_run(run_id: str, request: Request, record: TokenRecord = Depends(caller)) -> Any:
    """One run's provenance and the names of its result tables."""
    need(record, "viewer")
    return run_detail(request.app.state.store, run_id)


@router.get("/{run_id}/tables/{name}")
def get_table(
    run_id: str,
    name: str,
    request: Request,
    format: str = FORMAT,
    fields: str | None = FIELDS,
    filter: list[str] | None = FILTERS,
    record: TokenRecord = Depends(caller),
) -> Response:
    """One result table, with DHIS2-style ``fields`` and ``filter`` parameters."""
    need(record, "viewer")
    return run_table(request.app.state.store, run_id, name, format, fields, filter)

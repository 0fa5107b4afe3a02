"""Runs, their provenance and their result tables, as one router shape over any store.

:func:`run_router` builds the three read views (history, one run, one table) over a store
dependency that also checks the caller may read it. Two routers are made from it:

* ``/api/v1/runs`` over the service store (service-wide viewers);
* ``/api/v1/projects/{project}/runs`` over that project's own store (its viewers), mounted by
  :mod:`humsec.api.routers.projects`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
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


def run_router(prefix: str, readable_store: Callable[..., Store], *, whose: str) -> APIRouter:
    """The run views under ``prefix`` over the store ``readable_store`` gives (a FastAPI
    dependency that raises 401/403/404 when the caller may not read it); ``whose`` names the
    store in the operations' descriptions."""
    router = APIRouter(prefix=prefix, tags=["runs"])

    @router.get("", description=f"The run history of {whose}, oldest first.")
    def list_runs(store: Store = Depends(readable_store)) -> list[dict[str, Any]]:
        return history(store)

    @router.get(
        "/{run_id}",
        description=f"One run of {whose}: its provenance (inputs' hashes, spec, seed, humsec "
        "version, times) and the names of its result tables.",
    )
    def get_run(run_id: str, store: Store = Depends(readable_store)) -> Any:
        return run_detail(store, run_id)

    @router.get(
        "/{run_id}/tables/{name}",
        description=f"One result table of a run of {whose}, with DHIS2-style ``fields`` and "
        "``filter`` parameters, as JSON, CSV, Parquet or HXL.",
    )
    def get_table(
        run_id: str,
        name: str,
        format: str = FORMAT,
        fields: str | None = FIELDS,
        filter: list[str] | None = FILTERS,
        store: Store = Depends(readable_store),
    ) -> Response:
        return run_table(store, run_id, name, format, fields, filter)

    return router


def service_store(request: Request, record: TokenRecord = Depends(caller)) -> Store:
    """The service store, for a service-wide viewer."""
    need(record, "viewer")
    store: Store = request.app.state.store
    return store


def project_store(project: str, request: Request, record: TokenRecord = Depends(caller)) -> Store:
    """Project ``project``'s store, for a viewer of that project (404 for an unknown one)."""
    need(record, "viewer", project)
    store: Store = request.app.state.workspace.store(project)
    return store


router = run_router("/runs", service_store, whose="the service store")

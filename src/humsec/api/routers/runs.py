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
import math
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from humsec.api.auth import caller, need
from humsec.api.problems import ServiceProblem
from humsec.api.run_history import history_rows, history_slice
from humsec.api.tables import json_records, render, select
from humsec.api.tokens import TokenRecord
from humsec.errors import did_you_mean
from humsec.project.store import Store

FORMAT = Query("json", description="json, csv, parquet or hxl")
FIELDS = Query(None, description="comma-separated columns to keep, in order")
FILTERS = Query(None, description="column:operator:value (repeatable; all must hold)")
PAGE = Query(1, ge=1, le=10_000_000, description="the page to give (1 is the first)")
PAGE_SIZE = Query(50, alias="pageSize", ge=1, le=1000, description="runs per page")
PAGING = Query(True, description="false: every run on one page (as DHIS2's paging=false)")
TABLE_PAGE_SIZE = 1000
TABLE_PAGE = Query(None, ge=1, le=10_000_000, description="a page of the rows (1 is the first)")
TABLE_PAGE_SIZE_QUERY = Query(
    None, alias="pageSize", ge=1, le=100_000, description="rows per page (default 1000)"
)
ORDER = Query("asc", description="asc: oldest first (the history's order); desc: newest first")
HISTORY_COLUMNS = (
    "run_id",
    "analysis",
    "started",
    "ended",
    "input_hash",
    "status",
    "reused_from",
    "seed",
    "humsec_version",
)


class Pager(BaseModel):
    """Where a page sits in the whole list, in the shape of DHIS2's web API ``pager``."""

    page: int = Field(description="this page (1 is the first)")
    pageCount: int = Field(description="how many pages the list has at this page size")
    total: int = Field(description="how many runs the list holds (after any filter)")
    pageSize: int = Field(description="runs per page")
    nextPage: str | None = Field(None, description="the next page's URL (none on the last)")
    prevPage: str | None = Field(None, description="the previous page's URL (none on the first)")


class RunPage(BaseModel):
    """One page of a run history: its ``pager`` and its ``runs``."""

    pager: Pager
    runs: list[dict[str, Any]]


def history(store: Store) -> list[dict[str, Any]]:
    """The store's runs, as JSON-ready rows: id, analysis, started, input hash, new/reused."""
    return history_rows(store)


def _selected(
    store: Store, fields: str | None, filters: list[str] | None, newest_first: bool
) -> list[dict[str, Any]]:
    """Every run where the filters hold, with the listed fields (the table parameters)."""
    rows = history_rows(store)
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else list(HISTORY_COLUMNS))
    picked = json_records(select(frame, fields, filters))
    return picked[::-1] if newest_first else picked


def history_page(
    request: Request,
    store: Store,
    page: int,
    page_size: int,
    paging: bool,
    order: str,
    fields: str | None = None,
    filters: list[str] | None = None,
) -> JSONResponse:
    """One page of the store's runs with its pager (``page`` is 1-based; ``paging=false``
    gives every run on one page). Pages hold ``pageSize`` runs, so page ``p`` starts at the
    ``(p - 1) * pageSize``-th run and there are ``ceil(total / pageSize)`` pages; the links
    keep every other query parameter. The same pages go in an RFC 8288 ``Link`` header."""
    newest_first = order == "desc"
    offset = (page - 1) * page_size if paging else 0
    limit = page_size if paging else None
    if fields or filters:
        everything = _selected(store, fields, filters, newest_first)
        total = len(everything)
        rows = everything[offset : None if limit is None else offset + limit]
    else:
        total, rows = history_slice(store, offset, limit, newest_first=newest_first)
    pager, headers = paged(request, page, page_size, paging, total)
    return JSONResponse({"pager": pager.model_dump(), "runs": rows}, headers=headers)


def paged(
    request: Request, page: int, page_size: int, paging: bool, total: int
) -> tuple[Pager, dict[str, str] | None]:
    """The pager of page ``page`` of ``total`` items at ``page_size`` a page (one page of
    everything without ``paging``), and its RFC 8288 ``Link`` header (next, prev)."""
    size = page_size if paging else max(total, 1)
    pages = max(1, math.ceil(total / size))
    shown = page if paging else 1

    def link(to: int) -> str:
        return str(request.url.include_query_params(page=to, pageSize=page_size))

    pager = Pager(
        page=shown,
        pageCount=pages,
        total=total,
        pageSize=size,
        nextPage=link(shown + 1) if paging and shown < pages else None,
        prevPage=link(min(shown - 1, pages)) if paging and shown > 1 else None,
    )
    links = [
        f'<{url}>; rel="{rel}"'
        for rel, url in (("next", pager.nextPage), ("prev", pager.prevPage))
        if url
    ]
    return pager, ({"Link": ", ".join(links)} if links else None)


def run_detail(store: Store, run_id: str) -> dict[str, Any]:
    """One run's provenance and the names of its tables."""
    run = store.run(run_id)
    detail = json.loads(json.dumps(dataclasses.asdict(run), default=str))
    # the names the run record carries: decoding every table only to name them cost a read
    # tens of milliseconds
    return {**detail, "tables": list(run.table_names)}


@functools.lru_cache(maxsize=64)
def _run_tables(store: Store, run_id: str) -> dict[str, pd.DataFrame]:
    # A run's tables never change (the store only inserts), so decoded tables can be kept.
    return store.tables(run_id)


def run_table(
    store: Store,
    run_id: str,
    name: str,
    fmt: str,
    fields: str | None,
    filters: list[str] | None,
    request: Request | None = None,
    page: int | None = None,
    page_size: int | None = None,
) -> Response:
    """One table of a run, selected and rendered; with ``page`` or ``page_size`` (and the
    ``request`` for the links), one page of its rows: rows ``(page - 1) * pageSize`` to
    ``page * pageSize - 1`` of those the filters keep, with the pager in the JSON answer and
    the ``Link`` header in every format. Without them, every row (as before paging)."""
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
    chosen = select(frame, fields, filters)
    if request is None or (page is None and page_size is None):
        return render(chosen, fmt, name)
    number, size = page or 1, page_size or TABLE_PAGE_SIZE
    pager, headers = paged(request, number, size, True, len(chosen))
    start = (number - 1) * size
    response = render(chosen.iloc[start : start + size], fmt, name, pager=pager.model_dump())
    response.headers.update(headers or {})
    return response


def run_router(prefix: str, readable_store: Callable[..., Store], *, whose: str) -> APIRouter:
    """The run views under ``prefix`` over the store ``readable_store`` gives (a FastAPI
    dependency that raises 401/403/404 when the caller may not read it); ``whose`` names the
    store in the operations' descriptions."""
    router = APIRouter(prefix=prefix, tags=["runs"])

    @router.get(
        "",
        response_model=RunPage,
        description=f"The run history of {whose}, a page at a time (DHIS2-style ``page``, "
        "``pageSize``, ``paging=false``; ``order=desc`` for the newest first), with the "
        "table parameters ``fields`` and ``filter`` (e.g. ``filter=analysis:eq:shocks``). "
        "The ``pager`` gives the total and the next and previous pages' links.",
    )
    def list_runs(
        request: Request,
        page: int = PAGE,
        page_size: int = PAGE_SIZE,
        paging: bool = PAGING,
        order: Literal["asc", "desc"] = ORDER,
        fields: str | None = FIELDS,
        filter: list[str] | None = FILTERS,
        store: Store = Depends(readable_store),
    ) -> Response:
        return history_page(request, store, page, page_size, paging, order, fields, filter)

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
        "``filter`` parameters, as JSON, CSV, Parquet or HXL; ``page``/``pageSize`` give one "
        "page of its rows (with a ``pager`` in JSON and a ``Link`` header), else every row.",
    )
    def get_table(
        request: Request,
        run_id: str,
        name: str,
        format: str = FORMAT,
        fields: str | None = FIELDS,
        filter: list[str] | None = FILTERS,
        page: int | None = TABLE_PAGE,
        page_size: int | None = TABLE_PAGE_SIZE_QUERY,
        store: Store = Depends(readable_store),
    ) -> Response:
        return run_table(store, run_id, name, format, fields, filter, request, page, page_size)

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

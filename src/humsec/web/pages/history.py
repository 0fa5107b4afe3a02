"""Run history: every run in the project's store, with its result tables as CSV downloads."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from humsec.api import need, run_table
from humsec.project.store import TokenRecord
from humsec.web.project_access import project_page
from humsec.web.rendering import render
from humsec.web.session import signed_in

router = APIRouter()


@router.get("/projects/{name}/history")
def history_page(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """The project store's runs, newest first, each with its tables."""
    page = project_page(request, name, record)
    history = page.store.history()
    runs = []
    for row in reversed(history.to_dict("records")):
        source = row["reused_from"] if isinstance(row["reused_from"], str) else row["run_id"]
        seed = None if pd.isna(row["seed"]) else int(row["seed"])
        tables = list(page.store.run(str(source)).table_names)
        runs.append({**row, "seed": seed, "tables": tables})
    return render(request, "history.html", **page.context("history", runs=runs))


@router.get("/projects/{name}/runs/{run_id}/tables/{table}.csv")
def table_csv(
    name: str, run_id: str, table: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """One result table as a CSV download (the API's own table rendering)."""
    need(record, "viewer", name)
    store = request.app.state.workspace.store(name)
    response = run_table(store, run_id, table, "csv", None, None)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{run_id}-{table}.csv"'
    return response

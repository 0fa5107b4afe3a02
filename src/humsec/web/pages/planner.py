"""The portfolio planner: which candidates to fund under a budget (:func:`humsec.programme.plan`,
a MILP on HiGHS), with a budget slider, the efficient frontier and near-optimal alternatives.

Candidates come from the project's latest measures run (each risk-reduction measure a
package: cost = its present-value cost, benefit = its present value of avoided well-being
loss) or from an uploaded candidate table (area, package, cost, benefit [, threats, mode,
risk_reduction, weight]).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from humsec.api import ServiceProblem, compute, measure_names
from humsec.programme import PlanInfeasibleError, plan
from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import check_origin, signed_in

router = APIRouter()
PROJECT_WIDE = "project-wide"


def measure_candidates(page: ProjectPage) -> pd.DataFrame | None:
    """The project's measures as candidates, from its latest measures run (None if none)."""
    run, tables = page.latest("measures")
    table = tables.get("measures")
    if table is None:
        return None
    names: list[str] = []
    for d in page.project.datasets("measures"):
        names += measure_names(page.project, d.name)
    own = table[table["measure"].isin(names)]  # not the combined package: it would count twice
    frame = pd.DataFrame(
        {
            "area": PROJECT_WIDE,
            "package": own["measure"].astype(str),
            "cost": own["cost_pv"].astype(float),
            "benefit": own["benefit_wellbeing_npv"].astype(float),
        }
    ).reset_index(drop=True)
    frame.attrs["source"] = f"measures run {run.run_id if run else '?'}"
    return frame


def _uploaded(file: UploadFile) -> pd.DataFrame:
    from humsec.data import read_table

    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise ServiceProblem(
            422,
            f"cannot read {file.filename!r} as a candidate table",
            hint="upload a .csv, .xlsx or .parquet table with area, package, cost, benefit",
            location="form: file",
        )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"candidates{suffix}"
        path.write_bytes(file.file.read())
        frame = read_table(path)
    frame.attrs["source"] = f"uploaded {file.filename}"
    return frame


def _solve(candidates: pd.DataFrame, budget: float, one_per_area: bool) -> dict[str, Any]:
    total = float(pd.to_numeric(candidates["cost"], errors="coerce").sum())
    try:
        best = plan(candidates, budget, one_per_area=one_per_area, gap=1e-6)
    except PlanInfeasibleError as error:
        return {"infeasible": str(error), "budget": budget, "total": total}
    amounts = np.linspace(total / 10, total, 10) if total > 0 else np.array([0.0])
    front = best.frontier(amounts.tolist())
    differ = 2 if len(candidates) > 4 else 1
    others = best.alternatives(3, differ)
    return {
        "budget": budget,
        "total": total,
        "best": best,
        "chosen": best.to_frame().to_dict("records"),
        "spend": float(best.spend.sum()),
        "frontier_rows": front.to_dict("records"),
        "figure": figures.frontier(
            front["amount"].tolist(),
            [None if pd.isna(v) else float(v) for v in front["objective"]],
            chosen=budget,
            title="Efficient frontier: the best objective for each budget",
        ),
        "alternatives": [
            {
                "objective": o.objective,
                "packages": ", ".join(o.chosen["package"].astype(str)),
                "spend": float(o.spend.sum()),
            }
            for o in others
        ],
    }


@router.get("/projects/{name}/planner")
def planner_page(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """The planner form, preset on the project's measures when they have been appraised."""
    page = project_page(request, name, record)
    candidates = measure_candidates(page)
    total = float(candidates["cost"].sum()) if candidates is not None else 0.0
    return render(
        request,
        "planner.html",
        **page.context(
            "planner",
            candidates=None if candidates is None else candidates.to_dict("records"),
            total=total,
            budget=round(total / 2, -3) if total else 0.0,
        ),
    )


@router.post("/projects/{name}/planner")
def planner_solve(
    name: str,
    request: Request,
    budget: float = Form(..., ge=0),
    source: str = Form("measures"),
    one_per_area: bool = Form(False),
    file: UploadFile | None = File(None),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Solve the portfolio for the budget (an analyst's compute action)."""
    check_origin(request)
    compute(request, record, name)
    page = project_page(request, name, record)
    if source == "upload":
        if file is None or not file.filename:
            raise ServiceProblem(422, "choose a candidate table to upload", location="form: file")
        candidates = _uploaded(file)
    else:
        found = measure_candidates(page)
        if found is None:
            raise ServiceProblem(
                422,
                "the project's measures have not been appraised yet",
                hint="run the project's analyses first, or upload a candidate table",
            )
        candidates = found
    result = _solve(candidates, budget, one_per_area)
    return render(
        request,
        "planner_result.html",
        name=name,
        source=candidates.attrs.get("source", ""),
        n_candidates=len(candidates),
        **result,
    )

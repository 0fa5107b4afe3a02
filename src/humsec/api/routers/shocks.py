"""``/api/v1/projects/{project}``: shock simulations and the appraisal of risk-reduction
measures on the project's survey households, as jobs.

The built-in ``shocks`` job kind runs the bundled demo scenario, and ``POST .../runs`` runs
the project's ``shocks`` and ``measures`` analyses with its own settings; these resources
fill the gap between them: a chosen scenario of the project, chosen measures, years and seed
(:func:`humsec.api.stress_test.stress_plan`, the same job the dashboard's stress test runs).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from humsec.api.auth import caller, compute, need
from humsec.api.computations import answer_later, project_of
from humsec.api.jobs import JobView
from humsec.api.problems import ServiceProblem
from humsec.api.stress_test import measure_names, stress_plan
from humsec.api.tokens import TokenRecord
from humsec.project import Project

router = APIRouter(prefix="/projects/{project}", tags=["shocks"])


class SimulationRequest(BaseModel):
    """A shock simulation: one of the project's scenarios, years and seed (defaults: the
    project's first scenario and its settings)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | None = None
    n_years: int | None = Field(None, ge=10, le=100_000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


class AppraisalRequest(SimulationRequest):
    """Measures appraised on the same simulated years (default: all the project's measures)."""

    measures: list[str] | None = Field(None, min_length=1)


def _measures(project: Project) -> list[str]:
    return [m for d in project.datasets("measures") for m in measure_names(project, d.name)]


def _scenario(project: Project, chosen: str | None) -> str:
    scenarios = [d.name for d in project.datasets("scenario")]
    if not scenarios:
        raise ServiceProblem(
            422,
            "the project has no hazard scenario",
            hint="upload a scenario YAML to the project's datasets with role=scenario",
            location="project: datasets",
        )
    return chosen or scenarios[0]


@router.get("/shock-options")
def shock_options(
    project: str, request: Request, record: TokenRecord = Depends(caller)
) -> dict[str, Any]:
    """The scenarios and measures a simulation may choose, and the project's defaults."""
    need(record, "viewer", project)
    loaded = project_of(request, project)
    settings = loaded.config.settings
    return {
        "scenarios": [d.name for d in loaded.datasets("scenario")],
        "measures": _measures(loaded),
        "n_years": settings.n_years,
        "seed": settings.seed,
    }


def _queue(
    request: Request, record: TokenRecord, project: str, body: SimulationRequest, chosen: list[str]
) -> JobView:
    loaded = project_of(request, project)
    settings = loaded.config.settings
    plan = stress_plan(
        loaded,
        _scenario(loaded, body.scenario),
        chosen,
        body.n_years or settings.n_years,
        settings.seed if body.seed is None else body.seed,
    )
    return answer_later(request, record, loaded, plan)


@router.post("/shock-simulations", status_code=202)
def simulate_shocks(
    project: str, body: SimulationRequest, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Simulate the scenario on the survey households (summary, by area and group,
    exceedance curves, with Monte Carlo errors) as a job; an analyst's compute action."""
    compute(request, record, project)
    return _queue(request, record, project, body, [])


@router.post("/measure-appraisals", status_code=202)
def appraise_measures(
    project: str, body: AppraisalRequest, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Appraise measures one by one and combined on the same simulated years (avoided losses,
    benefit-cost ratios, with Monte Carlo errors) as a job."""
    compute(request, record, project)
    loaded = project_of(request, project)
    chosen = body.measures or _measures(loaded)
    if not chosen:
        raise ServiceProblem(
            422,
            "the project has no risk-reduction measures to appraise",
            hint="upload a measures YAML to the project's datasets with role=measures",
            location="project: datasets",
        )
    return _queue(request, record, project, body, chosen)

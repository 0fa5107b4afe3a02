"""``/api/v1/projects/{project}``: specs, index builds and their uncertainty.

* ``GET /specs`` names the project's specs and the bundled ones a request may choose;
  ``GET /specs/index`` and ``GET /specs/deprivation`` give a resolved spec as JSON.
* ``POST /index-builds`` builds the index at once (``humsec.index.build`` on the project's
  area indicators); its run holds scores, ranks, normalised indicators, coverage, missing
  values and the audit trail.
* ``POST /index-builds/uncertainty`` queues the Monte Carlo uncertainty analysis as a job.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from humsec.api.auth import caller, compute, need
from humsec.api.computations import (
    RunView,
    answer_later,
    answer_now,
    project_inputs,
    project_of,
    project_plan,
    role_datasets,
    spec_hash,
)
from humsec.api.jobs import JobView
from humsec.api.project_kinds import (
    IndexParams,
    UncertaintyParams,
    deprivation_spec,
    index_spec,
)
from humsec.api.tokens import TokenRecord
from humsec.project import Project, area_preset_names

router = APIRouter(prefix="/projects/{project}", tags=["indices"])


@router.get("/specs")
def project_specs(
    project: str, request: Request, record: TokenRecord = Depends(caller)
) -> dict[str, Any]:
    """The project's specs (as named in humsec.yaml) and the bundled specs to choose from."""
    from humsec.deprivation.specs import bundled_spec_names
    from humsec.index import list_presets

    need(record, "viewer", project)
    specs = project_of(request, project).config.specs
    return {
        "index": specs.index,
        "deprivation": specs.deprivation,
        "framework": specs.framework or "default",
        "index_presets": [*area_preset_names(), *list_presets()],
        "deprivation_specs": list(bundled_spec_names()),
    }


@router.get("/specs/{kind}")
def project_spec(
    project: str,
    kind: Literal["index", "deprivation"],
    request: Request,
    preset: str | None = Query(None, description="a bundled spec instead of the project's"),
    record: TokenRecord = Depends(caller),
) -> dict[str, Any]:
    """One resolved spec as JSON: the project's own, or the bundled ``preset``."""
    need(record, "viewer", project)
    loaded = project_of(request, project)
    spec = index_spec(loaded, preset) if kind == "index" else deprivation_spec(loaded, preset)
    dumped: dict[str, Any] = spec.model_dump(mode="json")
    return dumped


def _index_inputs(loaded: Project, spec_name: str | None) -> dict[str, str]:
    inputs = project_inputs(loaded, role_datasets(loaded, "indicators"))
    return inputs | {"index_spec": spec_hash(index_spec(loaded, spec_name))}


@router.post("/index-builds", status_code=201)
def build_index(
    project: str, body: IndexParams, request: Request, record: TokenRecord = Depends(caller)
) -> RunView:
    """Build the index for one year, at once; an analyst's compute action."""
    compute(request, record, project)
    loaded = project_of(request, project)
    params = body.model_dump(mode="json")
    plan = project_plan(loaded, "index_build", params, _index_inputs(loaded, body.spec))
    return answer_now(request, record, loaded, plan)


@router.post("/index-builds/uncertainty", status_code=202)
def index_uncertainty(
    project: str, body: UncertaintyParams, request: Request, record: TokenRecord = Depends(caller)
) -> JobView:
    """Queue the Monte Carlo uncertainty (and Sobol sensitivity) of the index as a job."""
    compute(request, record, project)
    loaded = project_of(request, project)
    params = body.model_dump(mode="json")
    plan = project_plan(loaded, "index_uncertainty", params, _index_inputs(loaded, body.spec))
    return answer_later(request, record, loaded, plan)

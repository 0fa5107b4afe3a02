"""``POST /api/v1/projects/{project}/deprivation-estimates``: Alkire-Foster estimates with
design-based standard errors on the project's survey, by area or any survey group.

A survey of up to :data:`AT_ONCE_ROWS` rows is estimated in the request (201, the run);
larger microdata become a job (202, the job), unless ``mode`` says otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from humsec.api.auth import caller, compute
from humsec.api.computations import (
    RunView,
    answer_later,
    answer_now,
    project_inputs,
    project_of,
    project_plan,
    spec_hash,
)
from humsec.api.jobs import JobView
from humsec.api.problems import ServiceProblem
from humsec.api.project_kinds import DeprivationParams, deprivation_spec
from humsec.api.tokens import TokenRecord

router = APIRouter(prefix="/projects/{project}", tags=["deprivation"])

AT_ONCE_ROWS = 100_000
"""Surveys with more rows than this are estimated as a job (``mode: auto``)."""


@router.post(
    "/deprivation-estimates",
    status_code=201,
    responses={202: {"model": JobView, "description": "large microdata: queued as a job"}},
)
def estimate_deprivation(
    project: str,
    body: DeprivationParams,
    request: Request,
    response: Response,
    record: TokenRecord = Depends(caller),
) -> RunView | JobView:
    """M0, H, A and censored headcounts with SEs and CIs, by the requested groups."""
    compute(request, record, project)
    loaded = project_of(request, project)
    survey = loaded.dataset("survey")
    if survey is None:
        raise ServiceProblem(
            422,
            "the project has no survey to estimate deprivation on",
            hint="upload a household survey to the project's datasets with role=survey",
            location="project: datasets",
        )
    rows = len(loaded.table(survey.name))
    if body.mode == "now" and rows > AT_ONCE_ROWS:
        raise ServiceProblem(
            422,
            f"the survey has {rows:,} rows, more than {AT_ONCE_ROWS:,} for an answer at once",
            hint="send mode: job (or auto) to estimate it as a job",
            location="body: mode",
        )
    inputs = project_inputs(loaded, [survey.name])
    inputs["deprivation_spec"] = spec_hash(deprivation_spec(loaded, body.spec))
    params = body.model_dump(mode="json", exclude={"mode"})  # how, not what: not hashed
    plan = project_plan(loaded, "deprivation", params, inputs)
    if body.mode == "job" or (body.mode == "auto" and rows > AT_ONCE_ROWS):
        response.status_code = 202
        return answer_later(request, record, loaded, plan)
    return answer_now(request, record, loaded, plan)

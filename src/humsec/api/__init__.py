"""humsec as a service: a REST API (FastAPI) over the same engines and project store.

Public API::

    from humsec.api import create_app, ServiceSettings
    app = create_app(ServiceSettings(store="team.duckdb"))

``humsec serve`` runs it with uvicorn; ``/openapi.json`` is the contract.

The web dashboard (:mod:`humsec.web`) is another interface on the same service: it checks
tokens and roles, queues jobs and renders tables through the names below, so both
interfaces follow one set of rules.
"""

from humsec.api.app import API_PREFIX, create_app
from humsec.api.auth import compute, need
from humsec.api.jobs import JobPlan, plan_analysis
from humsec.api.problems import ServiceProblem
from humsec.api.project_kinds import AppraisalParams, read_programme
from humsec.api.readiness import analysis_needs
from humsec.api.routers.programmes import (
    APPRAISAL_ANALYSIS,
    appraisal_plan,
    keep_programme,
    project_programmes,
    stored_programme,
)
from humsec.api.routers.runs import run_table
from humsec.api.settings import ServiceSettings
from humsec.api.stress_test import STRESS_TEST, measure_names, stress_plan
from humsec.api.tokens import create_token, digest

__all__ = [
    "API_PREFIX",
    "APPRAISAL_ANALYSIS",
    "STRESS_TEST",
    "AppraisalParams",
    "JobPlan",
    "ServiceProblem",
    "ServiceSettings",
    "analysis_needs",
    "appraisal_plan",
    "compute",
    "create_app",
    "create_token",
    "digest",
    "keep_programme",
    "measure_names",
    "need",
    "plan_analysis",
    "project_programmes",
    "read_programme",
    "run_table",
    "stored_programme",
    "stress_plan",
]

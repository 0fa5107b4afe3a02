"""Fuzz the service from its own OpenAPI contract (schemathesis): no request, however
malformed, gets a 5xx, and every error is an RFC 9457 problem document with a hint.

Compute endpoints (jobs, project runs) are left out: fuzzing them would start real Monte
Carlo runs; their input checks are tested in test_service.py.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from humsec.api import ServiceSettings, create_app

ADMIN = "fuzz-admin-token"
_ROOT = Path(tempfile.mkdtemp(prefix="humsec-fuzz-"))
APP = create_app(
    ServiceSettings(
        store=str(_ROOT / "store.duckdb"), projects=str(_ROOT / "projects"), admin_token=ADMIN
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    path_regex=r"^/api/v1/(jobs|projects/\{project\}/runs)$", method="POST"
)


@pytest.fixture(scope="module", autouse=True)
def running_service() -> Iterator[None]:
    # Enter the app's lifespan once (opens the store and workspace), with one real project.
    with TestClient(APP) as client:
        made = client.post(
            "/api/v1/projects", json={"name": "kenya"}, headers={"Authorization": f"Bearer {ADMIN}"}
        )
        assert made.status_code == 201
        yield


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_5xx_and_every_error_is_a_problem_document(case: schemathesis.Case) -> None:
    for headers in ({"Authorization": f"Bearer {ADMIN}"}, {}):
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            content_type = response.headers["content-type"]
            content_type = content_type[0] if isinstance(content_type, list) else content_type
            assert content_type.startswith("application/problem+json"), (case, response.text)
            body = response.json()
            assert body["status"] == response.status_code
            assert body["detail"] and body["hint"]

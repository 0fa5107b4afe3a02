"""The service's foundation: problem documents, limits, tokens and the exposure rule."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from humsec.api import ServiceSettings, create_app
from humsec.api.limits import ComputeRateLimit
from humsec.api.problems import ServiceProblem
from humsec.api.tokens import TokenRecord, bootstrap_record, check_role, create_token, digest
from humsec.errors import HumsecError


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServiceSettings(max_upload_bytes=1000)))


def _is_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"] and body["hint"]
    return body


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/framework/{section}" in spec["paths"]


def test_framework_section_lists_the_bundled_threats(client: TestClient) -> None:
    threats = client.get("/api/v1/framework/threats").json()
    ids = {t["id"] for t in threats}
    assert {"armed_conflict", "poverty"} <= ids
    summary = client.get("/api/v1/framework").json()
    assert summary["sections"]["threats"] == len(threats)


def test_unknown_section_is_a_problem_with_a_suggestion(client: TestClient) -> None:
    body = _is_problem(client.get("/api/v1/framework/treats"), 404)
    assert "'threats'" in body["hint"]


def test_the_frameworks_own_404_and_405_are_problem_documents(client: TestClient) -> None:
    body = _is_problem(client.get("/api/v1/nowhere"), 404)
    assert "/api/v1/nowhere" in body["detail"]
    body = _is_problem(client.delete("/api/v1/health"), 405)
    assert "DELETE" in body["detail"]


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    body = _is_problem(client.post("/api/v1/health", content=b"x" * 1001), 413)
    assert "1,000 bytes" in body["detail"]


def test_cors_is_closed_by_default(client: TestClient) -> None:
    response = client.options(
        "/api/v1/health",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in response.headers


def test_compute_rate_limit_is_a_sliding_window() -> None:
    now = [0.0]
    limit = ComputeRateLimit(2, clock=lambda: now[0])
    limit.check("a")
    limit.check("a")
    limit.check("b")  # another token has its own window
    with pytest.raises(ServiceProblem) as refused:
        limit.check("a")
    assert refused.value.status == 429
    assert refused.value.headers == {"Retry-After": "61"}
    now[0] = 60.0  # the first request has left the window
    limit.check("a")


class _Book:
    def __init__(self) -> None:
        self.records: dict[str, TokenRecord] = {}

    def add_token(self, record: TokenRecord) -> None:
        self.records[record.digest] = record

    def token_by_digest(self, digest: str) -> TokenRecord | None:
        return self.records.get(digest)

    def list_tokens(self) -> list[TokenRecord]:
        return list(self.records.values())


def test_tokens_are_kept_only_as_digests_and_roles_are_ordered() -> None:
    book = _Book()
    token, record = create_token(book, "analyst", project="kenya")
    assert token.startswith("hs_") and len(token) > 40
    assert token not in repr(book.records) and record.digest == digest(token)
    assert book.token_by_digest(digest(token)) == record
    assert record.allows("viewer", "kenya") and record.allows("analyst", "kenya")
    assert not record.allows("admin", "kenya")
    assert not record.allows("viewer", "mozambique")  # one project's token, not another's
    admin = bootstrap_record("secret")
    assert admin.allows("admin", "anything") and admin.digest == digest("secret")


def test_unknown_role_suggests_the_closest() -> None:
    with pytest.raises(HumsecError, match="'analyst'"):
        check_role("analist")


def test_refuses_a_public_address_without_an_admin_token() -> None:
    ServiceSettings(host="127.0.0.1").check_exposure()
    with pytest.raises(HumsecError, match=r"refusing to listen on 0\.0\.0\.0"):
        ServiceSettings(host="0.0.0.0").check_exposure()
    ServiceSettings(host="0.0.0.0", admin_token="t").check_exposure()
    ServiceSettings(host="0.0.0.0").check_exposure(store_has_admin=True)


def test_serve_refuses_a_public_address_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from humsec.cli import app

    monkeypatch.delenv("HUMSEC_ADMIN_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "Traceback" not in result.output


def test_token_create_prints_the_token_once_and_stores_its_digest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from humsec.api.tokens import digest
    from humsec.cli import app
    from humsec.project.store import open_store

    store = str(tmp_path / "s.duckdb")
    made = CliRunner().invoke(
        app, ["token", "create", "--role", "analyst", "--project", "kenya", "--store", store]
    )
    assert made.exit_code == 0, made.output
    token = made.output.split()[0]
    with open_store(store) as opened:
        (record,) = opened.tokens.list_tokens()
    assert record.digest == digest(token) and record.role == "analyst"
    listed = CliRunner().invoke(app, ["token", "list", "--store", store])
    assert record.token_id in listed.output and token not in listed.output
    bad = CliRunner().invoke(app, ["token", "create", "--role", "analist", "--store", store])
    assert bad.exit_code == 2 and "'analyst'" in bad.output
    # With an admin token in the store, serve accepts a public address (checked, not started).
    CliRunner().invoke(app, ["token", "create", "--role", "admin", "--store", store])
    with open_store(store) as opened:
        assert any(t.role == "admin" for t in opened.tokens.list_tokens())

"""`humsec token revoke` through the CLI, on the DuckDB store and on PostgreSQL: by id or by
prefix, refused with a clear message when unknown or ambiguous, never printing a secret, and
a service on the same store refusing the token afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from humsec.api import ServiceSettings, create_app
from humsec.api.tokens import digest
from humsec.cli import app
from humsec.project.store import open_store

POSTGRES_ENV = "HUMSEC_TEST_POSTGRES_URL"


def _engine(url: str):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    return sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"connect_timeout": 3},
        poolclass=sa.pool.NullPool,
    )


@pytest.fixture(params=["duckdb", "postgresql"])
def store_args(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """``--store`` (and ``--schema``) naming a fresh, empty store on one backend."""
    if request.param == "duckdb":
        yield ["--store", str(tmp_path / "service.duckdb")]
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL token tests need {POSTGRES_ENV}=postgresql://… (unset)")
    import sqlalchemy as sa

    try:
        with _engine(url).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: skip, saying why
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is unreachable: {type(exc).__name__}")
    schema = f"humsec_test_{uuid.uuid4().hex[:12]}"
    yield ["--store", url, "--schema", schema]
    with _engine(url).begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _token(*args: str) -> str:
    made = CliRunner().invoke(app, ["token", "create", *args])
    assert made.exit_code == 0, made.output
    return made.output.split()[0]


def _opened(store_args: list[str]):  # type: ignore[no-untyped-def]
    schema = store_args[3] if len(store_args) > 2 else None
    return open_store(store_args[1], schema=schema)


def test_revoke_by_id_and_prefix_and_the_service_refuses_the_token(
    store_args: list[str], tmp_path: Path
) -> None:
    analyst = _token("--role", "analyst", "--project", "kenya", *store_args)
    viewer = _token("--role", "viewer", *store_args)
    with _opened(store_args) as opened:
        records = {r.digest: r for r in opened.tokens.list_tokens()}
    analyst_id = records[digest(analyst)].token_id
    viewer_id = records[digest(viewer)].token_id

    runner = CliRunner()
    by_prefix = runner.invoke(app, ["token", "revoke", analyst_id[:6], *store_args])
    assert by_prefix.exit_code == 0, by_prefix.output
    assert f"revoked token {analyst_id} (analyst of project kenya)" in by_prefix.output
    for secret in (analyst, viewer, digest(analyst), digest(viewer)):
        assert secret not in by_prefix.output
    again = runner.invoke(app, ["token", "revoke", analyst_id, *store_args])
    assert again.exit_code == 0 and "already revoked" in again.output

    with _opened(store_args) as opened:
        state = {r.token_id: r.revoked for r in opened.tokens.list_tokens()}
        log = opened.audit_log(action="token.revoke")
    assert state == {analyst_id: True, viewer_id: False}
    # audited once (the second revoke changed nothing), by the CLI
    assert list(log["detail"]) == [{"token": analyst_id}] and list(log["actor"]) == ["cli"]
    listed = runner.invoke(app, ["token", "list", *store_args])
    assert analyst not in listed.output and digest(analyst) not in listed.output

    schema = store_args[3] if len(store_args) > 2 else None
    settings = ServiceSettings(
        store=store_args[1], store_schema=schema, projects=str(tmp_path / "projects")
    )
    with TestClient(create_app(settings)) as service:
        refused = service.get("/api/v1/runs", headers={"Authorization": f"Bearer {analyst}"})
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
        allowed = service.get("/api/v1/runs", headers={"Authorization": f"Bearer {viewer}"})
        assert allowed.status_code == 200


def test_revoke_of_an_unknown_or_too_short_id_is_a_clear_error(store_args: list[str]) -> None:
    runner = CliRunner()
    token = _token("--role", "viewer", *store_args)
    with _opened(store_args) as opened:
        (record,) = opened.tokens.list_tokens()
    unknown = runner.invoke(app, ["token", "revoke", "zzzzzz", *store_args])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    assert "no token with the id or prefix 'zzzzzz'" in unknown.output
    assert record.token_id in unknown.output  # the hint names the ids there are
    short = runner.invoke(app, ["token", "revoke", record.token_id[:3], *store_args])
    assert short.exit_code == 2 and "a prefix needs 4 characters" in short.output
    assert token not in unknown.output + short.output
    with _opened(store_args) as opened:
        assert not any(r.revoked for r in opened.tokens.list_tokens())


def test_an_ambiguous_prefix_names_the_tokens_it_matches() -> None:
    from datetime import UTC, datetime

    from humsec.cli.token import find_token
    from humsec.errors import HumsecError
    from humsec.project.store import TokenRecord

    def made(token_id: str) -> TokenRecord:
        return TokenRecord(
            token_id=token_id,
            digest="d" + token_id,
            role="viewer",
            project=None,
            created=datetime(2026, 1, 1, tzinfo=UTC),
        )

    records = [made("abcd12345678"), made("abcd98765432"), made("ffff00000000")]
    assert find_token(records, "abcd1").token_id == "abcd12345678"
    assert find_token(records, "ffff00000000").token_id == "ffff00000000"
    with pytest.raises(HumsecError, match="matches 2 tokens: abcd12345678, abcd98765432"):
        find_token(records, "abcd")


def test_a_schema_is_refused_for_a_duckdb_store(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    refused = CliRunner().invoke(app, ["token", "list", "--store", store, "--schema", "x"])
    assert refused.exit_code == 2 and "only to a PostgreSQL store" in refused.output

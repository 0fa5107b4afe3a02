"""``/api/v1/tokens``: an admin makes, lists and revokes tokens (the token is shown once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from humsec.api.auth import caller, need
from humsec.api.problems import ServiceProblem
from humsec.api.tokens import Role, TokenRecord, create_token

router = APIRouter(prefix="/tokens", tags=["tokens"])


class TokenRequest(BaseModel):
    """A token to make: its role, the project it is for (none = every project), a label."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    project: str | None = None
    label: str = Field("", max_length=200)
    days: float | None = Field(None, gt=0, le=3650, description="expire after this many days")


def _public(record: TokenRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"digest"})


@router.post("", status_code=201)
def make_token(
    body: TokenRequest, request: Request, record: TokenRecord = Depends(caller)
) -> dict[str, Any]:
    """Make a token (admin of the service, or of the token's project)."""
    need(record, "admin", body.project)
    expires = datetime.now(UTC) + timedelta(days=body.days) if body.days else None
    token, made = create_token(
        request.app.state.tokens,
        body.role,
        project=body.project,
        label=body.label,
        expires=expires,
    )
    request.app.state.store.audit(
        record.token_id,
        "token.create",
        {"token": made.token_id, "role": made.role, "project": made.project},
    )
    return {"token": token, **_public(made)}


@router.get("")
def list_tokens(request: Request, record: TokenRecord = Depends(caller)) -> list[dict[str, Any]]:
    """The tokens an admin may manage (never the tokens themselves, only their ids)."""
    need(record, "admin", record.project)
    return [
        _public(t)
        for t in request.app.state.tokens.list_tokens()
        if record.project is None or t.project == record.project
    ]


@router.delete("/{token_id}")
def revoke_token(token_id: str, request: Request, record: TokenRecord = Depends(caller)) -> Any:
    """Revoke a token (admin of the service, or of the token's project): it stops working
    with its next request. The token's record is kept, marked revoked."""
    tokens = request.app.state.tokens
    found = next((t for t in tokens.list_tokens() if t.token_id == token_id), None)
    if found is None or found.token_id == "env-admin":
        raise ServiceProblem(
            404,
            f"no token {token_id!r} in the store",
            hint="list the tokens with GET /api/v1/tokens (HUMSEC_ADMIN_TOKEN is not stored: "
            "unset it to retire it)",
            location="path: token_id",
        )
    need(record, "admin", found.project)
    if not found.revoked:
        tokens.revoke(token_id, by=record.token_id)
        request.app.state.store.audit(record.token_id, "token.revoke", {"token": token_id})
    return _public(found.model_copy(update={"revoked": True}))

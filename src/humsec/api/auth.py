"""Who is calling: the bearer token of each request, checked against the token book.

``Depends(caller)`` gives the caller's :class:`~humsec.api.tokens.TokenRecord` (401 without a
valid token). :func:`need` checks a role for a project (403 otherwise), and compute requests
also count against the caller's rate limit. Tokens never appear in logs or errors: only the
short ``token_id`` does.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from humsec.api.problems import ServiceProblem
from humsec.api.tokens import Role, TokenRecord, digest


async def caller(request: Request) -> TokenRecord:
    """The token record of the request's ``Authorization: Bearer`` token.

    Asynchronous, so a request whose token was looked up in the last few seconds (nearly all)
    is checked on the event loop without a hop to a worker thread; only a look-up in the
    store runs in one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ServiceProblem(
            401,
            "this request needs a token",
            location="header: Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    key = digest(token.strip())
    tokens = request.app.state.tokens
    record = tokens.kept(key) or await run_in_threadpool(tokens.token_by_digest, key)
    if record is None or record.revoked:
        raise ServiceProblem(
            401,
            "the token is not valid (unknown or revoked)",
            location="header: Authorization",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if record.expired():
        raise ServiceProblem(
            401,
            f"the token {record.token_id} expired at {record.expires:%Y-%m-%d %H:%M} UTC",
            hint="ask an admin for a new token",
            location="header: Authorization",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return record


def need(record: TokenRecord, role: Role, project: str | None = None) -> None:
    """Raise 403 unless ``record`` holds at least ``role`` for ``project``."""
    if not record.allows(role, project):
        where = f"project {project!r}" if project else "the service"
        held = f"{record.role}" + (f" of project {record.project!r}" if record.project else "")
        raise ServiceProblem(
            403,
            f"this action needs the {role} role for {where}; the token is {held}",
        )


def compute(request: Request, record: TokenRecord, project: str | None = None) -> None:
    """A compute request (a run or a job): an analyst's action, counted against the rate limit."""
    need(record, "analyst", project)
    request.app.state.compute_limit.check(record.token_id)

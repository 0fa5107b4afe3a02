"""Every error the service returns is a problem document (RFC 9457, ``application/problem+json``).

A problem has ``type``, ``title``, ``status`` and ``detail`` (what is wrong), and humsec adds
``hint`` (what to do) and ``location`` (which field, file, column or spec node). The handlers
below cover humsec's own errors, request validation, and the framework's own 404, 405 and 413
responses, so that a client never has to parse two error formats.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from humsec.errors import (
    DatasetNotFoundError,
    HumsecError,
    RunNotFoundError,
    StoreLockedError,
    StoreUnreachableError,
)


def _status(error: HumsecError) -> int:
    """The HTTP status of a humsec error: unknown ids 404, a busy or unreachable store 503,
    everything else (the request's content is wrong) 422."""
    if isinstance(error, DatasetNotFoundError | RunNotFoundError):
        return 404
    if isinstance(error, StoreLockedError | StoreUnreachableError):
        return 503
    return 422


PROBLEM_MEDIA_TYPE = "application/problem+json"

_HINTS = {
    401: "send a token as 'Authorization: Bearer TOKEN' (create one with `humsec token create`)",
    403: "ask a project admin for a token with the role this action needs",
    404: "check the path against /openapi.json and the ids against the list endpoints",
    405: "see /openapi.json for the methods this path accepts",
    413: "send a smaller body, or raise the service's --max-upload-mb limit",
    429: "wait for the time in the Retry-After header, then try again",
}


class ServiceProblem(Exception):
    """An error raised by the service itself (authentication, roles, limits, unknown ids)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        hint: str | None = None,
        location: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.status = status
        self.detail = detail
        self.hint = hint
        self.location = location
        self.headers = headers
        super().__init__(detail)


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    hint: str | None = None,
    location: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """Build a problem response; ``hint`` defaults to the status's generic advice."""
    from http import HTTPStatus

    body: dict[str, Any] = {
        "type": f"https://humsec.org/problems/{status}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "hint": hint or _HINTS.get(status, "correct the request and send it again"),
    }
    if location:
        body["location"] = location
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _validation_detail(errors: list[dict[str, Any]]) -> tuple[str, str, list[dict[str, Any]]]:
    issues = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        issues.append({"location": where, "message": error.get("msg", "invalid value")})
    first = issues[0] if issues else {"location": "request", "message": "invalid request"}
    detail = "; ".join(f"{i['location']}: {i['message']}" for i in issues[:10])
    return detail, first["location"], issues


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error through :func:`problem`."""

    @app.exception_handler(HumsecError)
    async def _humsec(request: Request, error: HumsecError) -> JSONResponse:
        status = _status(error)
        return problem(
            status,
            error.message,
            title="Invalid input" if status == 422 else None,
            hint=error.hint,
            location=error.location,
            instance=request.url.path,
        )

    @app.exception_handler(ServiceProblem)
    async def _service(request: Request, error: ServiceProblem) -> JSONResponse:
        return problem(
            error.status,
            error.detail,
            hint=error.hint,
            location=error.location,
            instance=request.url.path,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        detail, location, issues = _validation_detail(list(error.errors()))
        return problem(
            422,
            detail,
            title="Invalid request",
            hint="fix the fields listed in 'errors' (see /openapi.json for their types)",
            location=location,
            instance=request.url.path,
            extra={"errors": issues},
        )

    @app.exception_handler(ValidationError)
    async def _model(request: Request, error: ValidationError) -> JSONResponse:
        # Parameters checked inside a handler (a job's params): the same shape as above.
        errors = [{**e, "loc": ("body", "params", *e.get("loc", ()))} for e in error.errors()]
        detail, location, issues = _validation_detail(errors)
        return problem(
            422,
            detail,
            title="Invalid request",
            hint="fix the fields listed in 'errors' (GET /api/v1/jobs/kinds gives their schema)",
            location=location,
            instance=request.url.path,
            extra={"errors": issues},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        if error.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return problem(
            error.status_code,
            detail,
            instance=request.url.path,
            headers=dict(error.headers) if error.headers else None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # A bug, not bad input: say so without leaking internals (the log has the traceback).
        return problem(
            500,
            "the service failed while handling this request",
            hint="this is a bug in humsec: report it with the request that caused it",
            instance=request.url.path,
        )

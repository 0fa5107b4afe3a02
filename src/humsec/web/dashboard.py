"""Mounting the dashboard on the service: its pages at ``/``, its assets at ``/assets``.

The API keeps its JSON problem documents. For a dashboard page, the same errors (unknown
project, missing role, bad upload) are shown as an HTML page with the problem's detail and
hint, and a missing or invalid session leads to the sign-in page.
"""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from humsec.api import ServiceProblem
from humsec.errors import HumsecError
from humsec.web import assets
from humsec.web.pages import (
    appraisal,
    fear_want,
    groups,
    history,
    maps,
    overview,
    planner,
    profile,
    signin,
    stress,
)
from humsec.web.rendering import render
from humsec.web.session import ForeignOrigin, SignInNeeded

ROUTERS = (
    signin.router,
    overview.router,
    maps.router,
    fear_want.router,
    profile.router,
    groups.router,
    stress.router,
    appraisal.router,
    planner.router,
    history.router,
)


def is_page(request: Request) -> bool:
    """True when the request was routed to a dashboard page (not to the API)."""
    endpoint = request.scope.get("endpoint")
    return str(getattr(endpoint, "__module__", "")).startswith("humsec.web")


def _to_sign_in(request: Request, error: SignInNeeded) -> Response:
    target = f"/sign-in?next={quote(error.next_path)}"
    if error.reason:
        target += "&expired=1"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _delegate(handler: Any, request: Request, error: Exception) -> Any:
    """Answer an API request with the API's own handler (a problem document)."""
    answer = handler(request, error)
    return await answer if inspect.isawaitable(answer) else answer


def mount_dashboard(app: FastAPI) -> None:
    """Add the dashboard's pages and assets to ``app`` (the API under /api/v1 is unchanged)."""
    app.include_router(assets.router)
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)

    api_service = app.exception_handlers.get(ServiceProblem)
    api_humsec = app.exception_handlers.get(HumsecError)

    async def service_problem(request: Request, error: Exception) -> Any:
        if is_page(request) and isinstance(error, ServiceProblem):
            return render(
                request,
                "error.html",
                status=error.status,
                status_code=error.status,
                detail=error.detail,
                hint=error.hint,
            )
        return await _delegate(api_service, request, error)

    async def humsec_error(request: Request, error: Exception) -> Any:
        if is_page(request) and isinstance(error, HumsecError):
            return render(
                request,
                "error.html",
                status=422,
                status_code=422,
                detail=str(error),
                hint=None,
            )
        return await _delegate(api_humsec, request, error)

    async def foreign_origin(request: Request, error: Exception) -> Any:
        return render(
            request,
            "error.html",
            status=403,
            status_code=403,
            detail=f"refused: this form was not sent from the dashboard itself ({error})",
            hint="open the dashboard at its own address and submit the form there",
        )

    async def sign_in_needed(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInNeeded)
        return _to_sign_in(request, error)

    app.add_exception_handler(ServiceProblem, service_problem)
    app.add_exception_handler(HumsecError, humsec_error)
    app.add_exception_handler(ForeignOrigin, foreign_origin)
    app.add_exception_handler(SignInNeeded, sign_in_needed)

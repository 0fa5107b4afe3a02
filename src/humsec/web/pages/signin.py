"""Sign-in and sign-out: the token goes into an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from humsec.web.rendering import render
from humsec.web.session import COOKIE, check_origin, safe_next, token_problem

router = APIRouter()

SESSION_SECONDS = 8 * 3600


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/", expired: int = 0) -> Response:
    """The sign-in form."""
    message = "Your session is no longer valid: sign in again." if expired else ""
    return render(request, "sign_in.html", next=safe_next(next), message=message)


@router.post("/sign-in")
def sign_in(request: Request, token: str = Form(""), next: str = Form("/")) -> Response:
    """Check the token against the token book; keep it in the session cookie."""
    check_origin(request)
    record, why = token_problem(request, token) if token.strip() else (None, "paste a token")
    if record is None:
        return render(request, "sign_in.html", status=401, next=safe_next(next), message=why)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """Forget the session cookie."""
    check_origin(request)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response

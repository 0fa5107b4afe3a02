"""Who is signed in to the dashboard: the API token in an HttpOnly cookie.

The user pastes a token on the sign-in page; the service checks it against the token book
(the same digests, revocations, expiry and roles as ``Authorization: Bearer`` on the API) and
keeps it in the cookie ``humsec_session`` (HttpOnly: no script can read it; SameSite=Strict:
no other site's page can send it; Secure when the service is reached over HTTPS). The token
never appears in a URL or a page.

Cross-site request forgery: besides SameSite=Strict, every dashboard POST must carry an
``Origin`` (or, without one, a ``Referer``) of the service's own scheme, host and port;
anything else is refused with 403 before the request is handled.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from humsec.api import digest
from humsec.project.store import TokenRecord

COOKIE = "humsec_session"


class SignInNeeded(Exception):
    """The request has no valid session: the dashboard shows the sign-in page."""

    def __init__(self, next_path: str, reason: str = ""):
        self.next_path = next_path
        self.reason = reason
        super().__init__(reason or "sign in first")


class ForeignOrigin(Exception):
    """A POST whose Origin (or Referer) is not the service itself."""


def token_problem(request: Request, token: str) -> tuple[TokenRecord | None, str]:
    """The token's record, or ``(None, why it is refused)``."""
    record = request.app.state.tokens.token_by_digest(digest(token.strip()))
    if record is None or record.revoked:
        return None, "the token is not valid (unknown or revoked)"
    if record.expired():
        return None, f"the token {record.token_id} expired at {record.expires:%Y-%m-%d %H:%M} UTC"
    return record, ""


def signed_in(request: Request) -> TokenRecord:
    """The session's token record (a bearer header works too, for scripts and tests)."""
    header = request.headers.get("authorization", "")
    scheme, _, bearer = header.partition(" ")
    token = bearer if scheme.lower() == "bearer" and bearer.strip() else None
    token = token or request.cookies.get(COOKIE)
    if not token:
        raise SignInNeeded(request.url.path)
    record, why = token_problem(request, token)
    if record is None:
        raise SignInNeeded(request.url.path, why)
    return record


def own_origin(request: Request) -> str:
    """The service's own origin as the browser sees it (scheme://host[:port])."""
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"


def check_origin(request: Request) -> None:
    """Refuse a state-changing request sent from another site (see the module docstring)."""
    sent = request.headers.get("origin")
    if not sent:
        referer = request.headers.get("referer")
        if referer:
            parts = urlsplit(referer)
            sent = f"{parts.scheme}://{parts.netloc}"
    if sent != own_origin(request):
        raise ForeignOrigin(sent or "no Origin or Referer header")


def safe_next(path: str | None) -> str:
    """A local path to return to after sign-in (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path

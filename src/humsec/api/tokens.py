"""API tokens and roles: who may do what, in which project.

A token is 32 random bytes (``secrets.token_urlsafe``) shown once, when it is made. At rest the
service keeps only its SHA-256 digest, so a copy of the store reveals no usable token; a request
is matched by hashing the presented token and looking the digest up. A token carries one role,
either for every project (``project=None``) or for one project:

* ``viewer`` reads;
* ``analyst`` reads and computes (runs, jobs) and uploads data;
* ``admin`` also manages projects and tokens.

Roles are ordered, so a higher role can do everything a lower one can.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from humsec.errors import HumsecError, did_you_mean

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
TOKEN_PREFIX = "hs_"


class TokenRecord(BaseModel):
    """What the store keeps of a token: its digest, never the token itself."""

    model_config = ConfigDict(frozen=True)

    token_id: str
    digest: str
    role: Role
    project: str | None
    label: str = ""
    created: datetime
    expires: datetime | None = None
    revoked: bool = False

    def allows(self, needed: Role, project: str | None) -> bool:
        """True when this token's role is at least ``needed`` for ``project``."""
        if self.revoked:
            return False
        if self.project is not None and project != self.project:
            return False
        return ROLES.index(self.role) >= ROLES.index(needed)

    def expired(self, now: datetime | None = None) -> bool:
        """True once ``expires`` has passed."""
        return self.expires is not None and (now or datetime.now(UTC)) >= self.expires


class TokenBook(Protocol):
    """Where tokens are kept (the service's store)."""

    def add_token(self, record: TokenRecord) -> None: ...

    def token_by_digest(self, digest: str) -> TokenRecord | None: ...

    def list_tokens(self) -> list[TokenRecord]: ...


def digest(token: str) -> str:
    """SHA-256 hex digest of a token: the only form in which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> Role:
    """Validate a role name, suggesting the closest one."""
    if role not in ROLES:
        raise HumsecError(
            f"unknown role {role!r}",
            location="--role",
            hint=f"use one of {', '.join(ROLES)}; {did_you_mean(role, ROLES)}".rstrip("; "),
        )
    return role


def create_token(
    book: TokenBook,
    role: str,
    *,
    project: str | None = None,
    label: str = "",
    expires: datetime | None = None,
) -> tuple[str, TokenRecord]:
    """Make a new token, store its digest, and return ``(token, record)``.

    The token is returned once and never again: the book only holds its digest.
    """
    checked = check_role(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = TokenRecord(
        token_id=secrets.token_hex(6),
        digest=digest(token),
        role=checked,
        project=project,
        label=label,
        created=datetime.now(UTC),
        expires=expires,
    )
    book.add_token(record)
    return token, record


def bootstrap_record(admin_token: str) -> TokenRecord:
    """The record for the first admin token given through ``HUMSEC_ADMIN_TOKEN``."""
    return TokenRecord(
        token_id="env-admin",
        digest=digest(admin_token),
        role="admin",
        project=None,
        label="HUMSEC_ADMIN_TOKEN",
        created=datetime.now(UTC),
    )


def same_digest(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a, b)

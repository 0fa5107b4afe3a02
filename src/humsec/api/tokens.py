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
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from humsec.errors import HumsecError, did_you_mean
from humsec.project.store import ACCESS_ROLES, Role, TokenRecord

TOKEN_PREFIX = "hs_"


class TokenBook(Protocol):
    """Where tokens are kept (the service's store)."""

    def add_token(self, record: TokenRecord) -> None: ...

    def token_by_digest(self, digest: str) -> TokenRecord | None: ...

    def list_tokens(self) -> list[TokenRecord]: ...

    def revoke(self, token_id: str, *, by: str) -> None: ...


def digest(token: str) -> str:
    """SHA-256 hex digest of a token: the only form in which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> Role:
    """Validate a role name, suggesting the closest one."""
    if role not in ACCESS_ROLES:
        raise HumsecError(
            f"unknown role {role!r}",
            location="--role",
            hint=f"use one of {', '.join(ACCESS_ROLES)}; {did_you_mean(role, ACCESS_ROLES)}".rstrip(
                "; "
            ),
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


class ServiceTokens:
    """The service's token book: the store's tokens, plus the first admin token from
    ``HUMSEC_ADMIN_TOKEN`` (held in memory as its digest, never written).

    Every request presents a token, so the records found are kept for ``ttl`` seconds, keyed
    by the token's digest (never the token), at most ``capacity`` of them (least recently
    used dropped first). Creating or revoking a token through this book empties the cache at
    once; a token revoked by another process on a shared PostgreSQL store stops working within
    ``ttl`` seconds. Unknown digests are not kept, so a wrong token is always looked up.
    """

    def __init__(
        self,
        book: TokenBook,
        admin_token: str | None = None,
        *,
        ttl: float = 5.0,
        capacity: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.book = book
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._bootstrap = bootstrap_record(admin_token) if admin_token else None
        self._found: OrderedDict[str, tuple[float, TokenRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop every cached record (after a token is created or revoked)."""
        with self._lock:
            self._found.clear()

    def add_token(self, record: TokenRecord) -> None:
        self.book.add_token(record)
        self.forget()

    def revoke(self, token_id: str, *, by: str) -> None:
        """Revoke a token in the store; it stops working with the next request."""
        self.book.revoke(token_id, by=by)
        self.forget()

    def kept(self, digest: str) -> TokenRecord | None:
        """The record for ``digest`` if it is at hand (the first admin token, or looked up
        less than ``ttl`` seconds ago), without asking the store; ``None`` otherwise."""
        if self._bootstrap is not None and same_digest(digest, self._bootstrap.digest):
            return self._bootstrap
        with self._lock:
            kept = self._found.get(digest)
            if kept is not None and self._clock() - kept[0] < self.ttl:
                self._found.move_to_end(digest)
                return kept[1]
        return None

    def token_by_digest(self, digest: str) -> TokenRecord | None:
        at_hand = self.kept(digest)
        if at_hand is not None:
            return at_hand
        now = self._clock()
        record = self.book.token_by_digest(digest)
        if record is not None:
            with self._lock:
                self._found[digest] = (now, record)
                self._found.move_to_end(digest)
                while len(self._found) > self.capacity:
                    self._found.popitem(last=False)
        return record

    def list_tokens(self) -> list[TokenRecord]:
        listed = self.book.list_tokens()
        return [self._bootstrap, *listed] if self._bootstrap is not None else listed

    def has_admin(self) -> bool:
        """True when some service-wide admin token exists (for the exposure rule)."""
        return any(
            t.role == "admin" and t.project is None and not t.revoked for t in self.list_tokens()
        )


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

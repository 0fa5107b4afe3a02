"""Access tokens kept in the store: digests and roles, never the tokens themselves.

Schema version 3 adds two tables: ``tokens`` (one row per token ever made: id, SHA-256
digest, role, project, label, creation and expiry) and ``token_revocations`` (who revoked
which token, when). Like everything in the store, both only ever receive INSERTs, so the
history of who could do what is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from humsec.errors import StoreError
from humsec.project.store.database import Database, Executor

Role = Literal["viewer", "analyst", "admin"]
ACCESS_ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")


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
        """True when this token's role is at least ``needed`` for ``project``.

        A token of one project never reaches another project, nor service-wide actions
        (``project=None``)."""
        if self.revoked:
            return False
        if self.project is not None and project != self.project:
            return False
        return ACCESS_ROLES.index(self.role) >= ACCESS_ROLES.index(needed)

    def expired(self, now: datetime | None = None) -> bool:
        """True once ``expires`` has passed."""
        return self.expires is not None and (now or datetime.now(UTC)) >= self.expires


def _naive(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: Any) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


_SELECT = (
    "SELECT t.token_id, t.digest, t.role, t.project, t.label, t.created, t.expires, "
    "EXISTS (SELECT 1 FROM token_revocations r WHERE r.token_id = t.token_id) AS revoked "
    "FROM tokens t"
)


class TokenTable:
    """The store's token book (``store.tokens``)."""

    def __init__(self, database: Database):
        self._db = database

    @staticmethod
    def _record(row: tuple[Any, ...]) -> TokenRecord:
        token_id, digest, role, project, label, created, expires, revoked = row
        return TokenRecord(
            token_id=token_id,
            digest=digest,
            role=role,
            project=project,
            label=label or "",
            created=_aware(created),
            expires=_aware(expires),
            revoked=bool(revoked),
        )

    def add_token(self, record: TokenRecord) -> None:
        """Keep a new token's digest and role."""
        values = {
            "id": record.token_id,
            "digest": record.digest,
            "role": record.role,
            "project": record.project,
            "label": record.label,
            "created": _naive(record.created),
            "expires": _naive(record.expires),
        }

        def insert(tx: Executor) -> None:
            # Through write(): a token made while a PostgreSQL server restarts is written once
            # the connection is back; a rerun after a commit whose answer was lost finds its
            # own row and stops there.
            held = tx.query("SELECT digest FROM tokens WHERE token_id = :id", {"id": values["id"]})
            if held and held[0][0] == record.digest:
                return
            if held:
                raise StoreError(
                    f"the store already holds a token {record.token_id!r}",
                    location=self._db.location,
                    hint="make the token again (a new id is drawn each time)",
                )
            tx.execute(
                "INSERT INTO tokens (token_id, digest, role, project, label, created, expires) "
                "VALUES (:id, :digest, :role, :project, :label, :created, :expires)",
                values,
            )

        self._db.write(insert)

    def token_by_digest(self, digest: str) -> TokenRecord | None:
        """The token with this digest, or ``None``."""
        rows = self._db.query(_SELECT + " WHERE t.digest = :digest", {"digest": digest})
        return self._record(rows[0]) if rows else None

    def list_tokens(self) -> list[TokenRecord]:
        """Every token ever made, oldest first (revoked ones flagged)."""
        return [self._record(r) for r in self._db.query(_SELECT + " ORDER BY t.created")]

    def revoke(self, token_id: str, *, by: str) -> None:
        """Revoke a token from now on (an INSERT: the token's history is kept)."""
        values = {"id": token_id, "at": _naive(datetime.now(UTC)), "by": by}
        self._db.write(
            lambda tx: tx.execute(
                "INSERT INTO token_revocations (token_id, revoked_at, revoked_by) "
                "VALUES (:id, :at, :by)",
                values,
            )
        )

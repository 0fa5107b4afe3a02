"""`humsec token`: make, list and revoke the service's API tokens (kept in its store as digests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from humsec.errors import HumsecError

if TYPE_CHECKING:
    from humsec.project.store import Store, TokenRecord

app = typer.Typer(
    help="API tokens of the humsec service: make one (shown once), list or revoke them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()

STORE_OPTION = typer.Option(
    "humsec-store.duckdb", "--store", help="The service's store: DuckDB file or postgresql:// URL."
)
SCHEMA_OPTION = typer.Option(
    None, "--schema", help="PostgreSQL schema holding the store (default: public)."
)
#: The shortest id prefix `token revoke` accepts: ids are 12 hex digits, and a 4-digit prefix
#: is still typed on purpose.
MIN_PREFIX = 4


def _open(store: str, schema: str | None) -> Store:
    """The service's store, with ``--schema`` refused for a DuckDB file (it has none)."""
    from humsec.project.store import open_store

    if schema is not None and not store.startswith(("postgresql://", "postgres://")):
        raise HumsecError(
            f"--schema {schema!r} applies only to a PostgreSQL store, not to {store!r}",
            location="--schema",
            hint="drop --schema, or give --store postgresql://user@host/db",
        )
    return open_store(store, schema=schema)


@app.command("create")
def create(
    role: str = typer.Option(..., "--role", help="viewer, analyst or admin."),
    project: str | None = typer.Option(
        None, "--project", help="Limit the token to one project (default: every project)."
    ),
    label: str = typer.Option("", "--label", help="A note on who the token is for."),
    days: float | None = typer.Option(None, "--days", min=0.001, help="Expire after N days."),
    store: str = STORE_OPTION,
    schema: str | None = SCHEMA_OPTION,
) -> None:
    """Make a token and print it once: the store keeps only its SHA-256 digest."""
    from datetime import UTC, datetime, timedelta

    from humsec.api import create_token

    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    with _open(store, schema) as opened:
        token, record = create_token(
            opened.tokens, role, project=project, label=label, expires=expires
        )
        opened.audit(
            "cli",
            "token.create",
            {"token": record.token_id, "role": record.role, "project": record.project},
        )
    scope = f"project {escape(project)}" if project else "every project"
    console.print(f"[bold]{token}[/]", highlight=False, soft_wrap=True)
    console.print(
        f"[dim]token {record.token_id}: {record.role} of {scope}. It is shown only now; "
        "send it as 'Authorization: Bearer TOKEN'.[/]"
    )


@app.command("list")
def list_tokens(store: str = STORE_OPTION, schema: str | None = SCHEMA_OPTION) -> None:
    """List the tokens (ids, roles, projects; never the tokens themselves)."""
    with _open(store, schema) as opened:
        records = opened.tokens.list_tokens()
    table = Table(title=f"tokens in {escape(store)}")
    for column in ("id", "role", "project", "label", "created", "expires", "revoked"):
        table.add_column(column)
    for r in records:
        table.add_row(
            r.token_id,
            r.role,
            escape(r.project or "(all)"),
            escape(r.label),
            f"{r.created:%Y-%m-%d %H:%M}",
            f"{r.expires:%Y-%m-%d}" if r.expires else "",
            "yes" if r.revoked else "",
        )
    console.print(table)


@app.command("revoke")
def revoke(
    token_id: str = typer.Argument(
        ..., help=f"The token's id (from `humsec token list`) or its first {MIN_PREFIX}+ digits."
    ),
    store: str = STORE_OPTION,
    schema: str | None = SCHEMA_OPTION,
) -> None:
    """Revoke a token: a running service refuses it within 5 s (at once if revoked through
    the API). The token's record is kept, marked revoked, and the revocation is audited."""
    with _open(store, schema) as opened:
        found = find_token(opened.tokens.list_tokens(), token_id)
        if found.revoked:
            console.print(f"token {found.token_id} was already revoked; nothing changed.")
            return
        opened.tokens.revoke(found.token_id, by="cli")
        opened.audit("cli", "token.revoke", {"token": found.token_id})
    scope = f"project {escape(found.project)}" if found.project else "every project"
    console.print(f"revoked token {found.token_id} ({found.role} of {scope}).")


def find_token(records: list[TokenRecord], wanted: str) -> TokenRecord:
    """The one token whose id is ``wanted``, or starts with it (at least :data:`MIN_PREFIX`
    characters); a clear error when none or several match."""
    exact = [r for r in records if r.token_id == wanted]
    if exact:
        return exact[0]
    known = ", ".join(r.token_id for r in records) or "none"
    if len(wanted) < MIN_PREFIX:
        raise HumsecError(
            f"no token {wanted!r} in the store, and a prefix needs {MIN_PREFIX} characters",
            location="TOKEN_ID",
            hint=f"give the id shown by `humsec token list` (ids: {known})",
        )
    matches = [r for r in records if r.token_id.startswith(wanted)]
    if not matches:
        raise HumsecError(
            f"no token with the id or prefix {wanted!r} in the store",
            location="TOKEN_ID",
            hint=f"ids in the store: {known} (HUMSEC_ADMIN_TOKEN is never stored: unset it "
            "to retire it)",
        )
    if len(matches) > 1:
        raise HumsecError(
            f"the prefix {wanted!r} matches {len(matches)} tokens: "
            + ", ".join(r.token_id for r in matches),
            location="TOKEN_ID",
            hint="give more of the id",
        )
    return matches[0]

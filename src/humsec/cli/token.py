"""`humsec token`: make and list the service's API tokens (kept in its store as digests)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    help="API tokens of the humsec service: make one (shown once) or list them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()

STORE_OPTION = typer.Option(
    "humsec-store.duckdb", "--store", help="The service's store: DuckDB file or postgresql:// URL."
)


@app.command("create")
def create(
    role: str = typer.Option(..., "--role", help="viewer, analyst or admin."),
    project: str | None = typer.Option(
        None, "--project", help="Limit the token to one project (default: every project)."
    ),
    label: str = typer.Option("", "--label", help="A note on who the token is for."),
    days: float | None = typer.Option(None, "--days", min=0.001, help="Expire after N days."),
    store: str = STORE_OPTION,
) -> None:
    """Make a token and print it once: the store keeps only its SHA-256 digest."""
    from datetime import UTC, datetime, timedelta

    from humsec.api import create_token
    from humsec.project.store import open_store

    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    with open_store(store) as opened:
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
def list_tokens(store: str = STORE_OPTION) -> None:
    """List the tokens (ids, roles, projects; never the tokens themselves)."""
    from humsec.project.store import open_store

    with open_store(store, read_only=False) as opened:
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

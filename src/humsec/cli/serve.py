"""`humsec serve`: run the humsec service (REST API and dashboard) with uvicorn."""

from __future__ import annotations

import typer

from humsec.errors import HumsecError


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (loopback unless told otherwise)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    store: str = typer.Option(
        "humsec-store.duckdb",
        "--store",
        help="Store URL: a DuckDB file path (default) or postgresql://user@host/db.",
    ),
    schema: str | None = typer.Option(
        None, "--schema", help="PostgreSQL schema holding the store (default: public)."
    ),
    projects: str = typer.Option(
        "humsec-projects", "--projects", help="Folder holding the projects the service serves."
    ),
    max_upload_mb: float = typer.Option(
        100.0, "--max-upload-mb", min=0.001, help="Largest request body accepted, in MB."
    ),
    compute_per_minute: int = typer.Option(
        60, "--compute-per-minute", min=1, help="Compute requests allowed per token per minute."
    ),
    cors_origin: list[str] = typer.Option(
        [],
        "--cors-origin",
        help="Allow browser calls from this origin (repeatable; none by default).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address for jobs (default: a local cluster)."
    ),
    threads: int = typer.Option(
        100, "--threads", min=4, max=1000, help="Threads serving blocking requests at once."
    ),
) -> None:
    """Run the humsec service: a REST API and dashboard for a team (OpenAPI at /openapi.json)."""
    from humsec.api import ServiceSettings, create_app

    settings = ServiceSettings.from_environment(
        host=host,
        port=port,
        store=store,
        store_schema=schema,
        projects=projects,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        compute_per_minute=compute_per_minute,
        cors_origins=tuple(cors_origin),
        scheduler=scheduler,
        threads=threads,
    )
    from humsec.project.store import open_store

    with open_store(settings.store, schema=settings.store_schema) as opened:
        store_has_admin = any(
            t.role == "admin" and t.project is None and not t.revoked
            for t in opened.tokens.list_tokens()
        )
    settings.check_exposure(store_has_admin=store_has_admin)
    try:
        import uvicorn
    except ImportError as missing:  # pragma: no cover - the service extra is in the lock
        raise HumsecError(
            "the service needs uvicorn and FastAPI",
            hint="install humsec with the service extra: pip install 'humsec[service]'",
        ) from missing
    from humsec.web import mount_dashboard

    app = create_app(settings)
    mount_dashboard(app)  # the dashboard at /, beside the API under /api/v1
    uvicorn.run(app, host=host, port=port, log_level="info")

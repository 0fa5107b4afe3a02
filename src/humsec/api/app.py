"""The FastAPI application of the humsec service.

:func:`create_app` wires the parts together: problem documents for every error, the body-size
limit, CORS (closed unless origins are configured), and the routers under ``/api/v1``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from humsec import __version__
from humsec.api.jobs import JobRunner
from humsec.api.limits import BodySizeLimit, ComputeRateLimit
from humsec.api.problems import install_problem_handlers
from humsec.api.routers import ENGINE_ROUTERS, framework, jobs, projects, runs, tokens
from humsec.api.settings import ServiceSettings
from humsec.api.timing import ServerTiming
from humsec.api.tokens import ServiceTokens
from humsec.api.workspace import Workspace
from humsec.project.store import open_store

API_PREFIX = "/api/v1"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Build the service for ``settings`` (defaults: loopback, DuckDB store, safe limits).

    Every response carries ``Server-Timing: app;dur=MS``, the service's own time for it."""
    settings = settings or ServiceSettings.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking handlers run on this many threads; writers queue for the store's single
        # writer on theirs, so reads must not run out of threads behind them.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        store = open_store(settings.store, schema=settings.store_schema)
        workspace = Workspace(Path(settings.projects))
        app.state.store = store
        app.state.workspace = workspace
        app.state.tokens = ServiceTokens(store.tokens, settings.admin_token)
        app.state.jobs = JobRunner(
            lambda project: workspace.store(project) if project else store,
            scheduler=settings.scheduler,
        )
        try:
            yield
        finally:
            app.state.jobs.close()
            workspace.close()
            store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="humsec",
        version=__version__,
        description=(
            "Human-security analysis as a service: projects, areas and datasets; indices, "
            "deprivation, shocks, programme appraisal, the threat network and portfolio plans; "
            "runs and their results. Every error is an RFC 9457 problem document."
        ),
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.compute_limit = ComputeRateLimit(settings.compute_per_minute)
    install_problem_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(ServerTiming)  # outermost: times everything the service does
    for router in (
        framework.router,
        projects.router,
        jobs.router,
        runs.router,
        tokens.router,
        *ENGINE_ROUTERS,
    ):
        app.include_router(router, prefix=API_PREFIX)

    @app.get(f"{API_PREFIX}/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the service answers and reports its version."""
        return {"status": "ok", "version": __version__}

    return app

"""The dashboard's browser assets, all served by the service (no CDN: it works offline).

htmx is vendored in ``static/`` (see ``static/PROVENANCE.md``); Plotly's JavaScript is served
straight from the installed ``plotly`` Python package, so it is never duplicated in git and its
version is the locked one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from humsec.api import ServiceProblem

router = APIRouter(prefix="/assets", include_in_schema=False)

STATIC = {
    "htmx.min.js": "text/javascript",
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
    "htmx.LICENSE.txt": "text/plain",
    "PROVENANCE.md": "text/markdown",
}
CACHE = {"Cache-Control": "public, max-age=3600"}


@cache
def plotly_js() -> Path:
    """The path of ``plotly.min.js`` inside the installed plotly package."""
    root = resources.files("plotly") / "package_data" / "plotly.min.js"
    return Path(str(root))


@router.get("/plotly.min.js")
def plotly() -> FileResponse:
    """Plotly's JavaScript bundle, from the installed plotly package."""
    return FileResponse(plotly_js(), media_type="text/javascript", headers=CACHE)


@router.get("/{name}")
def static(name: str) -> Response:
    """One of the vendored or own static files (a fixed list: nothing else is reachable)."""
    if name not in STATIC:
        raise ServiceProblem(404, f"no asset {name!r}", hint=f"assets: {', '.join(STATIC)}")
    data = (resources.files("humsec.web") / "static" / name).read_bytes()
    return Response(data, media_type=STATIC[name], headers=CACHE)

"""The dashboard's browser assets, all served by the service (no CDN: it works offline).

htmx is vendored in ``static/`` (see ``static/PROVENANCE.md``); Plotly's JavaScript is the
report's partial bundle (``humsec/report/assets/``, the plotly.js version the locked ``plotly``
package embeds, with only the trace types humsec draws), served under ``/assets/plotly.min.js``.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from humsec.api import ServiceProblem
from humsec.report import plotly_bundle_path

router = APIRouter(prefix="/assets", include_in_schema=False)

STATIC = {
    "htmx.min.js": "text/javascript",
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
    "htmx.LICENSE.txt": "text/plain",
    "PROVENANCE.md": "text/markdown",
}
CACHE = {"Cache-Control": "public, max-age=3600"}


@router.get("/plotly.min.js")
def plotly() -> FileResponse:
    """humsec's partial plotly.js bundle (the same file the report embeds)."""
    return FileResponse(plotly_bundle_path(), media_type="text/javascript", headers=CACHE)


@router.get("/{name}")
def static(name: str) -> Response:
    """One of the vendored or own static files (a fixed list: nothing else is reachable)."""
    if name not in STATIC:
        raise ServiceProblem(404, f"no asset {name!r}", hint=f"assets: {', '.join(STATIC)}")
    data = (resources.files("humsec.web") / "static" / name).read_bytes()
    return Response(data, media_type=STATIC[name], headers=CACHE)

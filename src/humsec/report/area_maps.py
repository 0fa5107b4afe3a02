"""Maps of a project's own areas, drawn from its boundaries, sharing one geometry object.

The page holds the areas' simplified GeoJSON once, as ``window.humsecAreas`` (see
:func:`area_geometry_script`, which the report builder places before the first map); every
area map refers to that object instead of carrying its own copy of the outlines, so ten maps
cost no more geometry than one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from humsec.report.figures import EMPTY_GEOJSON, figure_html, with_geojson

if TYPE_CHECKING:
    from humsec.project import Project

AREAS_JS = "window.humsecAreas"
_PLACEHOLDER = "__HUMSEC_AREA_GEOMETRY__"
# About 1 km: enough for a county or district map in a report, small to embed.
DISPLAY_TOLERANCE = 0.01


def area_geometry(project: Project) -> dict[str, Any]:
    """The simplified GeoJSON of the project's finest level with boundaries (``id`` = p-code)."""
    from humsec.project import display_geojson

    level = max(project.boundaries)
    return display_geojson(project.boundaries[level], tolerance=DISPLAY_TOLERANCE)


def area_geometry_script(project: Project) -> str:
    """The ``<script>`` defining the shared geometry object, to precede the first area map."""
    payload = json.dumps(area_geometry(project), separators=(",", ":")).replace("</", "<\\/")
    return f"<script>{AREAS_JS} = {payload};</script>"


def area_map(
    pcodes: Iterable[Any],
    values: Iterable[Any],
    *,
    names: Iterable[Any],
    title: str,
    div_id: str,
    colorscale: str = "OrRd",
    hover_format: str = ".2f",
) -> str:
    """A choropleth of ``values`` by p-code as an HTML fragment using the shared geometry."""
    fig = go.Figure(
        go.Choropleth(
            geojson=EMPTY_GEOJSON,
            locations=[str(p) for p in pcodes],
            z=[float(v) for v in values],
            featureidkey="id",
            colorscale=colorscale,
            marker_line_width=0.4,
            marker_line_color="#666",
            colorbar={"title": {"text": title}, "thickness": 12},
            text=[str(n) for n in names],
            hovertemplate=f"%{{text}} (%{{location}})<br>{title}: %{{z:{hover_format}}}"
            "<extra></extra>",
        )
    )
    fig.update_geos(
        visible=False, fitbounds="locations", projection_type="mercator", bgcolor="rgba(0,0,0,0)"
    )
    fig.update_layout(height=460, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    figure = with_geojson(fig, {0: EMPTY_GEOJSON})
    figure["data"][0]["geojson"] = _PLACEHOLDER
    html = figure_html(figure, div_id=div_id)
    return html.replace(json.dumps(_PLACEHOLDER), AREAS_JS)

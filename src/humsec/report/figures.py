"""Plotly figures as offline HTML fragments.

The report embeds Plotly's JavaScript once, inline, in the page head (see
:func:`plotly_js`); every figure is then a plain ``<div>`` plus a short inline script. Nothing is
fetched from the network: no CDN script, no Mapbox or MapLibre tiles, no TopoJSON basemap. Maps
therefore draw their own country outlines from the bundled GeoJSON
(see :func:`world_choropleth_trace`), because Plotly's built-in geo basemap would download
TopoJSON from a CDN.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
import plotly.offline

from humsec.errors import HumsecError

PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    # The "send to cloud" button would post the data to a web service: keep it off.
    "showSendToCloud": False,
    # Mathjax would be fetched from a CDN if a label contained LaTeX.
    "typesetMath": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""Plotly ``config`` used for every figure: no logo, no cloud links, nothing external."""

_DIV_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def figure_html(fig: go.Figure, *, div_id: str | None = None) -> str:
    """Return ``fig`` as an HTML fragment (a ``<div>`` and an inline ``<script>``).

    The fragment relies on the page loading plotly.js once (the report builder does that);
    it contains no ``<script src>``. ``div_id`` gives the figure a stable element id, which
    makes in-page links and browser tests reliable; it must start with a letter and hold only
    letters, digits, ``-`` and ``_``.
    """
    if not isinstance(fig, go.Figure):
        raise HumsecError(
            f"figure_html needs a plotly.graph_objects.Figure, got {type(fig).__name__}",
            hint="build the chart with plotly.graph_objects or plotly.express",
        )
    if div_id is not None and not _DIV_ID.match(div_id):
        raise HumsecError(
            f"invalid figure div id {div_id!r}",
            hint="start with a letter and use only letters, digits, '-' and '_'",
        )
    html: str = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
        div_id=div_id,
        validate=True,
    )
    return html


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The full plotly.js bundle shipped with the installed plotly package (for inline use).

    Any ``</script`` inside the bundle is escaped so that it cannot close the surrounding
    inline ``<script>`` element early.
    """
    js: str = plotly.offline.get_plotlyjs()
    return js.replace("</script", "<\\/script")


def world_choropleth_trace(
    geojson: dict[str, Any],
    locations: list[str],
    values: list[float | None],
    *,
    name: str = "",
    colorscale: str = "YlOrRd",
    reversescale: bool = False,
    hover_text: list[str] | None = None,
    colorbar_title: str = "",
) -> go.Choropleth:
    """A choropleth trace that draws countries from ``geojson`` (features keyed by ISO3 ``id``).

    Missing values are passed as ``None`` so that the country is drawn in the missing-data
    colour rather than being dropped from the map. Use with :func:`style_offline_geo` on the
    figure so that no basemap is requested.
    """
    return go.Choropleth(
        geojson=geojson,
        featureidkey="id",
        locations=locations,
        z=values,
        name=name,
        colorscale=colorscale,
        reversescale=reversescale,
        text=hover_text,
        hovertemplate="%{text}<extra></extra>" if hover_text is not None else None,
        marker={"line": {"color": "#ffffff", "width": 0.3}},
        colorbar={"title": {"text": colorbar_title, "side": "right"}, "thickness": 14, "len": 0.8},
    )


def style_offline_geo(fig: go.Figure) -> go.Figure:
    """Switch off Plotly's built-in basemap on every geo subplot of ``fig`` (returns ``fig``).

    With ``visible=False`` plotly.js draws only the traces' own GeoJSON shapes and does not
    download its TopoJSON basemap; ``fitbounds="geojson"`` frames the supplied outlines.
    """
    fig.update_geos(
        visible=False,
        fitbounds="geojson",
        projection_type="natural earth",
        bgcolor="rgba(0,0,0,0)",
    )
    return fig


_EMPTY_LAYER = {"type": "GeometryCollection", "geometries": []}
_EMPTY_BASEMAP = {
    "type": "Topology",
    "arcs": [],
    "objects": {
        name: _EMPTY_LAYER
        for name in ("land", "ocean", "lakes", "rivers", "countries", "coastlines", "subunits")
    },
}


def offline_geo_assets_js() -> str:
    """JavaScript that registers an empty basemap with plotly.js, to run before plotly.js loads.

    plotly.js downloads a TopoJSON basemap from its CDN for every geo subplot whose trace sets a
    ``locationmode``, and a GeoJSON choropleth always does (``"geojson-id"``), even when the
    basemap is hidden. plotly.js looks the basemap up in ``window.PlotlyGeoAssets`` first, so
    registering an empty topology for every scope and resolution under that name keeps the
    page from making any request; the countries are drawn from the trace's own GeoJSON.
    """
    scopes = ("world", "usa", "europe", "asia", "africa", "north-america", "south-america")
    assets = {
        f"{scope}_{resolution}m": _EMPTY_BASEMAP for scope in scopes for resolution in (50, 110)
    }
    payload = json.dumps({"topojson": assets}, separators=(",", ":"))
    return f"window.PlotlyGeoAssets = window.PlotlyGeoAssets || {payload};"

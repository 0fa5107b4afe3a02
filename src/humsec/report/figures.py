"""Plotly figures as offline HTML fragments.

The report embeds Plotly's JavaScript once, inline, in the page head (see
:func:`plotly_js`): humsec's own partial plotly.js bundle (``report/assets/``, built by
``scripts/build_plotly_bundle.py``), which registers only the trace types the report and the
dashboard draw (:data:`PLOTLY_TRACES`), about a third of the full bundle. Every figure is then
a plain ``<div>`` plus a short inline script. Nothing is fetched from the network: no CDN
script, no Mapbox or MapLibre tiles, no TopoJSON basemap. Maps therefore draw their own
country outlines from the bundled GeoJSON (see :func:`with_geojson`), because Plotly's built-in
geo basemap would download TopoJSON from a CDN.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io

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


def figure_html(fig: go.Figure | dict[str, Any], *, div_id: str | None = None) -> str:
    """Return ``fig`` as an HTML fragment (a ``<div>`` and an inline ``<script>``).

    The fragment relies on the page loading plotly.js once (the report builder does that);
    it contains no ``<script src>``. ``div_id`` gives the figure a stable element id, which
    makes in-page links and browser tests reliable; it must start with a letter and hold only
    letters, digits, ``-`` and ``_``.

    ``fig`` may also be a figure dict (``{"data": [...], "layout": {...}}``) made from a
    validated figure, e.g. ``fig.to_dict()`` with a large GeoJSON attached afterwards: plotly
    deep-copies graph objects on every step, which costs seconds for world outlines, while a
    dict is serialised as it is.
    """
    if isinstance(fig, dict):
        if not isinstance(fig.get("data"), list):
            raise HumsecError(
                "a figure dict needs a 'data' list of traces",
                hint="build it with go.Figure(...).to_dict()",
            )
    elif not isinstance(fig, go.Figure):
        raise HumsecError(
            f"figure_html needs a plotly.graph_objects.Figure, got {type(fig).__name__}",
            hint="build the chart with plotly.graph_objects or plotly.express",
        )
    if div_id is not None and not _DIV_ID.match(div_id):
        raise HumsecError(
            f"invalid figure div id {div_id!r}",
            hint="start with a letter and use only letters, digits, '-' and '_'",
        )
    html: str = plotly.io.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
        div_id=div_id,
        validate=not isinstance(fig, dict),
    )
    return html.replace(json.dumps(_WORLD_PLACEHOLDER), WORLD_JS)


PLOTLY_TRACES = ("scatter", "bar", "heatmap", "scatterpolar", "choropleth", "scattergeo")
"""The plotly.js trace types in humsec's bundle; a figure with any other type would not draw
(``scripts/build_plotly_bundle.py`` lists the same, and rebuilds the bundle)."""

PLOTLY_BUNDLE = "plotly-humsec.min.js"
"""File name of humsec's partial plotly.js bundle in ``humsec/report/assets/``."""


def plotly_bundle_path() -> Path:
    """The path of humsec's partial plotly.js bundle (MIT licence and provenance beside it).

    Read through ``humsec``'s own resources, so that the dashboard can serve the file without
    importing the report's sections.
    """
    return Path(str(resources.files("humsec") / "report" / "assets" / PLOTLY_BUNDLE))


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """humsec's partial plotly.js bundle as text, for inline use in the report's head.

    Any ``</script`` inside the bundle is escaped so that it cannot close the surrounding
    inline ``<script>`` element early.
    """
    js = plotly_bundle_path().read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script")


WORLD_JS = "window.humsecWorld"
"""The page's one copy of the world outlines (see :func:`world_geometry_script`)."""
_WORLD_PLACEHOLDER = "__HUMSEC_WORLD_GEOMETRY__"


def share_world_geometry(figure: dict[str, Any], traces: list[int]) -> dict[str, Any]:
    """``figure`` (a dict) with the given choropleth traces drawing from the page's shared
    world outlines instead of their own copy (returns a new dict).

    The world outlines are about 1.4 MB of JSON; with two world maps that was half the page.
    A choropleth draws only the features its ``locations`` name, so every world map can refer
    to the full world collection; the report builder puts it in the page once, before the
    first map (:func:`world_geometry_script`).
    """
    data = [dict(trace) for trace in figure["data"]]
    for index in traces:
        if not 0 <= index < len(data) or data[index].get("featureidkey") != "id":
            raise HumsecError(
                f"trace {index} is not a choropleth keyed by feature id",
                hint="build it with geojson=EMPTY_GEOJSON and featureidkey='id'",
            )
        data[index]["geojson"] = _WORLD_PLACEHOLDER
    return {**figure, "data": data}


@lru_cache(maxsize=1)
def world_outlines() -> dict[str, Any]:
    """The bundled world outlines (:func:`humsec.data.world_geojson`), parsed once per process
    and shared by the report's world maps and the page's one copy of them (three parses of
    1.4 MB of JSON before, ~0.1 CPU-s each). Read it, never change it."""
    from humsec.data import world_geojson

    return world_geojson()


def world_geometry_script(geojson: dict[str, Any]) -> str:
    """The ``<script>`` defining the shared world outlines, to precede the first world map."""
    payload = json.dumps(geojson, separators=(",", ":")).replace("</", "<\\/")
    return f"<script>{WORLD_JS} = {payload};</script>"


EMPTY_GEOJSON: dict[str, Any] = {"type": "FeatureCollection", "features": []}
"""Placeholder for a choropleth's ``geojson`` while the figure is built (see
:func:`with_geojson`)."""


def with_geojson(fig: go.Figure, geojson_by_trace: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """``fig`` as a dict with the given GeoJSON attached to the given trace indices.

    Build choropleth traces with ``geojson=EMPTY_GEOJSON`` (so plotly validates everything
    else and sets ``locationmode="geojson-id"``), then attach the real outlines here: the
    outlines skip plotly's deep copies, which take seconds for a world map. Pass the result to
    :func:`figure_html`.
    """
    figure: dict[str, Any] = fig.to_dict()
    for index, geojson in geojson_by_trace.items():
        if not 0 <= index < len(figure["data"]):
            raise HumsecError(
                f"figure has no trace {index}",
                hint=f"trace indices run from 0 to {len(figure['data']) - 1}",
            )
        if geojson.get("type") not in ("FeatureCollection", "Feature"):
            raise HumsecError(
                f"GeoJSON for trace {index} must be a FeatureCollection or a Feature",
                hint="use humsec.data.world_geojson()",
            )
        figure["data"][index]["geojson"] = geojson
    return figure


def style_offline_geo(fig: go.Figure) -> go.Figure:
    """Switch off Plotly's built-in basemap on every geo subplot of ``fig`` (returns ``fig``).

    With ``visible=False`` plotly.js draws only the traces' own GeoJSON shapes (the report
    page registers an empty basemap so none is downloaded, see :func:`offline_geo_assets_js`).
    The frame is the whole world without Antarctica, centred on Greenwich: fitting the frame
    to the outlines instead would centre it on the Pacific, because Russia and Fiji cross
    the antimeridian.
    """
    fig.update_geos(
        visible=False,
        fitbounds=False,
        projection_type="natural earth",
        center={"lon": 10, "lat": 12},
        lataxis_range=[-58, 84],
        lonaxis_range=[-170, 190],
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

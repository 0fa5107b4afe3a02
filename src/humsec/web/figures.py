"""Plotly figures as plain JSON (data + layout), drawn in the browser by the served plotly.js.

The area map draws each area's polygons as a filled cartesian path coloured by its value, in
an equirectangular projection with the y axis scaled by ``1 / cos(mean latitude)``. It needs
no base map or topojson download (plotly.js' geo maps fetch one from a CDN), so it works
offline. Colours are interpolated linearly on the value's min–max range; areas without a value
are grey and listed as such in the hover text.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

# ColorBrewer YlOrRd (5 classes), light = low.
SCALE = ((0.0, "#ffffb2"), (0.25, "#fecc5c"), (0.5, "#fd8d3c"), (0.75, "#f03b20"), (1.0, "#bd0026"))
MISSING = "#d9d9d9"
FONT = {"family": "system-ui, sans-serif", "size": 12}


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def colour(fraction: float) -> str:
    """The colour of ``fraction`` (0-1) on :data:`SCALE`, linearly interpolated in RGB."""
    f = min(max(fraction, 0.0), 1.0)
    for (lo, a), (hi, b) in itertools.pairwise(SCALE):
        if f <= hi:
            t = (f - lo) / (hi - lo)
            ca, cb = _hex(a), _hex(b)
            r, g, bl = (round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))
            return f"#{r:02x}{g:02x}{bl:02x}"
    return SCALE[-1][1]


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def area_map(
    geojson: Mapping[str, Any],
    values: Mapping[str, float | None],
    *,
    title: str,
    unit: str = "",
    links: bool = True,
) -> dict[str, Any]:
    """A choropleth of ``values`` by p-code over the areas of ``geojson`` (``id`` = p-code)."""
    finite = [v for v in values.values() if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    span = high - low or 1.0
    lats: list[float] = []
    traces: list[dict[str, Any]] = []
    for feature in geojson["features"]:
        pcode = str(feature["id"])
        name = feature["properties"].get("name", pcode)
        value = values.get(pcode)
        has = value is not None and math.isfinite(value)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in _rings(feature["geometry"]):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
            lats += [p[1] for p in ring]
        shown = f"{value:,.3g} {unit}".strip() if has else "no value"
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": colour((value - low) / span) if has else MISSING,  # type: ignore[operator]
                "line": {"color": "#555", "width": 0.6},
                "name": name,
                "hoveron": "fills",
                "text": f"{name} ({pcode}): {shown}",
                "hoverinfo": "text",
                "showlegend": False,
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "colorscale": [[s, c] for s, c in SCALE],
                "cmin": low,
                "cmax": high,
                "color": [low],
                "showscale": True,
                "colorbar": {"title": {"text": unit}, "thickness": 14},
            },
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    mid = sum(lats) / len(lats) if lats else 0.0
    axis = {"visible": False, "fixedrange": False}
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "font": FONT,
            "xaxis": axis,
            "yaxis": {**axis, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid))},
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "height": 520,
            "plot_bgcolor": "#fff",
            "hovermode": "closest",
        },
    }


def scatter(
    x: Sequence[float],
    y: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    x_title: str,
    y_title: str,
    x_ref: float | None = None,
    y_ref: float | None = None,
) -> dict[str, Any]:
    """A labelled scatter with optional reference lines (e.g. the median of each axis)."""
    shapes = []
    if x_ref is not None:
        shapes.append(
            {
                "type": "line",
                "x0": x_ref,
                "x1": x_ref,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#888"},
            }
        )
    if y_ref is not None:
        shapes.append(
            {
                "type": "line",
                "y0": y_ref,
                "y1": y_ref,
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "line": {"dash": "dot", "color": "#888"},
            }
        )
    return {
        "data": [
            {
                "type": "scatter",
                "x": list(x),
                "y": list(y),
                "text": list(labels),
                "mode": "markers+text",
                "textposition": "top center",
                "textfont": {"size": 9},
                "marker": {"size": 9, "color": "#0b5cad", "opacity": 0.8},
                "hovertemplate": "%{text}<br>"
                + x_title
                + ": %{x:.2f}<br>"
                + y_title
                + ": %{y:.2f}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "font": FONT,
            "xaxis": {"title": {"text": x_title}, "zeroline": False},
            "yaxis": {"title": {"text": y_title}, "zeroline": False},
            "shapes": shapes,
            "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
            "height": 520,
        },
    }


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    x_title: str,
    errors: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Horizontal bars (largest on top), with optional ± error bars."""
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": list(values),
        "marker": {"color": "#0b5cad"},
    }
    if errors is not None:
        trace["error_x"] = {"type": "data", "array": list(errors), "visible": True}
    return {
        "data": [trace],
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "font": FONT,
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"l": 10, "r": 20, "t": 40, "b": 50},
            "height": max(260, 24 * len(labels) + 90),
        },
    }


def radar(
    labels: Sequence[str], scores: Sequence[float], *, title: str, top: float
) -> dict[str, Any]:
    """A closed radar (polar) line of criterion scores on ``0..top``."""
    return {
        "data": [
            {
                "type": "scatterpolar",
                "r": [*scores, scores[0]] if scores else [],
                "theta": [*labels, labels[0]] if labels else [],
                "fill": "toself",
                "line": {"color": "#0b5cad"},
                "hovertemplate": "%{theta}: %{r}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "font": FONT,
            "polar": {"radialaxis": {"range": [0, top], "dtick": 1}},
            "margin": {"l": 60, "r": 60, "t": 50, "b": 30},
            "height": 460,
            "showlegend": False,
        },
    }


def frontier(
    amounts: Sequence[float], objectives: Sequence[float | None], *, chosen: float, title: str
) -> dict[str, Any]:
    """The efficient frontier (best objective per budget) with the chosen budget marked."""
    return {
        "data": [
            {
                "type": "scatter",
                "x": list(amounts),
                "y": list(objectives),
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": "#0b5cad"},
                "name": "best portfolio",
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "font": FONT,
            "xaxis": {"title": {"text": "budget"}},
            "yaxis": {"title": {"text": "objective (weighted benefit)"}},
            "shapes": [
                {
                    "type": "line",
                    "x0": chosen,
                    "x1": chosen,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dot", "color": "#b42318"},
                }
            ],
            "margin": {"l": 70, "r": 20, "t": 40, "b": 50},
            "height": 380,
            "showlegend": False,
        },
    }

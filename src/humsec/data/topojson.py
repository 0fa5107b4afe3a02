"""Decode TopoJSON (the world-atlas country outlines) into a GeoJSON FeatureCollection.

TopoJSON stores each shared border once as an *arc*. With a ``transform`` the arcs are
quantised and delta-encoded: the first point is absolute, every later point is an offset from
the previous one. Decoding follows the TopoJSON 1.0 specification (Bostock):

* ``x_k = (sum_{j<=k} dx_j) * scale_x + translate_x`` and the same for ``y``;
* an arc index ``i >= 0`` means arc ``i`` as stored; ``~i`` (that is ``-i - 1``) means arc ``i``
  reversed;
* a ring is the concatenation of its arcs, dropping the first point of every arc after the
  first (it repeats the last point of the previous arc).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from humsec.errors import DataError

Ring = list[list[float]]


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Return every arc as an ``(n, 2)`` float array of longitude/latitude.

    Formula: cumulative sum of the quantised deltas, then ``q * scale + translate``
    (TopoJSON specification, section 2.1.3). Without a ``transform`` the arcs are absolute.
    """
    if topology.get("type") != "Topology" or "arcs" not in topology:
        raise DataError(
            "not a TopoJSON Topology (missing type 'Topology' or 'arcs')",
            hint="pass the parsed JSON of a TopoJSON file such as world-atlas countries-50m.json",
        )
    transform = topology.get("transform")
    arcs: list[np.ndarray] = []
    for raw in topology["arcs"]:
        points = np.asarray(raw, dtype=float)[:, :2]
        if transform is not None:
            points = np.cumsum(points, axis=0)
            points = points * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(points)
    return arcs


def _ring(arc_ids: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    parts = []
    for k, index in enumerate(arc_ids):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts, axis=0)


def _clean_ring(ring: np.ndarray, decimals: int) -> Ring | None:
    """Round, drop consecutive duplicates, keep the ring closed; ``None`` if degenerate."""
    rounded = np.round(ring, decimals)
    keep = np.ones(len(rounded), dtype=bool)
    keep[1:] = np.any(rounded[1:] != rounded[:-1], axis=1)
    rounded = rounded[keep]
    if len(rounded) and np.any(rounded[0] != rounded[-1]):
        rounded = np.vstack([rounded, rounded[:1]])
    if len(rounded) < 4:
        return None
    return [[float(x), float(y)] for x, y in rounded]


def ring_area(ring: Ring) -> float:
    """Planar shoelace area of a closed ring in squared degrees.

    Formula: ``A = |sum_i (x_i y_{i+1} - x_{i+1} y_i)| / 2``.
    """
    pts = np.asarray(ring)
    x, y = pts[:, 0], pts[:, 1]
    return float(abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0)


def geometry_to_geojson(
    geometry: dict[str, Any],
    arcs: list[np.ndarray],
    *,
    decimals: int = 2,
    min_area: float = 0.0,
) -> dict[str, Any] | None:
    """Convert one TopoJSON Polygon/MultiPolygon geometry into a GeoJSON MultiPolygon.

    Coordinates are rounded to ``decimals``; polygons whose outer ring is smaller than
    ``min_area`` squared degrees are dropped (tiny islands), but the largest polygon of a
    country is always kept so that no country disappears. Returns ``None`` for empty geometry.
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    elif kind is None:
        return None
    else:
        raise DataError(
            f"unsupported TopoJSON geometry type {kind!r}", hint="expected country polygons"
        )
    cleaned: list[list[Ring]] = []
    for polygon in polygons:
        rings = [_clean_ring(_ring(ids, arcs), decimals) for ids in polygon]
        if not rings or rings[0] is None:
            continue
        cleaned.append([r for r in rings if r is not None])
    if not cleaned:
        return None
    areas = [ring_area(p[0]) for p in cleaned]
    largest = int(np.argmax(areas))
    kept = [p for k, p in enumerate(cleaned) if k == largest or areas[k] >= min_area]
    return {"type": "MultiPolygon", "coordinates": kept}


def topology_to_features(
    topology: dict[str, Any], object_name: str, *, decimals: int = 2, min_area: float = 0.0
) -> list[dict[str, Any]]:
    """Decode every geometry of ``topology['objects'][object_name]`` into GeoJSON features.

    Each feature keeps the TopoJSON ``id`` and ``properties`` unchanged.
    """
    objects = topology.get("objects", {})
    if object_name not in objects:
        raise DataError(
            f"TopoJSON has no object {object_name!r}",
            hint=f"available objects: {', '.join(sorted(objects))}",
        )
    arcs = decode_arcs(topology)
    features = []
    for geometry in objects[object_name].get("geometries", []):
        geo = geometry_to_geojson(geometry, arcs, decimals=decimals, min_area=min_area)
        if geo is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": dict(geometry.get("properties") or {}),
                "geometry": geo,
            }
        )
    return features

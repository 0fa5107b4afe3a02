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

import math
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


def _grid_ring(ring: np.ndarray, decimals: int) -> np.ndarray | None:
    """Snap a ring to the ``10**-decimals`` grid as int64, drop repeats, keep it closed.

    Working on integer grid points makes every later step (duplicate removal, the area test
    against ``min_area``) exact, so the bundled outlines come out byte-identical on every CPU:
    a float shoelace sum depends on the BLAS kernel's summation order, and a polygon whose area
    sits at the cutoff would otherwise flip between machines. ``None`` if degenerate.
    """
    grid = np.rint(ring * 10.0**decimals).astype(np.int64)
    keep = np.ones(len(grid), dtype=bool)
    keep[1:] = np.any(grid[1:] != grid[:-1], axis=1)
    grid = grid[keep]
    if len(grid) and np.any(grid[0] != grid[-1]):
        grid = np.vstack([grid, grid[:1]])
    if len(grid) < 4:
        return None
    return grid


def _grid_area_twice(grid: np.ndarray) -> int:
    """Twice the shoelace area of a closed integer ring, exactly (Python integers)."""
    x = [int(v) for v in grid[:, 0]]
    y = [int(v) for v in grid[:, 1]]
    return abs(sum(x[i] * y[i + 1] - x[i + 1] * y[i] for i in range(len(x) - 1)))


def _grid_to_ring(grid: np.ndarray, decimals: int) -> Ring:
    scale = 10.0**decimals
    return [[float(x) / scale, float(y) / scale] for x, y in grid.tolist()]


def ring_area(ring: Ring) -> float:
    """Planar shoelace area of a closed ring in squared degrees.

    Formula: ``A = |sum_i (x_i y_{i+1} - x_{i+1} y_i)| / 2``, summed in index order with
    ``math.fsum`` so that the result does not depend on the CPU's vector kernels.
    """
    terms = (
        ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)
    )
    return abs(math.fsum(terms)) / 2.0


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
    cleaned: list[list[np.ndarray]] = []
    for polygon in polygons:
        rings = [_grid_ring(_ring(ids, arcs), decimals) for ids in polygon]
        if not rings or rings[0] is None:
            continue
        cleaned.append([r for r in rings if r is not None])
    if not cleaned:
        return None
    # Compare areas on the integer grid: 2·A·10^(2·decimals) against the same scaling of
    # min_area, so that the cutoff test is exact.
    areas = [_grid_area_twice(p[0]) for p in cleaned]
    cutoff = 2.0 * min_area * 10.0 ** (2 * decimals)
    largest = int(np.argmax(areas))
    kept = [
        [_grid_to_ring(r, decimals) for r in p]
        for k, p in enumerate(cleaned)
        if k == largest or areas[k] >= cutoff
    ]
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

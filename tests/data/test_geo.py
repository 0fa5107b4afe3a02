"""TopoJSON decoding and the bundled world outlines."""

from __future__ import annotations

from typing import Any

import pytest

from humsec.data import countries, topology_to_features, world_geojson
from humsec.data.topojson import decode_arcs, ring_area
from humsec.errors import DataError

# A unit square split into two triangles sharing the diagonal arc, quantised with scale 0.5.
TOPOLOGY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
    "arcs": [
        [[0, 0], [2, 2]],  # diagonal (0,0)->(2,2) quantised, i.e. (10,20)->(11,21)
        [[2, 2], [-2, 0], [0, -2]],  # (11,21)->(10,21)->(10,20)
        [[0, 0], [2, 0], [0, 2]],  # (10,20)->(11,20)->(11,21)
    ],
    "objects": {
        "shapes": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "A", "arcs": [[0, 1]], "properties": {"name": "a"}},
                {"type": "Polygon", "id": "B", "arcs": [[2, -1]], "properties": {"name": "b"}},
                {"type": None, "id": "C"},
            ],
        }
    },
}


def test_arcs_are_delta_decoded_and_transformed() -> None:
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[1].tolist() == [[11.0, 21.0], [10.0, 21.0], [10.0, 20.0]]


def test_polygons_join_arcs_and_reverse_negative_ids() -> None:
    features = topology_to_features(TOPOLOGY, "shapes")
    assert [f["id"] for f in features] == ["A", "B"]  # the null geometry is skipped
    ring_a = features[0]["geometry"]["coordinates"][0][0]
    assert ring_a == [[10.0, 20.0], [11.0, 21.0], [10.0, 21.0], [10.0, 20.0]]
    ring_b = features[1]["geometry"]["coordinates"][0][0]
    # arc 2 forward, then arc 0 reversed (~0 == -1): (11,21)->(10,20)
    assert ring_b == [[10.0, 20.0], [11.0, 20.0], [11.0, 21.0], [10.0, 20.0]]
    assert ring_area(ring_a) == pytest.approx(0.5)
    assert features[1]["properties"] == {"name": "b"}


def test_unknown_object_is_an_error() -> None:
    with pytest.raises(DataError, match="shapes"):
        topology_to_features(TOPOLOGY, "countries")
    with pytest.raises(DataError):
        decode_arcs({"type": "FeatureCollection"})


def test_world_has_iso3_features() -> None:
    world = world_geojson()
    assert world["type"] == "FeatureCollection"
    ids = [f["id"] for f in world["features"]]
    assert len(ids) >= 180 and len(ids) == len(set(ids))
    assert set(ids) <= set(countries()["iso3"])
    assert {"KEN", "NOR", "BRA", "XKX", "SOM", "CYP"} <= set(ids)
    kenya = next(f for f in world["features"] if f["id"] == "KEN")
    assert kenya["properties"]["name"] == "Kenya"
    lon = [x for poly in kenya["geometry"]["coordinates"] for x, _ in poly[0]]
    lat = [y for poly in kenya["geometry"]["coordinates"] for _, y in poly[0]]
    # Kenya spans about 33.9-41.9 E and 4.7 S-5.0 N.
    assert 33.5 < min(lon) < 34.5 and 41.5 < max(lon) < 42.5
    assert -5.0 < min(lat) < -4.4 and 4.4 < max(lat) < 5.5


def test_world_is_a_fresh_copy() -> None:
    first = world_geojson()
    first["features"].clear()
    assert len(world_geojson()["features"]) >= 180


def test_world_is_not_a_table() -> None:
    from humsec.data import load
    from humsec.errors import DatasetNotFoundError

    with pytest.raises(DatasetNotFoundError, match="world_geojson"):
        load("world")


def test_decoding_inverts_delta_quantisation() -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    for _ in range(50):
        quantised = rng.integers(-5000, 5000, size=(int(rng.integers(2, 40)), 2))
        scale, shift = float(rng.uniform(0.001, 2.0)), float(rng.uniform(-180, 180))
        deltas = np.vstack([quantised[:1], np.diff(quantised, axis=0)])
        topology = {
            "type": "Topology",
            "transform": {"scale": [scale, scale], "translate": [shift, -shift]},
            "arcs": [deltas.tolist()],
        }
        decoded = decode_arcs(topology)[0]
        assert np.allclose(decoded, quantised * scale + np.array([shift, -shift]))


def test_min_area_cutoff_is_exact_at_the_boundary() -> None:
    """An island of exactly ``min_area`` is kept on every CPU (the area test runs on the
    integer rounding grid, not on float sums whose last digit depends on the BLAS kernel)."""
    # Main square of 1 deg², plus a 0.1 × 0.1 island at 0.3-ish offsets: area 0.01 exactly on
    # the 2-decimal grid, although 0.1 and 0.3 are not exact in binary.
    main = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    island = [[5.3, 5.3], [5.4, 5.3], [5.4, 5.4], [5.3, 5.4], [5.3, 5.3]]
    topology = {
        "type": "Topology",
        "arcs": [main, island],
        "objects": {
            "o": {"geometries": [{"type": "MultiPolygon", "id": "X", "arcs": [[[0]], [[1]]]}]}
        },
    }
    kept = topology_to_features(topology, "o", decimals=2, min_area=0.01)
    assert len(kept[0]["geometry"]["coordinates"]) == 2
    dropped = topology_to_features(topology, "o", decimals=2, min_area=0.0101)
    assert len(dropped[0]["geometry"]["coordinates"]) == 1

"""World country outlines as GeoJSON (feature ``id`` = ISO3, ``properties.name``)."""

from __future__ import annotations

import copy
import gzip
import json
from functools import cache
from typing import Any

from humsec.data.catalog import dataset


@cache
def _world() -> dict[str, Any]:
    entry = dataset("world")
    with gzip.open(entry.path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def world_geojson() -> dict[str, Any]:
    """The bundled world outlines: a GeoJSON FeatureCollection of country MultiPolygons.

    Each feature has ``id`` = ISO3 and ``properties.name``; built from Natural Earth 1:50m via
    world-atlas (coordinates rounded to 0.01 degree). Returns a fresh deep copy.
    """
    return copy.deepcopy(_world())

"""World country outlines as GeoJSON (feature ``id`` = ISO3, ``properties.name``)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from humsec.data.catalog import dataset


@cache
def _world_text() -> str:
    return dataset("world").path.read_text(encoding="utf-8")


def world_geojson() -> dict[str, Any]:
    """The bundled world outlines: a GeoJSON FeatureCollection of country MultiPolygons.

    Each feature has ``id`` = ISO3 and ``properties.name``; built from Natural Earth 1:50m via
    world-atlas (coordinates rounded to 0.01 degree, islands under 0.01 square degrees
    dropped). Every call returns a new, independent dict.
    """
    data: dict[str, Any] = json.loads(_world_text())
    return data

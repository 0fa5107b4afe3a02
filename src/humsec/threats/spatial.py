"""Neighbours between countries from the bundled world outlines, and spatial lags.

Two definitions of "neighbour", both built with libpysal (Rey & Anselin 2007):

- ``"contiguity"``: queen contiguity, countries whose outlines share at least one point;
- ``"distance"``: a distance band, countries whose representative points (a point inside
  each outline) lie within ``band_km`` kilometres on the sphere (great-circle distance,
  Earth radius 6,371 km).

The spatial lag of a variable is the mean over a unit's neighbours with a value,
``(W·z)_i = Σ_j w_ij z_j / Σ_j w_ij`` (row-standardised over available neighbours); a unit
with no neighbour (an island) or no neighbour with a value gets a missing lag, which the
estimation counts and drops, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from humsec.errors import DataError

SpatialKind = Literal["contiguity", "distance"]
EARTH_RADIUS_KM = 6371.0088


def neighbours_from_geometry(
    frame: Any, ids: Sequence[str], kind: SpatialKind = "contiguity", band_km: float = 1000.0
) -> pd.DataFrame:
    """Neighbouring pairs of any set of outlines (a GeoDataFrame in longitude/latitude, e.g.
    a project's admin areas): columns ``iso3`` (the unit) and ``neighbour``, symmetric."""
    import warnings

    from libpysal.weights import DistanceBand, Queen

    _check_kind(kind, band_km)
    names = [str(i) for i in ids]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "contiguity":
            weights = Queen.from_dataframe(frame, ids=names, use_index=False, silence_warnings=True)
        else:
            points = frame.geometry.representative_point()
            weights = DistanceBand(
                np.column_stack([points.x, points.y]),
                threshold=band_km,
                distance_metric="arc",
                radius=EARTH_RADIUS_KM,
                ids=names,
                binary=True,
                silence_warnings=True,
            )
    pairs = sorted((str(a), str(b)) for a, targets in weights.neighbors.items() for b in targets)
    return pd.DataFrame(pairs, columns=["iso3", "neighbour"])


@cache
def _country_pairs(kind: str, band_km: float) -> tuple[tuple[str, str], ...]:
    import geopandas as gpd

    from humsec.data import world_geojson

    features = world_geojson()["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs=4326)
    ids = [str(f["id"]) for f in features]
    pairs = neighbours_from_geometry(frame, ids, kind, band_km)  # type: ignore[arg-type]
    return tuple(zip(pairs["iso3"], pairs["neighbour"], strict=True))


def _check_kind(kind: str, band_km: float) -> None:
    if kind not in ("contiguity", "distance"):
        raise DataError(
            f"unknown neighbour definition {kind!r}",
            location="spatial=...",
            hint="use 'contiguity' (shared border) or 'distance' (within band_km)",
        )
    if not band_km > 0:
        raise DataError(f"band_km must be positive, got {band_km}", location="band_km")


def country_neighbours(kind: SpatialKind = "contiguity", band_km: float = 1000.0) -> pd.DataFrame:
    """Neighbouring country pairs from the bundled world geometry: columns ``iso3`` and
    ``neighbour``, one row per ordered pair (symmetric). ``kind`` is ``"contiguity"`` (queen)
    or ``"distance"`` (representative points within ``band_km`` km)."""
    _check_kind(kind, band_km)
    pairs = _country_pairs(kind, float(band_km) if kind == "distance" else 1.0)
    return pd.DataFrame(list(pairs), columns=["iso3", "neighbour"])


def spatial_lag(values: pd.Series, neighbours: pd.DataFrame) -> pd.Series:
    """Mean of each unit's neighbours' values in the same period.

    ``values`` is indexed by (unit, period); ``neighbours`` has columns ``iso3`` (unit) and
    ``neighbour``. Neighbours without a value are left out of the mean; a unit with none gets
    NaN.
    """
    unit_name, time_name = values.index.names
    frame = values.rename("value").reset_index()
    frame.columns = ["unit", "period", "value"]
    pairs = neighbours.rename(columns={"iso3": "unit", "neighbour": "other"})
    joined = pairs.merge(
        frame.rename(columns={"unit": "other"}).dropna(subset=["value"]), on="other"
    )
    means = joined.groupby(["unit", "period"])["value"].mean()
    index = pd.MultiIndex.from_frame(frame[["unit", "period"]])
    out = means.reindex(index)
    out.index = values.index
    out.index.names = [unit_name, time_name]
    return out

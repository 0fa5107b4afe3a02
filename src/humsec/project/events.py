"""Point events (e.g. UCDP GED conflict events) counted per area and year, by point in polygon.

Each event is placed in the area whose polygon contains it, found with a shapely STRtree
(bounding-box index, then an exact ``intersects`` test, so that a point on a shared border
goes to the first area in file order). Events that fall in no area (offshore, across the
border, bad coordinates) are counted and reported, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.errors import ColumnError
from humsec.project.boundaries import BoundaryLayer


@dataclass(frozen=True)
class EventCounts:
    """Events per area and year: ``table`` (``pcode, year, events, weight``) with every
    area-year of the covered years (0 where no event was recorded), the per-event ``pcode``
    assignment, and how many events fell outside every area."""

    table: pd.DataFrame
    assigned: pd.Series
    outside: int

    def to_frame(self) -> pd.DataFrame:
        """The area-year counts."""
        return self.table.copy()


def locate_points(lat: np.ndarray, lon: np.ndarray, layer: BoundaryLayer) -> np.ndarray:
    """The p-code of the area containing each point (``None`` where no area does).

    STRtree ``query(points, predicate="intersects")`` returns (point, area) index pairs; the
    first area per point is kept (areas in file order), so a border point is counted once.
    """
    import shapely

    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    geoms = np.asarray(layer.frame.geometry.to_numpy())
    tree = shapely.STRtree(geoms)
    point_idx, area_idx = tree.query(points, predicate="intersects")
    order = np.lexsort((area_idx, point_idx))
    point_idx, area_idx = point_idx[order], area_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    pcodes = np.asarray(layer.frame["pcode"].astype(str).to_numpy(), dtype=object)
    out = np.full(len(points), None, dtype=object)
    out[point_idx[first]] = pcodes[area_idx[first]]
    return out


def count_events(
    events: pd.DataFrame,
    layer: BoundaryLayer,
    *,
    lat: str,
    lon: str,
    year: str,
    weight: str | None = None,
    years: tuple[int, int] | None = None,
) -> EventCounts:
    """Count ``events`` per area and year (and sum ``weight``, e.g. fatalities ``best``).

    ``table`` holds every area x year from the first to the last event year (or ``years``),
    0 where the area had no recorded event: for an event dataset such as UCDP GED, an
    area-year without an event means none was recorded, not missing data.
    """
    for column in (lat, lon, year, *([weight] if weight else [])):
        if column not in events.columns:
            raise ColumnError(
                f"the event table has no column {column!r}",
                location=str(events.attrs.get("source", "events")),
            )
    y = pd.to_numeric(events[year], errors="coerce")
    pcode = locate_points(
        pd.to_numeric(events[lat], errors="coerce").to_numpy(),
        pd.to_numeric(events[lon], errors="coerce").to_numpy(),
        layer,
    )
    frame = pd.DataFrame({"pcode": pcode, "year": y, "events": 1})
    frame["weight"] = (
        pd.to_numeric(events[weight], errors="coerce").to_numpy() if weight else np.nan
    )
    inside = frame["pcode"].notna() & frame["year"].notna()
    counted = (
        frame[inside]
        .groupby(["pcode", "year"], as_index=False)[["events", "weight"]]
        .sum(min_count=1)
    )
    first, last = years or (int(y.min()), int(y.max()))
    grid = pd.MultiIndex.from_product(
        [layer.pcodes, range(first, last + 1)], names=["pcode", "year"]
    )
    table = (
        counted.astype({"year": int})
        .set_index(["pcode", "year"])
        .reindex(grid)
        .fillna({"events": 0, "weight": 0 if weight else np.nan})
        .reset_index()
    )
    table["events"] = table["events"].astype(int)
    return EventCounts(
        table, pd.Series(pcode, index=events.index, name="pcode"), int((~inside).sum())
    )

"""Area boundaries: read OCHA COD-AB style files, detect their fields, check them, draw them.

Files are read with GDAL through pyogrio and geopandas (GeoJSON, TopoJSON, zipped Shapefile,
GeoPackage); nothing here parses a geometry format by hand. A multi-layer file (an OCHA zip or
GeoPackage holds every admin level) is narrowed to the layer of the wanted level by its name
(``…_adm1_…``). Geometries are returned in WGS 84 (EPSG:4326).

For display, :func:`display_geojson` simplifies the areas as a coverage (shared edges stay
shared, so neighbours never gap or overlap; ``shapely.coverage_simplify``, Visvalingam-Whyatt)
and rounds coordinates, so that the report carries one small geometry object for all maps.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError
from humsec.project.problems import Problems, unknown_codes_text

if TYPE_CHECKING:
    import geopandas as gpd

FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".topojson": "TopoJSON",
    ".zip": "zipped Shapefile",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
}


def _pcode_candidates(level: int) -> list[str]:
    return [
        f"ADM{level}_PCODE",
        f"admin{level}Pcode",
        f"ADM{level}_CODE",
        f"adm{level}_pcode",
        f"ADM{level}PCODE",
        "PCODE",
        "pcode",
        "p_code",
    ]


def _name_candidates(level: int) -> list[str]:
    return [
        f"ADM{level}_EN",
        f"ADM{level}_PT",
        f"ADM{level}_FR",
        f"ADM{level}_ES",
        f"ADM{level}_NAME",
        f"admin{level}Name_en",
        f"admin{level}Name",
        f"ADM{level}_REF",
        "NAME",
        "name",
    ]


def detect_field(columns: Sequence[str], level: int, kind: str) -> str | None:
    """The p-code (``kind='pcode'``) or name (``kind='name'``) field for admin ``level``.

    Looks for the OCHA COD names first (``ADM1_PCODE``, ``ADM1_EN``/``_PT``/``_FR``, the older
    ``admin1Pcode``/``admin1Name_en``), case-insensitively; ``None`` if none is present.
    """
    candidates = _pcode_candidates(level) if kind == "pcode" else _name_candidates(level)
    lower = {str(c).lower(): str(c) for c in columns}
    for name in candidates:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _source(path: Path) -> str:
    """The path as GDAL should open it (zip archives through /vsizip/)."""
    if path.suffix.lower() == ".zip":
        return f"/vsizip/{path.resolve()}"
    return str(path)


def list_layers(path: str | Path) -> list[str]:
    """Layer names of a boundary file (one for GeoJSON, several for a GeoPackage or zip)."""
    import pyogrio

    file = Path(path)
    if not file.is_file():
        raise DataError(
            "boundary file not found",
            location=str(file),
            hint="give the path of a GeoJSON, TopoJSON, zipped Shapefile or GeoPackage",
        )
    if file.suffix.lower() == ".zip":
        with zipfile.ZipFile(file) as archive:
            shapes = [n for n in archive.namelist() if n.lower().endswith(".shp")]
        if shapes:
            return [f"{Path(n).with_suffix('')}" for n in sorted(shapes)]
    try:
        layers = pyogrio.list_layers(_source(file))
    except Exception as error:  # GDAL raises its own error types for unreadable files
        raise DataError(
            f"cannot read the boundary file: {error}",
            location=str(file),
            hint=f"formats: {', '.join(sorted(set(FORMATS.values())))}",
        ) from error
    return [str(row[0]) for row in layers]


def choose_layer(path: str | Path, level: int, layer: str | None = None) -> str | None:
    """The layer holding admin ``level``: ``layer`` if given, else the only layer, else the
    one whose name contains ``adm{level}`` (``moz_admbnda_adm1_ine_20190607``)."""
    layers = list_layers(path)
    if layer is not None:
        if layer not in layers:
            raise DataError(
                f"no layer {layer!r} in the boundary file",
                location=str(path),
                hint=f"layers: {', '.join(layers)}",
            )
        return layer
    if len(layers) <= 1:
        return layers[0] if layers else None
    pattern = re.compile(rf"(^|[^a-z0-9])adm(in)?_?{level}([^0-9]|$)", re.IGNORECASE)
    matches = [name for name in layers if pattern.search(Path(name).name)]
    if len(matches) == 1:
        return matches[0]
    raise DataError(
        f"the boundary file has {len(layers)} layers and "
        + ("none" if not matches else f"{len(matches)}")
        + f" named for admin level {level}",
        location=str(path),
        hint=f"pick one with --layer; layers: {', '.join(layers)}",
    )


@dataclass(frozen=True)
class BoundaryLayer:
    """Areas read from a boundary file: p-code, name, parent p-code (if any) and geometry."""

    frame: gpd.GeoDataFrame
    file: Path
    level: int
    layer: str | None
    pcode_field: str
    name_field: str | None

    @property
    def pcodes(self) -> list[str]:
        """The p-codes in file order."""
        return [str(p) for p in self.frame["pcode"]]


def read_boundaries(
    path: str | Path,
    level: int,
    *,
    layer: str | None = None,
    pcode_field: str | None = None,
    name_field: str | None = None,
) -> BoundaryLayer:
    """Read the admin-``level`` areas of a boundary file (see the module docstring).

    The p-code and name fields are detected (:func:`detect_field`) unless given; a missing
    field raises :class:`ColumnError` naming the fields the file has and the option to pass.
    The parent p-code comes from ``ADM{level-1}_PCODE`` when the file has it.
    """
    import geopandas as gpd

    file = Path(path)
    chosen = choose_layer(file, level, layer)
    source = _source(file)
    if file.suffix.lower() == ".zip" and chosen is not None:
        source = f"{source}/{chosen}.shp"
        chosen = None
    try:
        frame = gpd.read_file(source, layer=chosen, engine="pyogrio")
    except Exception as error:  # GDAL's own error types
        raise DataError(
            f"cannot read the boundary file: {error}",
            location=str(file),
            hint="check that it is a GeoJSON, TopoJSON, zipped Shapefile or GeoPackage",
        ) from error
    columns = [str(c) for c in frame.columns if c != "geometry"]
    where = f"{file}" + (f" (layer {layer or chosen})" if (layer or chosen) else "")
    pcode = pcode_field or detect_field(columns, level, "pcode")
    if pcode is None or pcode not in frame.columns:
        raise ColumnError(
            f"no p-code field {pcode_field + ' ' if pcode_field else ''}for admin level {level}",
            location=where,
            hint=f"pass --pcode-field; the file has: {', '.join(columns)}",
        )
    name = name_field or detect_field(columns, level, "name")
    if name_field is not None and name_field not in frame.columns:
        raise ColumnError(
            f"no name field {name_field!r}",
            location=where,
            hint=f"pass --name-field; the file has: {', '.join(columns)}",
        )
    parent = detect_field(columns, level - 1, "pcode") if level > 1 else None
    parent_name = detect_field(columns, level - 1, "name") if parent else None
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    out = gpd.GeoDataFrame(
        {
            "pcode": frame[pcode].astype(str).str.strip(),
            "name": frame[name].astype(str).str.strip() if name else frame[pcode].astype(str),
            "parent": frame[parent].astype(str).str.strip() if parent else None,
            "parent_name": frame[parent_name].astype(str).str.strip() if parent_name else None,
        },
        geometry=frame.geometry.make_valid(),
        crs="EPSG:4326",
    )
    return BoundaryLayer(out, file, level, layer or chosen, pcode, name)


def check_boundaries(
    layer: BoundaryLayer, pcodes: Sequence[str], location: str, problems: Problems
) -> None:
    """Record how the boundary features and the project's areas of that level disagree.

    Lists p-codes without a feature, features whose p-code is not an area (with the closest
    area p-codes), duplicated features and empty geometries.
    """
    have = layer.frame["pcode"]
    dup = sorted(set(have[have.duplicated()]))
    if dup:
        problems.add(
            f"{location}: {layer.pcode_field}",
            f"{len(dup)} p-code(s) appear on more than one feature: {', '.join(dup[:10])}",
            "dissolve the features by p-code before adding the file",
        )
    wanted = set(pcodes)
    extra = sorted(set(have) - wanted)
    missing = sorted(wanted - set(have))
    if extra:
        problems.add(
            f"{location}: {layer.pcode_field}",
            f"{len(extra)} feature(s) are not in the project's area list: "
            + unknown_codes_text(extra, sorted(wanted)),
            "fix the p-codes, or add the areas to `areas:` in humsec.yaml",
        )
    if missing:
        problems.add(
            f"{location}: {layer.pcode_field}",
            f"{len(missing)} area(s) of level {layer.level} have no boundary: "
            + ", ".join(missing[:20])
            + (" …" if len(missing) > 20 else ""),
            "use a boundary file covering every area of the level",
        )
    empty = layer.frame.geometry.is_empty | layer.frame.geometry.isna()
    if bool(empty.any()):
        bad = ", ".join(map(str, layer.frame.loc[empty, "pcode"].head(10)))
        problems.add(
            f"{location}: geometry", f"{int(empty.sum())} feature(s) have no geometry: {bad}"
        )


def areas_from_boundaries(layer: BoundaryLayer, country_parent: str | None) -> pd.DataFrame:
    """The area list a boundary layer defines: ``pcode, name, level, parent``."""
    parent = layer.frame["parent"]
    return pd.DataFrame(
        {
            "pcode": layer.frame["pcode"],
            "name": layer.frame["name"],
            "level": layer.level,
            "parent": parent if parent.notna().any() else country_parent,
        }
    )


def display_geojson(
    layer: BoundaryLayer, tolerance: float = 0.01, decimals: int = 3
) -> dict[str, Any]:
    """A small GeoJSON FeatureCollection of the areas for maps (``id`` = p-code).

    The areas are simplified together as a coverage (``shapely.coverage_simplify`` with
    ``tolerance`` in degrees, boundaries shared between neighbours simplified once), then
    coordinates are rounded to ``decimals`` (1e-3° is about 110 m). Where the input is not a
    valid coverage, each area is simplified on its own with topology preserved.
    """
    import shapely

    geoms = np.asarray(layer.frame.geometry.to_numpy())
    try:
        simple = shapely.coverage_simplify(geoms, tolerance)
    except Exception:  # not a valid coverage (overlaps): fall back to per-area simplify
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 10.0**-decimals)
    features = []
    for pcode, name, geom in zip(layer.frame["pcode"], layer.frame["name"], simple, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": str(pcode),
                "properties": {"name": str(name)},
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    return {"type": "FeatureCollection", "features": features}

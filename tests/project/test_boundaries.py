"""Boundary files in the formats OCHA ships, layer choice by admin level, field detection,
checks against the area list, and the simplified display geometry."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from humsec.errors import ColumnError, DataError
from humsec.project import display_geojson, read_boundaries
from humsec.project.boundaries import check_boundaries, detect_field
from humsec.project.problems import Problems

from .conftest import boundary_frame


def _adm2() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "ADM2_PCODE": ["AA0101", "AA0102"],
            "ADM2_PT": ["Oeste A", "Oeste B"],
            "ADM1_PCODE": ["AA01", "AA01"],
        },
        geometry=[box(0, 0, 0.5, 1), box(0.5, 0, 1, 1)],
        crs="EPSG:4326",
    )


def test_detects_ocha_fields() -> None:
    assert detect_field(["ADM0_EN", "ADM1_PCODE", "ADM1_EN"], 1, "pcode") == "ADM1_PCODE"
    assert detect_field(["admin2Pcode", "admin2Name_en"], 2, "name") == "admin2Name_en"
    assert detect_field(["adm1_pcode"], 1, "pcode") == "adm1_pcode"
    assert detect_field(["code", "label"], 1, "pcode") is None


def test_topojson_is_read_by_gdal(tmp_path: Path) -> None:
    # Two unit squares sharing the arc x = 1 (arc 0 drawn forwards by West, reversed by East).
    topology = {
        "type": "Topology",
        "objects": {
            "adm1": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"ADM1_PCODE": "AA01"}},
                    {"type": "Polygon", "arcs": [[2, -1]], "properties": {"ADM1_PCODE": "AA02"}},
                ],
            }
        },
        "arcs": [
            [[1, 0], [1, 1]],
            [[1, 1], [0, 1], [0, 0], [1, 0]],
            [[1, 0], [2, 0], [2, 1], [1, 1]],
        ],
    }
    path = tmp_path / "adm1.topojson"
    path.write_text(json.dumps(topology))
    layer = read_boundaries(path, 1)
    assert layer.pcodes == ["AA01", "AA02"]
    assert [round(g.area, 12) for g in layer.frame.geometry] == [1.0, 1.0]


def test_geopackage_layer_is_picked_by_admin_level(tmp_path: Path) -> None:
    path = tmp_path / "cod.gpkg"
    boundary_frame().to_file(path, layer="aaa_admbnda_adm1_2024", driver="GPKG")
    _adm2().to_file(path, layer="aaa_admbnda_adm2_2024", driver="GPKG")
    level2 = read_boundaries(path, 2)
    assert level2.layer == "aaa_admbnda_adm2_2024"
    assert level2.pcodes == ["AA0101", "AA0102"]
    assert list(level2.frame["name"]) == ["Oeste A", "Oeste B"]  # ADM2_PT detected
    assert list(level2.frame["parent"]) == ["AA01", "AA01"]
    assert read_boundaries(path, 1).pcodes == ["AA01", "AA02", "AA03"]
    with pytest.raises(DataError, match="layers"):
        read_boundaries(path, 3)


def test_zipped_shapefiles_one_per_level(tmp_path: Path) -> None:
    shp = tmp_path / "shp"
    shp.mkdir()
    boundary_frame().to_file(shp / "aaa_adm1.shp")
    _adm2().to_file(shp / "aaa_adm2.shp")
    archive = tmp_path / "cod-ab.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(shp.iterdir()):
            zf.write(file, f"cod/{file.name}")
    assert read_boundaries(archive, 2).pcodes == ["AA0101", "AA0102"]
    assert read_boundaries(archive, 1).pcodes == ["AA01", "AA02", "AA03"]


def test_missing_pcode_field_names_the_option(tmp_path: Path) -> None:
    frame = boundary_frame().rename(columns={"ADM1_PCODE": "code"})
    frame.to_file(tmp_path / "b.geojson", driver="GeoJSON")
    with pytest.raises(ColumnError, match="--pcode-field") as caught:
        read_boundaries(tmp_path / "b.geojson", 1)
    assert "code" in str(caught.value)
    assert read_boundaries(tmp_path / "b.geojson", 1, pcode_field="code").pcodes[0] == "AA01"


def test_mismatches_with_the_area_list_are_listed(tmp_path: Path) -> None:
    boundary_frame().to_file(tmp_path / "b.geojson", driver="GeoJSON")
    layer = read_boundaries(tmp_path / "b.geojson", 1)
    problems = Problems()
    check_boundaries(layer, ["AA01", "AA02", "AA04", "AA05"], "b.geojson", problems)
    text = [m for _, m, _ in problems.items]
    assert len(text) == 2
    assert (
        "1 feature(s) are not in the project's area list: 'AA03' (closest: AA01, AA02, AA04)"
        in text[0]
    )
    assert text[1] == "2 area(s) of level 1 have no boundary: AA04, AA05"


def test_display_geometry_is_simplified_and_keeps_shared_edges(tmp_path: Path) -> None:
    # A wiggly shared edge: 200 vertices along x = 1 between West and East.
    import numpy as np
    from shapely.geometry import Polygon

    ys = np.linspace(0, 1, 200)
    edge = [(1 + 0.001 * np.sin(40 * y), y) for y in ys]
    west = Polygon([(0, 0), *edge, (0, 1)])
    east = Polygon([*edge, (2, 1), (2, 0)][::-1])
    frame = gpd.GeoDataFrame(
        {"ADM1_PCODE": ["AA01", "AA02"]}, geometry=[west, east], crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "b.geojson", driver="GeoJSON")
    layer = read_boundaries(tmp_path / "b.geojson", 1)
    shown = display_geojson(layer, tolerance=0.01)
    from shapely.geometry import shape

    parts = [shape(f["geometry"]) for f in shown["features"]]
    assert [f["id"] for f in shown["features"]] == ["AA01", "AA02"]
    assert sum(len(p.exterior.coords) for p in parts) < 40  # from 408
    # Simplified together, the two areas still tile the 2 x 1 rectangle (no gap, no overlap).
    assert parts[0].intersection(parts[1]).area == pytest.approx(0.0, abs=1e-9)
    assert parts[0].union(parts[1]).area == pytest.approx(2.0, abs=1e-3)

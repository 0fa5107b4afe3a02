"""A tiny project on three square areas (AA01, AA02 north of them AA03), written fresh into a
temporary folder for each test, in every boundary format GDAL writes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from shapely.geometry import box

AREAS = [("AA01", "West"), ("AA02", "East"), ("AA03", "North")]
# West [0,1]x[0,1], East [1,2]x[0,1], North [0,2]x[1,2]: each 1, 1 and 2 square degrees.
GEOMS = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 2, 2)]


def boundary_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ADM1_PCODE": [a for a, _ in AREAS], "ADM1_EN": [n for _, n in AREAS]},
        geometry=GEOMS,
        crs="EPSG:4326",
    )


def write_project(root: Path, **overrides: object) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "boundaries").mkdir(exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    boundary_frame().to_file(root / "boundaries" / "adm1.geojson", driver="GeoJSON")
    pd.DataFrame(
        {
            "ADM1_PCODE": ["AA01", "AA02", "AA03", "AA01", "AA02", "AA03"],
            "year": [2019, 2019, 2019, 2020, 2020, 2020],
            "water": [10.0, 20.0, 30.0, 12.0, 22.0, 32.0],
            "school": [90.0, 80.0, 70.0, 91.0, 81.0, 71.0],
        }
    ).to_csv(root / "data" / "indicators.csv", index=False)
    config: dict[str, object] = {
        "name": "tiny",
        "country": "KEN",
        "admin_levels": [1],
        "areas": [{"pcode": a, "name": n, "level": 1} for a, n in AREAS],
        "boundaries": [
            {
                "file": "boundaries/adm1.geojson",
                "level": 1,
                "pcode_field": "ADM1_PCODE",
                "name_field": "ADM1_EN",
            }
        ],
        "datasets": [
            {
                "name": "census",
                "file": "data/indicators.csv",
                "role": "indicators",
                "columns": {"area": "ADM1_PCODE", "year": "year"},
                "indicators": [
                    {
                        "code": "water",
                        "direction": "higher_is_worse",
                        "pillar": "want",
                        "threats": ["lack_of_basic_infrastructure"],
                    },
                    {
                        "code": "school",
                        "direction": "higher_is_better",
                        "pillar": "want",
                        "threats": ["lack_of_education"],
                    },
                ],
            }
        ],
    }
    config.update(overrides)
    (root / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "tiny")


@pytest.fixture(scope="session")
def demo_analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    """A copy of the demo project with a short simulation (40 years), one alternative and a
    two-point frontier, and its context and plan analyses run once in memory:
    ``(project, run)``, shared by the appraisal-context and planning tests."""
    from humsec.project import Project, init_demo, run_project

    folder = tmp_path_factory.mktemp("demo-analysed") / "demo"
    init_demo(folder)
    config = yaml.safe_load((folder / "humsec.yaml").read_text(encoding="utf-8"))
    config["settings"]["n_years"] = 40
    config["plan"].update({"alternatives": 1, "frontier": [2e7, 4e7]})
    (folder / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    project = Project.load(folder)
    run = run_project(project, None, only=["appraisal", "plan", "threat_network"])
    return project, run

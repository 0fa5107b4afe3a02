"""`init` from a boundary file and `add` with role and column inference."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from humsec.errors import ProjectError, SpecError
from humsec.project import Project
from humsec.project.setup import add_dataset, init_project, parse_indicator_options

from .conftest import boundary_frame


@pytest.fixture
def started(tmp_path: Path) -> Path:
    source = tmp_path / "cod.gpkg"
    boundary_frame().to_file(source, layer="aaa_adm1", driver="GPKG")
    init_project(tmp_path / "p", country="Kenya", boundaries=source, admin_level=1)
    return tmp_path / "p"


def _survey(path: Path, **rename: str) -> Path:
    frame = pd.DataFrame(
        {
            "hh_id": [1, 1, 2, 3],
            "county": ["AA01", "AA01", "AA02", "AA03"],
            "weight": [1.0, 1.0, 2.0, 1.5],
            "cluster": [1, 1, 2, 3],
            "stratum": [1, 1, 1, 2],
        }
    ).rename(columns=rename)
    frame.to_csv(path, index=False)
    return path


def test_init_writes_areas_from_the_boundaries(started: Path) -> None:
    project = Project.load(started)
    assert project.country == "KEN"  # the name was resolved to ISO3
    assert list(project.areas["name"]) == ["West", "East", "North"]
    config = yaml.safe_load((started / "humsec.yaml").read_text())
    assert config["boundaries"] == [
        {
            "file": "boundaries/cod.gpkg",
            "level": 1,
            "pcode_field": "ADM1_PCODE",
            "name_field": "ADM1_EN",
            "layer": "aaa_adm1",
        }
    ]
    assert (started / "boundaries" / "cod.gpkg").is_file()


def test_add_survey_infers_the_design_columns(started: Path, tmp_path: Path) -> None:
    file = _survey(tmp_path / "survey.csv")
    project, entry = add_dataset(started, file, role="survey", year=2024)
    assert entry["columns"] == {
        "area": "county",
        "weight": "weight",
        "psu": "cluster",
        "strata": "stratum",
        "household": "hh_id",
    }
    assert entry["file"] == "data/survey.csv"
    assert project.dataset("survey") is not None
    # The role is inferred too: a weighted table with PSUs and p-codes is a survey.
    _, again = add_dataset(started, file, name="survey2", year=2025)
    assert again["role"] == "survey"


def test_what_cannot_be_inferred_names_the_option(started: Path, tmp_path: Path) -> None:
    file = _survey(tmp_path / "survey.csv", cluster="grappe")
    with pytest.raises(SpecError, match="--map psu=COLUMN"):
        add_dataset(started, file, role="survey", year=2024)
    _, entry = add_dataset(started, file, role="survey", year=2024, maps={"psu": "grappe"})
    assert entry["columns"]["psu"] == "grappe"


def test_a_role_that_cannot_be_inferred_is_an_error(started: Path, tmp_path: Path) -> None:
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(SpecError, match="cannot infer the role") as caught:
        add_dataset(started, tmp_path / "x.csv")
    assert "--role" in str(caught.value.hint)


def test_add_indicators_needs_direction_and_pillar(started: Path, tmp_path: Path) -> None:
    table = pd.DataFrame({"ADM1_PCODE": ["AA01", "AA02", "AA03"], "water": [1.0, 2.0, 3.0]})
    table.to_csv(tmp_path / "census.csv", index=False)
    with pytest.raises(SpecError, match="--indicator"):
        add_dataset(started, tmp_path / "census.csv", role="indicators", year=2019)
    options = parse_indicator_options(["water:higher_is_worse:want:lack_of_basic_infrastructure"])
    project, _ = add_dataset(
        started, tmp_path / "census.csv", role="indicators", year=2019, indicators=options
    )
    assert project.indicator_wide().loc[("AA03", 2019), "water"] == 3.0


def test_add_with_unknown_areas_is_refused_and_leaves_no_trace(
    started: Path, tmp_path: Path
) -> None:
    file = _survey(tmp_path / "survey.csv")
    frame = pd.read_csv(file)
    frame.loc[3, "county"] = "AA033"
    frame.to_csv(file, index=False)
    before = (started / "humsec.yaml").read_text()
    with pytest.raises(ProjectError, match="'AA033' \\(closest: AA03,"):
        add_dataset(started, file, role="survey", year=2024, maps={"area": "county"})
    assert (started / "humsec.yaml").read_text() == before
    assert not (started / "data" / "survey.csv").exists()


def test_hxl_point_events_are_recognised_and_counted(started: Path, tmp_path: Path) -> None:
    from humsec.project.analyses import run_events

    rows = [
        "id,year,latitude,longitude,best",
        "#meta+id,#date+year,#geo+lat,#geo+lon,#affected+killed",
        "1,2020,0.5,0.5,2",
        "2,2020,1.5,1.5,0",
        "3,2021,1.5,0.5,4",
        "4,2021,-3.0,0.5,1",
    ]
    (tmp_path / "ged.csv").write_text("\n".join(rows) + "\n")
    project, entry = add_dataset(started, tmp_path / "ged.csv")
    assert entry["role"] == "events"
    assert entry["columns"] == {
        "lat": "latitude",
        "lon": "longitude",
        "year": "year",
        "weight": "best",
    }
    tables = run_events(project)
    counts = tables["by_area_year"].set_index(["pcode", "year"])
    assert counts.loc[("AA01", 2020), "events"] == 1 and counts.loc[("AA01", 2020), "weight"] == 2
    assert counts.loc[("AA03", 2020), "events"] == 1
    assert counts.loc[("AA03", 2021), "weight"] == 4
    assert counts["events"].sum() == 3
    assert tables["coverage"]["outside_areas"].tolist() == [1]


def test_init_at_admin_level_2_adds_the_parent_areas(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    districts = gpd.GeoDataFrame(
        {
            "ADM2_PCODE": ["AA0101", "AA0102"],
            "ADM2_PT": ["Oeste A", "Oeste B"],
            "ADM1_PCODE": ["AA01", "AA01"],
            "ADM1_PT": ["Oeste", "Oeste"],
        },
        geometry=[box(0, 0, 0.5, 1), box(0.5, 0, 1, 1)],
        crs="EPSG:4326",
    )
    source = tmp_path / "cod.gpkg"
    boundary_frame().to_file(source, layer="aaa_adm1", driver="GPKG")
    districts.to_file(source, layer="aaa_adm2", driver="GPKG")
    project = init_project(tmp_path / "p2", country="KEN", boundaries=source, admin_level=2)
    assert project.config.admin_levels == [1, 2]
    first = project.areas.iloc[0]
    assert (first["pcode"], first["name"], first["level"]) == ("AA01", "Oeste", 1)
    assert pd.isna(first["parent"])
    assert project.level_pcodes(2) == ["AA0101", "AA0102"]
    assert set(project.areas.loc[project.areas["level"] == 2, "parent"]) == {"AA01"}

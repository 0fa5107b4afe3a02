"""Sub-national analyses: point events by point in polygon, the area index, deprivation by
area with the few-PSU flag, and the bundled demo project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from humsec.project import Project, demo_project_dir
from humsec.project.analyses import mc_error, missing_inputs, run_area_index, run_deprivation
from humsec.project.events import count_events


@pytest.fixture(scope="module")
def demo() -> Project:
    return Project.load(demo_project_dir())


def test_points_are_counted_in_their_area_and_year(tiny_project: Path) -> None:
    layer = Project.load(tiny_project).boundaries[1]
    events = pd.DataFrame(
        {
            "lat": [0.5, 0.5, 0.5, 1.5, 0.5, 9.0],
            "lon": [0.5, 0.2, 1.5, 1.0, 1.0, 9.0],  # (1.0, 0.5) lies on the West/East border
            "year": [2020, 2020, 2021, 2021, 2021, 2021],
            "best": [3, 0, 1, 2, 5, 7],
        }
    )
    counts = count_events(events, layer, lat="lat", lon="lon", year="year", weight="best")
    assert list(counts.assigned.fillna("outside")) == [
        "AA01",
        "AA01",
        "AA02",
        "AA03",
        "AA01",
        "outside",
    ]
    assert counts.outside == 1
    table = counts.table.set_index(["pcode", "year"])
    assert table.loc[("AA01", 2020), "events"] == 2
    assert table.loc[("AA01", 2020), "weight"] == 3
    assert table.loc[("AA01", 2021), "events"] == 1  # the border point, counted once
    assert table.loc[("AA02", 2020), "events"] == 0  # a recorded zero, not missing
    assert len(table) == 3 * 2


def test_area_index_by_hand(tiny_project: Path) -> None:
    spec = {
        "code": "tiny",
        "unit": "pcode",
        "root": "risk",
        "scale": [0, 10],
        "indicators": [
            {
                "code": "water",
                "direction": "higher_is_worse",
                "normalisation": {"method": "minmax", "range": [0, 10]},
            },
            {
                "code": "school",
                "direction": "higher_is_better",
                "normalisation": {"method": "minmax", "range": [0, 10]},
            },
        ],
        "nodes": [{"code": "risk", "children": ["water", "school"]}],
    }
    (tiny_project / "index.yaml").write_text(yaml.safe_dump(spec))
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["specs"] = {"index": "index.yaml"}
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    tables = run_area_index(Project.load(tiny_project))
    scores = tables["scores"].set_index("pcode")
    # 2020: water 12, 22, 32 -> 0, 5, 10; school 91, 81, 71 (better) -> 0, 5, 10; mean.
    assert scores["year"].tolist() == [2020] * 3
    assert scores["risk"].tolist() == [0.0, 5.0, 10.0]
    assert scores["rank"].tolist() == [3, 2, 1]
    assert tables["national"]["iso3"].tolist() == ["KEN"]


def test_monte_carlo_error_is_sd_over_root_n() -> None:
    values = np.array([[1.0], [3.0], [5.0], [7.0]])
    # sd(ddof=1) = sqrt(20/3); / sqrt(4)
    assert mc_error(values)[0] == pytest.approx(np.sqrt(20 / 3) / 2)


def test_demo_project_loads_with_real_areas(demo: Project) -> None:
    assert demo.country == "KEN"
    assert len(demo.pcodes) == 47 and demo.pcodes[0] == "KE001"
    assert set(demo.boundaries[1].pcodes) == set(demo.pcodes)
    # The only analysis the demo cannot run is on point events: it ships county-year
    # aggregates of UCDP GED, as the data's README allows.
    assert list(missing_inputs(demo)) == ["events"]


def test_demo_conflict_aggregates_add_up_to_ucdp(demo: Project) -> None:
    wide = demo.indicator_wide()
    # 1182 UCDP GED events in Kenya (README); 13 fall outside every county outline.
    assert int(wide["conflict_events"].sum()) == 1182 - 13
    per_year = wide["conflict_events"].dropna().groupby(level="year").sum()
    assert per_year.index.min() == 1989 and per_year.index.max() == 2023


def test_demo_census_indicator_by_hand(demo: Project) -> None:
    # Mombasa, KNBS V4 table 2.19: mains electricity 85.9% of households -> 14.1% without.
    assert demo.indicator_wide().loc[("KE001", 2019), "no_electricity"] == pytest.approx(14.1)


def test_deprivation_by_area_flags_areas_with_few_psus(demo: Project) -> None:
    tables = run_deprivation(demo)
    by_area = tables["by_area"].set_index("pcode")
    assert len(by_area) == 47
    assert (by_area["few_psus"] == (by_area["n_psu"] < 5)).all()
    assert by_area["few_psus"].any() and not by_area["few_psus"].all()
    # M0 = H x A in every sampled area, and the national M0 is the population-weighted mean
    # of the area M0s (AF subgroup decomposability).
    sampled = by_area[by_area["n_psu"] > 0]
    assert np.allclose(sampled["M0"], sampled["H"] * sampled["A"])
    assert (sampled["M0_se"] >= 0).all()

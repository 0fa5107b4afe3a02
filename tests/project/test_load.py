"""Project.load: a valid project resolves its inputs; every problem is listed at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from humsec.errors import ProjectError
from humsec.project import Project

from .conftest import write_project


def _edit(root: Path, change: dict[str, object]) -> None:
    config = yaml.safe_load((root / "humsec.yaml").read_text())
    config.update(change)
    (root / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_valid_project_resolves_areas_boundaries_and_indicators(tiny_project: Path) -> None:
    project = Project.load(tiny_project)
    assert project.pcodes == ["AA01", "AA02", "AA03"]
    assert project.country == "KEN"
    layer = project.boundaries[1]
    # Areas of the squares in square degrees (1, 1, 2): the geometry is read unchanged.
    planar = layer.frame.set_index("pcode").geometry.to_numpy()
    assert [g.area for g in planar] == [1.0, 1.0, 2.0]
    wide = project.indicator_wide()
    assert wide.loc[("AA02", 2020), "water"] == 22.0
    assert wide.loc[("AA03", 2019), "school"] == 70.0
    assert len(wide) == 6


def test_moved_project_still_loads(tiny_project: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(tiny_project, moved)
    shutil.rmtree(tiny_project)
    project = Project.load(moved / "humsec.yaml")
    assert project.root == moved.resolve()
    assert project.indicator_wide().loc[("AA01", 2019), "water"] == 10.0


def test_every_problem_is_listed_with_its_place(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bad")
    frame = pd.read_csv(root / "data" / "indicators.csv")
    frame.loc[4, "ADM1_PCODE"] = "AA002"  # a typo of AA02 in row 5
    frame.to_csv(root / "data" / "indicators.csv", index=False)
    config = yaml.safe_load((root / "humsec.yaml").read_text())
    config["datasets"][0]["indicators"][0]["threats"] = ["droughts"]
    config["datasets"].append({"name": "missing", "file": "data/nothing.csv", "role": "survey"})
    config["areas"].append({"pcode": "AA04", "name": "South", "level": 1})
    (root / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    with pytest.raises(ProjectError) as caught:
        Project.load(root)
    problems = caught.value.problems
    text = str(caught.value)
    # 1 unknown area code (with the closest p-code), 1 unknown threat, 1 missing file,
    # 1 area without a boundary: all four at once.
    assert len(problems) == 4, text
    assert "data/indicators.csv:ADM1_PCODE, row 5" in text
    assert "'AA002' (closest: AA02" in text
    assert "droughts" in text and "datasets[1].file" in text
    assert "1 area(s) of level 1 have no boundary: AA04" in text


def test_schema_problems_name_their_keys(tiny_project: Path) -> None:
    _edit(tiny_project, {"colour": "red", "admin_levels": []})
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["datasets"][0]["role"] = "census"
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ProjectError) as caught:
        Project.load(tiny_project)
    where = [p[0] for p in caught.value.problems]
    assert any(w.endswith("colour") for w in where)
    assert any(w.endswith("admin_levels") for w in where)
    assert any("datasets[" in w and w.endswith("].role") for w in where)
    assert "'census' is not one of" in str(caught.value)


def test_two_datasets_claiming_the_same_indicator_and_year(tiny_project: Path) -> None:
    shutil.copyfile(tiny_project / "data/indicators.csv", tiny_project / "data/again.csv")
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    twin = dict(config["datasets"][0], name="census_copy", file="data/again.csv")
    config["datasets"].append(twin)
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ProjectError) as caught:
        Project.load(tiny_project)
    text = str(caught.value)
    # Two indicators x two years claimed twice.
    assert len(caught.value.problems) == 4
    assert (
        "'census_copy' and 'census' both give indicator 'water' role 'indicators' for "
        "year 2019" in text
    )


def test_absolute_paths_are_refused(tiny_project: Path) -> None:
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["datasets"][0]["file"] = str(tiny_project / "data/indicators.csv")
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ProjectError, match="absolute path"):
        Project.load(tiny_project)


def test_no_project_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="project init"):
        Project.load(tmp_path)


def test_newer_schema_version_is_refused(tiny_project: Path) -> None:
    _edit(tiny_project, {"schema_version": 99})
    with pytest.raises(ProjectError, match="schema version 99"):
        Project.load(tiny_project)


def test_framework_extension_adds_threats(tiny_project: Path) -> None:
    (tiny_project / "specs").mkdir()
    (tiny_project / "specs" / "framework.yaml").write_text(
        yaml.safe_dump(
            {
                "extends": "default",
                "threats": [
                    {
                        "id": "locusts",
                        "name": "Desert locust upsurges",
                        "pillar": "want",
                        "hdr_security": "food",
                        "description": "swarms destroy crops",
                    }
                ],
            }
        )
    )
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["specs"] = {"framework": "specs/framework.yaml"}
    config["datasets"][0]["indicators"][0]["threats"] = ["locusts"]
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    project = Project.load(tiny_project)
    assert "locusts" in {t.id for t in project.framework.threats}
    # The same threat id without the extension is unknown.
    config["specs"] = {}
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ProjectError, match="locusts"):
        Project.load(tiny_project)

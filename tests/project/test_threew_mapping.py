"""A project's 3W table with headers of its own, mapped in humsec.yaml, is read through that
mapping (humsec.project.project_threew passes it to humsec.actors.read_3w)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from humsec.actors import read_3w
from humsec.errors import ColumnError, DataError
from humsec.project import Project, project_presence, project_threew, threew_columns

# Headers no HXL tag and no usual 3W header names (French, as a Sahel cluster may keep them).
ROWS = pd.DataFrame(
    {
        "Partenaire": ["Croix-Rouge", "Croix-Rouge", "ONG Amani", "ONG Amani"],
        "Secteur": ["WASH", "Santé", "WASH", "WASH"],
        "Code zone": ["AA01", "AA01", "AA02", "AA03"],
        "Atteints": [100, 50, 70, 30],
    }
)
MAPPING = {"area": "Code zone", "org": "Partenaire", "sector": "Secteur", "reached": "Atteints"}


@pytest.fixture
def threew_project(tiny_project: Path) -> Path:
    ROWS.to_csv(tiny_project / "data" / "qui-fait-quoi.csv", index=False)
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["datasets"].append(
        {"name": "3w", "file": "data/qui-fait-quoi.csv", "role": "3w", "columns": MAPPING}
    )
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return tiny_project


def test_the_reader_alone_cannot_read_these_headers(threew_project: Path) -> None:
    with pytest.raises(DataError, match="no header names an organisation"):
        read_3w(threew_project / "data" / "qui-fait-quoi.csv")


def test_the_project_mapping_reads_the_table(threew_project: Path) -> None:
    project = Project.load(threew_project)
    (dataset,) = project.datasets("3w")
    assert threew_columns(project, dataset) == {
        "adm1": "Code zone",  # the p-codes are the project's admin-1 areas
        "implementing": "Partenaire",
        "sector": "Secteur",
        "reached": "Atteints",
    }
    threew = project_threew(project)
    assert threew is not None
    assert threew.mapped["implementing"] == "Partenaire"
    table = threew.table
    assert list(table["org_raw"]) == list(ROWS["Partenaire"])
    assert list(table["adm1"]) == list(ROWS["Code zone"])
    assert (table["org_role"] == "implementing").all()
    presence = project_presence(project)
    assert presence is not None
    by = presence.groupby("area")["reached"].sum()
    assert by.to_dict() == {"AA01": 150.0, "AA02": 70.0, "AA03": 30.0}
    wash = presence[(presence["sector"] == "WASH")]
    assert sorted(wash["org"].unique()) == ["Croix-Rouge", "ONG Amani"]


def test_a_mapping_to_a_missing_column_names_it(threew_project: Path) -> None:
    with pytest.raises(ColumnError, match="Partenaires") as caught:
        read_3w(threew_project / "data" / "qui-fait-quoi.csv", columns={"org": "Partenaires"})
    assert "Partenaire" in (caught.value.hint or "")
    with pytest.raises(ColumnError, match="not a 3W field"):
        read_3w(threew_project / "data" / "qui-fait-quoi.csv", columns={"who": "Partenaire"})


def test_an_admin2_area_column_maps_to_adm2_and_takes_its_parent(tiny_project: Path) -> None:
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["admin_levels"] = [1, 2]
    config["areas"] += [
        {"pcode": "AA0101", "name": "West A", "level": 2, "parent": "AA01"},
        {"pcode": "AA0201", "name": "East A", "level": 2, "parent": "AA02"},
    ]
    frame = ROWS.assign(**{"Code zone": ["AA0101", "AA0101", "AA0201", "AA03"]})
    frame.to_csv(tiny_project / "data" / "qui-fait-quoi.csv", index=False)
    config["datasets"].append(
        {"name": "3w", "file": "data/qui-fait-quoi.csv", "role": "3w", "columns": MAPPING}
    )
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    project = Project.load(tiny_project)
    (dataset,) = project.datasets("3w")
    # three of the four codes are admin-2 areas: the column is adm2
    assert threew_columns(project, dataset)["adm2"] == "Code zone"
    threew = project_threew(project)
    assert threew is not None
    t = threew.table
    # the admin-1 area comes from the project's parents; AA03, an admin-1 area, stays at admin 1
    assert list(t["adm1"]) == ["AA01", "AA01", "AA02", "AA03"]
    assert list(t["level"]) == ["adm2", "adm2", "adm2", "adm1"]
    assert pd.isna(t["adm2"].iloc[3]) and threew.counts["rows_at_adm1"] == 1
    assert any("3 row(s) taken from the project's area parents" in n for n in threew.notes)
    presence = project_presence(project)
    assert presence is not None
    assert sorted(presence["area"]) == ["AA0101", "AA0101", "AA0201", "AA03"]

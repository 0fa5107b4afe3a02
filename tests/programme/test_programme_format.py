"""The programme format: loading, checks against the framework, dates, costs and counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from humsec.errors import SpecError
from humsec.framework import framework_from_dict
from humsec.programme import Programme, example_path, example_programme


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "prog.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _base() -> dict:
    return yaml.safe_load(example_path("siloed").read_text(encoding="utf-8"))


def test_examples_load_with_counts_and_line_provenance() -> None:
    good = example_programme("integrated")
    assert good.programme.areas == ("KE023", "KE010", "KE009", "KE008")
    assert len(good.components) == 5
    assert good.components[0].beneficiaries.by_area["KE023"] == 22000
    assert good.components[0].sector == "31163"  # a string even if written as a number
    # the line of components[2].threats in the YAML file
    lines = example_path("integrated").read_text(encoding="utf-8").splitlines()
    where = good.where("components[2].threats")
    line = int(where.split(":")[1].split(" ")[0])
    assert lines[line - 1].strip().startswith("threats: [armed_conflict")


def test_round_trip_through_dict_and_yaml(tmp_path: Path) -> None:
    prog = example_programme("integrated")
    again = Programme.from_dict(yaml.safe_load(prog.to_yaml()))
    assert (again.programme, again.components) == (prog.programme, prog.components)


def test_unknown_ids_are_reported_with_suggestions(tmp_path: Path) -> None:
    data = _base()
    data["components"][0]["threats"] = ["povrety"]
    data["components"][0]["target_groups"] = ["woman"]
    data["components"][0]["sector"] = "31162x"
    data["programme"]["areas"][1] = "KE99"
    data["programme"]["areas"][2] = "UG001"
    with pytest.raises(SpecError) as info:
        Programme.from_yaml(_write(tmp_path, data), areas=[f"KE{i:03d}" for i in range(1, 48)])
    text = str(info.value)
    assert "components[0].threats[0]: unknown threat 'povrety'; did you mean 'poverty'" in text
    assert "components[0].target_groups[0]: unknown group 'woman'; did you mean 'women'" in text
    assert "components[0].sector: unknown DAC purpose code '31162x'" in text
    assert "programme.areas[1]: unknown area 'KE99'" in text
    assert "programme.areas[2]" in text
    assert "prog.yaml" in text


def test_without_project_areas_pcodes_must_carry_the_country_prefix(tmp_path: Path) -> None:
    data = _base()
    data["programme"]["areas"] = ["KE026", "UG001", "KEN"]
    with pytest.raises(SpecError, match=r"areas\[1\].*p-codes start with 'KE'"):
        Programme.from_yaml(_write(tmp_path, data))


def test_framework_is_a_parameter(tmp_path: Path) -> None:
    data = _base()
    data["components"][0]["threats"] = ["locusts"]
    path = _write(tmp_path, data)
    with pytest.raises(SpecError, match="unknown threat 'locusts'"):
        Programme.from_yaml(path)
    extended = framework_from_dict(
        {
            "extends": "default",
            "threats": [
                {
                    "id": "locusts",
                    "name": "Desert locusts",
                    "pillar": "fear",
                    "hdr_security": "food",
                }
            ],
        }
    )
    assert Programme.from_yaml(path, framework=extended).threats == ("locusts", "poverty")


def test_counts_dates_and_costs_are_checked(tmp_path: Path) -> None:
    data = _base()
    data["programme"]["end"] = "2024-06-30"
    data["components"][0]["beneficiaries"]["by_group"] = {"people_in_poverty": 50000}
    data["components"][0]["beneficiaries"]["by_area"]["KE026"] = 20000  # 45,000 > 40,000
    data["components"][1]["cost"] = -5
    with pytest.raises(SpecError) as info:
        Programme.from_yaml(_write(tmp_path, data))
    text = str(info.value)
    assert "programme.end: the end date 2024-06-30 is before the start date 2025-01-01" in text
    assert "by_group.people_in_poverty: 50,000 people in the group exceed the total 40,000" in text
    assert "components[0].beneficiaries.by_area: the areas add up to 45,000" in text
    assert "components[1].cost: the cost is negative (-5)" in text


def test_costs_above_the_budget_and_unknown_keys(tmp_path: Path) -> None:
    data = _base()
    data["programme"]["budget"] = 8000000  # components cost 8.5 m
    data["components"][0]["actor"] = []
    data["components"][1]["mode"] = "protect"
    with pytest.raises(SpecError) as info:
        Programme.from_yaml(_write(tmp_path, data))
    text = str(info.value)
    assert "components['inputs'].actor: unknown key 'actor' (did you mean 'actors'" in text
    assert "at least 1 item" not in text
    assert "components['extension'].mode: 'protect' is not one of" in text
    # structure first: the budget check runs once the structure is valid
    del data["components"][0]["actor"]
    data["components"][1]["mode"] = "protection"
    with pytest.raises(SpecError, match=r"costs add up to 8,500,000, more than the budget"):
        Programme.from_yaml(_write(tmp_path, data))


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("programme:\n  id: [x\n  name: y\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.yaml:\d+:\d+: not valid YAML"):
        Programme.from_yaml(path)

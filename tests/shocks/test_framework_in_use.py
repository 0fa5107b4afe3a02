"""The framework is a parameter: shocks and the HSI check ids against the framework in use.

A user framework that says ``extends: default`` adds a threat (``locust_swarm``) and a group
(``pastoralists``); one that removes ``women`` rejects that group. Nothing here reads the bundled
framework behind the caller's back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from humsec.errors import ColumnError, SpecError
from humsec.framework import Framework, load_framework
from humsec.index import load_preset, threat_coverage
from humsec.shocks import Exposure, build_scenario, load_measures, simulate

from .conftest import one_event_spec, tiny_units

USER_FRAMEWORK = """\
extends: default
threats:
  - id: locust_swarm
    name: Locust swarm
    pillar: fear
    hdr_security: food
    description: Swarms that strip crops and pasture.
groups:
  - id: pastoralists
    name: Pastoralists
    description: Herding households that move with their animals.
    threats: [locust_swarm, disasters]
"""


@pytest.fixture
def user_framework(tmp_path: Path) -> Framework:
    path = tmp_path / "my_framework.yaml"
    path.write_text(USER_FRAMEWORK, encoding="utf-8")
    return load_framework(path)


def _locust_spec() -> dict[str, object]:
    spec = one_event_spec()
    spec["hazards"]["event_sets"][0]["threat"] = "locust_swarm"  # type: ignore[index]
    return spec


def _pastoral_units() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = tiny_units()
    # members per household: household 1 (4 people) has 2 pastoralists, household 3 (2) has 2
    groups = pd.DataFrame({"pastoralists": [2.0, 0.0, 2.0, 0.0]})
    return units, groups


def test_the_bundled_framework_refuses_the_new_ids() -> None:
    units, groups = _pastoral_units()
    with pytest.raises(SpecError, match="unknown threat id 'locust_swarm'"):
        build_scenario(_locust_spec(), Exposure.from_units(units))
    with pytest.raises(ColumnError, match=r"unknown group id\(s\) \['pastoralists'\]"):
        Exposure.from_units(units, groups=groups)


def test_a_user_framework_adds_a_threat_and_a_group(user_framework: Framework) -> None:
    units, groups = _pastoral_units()
    exposure = Exposure.from_units(units, groups=groups, framework=user_framework)
    scenario = build_scenario(_locust_spec(), exposure, framework=user_framework)
    assert scenario.framework is user_framework
    risk = simulate(scenario, n_years=200, seed=3)
    assert risk.threats == {"flood": "locust_swarm"}
    assert "pastoralists" in risk.groups
    # people in the group: sum of weight x members = 10 x 2 + 10 x 2
    assert risk.group_people["pastoralists"] == pytest.approx(40.0)
    # a measure may target the new group, under the same framework only
    measure = [{"name": "herd_cover", "target": {
        "groups": ["pastoralists"]}, "effects": {"vulnerability": {
            "*": {"asset_loss_factor": 0.5}}}}]
    with pytest.raises(SpecError, match="pastoralists"):
        load_measures(measure)
    chosen = load_measures(measure, framework=user_framework)
    covered = chosen[0].covered(scenario)
    assert covered.tolist() == [True, False, True, False]


def test_a_framework_without_a_group_rejects_it(tmp_path: Path) -> None:
    path = tmp_path / "no_women.yaml"
    path.write_text("extends: default\nremove: {groups: [women]}\n", encoding="utf-8")
    framework = load_framework(path)
    units = tiny_units()
    women = pd.DataFrame({"women": [2.0, 3.0, 1.0, 1.0]})
    exposure = Exposure.from_units(units, groups=women)  # fine under the bundled framework
    with pytest.raises(SpecError, match=r"scenario 'one-event', exposure groups.*'women'"):
        build_scenario(one_event_spec(), exposure, framework=framework)
    with pytest.raises(ColumnError, match=r"unknown group id\(s\) \['women'\]"):
        Exposure.from_units(units, groups=women, framework=framework)


def test_the_hsi_threat_coverage_uses_the_framework_in_use(user_framework: Framework) -> None:
    spec = load_preset("hsi")
    assert len(threat_coverage(spec)) == 13
    coverage = {c.threat: c for c in threat_coverage(spec, user_framework)}
    assert len(coverage) == 14
    assert coverage["locust_swarm"].indicators == ()
    assert coverage["locust_swarm"].gap == "not covered"
    first = spec.indicators[0].model_copy(update={"threats": ["locust_swarm"]})
    tagged = spec.model_copy(update={"indicators": [first, *spec.indicators[1:]]})
    with pytest.raises(SpecError, match="unknown threat id 'locust_swarm'"):
        threat_coverage(tagged)
    covered = {c.threat: c for c in threat_coverage(tagged, user_framework)}
    assert covered["locust_swarm"].indicators == (spec.indicators[0].code,)


def test_the_cli_takes_the_framework_and_the_group_columns(tmp_path: Path) -> None:
    import yaml
    from typer.testing import CliRunner

    from humsec.cli import app

    (tmp_path / "fw.yaml").write_text(USER_FRAMEWORK, encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(_locust_spec()), encoding="utf-8")
    units, groups = _pastoral_units()
    units.assign(pastoralists=groups["pastoralists"], district="x").to_csv(
        tmp_path / "households.csv", index=False)
    base = ["shocks", "simulate", "--exposure", str(tmp_path / "households.csv"),
            "--events", str(tmp_path / "scenario.yaml"), "--years", "50", "--by", "group"]
    refused = CliRunner().invoke(app, base)
    assert refused.exit_code == 2
    assert "district" in refused.output and "not used" in refused.output
    bundled = CliRunner().invoke(app, [*base, "--ignore-columns", "district"])
    assert bundled.exit_code == 2 and "'pastoralists'" in bundled.output  # not a bundled group
    good = CliRunner().invoke(app, [*base, "--ignore-columns", "district",
                                    "--framework", str(tmp_path / "fw.yaml")])
    assert good.exit_code == 0, good.output
    assert "pastoralists" in good.output

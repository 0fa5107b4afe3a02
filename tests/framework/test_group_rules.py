"""One definition per vulnerable group (issue 8): the framework's rule, used by every engine.

Before, "women" were females aged 18+ in ``deprivation.vulnerable_groups`` and all females in
``shocks.exposure_from_survey``: 26 % against 46 % of the same synthetic population. Now both
read the rule of the framework in use, and a user framework can restate it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.data import read_table, synthetic_survey
from humsec.deprivation import vulnerable_groups
from humsec.errors import ColumnError, FrameworkError
from humsec.framework import (
    GroupRule,
    default_framework,
    framework_from_dict,
    group_membership,
    load_framework,
)
from humsec.shocks import Exposure, exposure_from_survey


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return synthetic_survey(2000, seed=1)


def _deprivation_share(frame: pd.DataFrame, group: str, **kw: object) -> float:
    marked, columns = vulnerable_groups(frame, **kw)  # type: ignore[arg-type]
    w = marked["weight"]
    return float((w * marked[columns[group]]).sum() / w.sum())


def _shocks_share(frame: pd.DataFrame, group: str, **kw: object) -> float:
    exposure = exposure_from_survey(frame, **kw)  # type: ignore[arg-type]
    units = exposure.units
    people = float((units["weight"] * units["population"]).sum())
    return float((units["weight"] * exposure.groups[group]).sum() / people)


def _weighted(frame: pd.DataFrame, mask: pd.Series) -> float:
    return float((frame["weight"] * mask).sum() / frame["weight"].sum())


def test_both_engines_count_the_same_women(survey: pd.DataFrame) -> None:
    # the bundled rule: women and girls = female, all ages (the group's name)
    expected = _weighted(survey, survey["sex"] == "female")
    assert expected == pytest.approx(0.4546, abs=5e-4)
    assert _deprivation_share(survey, "women") == pytest.approx(expected, rel=1e-12)
    marked, _ = vulnerable_groups(survey)
    assert marked.attrs["group_notes"] == [
        "group 'indigenous_peoples' not counted: no column ['indigenous'] in the data"]
    assert _shocks_share(survey, "women") == pytest.approx(expected, rel=1e-12)
    for group, mask in (("children", survey["age"] < 18), ("older_people", survey["age"] >= 60),
                        ("refugees", survey["displacement"] == "refugee")):
        share = _weighted(survey, mask)
        assert _deprivation_share(survey, group) == pytest.approx(share, rel=1e-12)
        assert _shocks_share(survey, group) == pytest.approx(share, rel=1e-12)


def test_a_user_framework_restates_the_rule_for_every_engine(tmp_path: Path,
                                                             survey: pd.DataFrame) -> None:
    path = tmp_path / "adult_women.yaml"
    path.write_text("extends: default\ngroups:\n  - id: women\n    rule:\n"
                    "      ages: {at_least: 18}\n      where: {sex: female}\n", encoding="utf-8")
    framework = load_framework(path)
    assert framework.group("women").rule.describe() == "sex in [female]; ages 18+"  # type: ignore[union-attr]
    expected = _weighted(survey, (survey["sex"] == "female") & (survey["age"] >= 18))
    assert expected == pytest.approx(0.2605, abs=5e-4)  # the 26 % of the issue
    assert _deprivation_share(survey, "women", framework=framework) == pytest.approx(expected)
    assert _shocks_share(survey, "women", framework=framework) == pytest.approx(expected)


def test_the_age_scope_must_be_stated() -> None:
    with pytest.raises(FrameworkError, match=r"groups\[0\]\.rule\.ages"):
        framework_from_dict({"extends": "default", "groups": [
            {"id": "women", "rule": {"where": {"sex": ["female"]}}}]})
    with pytest.raises(ValueError, match=r"below .* must exceed at_least"):
        GroupRule.model_validate({"ages": {"at_least": 60, "below": 18}})
    assert all(g.rule is not None for g in default_framework().groups)


def _coded(sex: list[object], labels: dict[object, str] | None) -> pd.DataFrame:
    frame = pd.DataFrame({"sex": sex, "age": [30, 5, 70, 40]})
    if labels is not None:
        frame.attrs["value_labels"] = {"sex": labels}
    return frame


WOMEN = {"women": default_framework().group("women").rule}


def test_rules_match_value_labels_or_codes() -> None:
    labelled = _coded([1, 2, 2, 1], {1: "Male", 2: "Female"})
    assert group_membership(labelled, WOMEN).members["women"].tolist() == [0, 1, 1, 0]
    by_code = {"women": GroupRule.model_validate({"ages": "all", "where": {"sex": [2]}})}
    assert group_membership(labelled, by_code).members["women"].tolist() == [0, 1, 1, 0]
    # Stata read with labels="labels": a categorical of the labels
    categorical = _coded(pd.Categorical(["Male", "Female", "Female", "Male"]), None)
    assert group_membership(categorical, WOMEN).members["women"].tolist() == [0, 1, 1, 0]


def test_a_rule_that_can_match_nothing_is_an_error() -> None:
    # sex coded 1/2 without labels: today's silent 0 % women
    with pytest.raises(ColumnError, match=r"'sex' holds numeric codes \['1', '2'\] without"):
        group_membership(_coded([1, 2, 2, 1], None), WOMEN)
    woman = {"women": GroupRule.model_validate({"ages": "all", "where": {"sex": ["woman"]}})}
    with pytest.raises(ColumnError, match=r"valid labels \(codes\): 'Male' \(1\), 'Female' \(2\)"):
        group_membership(_coded([1, 2, 2, 1], {1: "Male", 2: "Female"}), woman)


def test_missing_attributes_give_missing_membership() -> None:
    frame = pd.DataFrame({"sex": ["female", None, "male"], "age": [10.0, 50.0, np.nan]})
    rules = default_framework().group_rules
    result = group_membership(frame, {g: rules[g] for g in ("women", "children")})
    assert result.members["women"].tolist()[0] == 1.0
    assert np.isnan(result.members["women"].iloc[1])
    assert np.isnan(result.members["children"].iloc[2])
    assert result.missing == {"women": 1, "children": 1}
    assert any("counted in no group" in note for note in result.notes())


def test_a_stata_file_with_labels_end_to_end(tmp_path: Path) -> None:
    import pyreadstat

    frame = pd.DataFrame({"hh_id": [1, 1, 2, 2], "sex": [1, 2, 2, 2], "age": [40, 38, 8, 66],
                          "weight": [1.0, 1.0, 2.0, 2.0]})
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(frame, str(path),
                         variable_value_labels={"sex": {1: "Male", 2: "Female"}})
    data = read_table(path)
    marked, columns = vulnerable_groups(data, groups=["women", "older_people"])
    assert marked[columns["women"]].tolist() == [0, 1, 1, 1]
    assert marked[columns["older_people"]].tolist() == [0, 0, 0, 1]


def test_group_count_columns_are_used_or_rejected_by_name() -> None:
    table = pd.DataFrame({"area": ["A", "B"], "population": [4.0, 2.0],
                          "consumption": [900.0, 2000.0], "assets": [1e3, 2e3],
                          "weight": [10.0, 5.0], "women": [2.0, 1.0], "children": [3.0, 0.0]})
    exposure = Exposure.from_units(table)
    assert exposure.groups.to_dict("list") == {"women": [2.0, 1.0], "children": [3.0, 0.0]}
    with pytest.raises(ColumnError, match=r"\['n_women'\] .* not used.*did you mean 'women'"):
        Exposure.from_units(table.rename(columns={"women": "n_women"}))
    assert Exposure.from_units(table.rename(columns={"women": "n_women"}),
                               ignore_columns=["n_women"]).groups.columns.tolist() == ["children"]
    with pytest.raises(ColumnError, match="between 0 and the unit's population"):
        Exposure.from_units(table.assign(children=[5.0, 0.0]))
    with pytest.raises(ColumnError, match="'people_in_poverty' cannot be given"):
        Exposure.from_units(table.assign(people_in_poverty=[1.0, 0.0]))
    deprived = Exposure.from_units(table.assign(d_wtr=[1.0, 0.0]))
    assert deprived.deprivations is not None
    assert deprived.deprivations["d_wtr"].tolist() == [1.0, 0.0]


def test_the_report_states_the_one_rule_in_both_sections() -> None:
    from humsec.report.sections.deprivation import group_rule_text
    from humsec.report.sections.shocks import groups_note

    rule = "sex in [female, f]; all ages"
    assert group_rule_text("women") == rule
    assert f"<li>women: {rule}</li>" in groups_note(default_framework(), ["women", "children"])
    assert "<li>children: ages under 18</li>" in groups_note(default_framework(), ["children"])

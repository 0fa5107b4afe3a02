"""Appraisal on the design alone: evidence counted by hand from the example YAML files, scores
criterion by criterion, the marker rule and the rubric as data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from humsec.errors import SpecError
from humsec.framework import default_framework, framework_from_dict
from humsec.programme import (
    EVIDENCE_FIELDS,
    Programme,
    appraise,
    appraise_portfolio,
    example_programme,
    load_rubric,
)

BUNDLED = Path(__file__).resolve().parents[2] / "src/humsec/programme/rubric.yaml"


@pytest.fixture(scope="module")
def good():
    return appraise(example_programme("integrated"))


@pytest.fixture(scope="module")
def silo():
    return appraise(example_programme("siloed"))


def test_evidence_counted_by_hand(good, silo) -> None:
    ev = good.evidence
    # 311 livestock, 122 basic health (nutrition), 152 peace, 430 DRR, 140 water
    assert ev["sectors"].value == 5
    assert ev["sectors_same_area"].value == 5  # all five serve KE023
    # 11 fear-want pairs of the framework's interlinkages among the 8 threats addressed
    assert ev["fear_want_links"].value == 11
    # costs: protection 4.0 + half of (5.5 + 3.5); empowerment 7.0 + 4.0 + half of 9.0
    assert ev["protection_empowerment_balance"].value == pytest.approx(8.5 / 15.5)
    assert ev["actor_types"].value == 7
    assert ev["top_down_bottom_up_components"].value == 4  # all but drr
    s = silo.evidence
    assert (s["sectors"].value, s["fear_threats"].value, s["want_threats"].value) == (1, 0, 1)
    assert s["groups_counted_share"].value == 0  # people_in_poverty named but not counted
    assert s["components_with_groups_share"].value == 0.5
    assert s["actor_types"].value == 2
    assert s["risk_measures"].value == 0


def test_scores_differ_criterion_by_criterion(good, silo) -> None:
    expected_good = {
        "fear_and_want": 3, "vulnerable_groups": 3, "protection_and_empowerment": 4,
        "global_risks": 3, "multi_sector": 3, "top_down_bottom_up": 4, "diverse_actors": 3,
        "downside_risk_management": 3, "people_centred": 3, "comprehensive": 3,
        "context_specific": 2, "prevention_oriented": 3,
    }
    expected_silo = {
        "fear_and_want": 1, "vulnerable_groups": 2, "protection_and_empowerment": 1,
        "global_risks": 0, "multi_sector": 1, "top_down_bottom_up": 1, "diverse_actors": 1,
        "downside_risk_management": 0, "people_centred": 1, "comprehensive": 0,
        "context_specific": 2, "prevention_oriented": 0,
    }
    assert {s.criterion: s.score for s in good.scores} == expected_good
    assert {s.criterion: s.score for s in silo.scores} == expected_silo
    assert good.marker == "principal" and silo.marker == "not targeted"
    frame = good.to_frame()
    assert list(frame["criterion"]) == list(expected_good)
    assert frame.loc[frame.criterion == "context_specific", "level"].item() == "partial"


def test_evidence_trail_missing_and_advice(silo) -> None:
    row = silo.to_frame().set_index("criterion")
    # the sector field cites the YAML lines it came from
    assert "siloed.yaml:" in row.loc["multi_sector", "evidence"]
    assert "components[0].sector" in row.loc["multi_sector", "evidence"]
    assert "no beneficiary count for inputs:people_in_poverty" in row.loc[
        "vulnerable_groups", "missing"]
    assert "count beneficiaries by group for inputs:people_in_poverty" in row.loc[
        "vulnerable_groups", "to_raise"]
    assert "to reach 1 (named)" in row.loc["global_risks", "to_raise"]
    # without context the context checks are listed, not guessed
    assert any(n.startswith("vulnerable_groups: reach_gap_max <= 0.25") for n in
               silo.not_checked)
    assert not silo.with_context


def test_rubric_with_unknown_evidence_field_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    data["criteria"][0]["levels"][2] = ["fear_threatz >= 1"]
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SpecError, match=r"criteria\[0\]\.levels\.2\[0\]: unknown evidence "
                                        r"field 'fear_threatz'; did you mean 'fear_threats'"):
        appraise(example_programme("siloed"), rubric=str(path))


def test_user_framework_and_rubric_add_a_criterion(tmp_path: Path) -> None:
    fw = framework_from_dict({"extends": "default", "principles": [
        {"id": "locally_led", "name": "Locally led"}]})
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    data["criteria"].append({"id": "locally_led", "levels": {
        1: ["national_local_actor_types >= 1"], 2: ["national_local_actor_types >= 2"],
        3: ["national_local_actor_types >= 3"], 4: ["new_actor_types >= 1"]}})
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    bundled = appraise(example_programme("integrated", fw), framework=fw)
    assert bundled.unscored == ("locally_led",)
    mine = appraise(example_programme("integrated", fw), rubric=str(path), framework=fw)
    assert mine.score("locally_led") == 3  # government, local_government, community
    # the bundled framework has no such principle: the criterion is refused
    with pytest.raises(SpecError, match="'locally_led' is not a practice policy"):
        load_rubric(path, default_framework())


def test_marker_rule_is_data(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    data["marker"]["principal"]["mean_at_least"] = 3.5
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert appraise(example_programme("integrated"), rubric=str(path)).marker == "significant"


def test_scale_defines_every_level_in_words() -> None:
    rubric = load_rubric()
    assert [s.level for s in rubric.scale] == [0, 1, 2, 3, 4]
    assert all(len(s.meaning) > 30 for s in rubric.scale)
    assert {c.id for c in rubric.criteria} >= {"fear_and_want", "prevention_oriented"}
    used = {c.field for cr in rubric.criteria for lv in cr.levels.values() for c in lv}
    assert used <= set(EVIDENCE_FIELDS)


def test_portfolio_overlaps_and_gaps() -> None:
    good, silo = example_programme("integrated"), example_programme("siloed")
    data = yaml.safe_load(good.to_yaml())
    data["programme"]["id"] = "KE-NUTRITION-2"
    data["components"] = [data["components"][1]]  # nutrition again, same four counties
    twin = Programme.from_dict(data)
    result = appraise_portfolio([good, silo, twin])
    matrix = result.matrix()
    assert matrix.loc["hunger", "KE023"] == 2 and matrix.loc["poverty", "KE026"] == 1
    overlap = result.overlaps.set_index(["threat", "area"])
    assert overlap.loc[("hunger", "KE010"), "n_programmes"] == 2
    assert ("poverty", "KE026") not in overlap.index
    # no programme works on terrorism, political repression, lack of education anywhere
    assert {"terrorism", "political_repression", "lack_of_education"} <= set(
        result.gaps["threat"])
    assert list(result.to_frame()["programme"]) == ["KE-DRYLANDS-HS", "KE-MAIZE-VC",
                                                    "KE-NUTRITION-2"]

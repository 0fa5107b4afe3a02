"""Appraisal with context: top threats and their links, reach gaps by group and area (worked by
hand), actors already present, dominant hazards and the erosion of gains from the shocks
engine."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.errors import ColumnError
from humsec.programme import AppraisalContext, Programme, appraise


def _programme(threats: list[str], measures: list[str], areas: list[str] | None = None,
               country: str = "KEN", valid: list[str] | None = None,
               total: int = 1000) -> Programme:
    areas = areas or ["KE023", "KE010"]
    k = total // 1000
    return Programme.from_dict({
        "programme": {"id": "T", "name": "test", "country": country, "areas": areas},
        "components": [{
            "id": "a", "name": "a", "sector": "43060", "threats": threats,
            "target_groups": ["women", "children"],
            "beneficiaries": {"total": total, "by_group": {"women": 300 * k, "children": 100 * k},
                              "by_area": {areas[0]: 600 * k, areas[1]: 400 * k}},
            "mode": "both", "level": "community",
            "actors": [{"name": "Ministry", "type": "government", "role": "accountable"},
                       {"name": "Villages", "type": "community", "role": "implementing"}],
            "risk_measures": measures,
        }],
    }, areas=valid)


DEPRIVATION = pd.DataFrame({
    "area": ["KE023", "KE010", "KE023", "KE010", "KE023", "KE010", "KE047"],
    "group": ["all", "all", "women", "women", "children", "children", "all"],
    "deprived": [4000, 6000, 2000, 3000, 1000, 1000, 99999],
})
TOP = {"KE023": ["hunger", "disasters", "armed_conflict", "crime"],
       "KE010": ["hunger", "armed_conflict", "infectious_disease"]}
PRESENCE = pd.DataFrame({"org": ["UNICEF", "County", "Elsewhere"],
                         "org_type": ["international_org", "local_government", "ngo"],
                         "area": ["KE023", "KE010", "KE047"]})
HAZARDS = {"KE023": ["drought", "flood", "epidemic"], "KE010": ["drought", "conflict"]}


def test_reach_gaps_by_group_and_area_by_hand() -> None:
    ctx = AppraisalContext(deprivation=DEPRIVATION, sources={"deprivation": "run 7"})
    ev = appraise(_programme(["hunger", "disasters"], []), ctx).evidence
    # coverage c = 1000 / 10000 = 0.1; women 300 / 5000 = 0.06 -> gap 0.4; children 100 / 2000
    # = 0.05 -> gap 0.5
    assert ev["reach_gap_max"].facts["gaps"] == pytest.approx({"women": 0.4, "children": 0.5})
    assert ev["reach_gap_max"].value == pytest.approx(0.5)
    assert ev["groups_reached_in_proportion_share"].value == 0
    # areas: KE023 600 / 4000 = 0.15 >= 0.1 -> 0; KE010 400 / 6000 -> 1 - 0.0667 / 0.1 = 1/3
    assert ev["area_reach_gap_max"].value == pytest.approx(1 / 3)
    assert ev["reach_gap_max"].context == ("run 7",)


def test_top_threats_and_linked_threats() -> None:
    ctx = AppraisalContext(top_threats=TOP)
    ev = appraise(_programme(["hunger", "disasters"], []), ctx).evidence
    # top 3 per area: hunger, disasters, armed_conflict, infectious_disease (crime is 4th)
    assert ev["top_threats_addressed_share"].value == 0.5
    assert ev["top_threats_addressed_share"].facts["missing_threats"] == [
        "armed_conflict", "infectious_disease"]
    linked = ev["linked_threats_addressed_share"].facts["via"]
    assert set(linked) == {"poverty", "lack_of_education", "lack_of_health_care",
                           "lack_of_basic_infrastructure", "economic_crisis",
                           "environmental_degradation"}
    assert ev["linked_threats_addressed_share"].value == 0
    again = appraise(_programme(["hunger", "disasters", "poverty"], []), ctx).evidence
    assert again["linked_threats_addressed_share"].value == pytest.approx(1 / 6)
    # no international actor: the cross-border check fails with a reason in the advice
    assert again["regional_actor_for_cross_border"].value == 0


def test_actor_presence_and_hazard_measures() -> None:
    ctx = AppraisalContext(presence=PRESENCE, dominant_hazards=HAZARDS)
    ev = appraise(_programme(["disasters"], ["drought early warning"]), ctx).evidence
    # present in KE023/KE010: international_org, local_government; the programme brings two
    # other types
    assert ev["new_actor_types"].value == 2
    # top two hazards per area: drought, flood, conflict; only drought is named
    assert ev["dominant_hazards_covered_share"].value == pytest.approx(1 / 3)
    assert ev["dominant_hazards_covered_share"].facts["uncovered"] == ["flood", "conflict"]
    # a coping measure (savings) absorbs any shock
    ev = appraise(_programme(["disasters"], ["village savings groups"]), ctx).evidence
    assert ev["dominant_hazards_covered_share"].value == 1


def test_context_raises_or_caps_scores_and_lists_what_it_used() -> None:
    ctx = AppraisalContext(top_threats=TOP, deprivation=DEPRIVATION, presence=PRESENCE,
                           dominant_hazards=HAZARDS)
    result = appraise(_programme(["hunger", "disasters"], []), ctx)
    assert result.with_context
    row = result.to_frame().set_index("criterion")
    assert "address the areas' top threats not yet covered: armed_conflict, " \
           "infectious_disease" in row.loc["comprehensive", "to_raise"] or \
           row.loc["comprehensive", "score"] < 3
    assert "children (gap 0.50)" in row.loc["vulnerable_groups", "to_raise"]
    # the shocks scenario is the only part missing
    assert result.not_checked and all("no scenario" in n for n in result.not_checked)


def test_bad_context_tables_are_errors() -> None:
    with pytest.raises(ColumnError, match="lacks column"):
        AppraisalContext(deprivation=pd.DataFrame({"area": ["KE023"], "deprived": [1]}))


def test_erosion_of_gains_through_the_shocks_engine() -> None:
    from humsec.shocks import ProgrammeGains as Gain
    from humsec.shocks import Target, demo_scenario, erosion_of_gains, load_measures

    scenario = demo_scenario(800, 3)
    measures = load_measures("demo", areas=scenario.exposure.areas)
    areas = ["SO02", "SO03"]
    people = float((scenario.exposure.column("weight") * scenario.exposure.column("population"))[
        scenario.exposure.select_areas(areas)].sum())
    total = int(people * 0.4) // 1000 * 1000
    prog = _programme(["disasters"], ["adaptive_social_protection", "my own idea"], areas,
                      "MOZ", scenario.exposure.areas, total)
    ctx = AppraisalContext(scenario=scenario, measures=measures, n_years=80, seed=3)
    ev = appraise(prog, ctx).evidence
    # the same numbers straight from humsec.shocks, without measures
    gain = Gain(name="T", target=Target(areas=areas, coverage=total / people),
                consumption_gain=0.1, income_gain=0.1, asset_gain=0.1)
    direct = erosion_of_gains(scenario, gain, n_years=80, seed=3).table.loc["consumption"]
    assert ev["expected_erosion"].facts["without_measures"] == pytest.approx(
        direct["expected_erosion_net"])
    assert ev["erosion_cut"].facts["measures"] == ["adaptive_social_protection"]
    cut = ev["erosion_cut"].value
    assert cut == pytest.approx(1 - ev["expected_erosion"].value / direct["expected_erosion_net"])
    assert 0 < cut < 1
    none = appraise(_programme(["disasters"], ["my own idea"], areas, "MOZ",
                               scenario.exposure.areas, total), ctx).evidence
    assert none["erosion_cut"].value == 0
    assert none["expected_erosion"].value == pytest.approx(direct["expected_erosion_net"])

"""Measures as pure transforms, appraisal with common random numbers, erosion of gains."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.errors import SpecError
from humsec.shocks import (
    Measure,
    ProgrammeGains,
    annuity_factor,
    apply_measures,
    appraise_measures,
    build_scenario,
    erosion_of_gains,
    load_measures,
    simulate,
    simulate_occurrences,
)
from humsec.shocks.spec import parse_spec

from .conftest import one_event_spec


def _halve(name: str = "halve", **target: object) -> Measure:
    return Measure(name=name, kind="disaster_risk_reduction", target=target,
                   effects={"vulnerability": {"flood": {"asset_loss_factor": 0.5}}},
                   upfront_cost=1000.0, annual_cost=100.0, upfront_cost_per_unit=2.0)


def test_measures_are_pure_transforms(one_event) -> None:  # type: ignore[no-untyped-def]
    new = _halve().apply(one_event)
    assert one_event.adjustments.asset_factor == {}
    assert new.adjustments.applied == ("halve",)
    assert new.name == "one-event+halve"
    base = simulate(one_event, 500, seed=1)
    half = simulate(new, 500, seed=1)
    np.testing.assert_allclose(half.year["asset_loss"], 0.5 * base.year["asset_loss"],
                               rtol=1e-12)
    assert (half.year["wellbeing_loss"] <= base.year["wellbeing_loss"]).all()


def test_hazard_effect_lowers_intensity_in_target_areas(one_event) -> None:  # type: ignore[no-untyped-def]
    dyke = Measure(name="dyke", target={"areas": ["A"]},
                   effects={"hazard": {"flood": {"intensity_scale": 0.5}}})
    occ = simulate_occurrences(one_event.hazards, one_event.exposure.areas, 400, 2)
    year = int(np.flatnonzero(np.bincount(occ.year, minlength=400) == 1)[0])
    base = simulate(one_event, occurrences=occ, seed=2)
    with_dyke = simulate(dyke.apply(one_event), occurrences=occ, seed=2)
    # intensity 1 -> 0.5: asset share 0.2 -> 0.1.
    assert with_dyke.year.loc[year, "asset_loss"] == pytest.approx(
        0.5 * base.year.loc[year, "asset_loss"])


def test_hazard_effects_cannot_target_groups() -> None:
    with pytest.raises(SpecError, match="hazard effects act on places"):
        Measure(name="x", target={"groups": ["women"]},
                effects={"hazard": {"flood": {"intensity_scale": 0.5}}})


def test_measure_numbers_are_checked_with_their_spec_node() -> None:
    spec = {"name": "x", "upfront_cost": -1.0, "target": {"coverage": 1.5},
            "effects": {"coping": {"insurance_attachment": 0.1, "insurance_cover": 2.0}}}
    with pytest.raises(SpecError, match=r"3 problem\(s\)") as error:
        parse_spec(Measure, spec, location="m")
    message = str(error.value)
    assert "target.coverage: must be a share within [0, 1], got 1.5" in message
    assert "upfront_cost: must be finite and >= 0, got -1.0" in message
    assert "effects.coping.insurance_cover: must be a share" in message


def test_measure_naming_an_unknown_hazard_or_area(one_event) -> None:  # type: ignore[no-untyped-def]
    bad = Measure(name="x", effects={"vulnerability": {"cyclone": {"asset_loss_factor": 0.5}}})
    with pytest.raises(SpecError, match="unknown hazard"):
        bad.apply(one_event)
    with pytest.raises(SpecError, match="target areas not in the exposure"):
        _halve(areas=["Q"]).apply(one_event)


def test_coverage_is_a_fixed_random_share() -> None:
    from humsec.shocks import demo_scenario

    scenario = demo_scenario(1000)
    m = _halve(coverage=0.3)
    covered = m.covered(scenario, seed=4)
    assert covered.mean() == pytest.approx(0.3, abs=0.05)
    np.testing.assert_array_equal(covered, m.covered(scenario, seed=4))


def test_appraisal_costs_benefits_and_non_additivity(one_event) -> None:  # type: ignore[no-untyped-def]
    first, second = _halve("first"), _halve("second")
    result = appraise_measures(one_event, [first, second], n_years=400, seed=3,
                               start_year=2025, end_year=2034, discount_rate=0.03)
    table = result.table
    base = result.risks["baseline"].eai("asset_loss").iloc[0]
    annuity = annuity_factor(2025, 2034, 0.03)
    # Units covered: weights 10+20+10+5 = 45; cost PV = upfront + per unit + annual annuity.
    assert table.loc["first", "cost_pv"] == pytest.approx(1000 + 2 * 45 + 100 * annuity)
    assert table.loc["first", "avoided_asset_loss"] == pytest.approx(0.5 * base)
    assert table.loc["first", "benefit_asset_npv"] == pytest.approx(0.5 * base * annuity)
    assert table.loc["first", "bcr_asset"] == pytest.approx(
        table.loc["first", "benefit_asset_npv"] / table.loc["first", "cost_pv"])
    combined = table.loc["all measures combined"]
    # 0.5 x 0.5 = 0.25 of the loss remains: 75 % avoided, not 100 %.
    assert combined["avoided_asset_loss"] == pytest.approx(0.75 * base)
    assert combined["sum_of_individual_avoided_wellbeing_loss"] > combined[
        "avoided_wellbeing_loss"]
    by_area = result.beneficiaries.query("measure == 'first' and by == 'area'").set_index("key")
    assert by_area.loc["B", "avoided_asset_loss"] == 0.0
    assert by_area.loc["A", "avoided_asset_loss"] == pytest.approx(0.5 * base)


def test_demo_measures_load_and_duplicate_names_are_refused(one_event) -> None:  # type: ignore[no-untyped-def]
    measures = load_measures("demo")
    assert {m.kind for m in measures} == {"early_warning", "disaster_risk_reduction",
                                          "social_protection", "savings", "insurance",
                                          "livelihood_diversification"}
    with pytest.raises(SpecError, match="duplicate measure names"):
        apply_measures(one_event, [_halve(), _halve()])
    with pytest.raises(SpecError, match="problem"):
        load_measures([{"name": "x", "target": {"coverage": 2}}])


def test_social_protection_scale_up_cuts_wellbeing_not_asset_losses() -> None:
    from humsec.shocks import demo_scenario

    scenario = demo_scenario(1200)
    sp = [m for m in load_measures("demo") if m.kind == "social_protection"]
    result = appraise_measures(scenario, sp, n_years=80, seed=2)
    row = result.table.iloc[0]
    assert row["avoided_asset_loss"] == pytest.approx(0.0, abs=1e-6)
    assert row["avoided_wellbeing_loss"] > 0
    assert row["annual_cost"] > 0  # admin cost plus the extra transfers paid


def test_erosion_of_a_consumption_programme(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    scenario = build_scenario(one_event_spec(frequency=0.3), tiny_exposure)
    programme = ProgrammeGains(name="cash", target={"groups": ["people_in_poverty"]},
                          consumption_gain=0.5, income_gain=0.5)
    result = erosion_of_gains(scenario, programme, n_years=400, seed=1)
    table = result.table
    # Only household 1 (4 people, weight 10, 800 $) is poor; +50 % lifts it to 1200 $.
    assert table.loc["poverty", "gain_without_shocks"] == pytest.approx(40.0)
    assert table.loc["consumption", "gain_without_shocks"] == pytest.approx(40 * 400.0)
    # The lifted household sits just above the line: shocks push it back.
    assert table.loc["poverty", "expected_erosion_net"] > 0
    assert table.loc["poverty", "rp20_erosion_net"] >= table.loc["poverty",
                                                                 "expected_erosion_net"]


def test_faster_recovery_cuts_consumption_losses_not_asset_losses(one_event) -> None:  # type: ignore[no-untyped-def]
    bbb = Measure(name="build_back_faster", target={"areas": ["A"]},
                  effects={"coping": {"recovery_time_factor": 0.5}})
    base = simulate(one_event, 300, seed=2)
    faster = simulate(bbb.apply(one_event), 300, seed=2)
    np.testing.assert_allclose(faster.year["asset_loss"], base.year["asset_loss"])
    # Halving the recovery time doubles lambda: less production lost, shorter poverty spells.
    assert faster.eai("consumption_loss").iloc[0] < base.eai("consumption_loss").iloc[0]
    assert faster.eai("poverty_person_years").iloc[0] < base.eai("poverty_person_years").iloc[0]


def test_programme_keeps_the_baseline_reference_consumption(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    from humsec.shocks import programme_scenario

    scenario = build_scenario(one_event_spec(), tiny_exposure)
    prog = programme_scenario(scenario, ProgrammeGains(consumption_gain=1.0, income_gain=1.0))
    assert prog.exposure.column("consumption")[0] == 2 * scenario.exposure.column(
        "consumption")[0]
    base = simulate(scenario, 50, seed=1).baseline["reference_consumption"]
    assert simulate(prog, 50, seed=1).baseline["reference_consumption"] == pytest.approx(base)

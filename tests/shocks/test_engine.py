"""The Monte Carlo engine against hand computations (Unbreakable formulas)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from humsec.errors import ColumnError, DataError
from humsec.shocks import (
    Exposure,
    build_scenario,
    equivalent_consumption_loss,
    exposure_from_survey,
    simulate,
    simulate_occurrences,
)
from humsec.shocks.units import group_matrix

from .conftest import one_event_spec, tiny_units

LAM = math.log(20.0) / 3.0
PI = 0.33


def _year_with(occ_count: int, scenario, n_years: int = 400, seed: int = 2):  # type: ignore[no-untyped-def]
    occ = simulate_occurrences(scenario.hazards, scenario.exposure.areas, n_years, seed)
    counts = np.bincount(occ.year, minlength=n_years)
    years = np.flatnonzero(counts == occ_count)
    assert years.size, f"no year with {occ_count} events"
    return int(years[0]), simulate(scenario, n_years, seed)


def test_one_event_year_matches_hand_computation(one_event) -> None:  # type: ignore[no-untyped-def]
    year, risk = _year_with(1, one_event)
    units = tiny_units()
    w, n, c = units["weight"], units["population"], units["consumption"]
    c_ref = float((w * n * c).sum() / (w * n).sum())
    dk = np.array([0.2 * 5000, 0.2 * 40000])
    dy = np.array([0.1 * 3200, 0.1 * 15000])
    dc0 = ((PI + LAM) * dk + LAM * dy) / n[:2].to_numpy()
    wb = n[:2].to_numpy() * equivalent_consumption_loss(
        c[:2].to_numpy(), dc0, reference_consumption=c_ref, reconstruction_rate=LAM)
    row = risk.year.loc[year]
    assert row["asset_loss"] == pytest.approx(10 * 1000 + 20 * 8000, rel=1e-12)
    assert row["income_loss"] == pytest.approx(10 * 320 + 20 * 1500, rel=1e-12)
    assert row["consumption_loss"] == pytest.approx(
        float(np.dot([10, 20], dk * (1 + PI / LAM) + dy)), rel=1e-12)
    assert row["wellbeing_loss"] == pytest.approx(float(np.dot([10, 20], wb)), rel=2e-6)
    # Household 2 (3000 $ a head) falls below 1095 $; household 1 was already poor.
    gap = 3000.0 - 1095.0
    assert dc0[1] > gap
    assert row["people_pushed_into_poverty"] == pytest.approx(20 * 5)
    assert row["poverty_person_years"] == pytest.approx(100 * math.log(dc0[1] / gap) / LAM)
    assert row["people_affected"] == pytest.approx(10 * 4 + 20 * 5)
    # The poor household has the lower socio-economic resilience (asset / well-being loss).
    per_unit = risk.units.set_index("unit_id")
    res = per_unit["asset_loss"] / per_unit["wellbeing_loss"]
    assert res.loc[1] < res.loc[2]


def test_two_events_in_a_year_compound(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    scenario = build_scenario(one_event_spec(frequency=0.8), tiny_exposure)
    year, risk = _year_with(2, scenario)
    share = 1 - 0.8 ** 2
    assert risk.year.loc[year, "asset_loss"] == pytest.approx(share * (10 * 5000 + 20 * 40000))


def test_monte_carlo_eai_converges_to_the_analytic_expectation(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    scenario = build_scenario(one_event_spec(frequency=0.1), tiny_exposure)
    risk = simulate(scenario, 20000, seed=11)
    # E[1 - 0.8^N] with N ~ Poisson(0.1) is 1 - exp(-0.1 * 0.2).
    exact = (1 - math.exp(-0.02)) * (10 * 5000 + 20 * 40000)
    assert risk.eai("asset_loss").iloc[0] == pytest.approx(exact, rel=0.06)
    assert risk.eai("asset_loss", "area")["B"] == 0.0


def test_savings_covering_the_loss_remove_the_wellbeing_loss(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    units = tiny_units()
    units["savings"] = 1e7
    scenario = build_scenario(one_event_spec(), Exposure.from_units(units))
    risk = simulate(scenario, 300, seed=2)
    assert risk.eai("asset_loss").iloc[0] > 0
    assert risk.eai("wellbeing_loss").iloc[0] == 0.0
    assert risk.eai("consumption_loss").iloc[0] == 0.0


def test_transfers_and_insurance_follow_their_formulas(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    spec = one_event_spec(
        social_protection={"share_of_loss": 0.5, "coverage": 1.0, "targeting": "all",
                           "delay_years": 1.0},
        insurance={"penetration": 1.0, "attachment": 0.05, "cover": 0.1},
    )
    year, risk = _year_with(1, build_scenario(spec, tiny_exposure))
    dk = np.array([1000.0, 8000.0])
    dy = np.array([320.0, 1500.0])
    assets = np.array([5000.0, 40000.0])
    total = dk * (1 + PI / LAM) + dy
    transfer = np.minimum(0.5 * dk, math.exp(-LAM) * total)
    payout = np.minimum(0.1 * assets, np.maximum(0, dk + dy - 0.05 * assets))
    row = risk.year.loc[year]
    assert row["transfers_paid"] == pytest.approx(float(np.dot([10, 20], transfer)))
    assert row["insurance_payouts"] == pytest.approx(float(np.dot([10, 20], payout)))
    scale = 1 - (transfer + payout) / total
    assert row["consumption_loss"] == pytest.approx(float(np.dot([10, 20], scale * total)))



@pytest.mark.parametrize("kernel", [False, True])
def test_insurance_limited_to_some_hazards(tiny_exposure, kernel: bool) -> None:  # type: ignore[no-untyped-def]
    """Flood hits area A, storm area B: a policy on one hazard pays exactly its share."""
    spec = one_event_spec(frequency=0.5)
    spec["hazards"]["event_sets"].append({
        "hazard": "storm", "threat": "disasters",
        "events": [{"id": "s1", "frequency": 0.5, "footprint": {"B": 1.0}}]})
    spec["impact_functions"].append({**spec["impact_functions"][0], "hazard": "storm"})
    payouts = {}
    for cover in (None, ["flood"], ["storm"]):
        spec["coping"]["insurance"] = {"penetration": 1.0, "attachment": 0.0, "cover": 0.5,
                                       "hazards": cover}
        risk = simulate(build_scenario(spec, tiny_exposure), 60, seed=4, kernel=kernel)
        payouts[str(cover)] = risk.year["insurance_payouts"].to_numpy()
    assert payouts["None"].sum() > 0
    assert payouts["['flood']"].sum() > 0 and payouts["['storm']"].sum() > 0
    np.testing.assert_allclose(payouts["['flood']"] + payouts["['storm']"], payouts["None"],
                               rtol=1e-12)

def test_breakdowns_add_up() -> None:
    from humsec.shocks import demo_scenario

    risk = simulate(demo_scenario(1500), 150, seed=4)
    total = risk.eai("asset_loss").iloc[0]
    assert risk.eai("asset_loss", "area").sum() == pytest.approx(total, rel=1e-10)
    assert risk.eai("asset_loss", "hazard").sum() == pytest.approx(total, rel=1e-10)
    wb = risk.eai("wellbeing_loss").iloc[0]
    assert risk.eai("wellbeing_loss", "hazard").sum() == pytest.approx(wb, rel=1e-10)
    # Every person is a woman/girl or not: the women group gets the female share of losses.
    per_unit = risk.units["asset_loss"].to_numpy() / risk.units["population"].to_numpy()
    groups = group_matrix(demo_scenario(1500))[0]
    w = risk.units["weight"].to_numpy()
    np.testing.assert_allclose(risk.eai("asset_loss", "group").to_numpy(),
                               (per_unit * w) @ groups, rtol=1e-9)
    assert risk.pml(100) == pytest.approx(risk.at_return_periods([100]).loc[100, "total"])
    table = risk.by_group()
    poor_res = table.loc["people_in_poverty", "resilience"]
    assert poor_res < risk.resilience().iloc[0]


def test_backends_give_identical_numbers() -> None:
    from humsec.shocks import demo_scenario

    scenario = demo_scenario(1000)
    a = simulate(scenario, 60, seed=9, block_size=5000)
    b = simulate(scenario, 60, seed=9, block_size=5000, backend="threads", workers=2)
    c = simulate(scenario, 60, seed=9, block_size=5000, backend="dask", workers=2)
    pd.testing.assert_frame_equal(a.year, b.year)
    pd.testing.assert_frame_equal(a.year, c.year)
    d = simulate(scenario, 60, seed=9)
    pd.testing.assert_frame_equal(a.year, d.year, rtol=1e-10)


def test_dask_cluster_gives_the_numbers_of_one_process() -> None:
    # The blocks split over a LocalCluster of two worker processes (the block function and its
    # arrays pickled to each) give the same bytes as one process, seed for seed.
    distributed = pytest.importorskip("distributed")
    from humsec.shocks import demo_scenario

    scenario = demo_scenario(1000)
    one = simulate(scenario, 60, seed=9, block_size=5000)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=":0") as cluster,
        distributed.Client(cluster),
    ):
        split = simulate(scenario, 60, seed=9, block_size=5000, backend="distributed")
    assert split.year["asset_loss"].sum() > 0
    pd.testing.assert_frame_equal(one.year, split.year, check_exact=True)
    pd.testing.assert_frame_equal(one.units, split.units, check_exact=True)


def test_distributed_backend_without_a_client_says_how_to_start_one() -> None:
    pytest.importorskip("distributed")
    from humsec.errors import SpecError
    from humsec.shocks import demo_scenario

    with pytest.raises(SpecError, match="running Dask client"):
        simulate(demo_scenario(200), 5, seed=1, block_size=50, backend="distributed")


def test_engine_change_in_m0_equals_deprivation_estimate() -> None:
    from humsec.shocks import demo_scenario, mpi_after_shocks

    scenario = demo_scenario(1200)
    risk = simulate(scenario, 120, seed=3)
    table = mpi_after_shocks(scenario, risk=risk, return_period=20)
    year = int(table.loc["change", "simulated_year"])
    assert table.loc["baseline", "M0"] == pytest.approx(risk.baseline["mpi_m0"], rel=1e-9)
    assert table.loc["change", "M0"] == pytest.approx(risk.year.loc[year, "mpi_m0_change"],
                                                      rel=1e-9)
    assert table.loc["change", "H"] == pytest.approx(risk.year.loc[year, "mpi_h_change"],
                                                     rel=1e-9)
    assert table.loc["change", "M0"] > 0


def test_exposure_bad_input() -> None:
    units = tiny_units()
    with pytest.raises(ColumnError, match="missing column"):
        Exposure.from_units(units.drop(columns=["assets"]))
    broken = units.copy()
    broken.loc[2, "consumption"] = np.nan
    with pytest.raises(ColumnError, match="1 unit\\(s\\) have missing values"):
        Exposure.from_units(broken)
    dropped = Exposure.from_units(broken, missing="drop")
    assert len(dropped) == 3
    assert any("dropped 1 unit" in note for note in dropped.notes)
    negative = units.copy()
    negative.loc[0, "assets"] = -5
    with pytest.raises(ColumnError, match="assets must be >= 0"):
        Exposure.from_units(negative)


def test_survey_households_must_agree_on_household_values() -> None:
    people = pd.DataFrame({"hh_id": [1, 1, 2], "area": ["A", "A", "B"], "weight": [2.0, 4.0, 1.0],
                           "consumption": [900.0, 900.0, 500.0], "assets": [10.0, 10.0, 5.0],
                           "stratum": [1, 1, 2], "psu": [7, 8, 9]})
    with pytest.raises(DataError, match=r"1 household\(s\) have members with different"):
        exposure_from_survey(people)
    people["psu"] = [7, 7, 9]
    exposure = exposure_from_survey(people)
    # household weight = mean person weight, so weight x size = sum of person weights
    assert exposure.units["weight"].tolist() == [3.0, 1.0]
    assert exposure.people == pytest.approx(7.0)
    assert exposure.units["psu"].tolist() == [7, 9]


def test_compiled_kernel_matches_the_numpy_blocks() -> None:
    from humsec.shocks import demo_scenario, load_measures
    from humsec.shocks.kernel import HAVE_NUMBA

    if not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    scenario = demo_scenario(1000)
    # With measures: unit-specific factors, insurance, transfers and savings all take part.
    from humsec.shocks import apply_measures

    with_measures = apply_measures(scenario, load_measures("demo",
                                                           areas=scenario.exposure.areas))
    for sc in (scenario, with_measures):
        a = simulate(sc, 80, seed=5, kernel=False)
        b = simulate(sc, 80, seed=5, kernel=True)
        pd.testing.assert_frame_equal(a.year, b.year, rtol=1e-9)
        pd.testing.assert_frame_equal(a.units, b.units, rtol=1e-9)
        for name in a.group_year:
            np.testing.assert_allclose(a.group_year[name], b.group_year[name], rtol=1e-9,
                                       atol=1e-6)
        for name in a.hazard_year:
            np.testing.assert_allclose(a.hazard_year[name], b.hazard_year[name], rtol=1e-9,
                                       atol=1e-6)


def test_area_by_group_cells_are_an_exposure() -> None:
    cells = pd.DataFrame({
        "area": ["A", "A", "B"],
        "group": ["women", "children", "general"],
        "population": [1000.0, 800.0, 500.0],
        "consumption": [900.0, 900.0, 2000.0],
        "assets": [2e6, 1e6, 3e6],
    })
    exposure = Exposure.from_units(cells)
    assert list(exposure.groups.columns) == ["women", "children"]
    assert any("income = consumption x population" in n for n in exposure.notes)
    risk = simulate(build_scenario(one_event_spec(frequency=0.5), exposure), 200, seed=1)
    by_group = risk.eai("asset_loss", "group")
    # Cells in area A lose 20 % of assets per event: women's cell has twice the children's.
    assert by_group["women"] == pytest.approx(2 * by_group["children"])
    assert "indigenous_peoples" not in by_group.index


def test_every_year_metric_is_available_by_area_and_poverty_by_group() -> None:
    from humsec.shocks import demo_scenario

    risk = simulate(demo_scenario(800), 60, seed=6)
    for metric in risk.year.columns:
        np.testing.assert_allclose(risk.eai(metric, "area").sum(), risk.eai(metric).iloc[0],
                                   rtol=1e-9, atol=1e-12)
    # Everybody is either a woman/girl or not, so women's share of poverty person-years is at
    # most the total; people in poverty never get pushed below the line (they start below).
    groups = risk.eai("poverty_person_years", "group")
    assert 0 < groups["women"] <= risk.eai("poverty_person_years").iloc[0]
    assert groups["people_in_poverty"] == 0.0


def test_mpi_after_shocks_uses_the_survey_design() -> None:
    """Design-based SEs: they differ from SRS SEs and equal a person-level estimate by hand."""
    from dataclasses import replace

    from humsec.data import synthetic_survey
    from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
    from humsec.shocks import build_scenario, exposure_from_survey, mpi_after_shocks
    from humsec.shocks.deprivation_rules import shocked_deprivations

    people = synthetic_survey(1200, seed=1)
    exposure = exposure_from_survey(people)
    assert exposure.design_columns == ["stratum", "psu"]
    scenario = build_scenario("demo", exposure, missing_areas="drop")
    risk = simulate(scenario, 120, seed=3)
    table = mpi_after_shocks(scenario, risk=risk, return_period=20)
    year = int(table.loc["change", "simulated_year"])
    assert table.loc["baseline", "n_psu"] == people["psu"].nunique()
    assert table.loc["baseline", "n_strata"] == people["stratum"].nunique()

    # The same post-shock deprivations, put back on every person, estimated directly.
    spec = scenario.deprivations
    assert spec is not None and exposure.deprivations is not None
    detail = simulate(scenario, 120, seed=3, detail_year=year).detail
    assert detail is not None
    after = shocked_deprivations(exposure.deprivations, detail, spec)
    after.index = exposure.units["unit_id"].to_numpy()
    persons = after.loc[people["hh_id"].to_numpy()].reset_index(drop=True)
    persons[["weight", "stratum", "psu"]] = people[["weight", "stratum", "psu"]].to_numpy()
    direct = estimate(persons, DeprivationSpec(indicators=dict(spec.weights), k=[spec.k]),
                      SurveyDesign(weight="weight", strata="stratum", psu="psu"))
    for m in ("M0", "H", "A"):
        assert table.loc["after_shocks", m] == pytest.approx(direct.value(m), rel=1e-9)
        assert table.loc["after_shocks", f"{m}_se"] == pytest.approx(
            direct.value(m, column="se"), rel=1e-6)

    # Without the design the households are treated as a simple random sample: other SEs.
    srs = replace(scenario, exposure=replace(
        exposure, units=exposure.units.drop(columns=["stratum", "psu"])))
    plain = mpi_after_shocks(srs, risk=risk, return_period=20)
    assert plain.loc["after_shocks", "M0"] == pytest.approx(table.loc["after_shocks", "M0"])
    assert plain.loc["after_shocks", "n_psu"] == len(exposure)
    for m in ("M0", "H"):
        ratio = table.loc["after_shocks", f"{m}_se"] / plain.loc["after_shocks", f"{m}_se"]
        assert ratio > 1.1  # clustered villages share deprivations: a design effect above 1


def test_survey_rows_need_a_household_id() -> None:
    people = pd.DataFrame({"hh_id": [1, None, 2], "area": ["A", "A", "B"],
                           "consumption": [900.0, 900.0, 500.0], "assets": [10.0, 10.0, 5.0]})
    with pytest.raises(ColumnError, match=r"1 person\(s\) have no hh_id"):
        exposure_from_survey(people)

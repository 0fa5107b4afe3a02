"""Event sets, generators, compound dependence and their input checks."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.errors import SpecError
from humsec.shocks import (
    EventSet,
    HazardModel,
    ImpactFunction,
    build_scenario,
    event_set_from_return_periods,
    exceedance_curve,
    simulate_occurrences,
)
from humsec.shocks.spec import parse_spec

from .conftest import one_event_spec

AREAS = [f"a{i}" for i in range(10)]


def test_return_period_table_becomes_an_event_set_that_reproduces_it() -> None:
    es = event_set_from_return_periods("price_shock", "economic_crisis",
                                       [[5, 0.15], [10, 0.25], [25, 0.4], [50, 0.55]],
                                       areas=["x", "y"])
    np.testing.assert_allclose(es.frequencies, [1 / 50, 1 / 25 - 1 / 50, 1 / 10 - 1 / 25,
                                                1 / 5 - 1 / 10])
    curve = exceedance_curve([e.footprint["x"] for e in es.events], es.frequencies)
    np.testing.assert_allclose(curve.return_period, [50, 25, 10, 5])
    assert es.footprint_matrix(["x", "y"]).nnz == 8


def _model(correlation: float, rate: float = 0.3) -> HazardModel:
    return parse_spec(HazardModel, {
        "area_hazards": [
            {"hazard": "drought", "threat": "disasters", "rate": rate,
             "intensity": {"kind": "uniform", "low": 0.2, "high": 0.6}},
            {"hazard": "conflict", "threat": "armed_conflict", "rate": rate,
             "intensity": {"kind": "fixed", "value": 0.5}},
        ],
        "dependence": {"hazards": ["drought", "conflict"],
                       "correlation": [[1, correlation], [correlation, 1]]},
    }, location="test")


def test_poisson_rates_are_reproduced_and_seed_is_deterministic() -> None:
    occ = simulate_occurrences(_model(0.0), AREAS, 4000, seed=3)
    counts = np.bincount(occ.hazard, minlength=2) / (4000 * len(AREAS))
    # 40,000 area-years at rate 0.3: standard error of the mean is ~0.0027.
    np.testing.assert_allclose(counts, [0.3, 0.3], atol=0.012)
    again = simulate_occurrences(_model(0.0), AREAS, 4000, seed=3)
    np.testing.assert_array_equal(occ.intensity, again.intensity)
    assert occ.intensity[occ.hazard == 0].min() >= 0.2
    assert occ.intensity[occ.hazard == 0].max() <= 0.6


def test_copula_raises_conflict_odds_in_drought_years() -> None:
    occ = simulate_occurrences(_model(0.7), AREAS, 3000, seed=5)
    conditional, marginal = occ.conditional_probability("drought", "conflict")
    assert marginal == pytest.approx(1 - np.exp(-0.3), abs=0.015)
    assert conditional > marginal + 0.15
    independent = simulate_occurrences(_model(0.0), AREAS, 3000, seed=5)
    c0, m0 = independent.conditional_probability("drought", "conflict")
    assert abs(c0 - m0) < 0.02


def test_several_shocks_per_year_occur() -> None:
    occ = simulate_occurrences(_model(0.0, rate=2.0), ["a"], 200, seed=1)
    per_year = np.bincount(occ.year, minlength=200)
    assert per_year.max() >= 4
    assert per_year.mean() == pytest.approx(4.0, rel=0.1)


def test_negative_frequency_is_refused() -> None:
    spec = one_event_spec(frequency=-0.1)
    with pytest.raises(
        SpecError, match=r"events\['e1'\]\.frequency: .*annual frequency must be finite and >= 0"
    ):
        parse_spec(EventSet, spec["hazards"]["event_sets"][0], location="x")


def test_negative_rate_is_refused() -> None:
    with pytest.raises(SpecError, match=r"area_hazards\[0\]\.rate: .*annual frequency"):
        _model(0.0, rate=-0.2)


def test_empty_event_set_is_refused(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    spec = one_event_spec()
    spec["hazards"]["event_sets"][0]["events"] = []
    with pytest.raises(SpecError, match="event set is empty"):
        build_scenario(spec, tiny_exposure)
    with pytest.raises(SpecError, match="no hazard"):
        build_scenario({**spec, "hazards": {}}, tiny_exposure)


def test_footprint_area_missing_from_exposure_is_refused(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    spec = one_event_spec()
    spec["hazards"]["event_sets"][0]["events"][0]["footprint"] = {"A": 1.0, "Z9": 1.0}
    with pytest.raises(SpecError, match=r"footprint area\(s\) are not in the exposure: \['Z9'\]"):
        build_scenario(spec, tiny_exposure)


def test_dependence_must_be_a_correlation_matrix() -> None:
    with pytest.raises(SpecError, match="not positive definite"):
        _model(1.0)


def test_unknown_threat_gets_a_suggestion() -> None:
    with pytest.raises(SpecError, match="did you mean 'disasters'"):
        parse_spec(EventSet, {"hazard": "f", "threat": "disaster", "events": [
            {"id": "e", "frequency": 0.1, "footprint": {"A": 1}}]}, location="x")


def test_impact_function_validation() -> None:
    ok = ImpactFunction(hazard="h", intensity=[0, 1, 2], asset_loss=[0, 0.2, 0.5],
                        income_loss=[0, 0, 0.1])
    np.testing.assert_allclose(ok.asset_share(np.array([-1.0, 0.5, 1.5, 9.0])),
                               [0.0, 0.1, 0.35, 0.5])
    with pytest.raises(SpecError, match="within \\[0, 1\\]"):
        ok.edited(asset_loss=[0, 0.5, 1.2])
    with pytest.raises(SpecError, match="must not decrease"):
        ok.edited(income_loss=[0, 0.3, 0.1])
    with pytest.raises(SpecError, match="strictly increasing"):
        ok.edited(intensity=[0, 2, 1])


def test_missing_impact_function_for_a_livelihood(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    spec = one_event_spec()
    spec["impact_functions"][0]["livelihood"] = "farming"
    with pytest.raises(SpecError, match="no impact function for hazard 'flood' and livelihood "
                                        "'wage'"):
        build_scenario(spec, tiny_exposure)


def test_event_impacts_by_hand_and_monte_carlo_convergence(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    from humsec.shocks import event_impacts, simulate

    spec = one_event_spec(frequency=0.05)
    spec["hazards"]["event_sets"][0]["events"].append(
        {"id": "e2", "frequency": 0.02, "footprint": {"A": 2.0, "B": 0.5}})
    scenario = build_scenario(spec, tiny_exposure)
    impact = event_impacts(scenario.hazards.event_sets[0], tiny_exposure,
                           scenario.impact_functions)
    area_a = 10 * 5000 + 20 * 40000
    area_b = 10 * 8000 + 5 * 90000
    np.testing.assert_allclose(impact.asset_loss, [0.2 * area_a, 0.4 * area_a + 0.1 * area_b])
    assert impact.eai() == pytest.approx(0.05 * 0.2 * area_a + 0.02 * (0.4 * area_a
                                                                       + 0.1 * area_b))
    assert impact.eai_by_area()["B"] == pytest.approx(0.02 * 0.1 * area_b)
    np.testing.assert_allclose(impact.exceedance().return_period, [50, 1 / 0.07])
    mc = simulate(scenario, 20000, seed=8).eai("asset_loss").iloc[0]
    assert mc == pytest.approx(impact.eai(), rel=0.08)


def test_return_period_tables_are_checked_alike_in_generators_and_event_sets() -> None:
    decreasing = [[10, 0.5], [50, 0.3]]
    with pytest.raises(SpecError, match="intensity must not decrease"):
        event_set_from_return_periods("d", "disasters", decreasing, areas=["a"])
    with pytest.raises(SpecError, match="intensity must not decrease"):
        parse_spec(HazardModel, {"area_hazards": [
            {"hazard": "d", "threat": "disasters",
             "intensity": {"kind": "return_periods", "table": decreasing}}]}, location="x")
    with pytest.raises(SpecError, match="intensities finite and >= 0"):
        event_set_from_return_periods("d", "disasters", [[10, -0.1]], areas=["a"])
    with pytest.raises(SpecError, match=r"rates\.a2: .*annual frequency"):
        parse_spec(HazardModel, {"area_hazards": [
            {"hazard": "d", "threat": "disasters", "rates": {"a1": 0.1, "a2": -1.0},
             "intensity": {"kind": "fixed", "value": 1.0}}]}, location="x")


def test_poisson_upper_count_is_scipy_poisson_ppf() -> None:
    # The loop bound of the Poisson quantile: scipy.stats.poisson.ppf's own steps on
    # scipy.special, so humsec.shocks does not import scipy.stats.
    from scipy import stats

    from humsec.shocks.hazards import _poisson_upper_count

    for rate in (1e-9, 1e-4, 0.3, 1.0, 2.5, 7.0, 50.0, 1000.0):
        for q in (0.5, 0.9, 1 - 1e-12):
            assert _poisson_upper_count(q, rate) == int(stats.poisson.ppf(q, rate))


def test_beta_intensities_are_scipy_beta_ppf() -> None:
    # Beta intensities come from scipy.special.betaincinv, which gives the bytes of
    # scipy.stats.beta.ppf (both are Boost's ibeta_inv), without importing scipy.stats.
    from scipy import stats

    from humsec.shocks.hazards import Intensity

    u = np.concatenate([np.random.default_rng(3).random(20_000), [0.0, 1e-12, 0.5, 1.0]])
    for a, b, lo, hi in ((2.0, 4.0, 0.1, 0.8), (2.0, 6.0, 0.0, 1.0), (0.5, 0.5, 0.0, 3.0),
                         (7.5, 1.2, 1.0, 2.0)):
        intensity = Intensity(kind="beta", a=a, b=b, low=lo, high=hi)
        np.testing.assert_array_equal(intensity.quantile(u),
                                      lo + (hi - lo) * stats.beta.ppf(u, a, b))


def test_simulating_the_demo_imports_no_scipy_stats() -> None:
    # The demo's drought and epidemic intensities are beta distributions.
    import subprocess
    import sys

    probe = ("import sys; from humsec.shocks import demo_scenario, simulate; "
             "loaded = [m for m in ('numba', 'scipy.special') if m in sys.modules]; "
             "simulate(demo_scenario(300), 20, seed=1); "
             "print(loaded, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    # importing humsec.shocks loads neither numba nor scipy.special (they load when a
    # simulation needs them); simulating loads no scipy.stats
    assert out.strip().splitlines()[-1] == "[] False"

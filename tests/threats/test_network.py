"""estimate_network on the bundled country panel: edges, bootstrap, multiplier, comparison."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from humsec.data import country_panel
from humsec.threats import (
    WORDING,
    EstimationError,
    ThreatNetwork,
    country_neighbours,
    estimate_network,
    panel_regression,
    spatial_lag,
)
from humsec.threats.network import _ripple
from humsec.threats.within import block_weights, equation_system, weighted_estimates

FOUR = ["armed_conflict", "terrorism", "poverty", "lack_of_health_care"]


@cache
def _panel() -> pd.DataFrame:
    return country_panel(years=range(1995, 2023))


@cache
def _network(bootstrap: int = 60, seed: int = 7) -> ThreatNetwork:
    return estimate_network(_panel(), threats=FOUR, bootstrap=bootstrap, seed=seed)


def test_edges_carry_their_evidence_and_the_non_causal_wording() -> None:
    net = _network()
    edges = net.to_frame()
    assert len(edges) == 12  # 4 threats, every ordered pair
    assert net.indicators["armed_conflict"] == "conflict_any"
    assert net.indicators["poverty"] == "gdp_per_capita_ppp"
    assert net.transforms["poverty"] == "log, negated, z-score"
    assert (edges["nobs"] > 1000).all() and (edges["countries"] > 100).all()
    assert (edges["first_year"] >= 1996).all() and (edges["last_year"] <= 2022).all()
    assert all(WORDING in text for text in edges["reading"])
    assert "causal" in WORDING and "not a causal" in WORDING
    assert (edges["ci_lower"] <= edges["estimate"]).all()
    assert (edges["estimate"] <= edges["ci_upper"]).all()


def test_edge_estimates_equal_panel_regression_on_the_same_design() -> None:
    net = _network()
    panel = _panel()
    z = pd.DataFrame(index=panel.index)
    z["poverty"] = -np.log(panel["gdp_per_capita_ppp"])
    for threat, code, sign in [
        ("armed_conflict", "conflict_any", 1),
        ("terrorism", "political_stability", -1),
        ("lack_of_health_care", "life_expectancy", -1),
    ]:
        z[threat] = sign * panel[code]
    z = (z - z.mean()) / z.std()
    frame = z.reset_index()
    result = panel_regression(frame, "armed_conflict", FOUR, "iso3", "year", lags=1)
    edge = net.edges.set_index(["source", "target"]).loc[("poverty", "armed_conflict")]
    assert edge["estimate"] == pytest.approx(result.coef["poverty_lag1"], rel=1e-9)
    assert edge["std_error"] == pytest.approx(result.se["poverty_lag1"], rel=1e-9)
    assert edge["nobs"] == result.nobs


def test_vectorised_within_estimator_equals_pyfixest_and_explicit_resampling() -> None:
    rng = np.random.default_rng(11)
    rows = [(c, t) for c in range(15) for t in range(10) if rng.random() > 0.2]
    frame = pd.DataFrame(rows, columns=["unit", "year"])
    frame["x1"] = rng.normal(size=len(frame)) + frame["unit"] * 0.1
    frame["x2"] = rng.normal(size=len(frame)) + frame["year"] * 0.1
    frame["y"] = 0.4 * frame["x1"] - 0.2 * frame["x2"] + frame["unit"] + rng.normal(size=len(frame))
    system = equation_system(
        frame["y"].to_numpy(),
        frame[["x1", "x2"]].to_numpy(),
        frame["unit"].to_numpy(),
        frame["year"].to_numpy(),
        15,
        jackknife=False,
    )
    fixest = panel_regression(frame, "y", ["x1", "x2"], "unit", "year")
    np.testing.assert_allclose(system.estimates(np.ones((1, 15)))[0], fixest.coef, rtol=1e-8)
    # one bootstrap draw as weights == the explicitly resampled panel (copies are new units)
    weights = block_weights(15, 3, seed=5)
    draws = np.repeat(np.arange(15), weights[1].astype(int))
    resampled = pd.concat(
        [frame[frame["unit"] == c].assign(unit=k) for k, c in enumerate(draws)], ignore_index=True
    )
    explicit = panel_regression(resampled, "y", ["x1", "x2"], "unit", "year")
    np.testing.assert_allclose(
        weighted_estimates(system.full, weights)[1], explicit.coef, rtol=1e-8
    )


def test_half_panel_jackknife_removes_most_of_the_nickell_bias() -> None:
    # y_it = 0.5 y_i,t-1 + a_i + e_it, T = 6: the within estimator is biased down by about
    # (1 + rho) / (T - 1) (Nickell 1981); the half-panel jackknife removes most of it.
    rng = np.random.default_rng(2)
    n, periods, rho = 2000, 7, 0.5
    alpha = rng.normal(size=n)
    y = np.zeros((n, periods))
    y[:, 0] = alpha / (1 - rho) + rng.normal(size=n)
    for t in range(1, periods):
        y[:, t] = rho * y[:, t - 1] + alpha + rng.normal(size=n)
    unit = np.repeat(np.arange(n), periods - 1)
    year = np.tile(np.arange(1, periods), n)
    target, lagged = y[:, 1:].ravel(), y[:, :-1].ravel()[:, None]
    plain = equation_system(target, lagged, unit, year, n, jackknife=False)
    jack = equation_system(target, lagged, unit, year, n, jackknife=True)
    fe = float(plain.estimates(np.ones((1, n)))[0, 0])
    hpj = float(jack.estimates(np.ones((1, n)))[0, 0])
    assert fe < rho - 0.15
    assert abs(hpj - rho) < 0.5 * abs(fe - rho)


def test_bootstrap_is_reproducible_with_the_seed() -> None:
    first = estimate_network(_panel(), threats=FOUR[:3], bootstrap=20, seed=3)
    again = estimate_network(_panel(), threats=FOUR[:3], bootstrap=20, seed=3)
    other = estimate_network(_panel(), threats=FOUR[:3], bootstrap=20, seed=4)
    pd.testing.assert_frame_equal(first.edges, again.edges)
    assert not first.edges["ci_lower"].equals(other.edges["ci_lower"])


def test_multiplier_and_leverage_by_hand() -> None:
    # A[0, 1] = 0.5 (0 -> 1), A[1, 0] = 0.2; B = A': (I - B)^-1 = [[1, .2], [.5, 1]] / 0.9
    point = np.array([[0.0, 0.5], [0.2, 0.0]])
    out = _ripple(point, None, ["a", "b"], 0.95)
    assert out.radius == pytest.approx(np.sqrt(0.1))
    assert out.leverage is not None
    table = out.leverage.set_index("threat")
    assert table.loc["a", "leverage"] == pytest.approx(1.5 / 0.9)
    assert table.loc["b", "leverage"] == pytest.approx(1.2 / 0.9)
    explosive = _ripple(np.array([[0.0, 1.5], [0.9, 0.0]]), None, ["a", "b"], 0.95)
    assert explosive.multiplier is None and explosive.leverage is None
    assert "1.162 ≥ 1" in explosive.message and "diverges" in explosive.message


def test_network_leverage_ranking_and_radius() -> None:
    net = _network()
    assert 0 < net.spectral_radius < 1
    assert net.multiplier is not None and net.leverage is not None
    low, high = net.radius_interval or (np.nan, np.nan)
    assert low <= high
    lev = net.leverage
    assert lev["rank"].tolist() == [1, 2, 3, 4]
    assert lev["leverage"].is_monotonic_decreasing
    assert ((lev["rank_stability"] >= 0) & (lev["rank_stability"] <= 1)).all()
    np.testing.assert_allclose(
        lev.set_index("threat").loc[list(net.threats), "leverage"],
        net.multiplier.sum(axis=0).to_numpy(),
    )


def test_comparison_with_the_framework_sign_by_sign() -> None:
    net = _network()
    comparison = net.comparison
    literature = comparison[comparison["framework_sign"] != 0]
    # framework links among the four threats: poverty -> armed_conflict,
    # armed_conflict -> poverty, armed_conflict -> lack_of_health_care, terrorism -> poverty
    assert set(zip(literature["source"], literature["target"], strict=True)) == {
        ("poverty", "armed_conflict"),
        ("armed_conflict", "poverty"),
        ("armed_conflict", "lack_of_health_care"),
        ("terrorism", "poverty"),
    }
    for _, row in comparison.iterrows():
        excludes_zero = row["ci_lower"] > 0 or row["ci_upper"] < 0
        if row["verdict"] == "agrees":
            assert excludes_zero and np.sign(row["estimate"]) == row["framework_sign"]
        elif row["verdict"] == "not distinguishable from zero":
            assert not excludes_zero


def test_gaps_are_named() -> None:
    net = estimate_network(
        _panel(), threats=["terrorism", "political_repression", "poverty", "disasters"], bootstrap=0
    )
    assert "already used for 'terrorism'" in net.gaps["political_repression"]
    assert "varies over 3+ years" in net.gaps["disasters"]
    assert net.edges["interval"].eq("clustered by country (CRV1)").all()
    with pytest.raises(EstimationError, match="at least two threats"):
        estimate_network(_panel(), threats=["poverty", "disasters"], bootstrap=0)


def test_contiguity_and_spatial_lag() -> None:
    pairs = country_neighbours("contiguity")
    kenya = set(pairs.loc[pairs["iso3"] == "KEN", "neighbour"])
    assert kenya == {"ETH", "SOM", "SSD", "TZA", "UGA"}
    index = pd.MultiIndex.from_tuples(
        [("KEN", 2000), ("UGA", 2000), ("TZA", 2000), ("ISL", 2000)], names=["iso3", "year"]
    )
    values = pd.Series([1.0, 4.0, 6.0, 3.0], index=index)
    lagged = spatial_lag(values, pairs)
    assert lagged[("KEN", 2000)] == 5.0  # mean of UGA and TZA (others have no value)
    assert lagged[("UGA", 2000)] == pytest.approx(3.5)  # KEN and TZA
    assert np.isnan(lagged[("ISL", 2000)])  # an island: missing, not zero
    net = estimate_network(_panel(), threats=FOUR[:3], spatial="contiguity", bootstrap=0)
    assert net.spillover is not None and set(net.spillover["threat"]) == set(FOUR[:3])


def test_importing_the_package_loads_neither_scipy_nor_pyfixest() -> None:
    # a report reading a stored network needs the ThreatNetwork type only; scipy (~0.5 s)
    # and pyfixest (~1 s with matplotlib and polars) load when a network is estimated
    import subprocess
    import sys

    probe = (
        "import sys; from humsec.threats import ThreatNetwork, estimate_network; "
        "print(sorted(m for m in ('scipy', 'pyfixest', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_a_collinear_edge_stops_the_network_instead_of_a_silent_zero() -> None:
    # two threats measured by the same series: their lags are collinear in every equation,
    # so no edge between them is identified (panel_regression would omit one with NaN)
    panel = _panel().assign(conflict_copy=lambda p: p["conflict_any"])
    with pytest.raises(EstimationError, match="collinear"):
        estimate_network(
            panel,
            threats=["armed_conflict", "terrorism", "poverty"],
            indicators={"armed_conflict": "conflict_any", "terrorism": "conflict_copy"},
            bootstrap=0,
        )

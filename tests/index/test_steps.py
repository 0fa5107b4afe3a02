"""Normalisation, outlier treatment, imputation, aggregation and expressions, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError, SpecError
from humsec.index.aggregation import aggregate, round_half_up
from humsec.index.expression import parse_expression
from humsec.index.imputation import impute_cross_section, impute_latest, impute_regression
from humsec.index.normalisation import apply_transform, normalise
from humsec.index.outlier_treatment import kurtosis, log_ct, skewness, treat
from humsec.index.spec import NodeSpec, Normalisation, Treatment

X = np.array([2.0, 4.0, np.nan, 10.0])


def test_minmax_reversed_and_missing_kept() -> None:
    out = normalise(X, Normalisation(method="minmax"), reverse=False)
    np.testing.assert_allclose(out, [0.0, 25.0, np.nan, 100.0])
    out = normalise(X, Normalisation(method="minmax", range=(1, 10)), reverse=True)
    np.testing.assert_allclose(out, [10.0, 1 + 9 * 0.75, np.nan, 1.0])


def test_goalposts_clip_keeps_missing() -> None:
    spec = Normalisation(method="goalposts", lower=0, upper=8, range=(0, 10))
    np.testing.assert_allclose(normalise(X, spec, reverse=False), [2.5, 5.0, np.nan, 10.0])
    upper_only = Normalisation(method="goalposts", lower=4, upper=8, range=(0, 1), clip="upper")
    np.testing.assert_allclose(normalise(X, upper_only, reverse=False), [-0.5, 0, np.nan, 1])


def test_zscore_rank_percentile_distance() -> None:
    z = normalise(X, Normalisation(method="zscore"), reverse=False)
    obs = np.array([2.0, 4.0, 10.0])
    np.testing.assert_allclose(z[[0, 1, 3]], (obs - obs.mean()) / obs.std(ddof=1))
    np.testing.assert_allclose(
        normalise(X, Normalisation(method="rank"), reverse=True), [3, 2, np.nan, 1]
    )
    np.testing.assert_allclose(
        normalise(X, Normalisation(method="percentile"), reverse=False), [0, 50, np.nan, 100]
    )
    np.testing.assert_allclose(
        normalise(X, Normalisation(method="distance_to_reference", reference=4.0, range=(0, 1)),
                  reverse=False),
        [0.5, 1.0, np.nan, 2.5],
    )
    # worst observed 2, target 6: (x - 2)/(6 - 2), capped at 1
    np.testing.assert_allclose(
        normalise(X, Normalisation(method="distance_to_target", target=6.0, range=(0, 1)),
                  reverse=False),
        [0.0, 0.5, np.nan, 1.0],
    )


def test_log_goalposts_in_raw_units_and_log_errors() -> None:
    spec = Normalisation(method="goalposts", lower=100, upper=75000, range=(0, 1), clip="upper")
    gni = np.array([1000.0, 100000.0])
    out = normalise(apply_transform(gni, "log", location="x"), spec, reverse=False,
                    transform="log")
    assert out[0] == pytest.approx(np.log(10) / np.log(750))
    assert out[1] == 1.0
    with pytest.raises(DataError, match="log transform needs values > 0"):
        apply_transform(np.array([1.0, 0.0]), "log", location="indicator 'x'")


def test_constant_indicator_minmax_is_an_error() -> None:
    with pytest.raises(DataError, match="max > min"):
        normalise(np.array([3.0, 3.0]), Normalisation(method="minmax"), reverse=False,
                  location="indicator 'c'")


def test_skewness_and_kurtosis_match_excel_definitions() -> None:
    # by hand for 1, 2, 3, 10: mean 4, s^2 = 50/3, sum (d/s)^3 = 180/(50/3)^1.5, so
    # G1 = 4/(3*2) * 2.64546 = 1.76364; sum (d/s)^4 = 1394/(50/3)^2 = 5.0184, so
    # G2 = 4*5/(3*2*1) * 5.0184 - 3*9/(2*1) = 3.2280
    x = np.array([1.0, 2.0, 3.0, 10.0])
    d = x - x.mean()
    n = 4
    s = d.std(ddof=1)
    g1 = n / ((n - 1) * (n - 2)) * np.sum((d / s) ** 3)
    g2 = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum((d / s) ** 4) - 3 * (
        n - 1
    ) ** 2 / ((n - 2) * (n - 3))
    assert skewness(x) == pytest.approx(g1)
    assert kurtosis(x) == pytest.approx(g2)
    assert skewness(x) == pytest.approx(1.76364, abs=1e-5)
    assert kurtosis(x) == pytest.approx(3.2280, abs=1e-4)


def test_winsorise_coinr_example() -> None:
    # COINr's documented example: 1..10 with outliers 30 and 100, at most 2 points
    x = np.array([*range(1, 11), 30.0, 100.0])
    out = treat(x, Treatment(method="winsorise", winmax=2))
    assert out.action == "winsorise"
    # before: skew 3.06, kurtosis 9.74 (fails); 100 -> 30 gives skew 1.71 < 2: one point
    assert out.skew_before == pytest.approx(3.0632, abs=1e-3)
    assert out.kurtosis_before == pytest.approx(9.7414, abs=1e-3)
    assert out.values.tolist() == [*range(1, 11), 30.0, 30.0]
    assert out.n_winsorised == 1
    assert list(out.points[-2:]) == ["", "winhi"]
    assert out.skew_after == pytest.approx(1.7120, abs=1e-3)


def test_winsorise_falls_back_to_log_ct() -> None:
    x = np.array([1.0] * 20 + [2.0, 3.0, 50.0, 500.0, 5000.0])
    out = treat(x, Treatment(method="winsorise", winmax=1))
    assert out.action == "log"
    np.testing.assert_allclose(out.values, log_ct(x))
    assert np.all(np.diff(out.values[np.argsort(x)]) >= 0)  # order (direction) is kept


def test_percentile_caps() -> None:
    x = np.arange(101.0)
    out = treat(x, Treatment(method="percentile_caps", lower_percentile=0.1,
                             upper_percentile=0.9))
    assert out.values.min() == 10.0 and out.values.max() == 90.0
    assert (out.points != "").sum() == 20


def test_latest_within_lag() -> None:
    panel = pd.DataFrame(
        {
            "iso3": ["A"] * 5 + ["B"] * 2,
            "year": [2018, 2019, 2020, 2021, 2022, 2021, 2022],
            "v": [1.0, np.nan, np.nan, np.nan, np.nan, 5.0, np.nan],
        }
    )
    filled, imputed = impute_latest(panel, ["v"], unit="iso3", time="year", lag=2)
    # A: 2019 and 2020 take 2018's value; 2021 and 2022 are more than 2 years away
    assert filled["v"].tolist()[:5] == pytest.approx([1.0, 1.0, 1.0, np.nan, np.nan],
                                                     nan_ok=True)
    assert filled["v"].iloc[6] == 5.0
    assert imputed["v"].tolist() == [False, True, True, False, False, False, True]


def test_group_mean_and_regression_imputation() -> None:
    x = pd.Series([1.0, 3.0, np.nan, 10.0, np.nan], name="x")
    groups = pd.Series(["a", "a", "a", "b", "c"])
    out, mask = impute_cross_section(x, "group_mean", groups=groups)
    assert out.tolist()[:4] == [1.0, 3.0, 2.0, 10.0]
    assert np.isnan(out.iloc[4])  # group c has no observation: stays missing
    assert mask.tolist() == [False, False, True, False, False]
    y = pd.Series([2.0, 4.0, 6.0, np.nan], name="y")
    pred = pd.DataFrame({"z": [1.0, 2.0, 3.0, 10.0]})
    filled, imputed = impute_regression(y, pred)
    assert filled.iloc[3] == pytest.approx(20.0)  # y = 2 z exactly
    assert imputed.tolist() == [False, False, False, True]


def test_aggregation_methods_by_hand() -> None:
    x = np.array([[1.0, 4.0, np.nan]])
    w = np.array([1.0, 3.0, 2.0])
    node = NodeSpec(code="n", children=["a", "b", "c"])
    mean, cov = aggregate(x, w, node, scale_max=10)
    assert mean[0] == pytest.approx((1 + 12) / 4) and cov[0] == pytest.approx(2 / 3)
    geo, _ = aggregate(x, w, node.model_copy(update={"method": "geometric"}), scale_max=10)
    assert geo[0] == pytest.approx(4.0 ** 0.75)
    har, _ = aggregate(x, w, node.model_copy(update={"method": "harmonic"}), scale_max=10)
    assert har[0] == pytest.approx(4 / (1 + 3 / 4))
    gen, _ = aggregate(x, w, node.model_copy(update={"method": "generalised", "p": 2}),
                       scale_max=10)
    assert gen[0] == pytest.approx(np.sqrt((1 + 3 * 16) / 4))
    inv, _ = aggregate(x, w, node.model_copy(update={"method": "inverted_geometric"}),
                       scale_max=10)
    assert inv[0] == pytest.approx(11 - (10 * 7 ** 3) ** 0.25)
    low, _ = aggregate(x, w, node.model_copy(update={"method": "min"}), scale_max=10)
    assert low[0] == 1.0
    prop, _ = aggregate(x, w, node.model_copy(update={"missing": "propagate"}), scale_max=10)
    assert np.isnan(prop[0])
    zero, _ = aggregate(np.array([[0.0, 4.0]]), np.array([1.0, 1.0]),
                        NodeSpec(code="z", children=["a", "b"], method="geometric",
                                 nonpositive="zero"), scale_max=10)
    assert zero[0] == 0.0


def test_round_half_up_not_to_even() -> None:
    np.testing.assert_allclose(round_half_up(np.array([2.25, 0.05, 2.35, -1.25]), 1),
                               [2.3, 0.1, 2.4, -1.3])


def test_expression_nan_rules() -> None:
    expr = parse_expression("max(a, 0.7 * b) + abs(-1) * 0", ["a", "b"], location="n")
    out = expr.evaluate({"a": np.array([1.0, np.nan, np.nan]), "b": np.array([10.0, 2.0, np.nan])})
    np.testing.assert_allclose(out, [7.0, 1.4, np.nan])
    with pytest.raises(SpecError, match="not allowed"):
        parse_expression("a.real", ["a"], location="n")
    with pytest.raises(SpecError, match="not valid"):
        parse_expression("max(a,", ["a"], location="n")


# 16 zeros, 11 ones and four outliers 20, 21, 22, 23 (n = 31). Central moments m_k =
# sum (x - mean)^k / n by hand, then G1 = m3/m2^1.5 * sqrt(n(n-1))/(n-2) and
# G2 = ((n+1)(m4/m2^2 - 3) + 6)(n-1)/((n-2)(n-3)) = ((32 g2 + 6) * 30)/812:
#   step  top values         mean    m2          m3             m4                G1      G2
#   0     20 21 22 23       97/31   48406/961   23524788/31^3  13927275550/31^4  2.3228  3.7021
#   1     20 21 22 22       96/31   47204/961   22584360/31^3  13150590884/31^4  2.3157  3.6524
#   2     20 21 21 21       94/31   44918/961   20900574/31^3  11830174706/31^4  2.3087  3.6070
#   3     20 20 20 20       91/31   41660/961   18635820/31^3  10144635500/31^4  2.3047  3.5854
#   4     1 1 1 1           15/31   240/961     240/31^3       57840/31^4        0.0679 -2.1379
# Steps 0-3 fail (|G1| >= 2 and G2 >= 3.5); step 4 passes. The step-4 row is a 0/1 variable
# with p = 15/31: g1 = (1 - 2p)/sqrt(p(1-p)) = 1/sqrt(240) and m4/m2^2 = (1 - 3p(1-p))/(p(1-p))
# = 241/240, so G1 = sqrt(930)/(29 sqrt(240)) = 0.0679 and G2 = (32(241/240 - 3) + 6)30/812.
# After step k exactly k distinct points have moved (step 4 moves the four values at 20 to 1),
# so winsorisation needs 4 points: it succeeds with winmax 4 and falls back to log_CT with 3.
FOUR_STEP = np.array([0.0] * 16 + [1.0] * 11 + [20.0, 21.0, 22.0, 23.0])


def test_winsorise_counts_distinct_points_over_four_steps() -> None:
    out = treat(FOUR_STEP, Treatment(method="winsorise", winmax=4))
    assert out.action == "winsorise"
    assert out.n_winsorised == 4
    assert out.values.tolist() == [0.0] * 16 + [1.0] * 15
    assert list(out.points) == [""] * 27 + ["winhi"] * 4
    assert out.skew_before == pytest.approx(2.3228, abs=1e-4)
    assert out.kurtosis_before == pytest.approx(3.7021, abs=1e-4)
    assert out.skew_after == pytest.approx(np.sqrt(930) / (29 * np.sqrt(240)), rel=1e-12)
    assert out.kurtosis_after == pytest.approx((32 * (241 / 240 - 3) + 6) * 30 / 812, rel=1e-12)


def test_winsorise_needing_more_points_than_winmax_falls_back_to_log() -> None:
    out = treat(FOUR_STEP, Treatment(method="winsorise", winmax=3))
    assert out.action == "log"
    np.testing.assert_allclose(out.values, log_ct(FOUR_STEP))
    # without the fallback the three steps are kept: 23 -> 22 -> 21 -> 20, three points moved
    kept = treat(FOUR_STEP, Treatment(method="winsorise", winmax=3, fallback="none"))
    assert kept.n_winsorised == 3
    assert kept.values[-4:].tolist() == [20.0, 20.0, 20.0, 20.0]
    assert kept.skew_after == pytest.approx(2.3047, abs=1e-4)
    assert kept.kurtosis_after == pytest.approx(3.5854, abs=1e-4)

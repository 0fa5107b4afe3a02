"""reghdfe's omission of regressors collinear with the fixed effects (individual slopes
included) or with the other regressors (``Solution::check_collinear_with_fe`` and
``reghdfe_rmcoll`` in reghdfe.mata, ``collinear_tol = min(1e-6, tolerance/10)``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.threats import EstimationError, panel_regression
from humsec.threats.collinearity import AbsorbedBlock, omitted_regressors, partial_out


def _panel(units: int = 8, years: int = 7, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        [(f"c{i:02d}", 2000 + t) for i in range(units) for t in range(years)],
        columns=["iso3", "year"],
    )
    n = len(frame)
    frame["x1"] = rng.normal(size=n)
    frame["x2"] = rng.normal(size=n)
    code = frame["iso3"].str[1:].astype(float)
    frame["size"] = 3.0 + code  # constant within country
    # each country's own time trend: a country-specific slope on year plus a level
    frame["own_trend"] = (0.5 + code) * (frame["year"] - 2000) + code**2
    frame["y"] = 0.8 * frame["x1"] - 0.3 * frame["x2"] + 0.1 * code + rng.normal(size=n)
    return frame


def _same(with_extra: object, without: object, terms: list[str]) -> None:
    for attr in ("coef", "se", "pvalue"):
        got = getattr(with_extra, attr)[terms].to_numpy()
        want = getattr(without, attr)[terms].to_numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9)


def test_regressor_constant_within_entity_is_omitted_with_a_note() -> None:
    frame = _panel()
    got = panel_regression(frame, "y", ["x1", "size", "x2"], "iso3", "year")
    base = panel_regression(frame, "y", ["x1", "x2"], "iso3", "year")
    assert got.dropped_regressors.to_dict("records") == [
        {"term": "size", "reason": "collinear with the fixed effects"}
    ]
    assert np.isnan(got.coef["size"]) and np.isnan(got.se["size"])
    assert np.isnan(got.ci.loc["size"]).all() and np.isnan(got.pvalue["size"])
    assert list(got.coef.index) == ["x1", "size", "x2"]
    assert any("'size' omitted" in note for note in got.notes)
    _same(got, base, ["x1", "x2"])
    assert (got.dof_k, got.df_t, got.nobs) == (base.dof_k, base.df_t, base.nobs)


def test_entity_time_trend_is_omitted_under_entity_specific_trends() -> None:
    frame = _panel()
    absorb = ["iso3", "year", "iso3[year]"]
    got = panel_regression(
        frame, "y", ["own_trend", "x1", "x2"], "iso3", "year", absorb=absorb, vcov="hetero"
    )
    base = panel_regression(frame, "y", ["x1", "x2"], "iso3", "year", absorb=absorb, vcov="hetero")
    assert got.dropped_regressors.set_index("term")["reason"].to_dict() == {
        "own_trend": "collinear with the fixed effects"
    }
    assert np.isnan(got.coef["own_trend"])
    _same(got, base, ["x1", "x2"])
    # without the trends it varies within country and year, so it is estimated
    kept = panel_regression(frame, "y", ["own_trend", "x1", "x2"], "iso3", "year")
    assert kept.dropped_regressors.empty and np.isfinite(kept.coef["own_trend"])


def test_regressor_spanned_by_earlier_ones_is_omitted_in_order() -> None:
    frame = _panel()
    frame["x3"] = frame["x1"] + 2 * frame["x2"] + frame["size"]  # x1 + 2 x2 within country
    got = panel_regression(frame, "y", ["x1", "x2", "x3"], "iso3", "year")
    assert got.dropped_regressors.to_dict("records") == [
        {"term": "x3", "reason": "collinear with other regressors"}
    ]
    _same(got, panel_regression(frame, "y", ["x1", "x2"], "iso3", "year"), ["x1", "x2"])
    with pytest.raises(EstimationError, match=r"'size' has no variation within the absorbed"):
        panel_regression(frame, "y", ["size", "x1"], "iso3", "year", collinear="raise")
    with pytest.raises(EstimationError, match=r"every regressor is collinear.*'size'"):
        panel_regression(frame, "y", ["size"], "iso3", "year")


def test_tolerance_is_reghdfes_share_of_the_raw_sum_of_squares() -> None:
    # x = 1 + e·z with z = ±1 alternating within each of two groups: x'x = n(1 + e²) and
    # the within sum of squares n·e², so the share is e²/(1 + e²); reghdfe omits x when it
    # is at most 1e-9
    codes = np.repeat([0, 1], 4)
    z = np.tile([1.0, -1.0], 4)
    block = [AbsorbedBlock(codes)]
    for e, omitted in ((1e-5, True), (1e-4, False)):  # shares 1e-10 and 1e-8
        found = omitted_regressors((1.0 + e * z)[:, None], ["x"], block)
        assert (found.reasons == {"x": "collinear with the fixed effects"}) is omitted


def test_partial_out_with_slopes_equals_dummy_regression() -> None:
    frame = _panel(5, 6)
    codes = pd.factorize(frame["iso3"])[0]
    years = pd.factorize(frame["year"])[0]
    t = frame["year"].to_numpy(float)
    blocks = [AbsorbedBlock(codes, True, t), AbsorbedBlock(years)]
    got = partial_out(frame[["x1"]].to_numpy(), blocks)[:, 0]
    entity = np.eye(5)[codes]
    design = np.column_stack([entity, entity * t[:, None], np.eye(6)[years]])
    x = frame["x1"].to_numpy()
    want = x - design @ np.linalg.lstsq(design, x, rcond=None)[0]
    np.testing.assert_allclose(got, want, atol=1e-10)

"""Analytic fixtures for CLIMADA-style risk metrics and NPV (METHODS.md)."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.errors import SpecError
from humsec.shocks import (
    annuity_factor,
    cost_benefit,
    exceedance_curve,
    expected_annual_impact,
    impacts_at_return_periods,
    net_present_value,
)


def test_equal_frequency_events_have_return_period_one_over_k_f() -> None:
    f = 6.2112e-4
    impacts = np.array([3.0, 9.0, 1.0, 7.0, 5.0, 10.0, 2.0, 8.0, 4.0, 6.0])
    curve = exceedance_curve(impacts, np.full(10, f))
    k = np.arange(1, 11)
    np.testing.assert_allclose(curve.impact, np.arange(10, 0, -1))
    np.testing.assert_allclose(curve.return_period, 1.0 / (k * f), rtol=1e-12)
    # Reading the curve at those return periods returns the k-th largest impact.
    np.testing.assert_allclose(curve.at(1.0 / (k * f)), 11 - k, rtol=1e-12)


def test_eai_and_interpolation_between_return_periods() -> None:
    impacts = np.array([100.0, 50.0, 10.0])
    freq = np.array([0.01, 0.04, 0.15])
    assert expected_annual_impact(impacts, freq) == pytest.approx(1 + 2 + 1.5)
    # exceedance frequencies 0.01, 0.05, 0.2 -> RP 100, 20, 5; RP 60 lies halfway 20..100.
    got = impacts_at_return_periods(impacts, freq, [100, 20, 5, 60, 2, 1000])
    np.testing.assert_allclose(got, [100, 50, 10, 75, 0, 100])


def test_metric_bad_input() -> None:
    with pytest.raises(SpecError, match="frequencies must be finite and >= 0"):
        exceedance_curve([1.0, 2.0], [0.1, -0.1])
    with pytest.raises(SpecError, match="event set is empty"):
        expected_annual_impact([], [])
    with pytest.raises(SpecError, match="return periods must be positive"):
        impacts_at_return_periods([1.0], [0.1], [0])


def test_npv_of_constant_reduction_2018_2040_at_2_percent() -> None:
    result = cost_benefit(1.661794061279437e9, 0.0, 1e10, 2018, 2040, 0.02)
    assert result.benefit == pytest.approx(3.100583368954022e10, rel=1e-13)
    factor = sum(1.02 ** -t for t in range(23))
    assert result.benefit == pytest.approx(1.661794061279437e9 * factor, rel=1e-13)
    assert result.bcr == pytest.approx(3.100583368954022, rel=1e-12)
    assert result.net_benefit == pytest.approx(2.100583368954022e10, rel=1e-12)


def test_first_year_is_undiscounted() -> None:
    assert annuity_factor(2025, 2025, 0.1) == 1.0
    assert net_present_value([100.0, 110.0], 0.1) == pytest.approx(200.0)


@pytest.mark.parametrize("rate", [-1.0, -1.5, float("nan")])
def test_discount_rate_at_or_below_minus_one_is_refused(rate: float) -> None:
    with pytest.raises(SpecError, match="discount rate must be a finite number > -1"):
        cost_benefit(2.0, 1.0, 1.0, 2020, 2030, rate)


def test_cost_benefit_other_bad_input() -> None:
    with pytest.raises(SpecError, match="end_year >= start_year"):
        cost_benefit(2.0, 1.0, 1.0, 2030, 2020, 0.03)
    with pytest.raises(SpecError, match="cost must be >= 0"):
        cost_benefit(2.0, 1.0, -1.0, 2020, 2030, 0.03)

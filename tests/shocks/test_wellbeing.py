"""CRRA well-being loss of an exponentially recovering consumption path (Unbreakable)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from humsec.errors import SpecError
from humsec.shocks import crra_utility, equivalent_consumption_loss, time_below_line
from humsec.shocks import wellbeing_loss as dw
from humsec.shocks.wellbeing import PhiTable, phi


def _quadrature(c0: float, dc0: float, lam: float, rho: float, eta: float) -> float:
    def integrand(t: float) -> float:
        return float((crra_utility(c0, eta) - crra_utility(c0 - dc0 * math.exp(-lam * t), eta))
                     * math.exp(-rho * t))

    return quad(integrand, 0, math.inf, epsabs=1e-15, epsrel=1e-12, limit=200)[0]


@pytest.mark.parametrize("eta", [1.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize(("c0", "dc0", "lam"), [(1000.0, 300.0, 1.0), (500.0, 450.0, 0.3),
                                                 (2500.0, 10.0, 2.0)])
def test_closed_form_equals_numerical_integral(eta: float, c0: float, dc0: float,
                                               lam: float) -> None:
    got = float(dw(c0, dc0, reconstruction_rate=lam, discount_rate=0.06, eta=eta))
    assert got == pytest.approx(_quadrature(c0, dc0, lam, 0.06, eta), rel=1e-8)


def test_eta_two_with_rho_equal_lambda_is_elementary() -> None:
    # eta = 2, a = rho/lambda = 1: 2F1(1, 1; 2; z) = -ln(1-z)/z, so Phi = (-ln(1-z)/z - 1)/rho.
    z, rho = 0.3, 0.5
    expected = (-math.log(1 - z) / z - 1) / rho
    assert float(phi(z, eta=2.0, rho=rho, lam=rho)) == pytest.approx(expected, rel=1e-13)


def test_small_loss_is_linear_in_consumption_loss() -> None:
    # For a tiny drop, dW ~ u'(c0) * dc0 / (lambda + rho).
    c0, dc0, lam, rho = 1000.0, 1e-3, 1.0, 0.06
    money = equivalent_consumption_loss(c0, dc0, reference_consumption=c0,
                                        reconstruction_rate=lam, discount_rate=rho)
    assert float(money) == pytest.approx(dc0 / (lam + rho), rel=1e-5)


def test_poor_lose_more_wellbeing_for_the_same_money() -> None:
    kw = {"reference_consumption": 2000.0, "reconstruction_rate": 1.0}
    poor = equivalent_consumption_loss(500.0, 100.0, **kw)
    rich = equivalent_consumption_loss(5000.0, 100.0, **kw)
    assert float(poor) > 10 * float(rich)


def test_table_matches_closed_form() -> None:
    table = PhiTable(eta=1.5, rho=0.06, rates=[0.5, 1.0], z_max=0.95)
    z = np.linspace(0.01, 0.95, 997)
    for which, lam in enumerate(table.rates):
        exact = phi(z, eta=1.5, rho=0.06, lam=lam)
        np.testing.assert_allclose(table.evaluate(z, which), exact, rtol=2e-6)


def test_time_below_the_poverty_line() -> None:
    t = time_below_line(np.array([2000.0, 2000.0, 800.0]), np.array([1500.0, 500.0, 100.0]),
                        1000.0, 1.0)
    np.testing.assert_allclose(t, [math.log(1.5), 0.0, 0.0])


def test_wellbeing_bad_input() -> None:
    with pytest.raises(SpecError, match="rho must be > 0"):
        phi(0.1, eta=1.5, rho=0.0, lam=1.0)
    with pytest.raises(SpecError, match="within \\[0, 1\\)"):
        phi(1.2, eta=1.5, rho=0.06, lam=1.0)

"""Well-being losses of a recovering household (World Bank "Unbreakable", Hallegatte et al. 2017).

Consumption utility is CRRA, ``u(c) = c^(1-eta) / (1-eta)`` (``ln c`` when ``eta = 1``). After a
shock, consumption falls by ``dc(t) = dc0 * exp(-lambda t)`` and the well-being loss is

    dW = int_0^inf [u(c0) - u(c0 - dc(t))] exp(-rho t) dt.

**Closed form.** CRRA is homogeneous, ``u(c0 x) = c0^(1-eta) u(x)`` (up to an additive constant
when ``eta = 1``), so ``dW = c0^(1-eta) Phi(z)`` with the relative drop ``z = dc0 / c0``. With
``s = exp(-lambda t)`` and ``a = rho / lambda`` the integral becomes Euler's integral of the Gauss
hypergeometric function:

    Phi(z) = [1 - 2F1(eta - 1, a; a + 1; z)] / ((1 - eta) rho)            (eta != 1)
    Phi(z) = (1/lambda) sum_{n>=1} z^n / (n (n + a))                      (eta = 1)

(derivation in docs/shocks.md). Dividing by marginal utility at a reference consumption
``u'(c_ref) = c_ref^(-eta)`` gives the *equivalent consumption loss* in money, directly comparable
with asset losses:

    dW_eq = c0^(1-eta) * c_ref^eta * Phi(z).

Socio-economic resilience is then ``asset loss / dW_eq`` (Hallegatte et al. 2017).

The Monte Carlo engine evaluates ``Phi`` tens of millions of times, so :class:`PhiTable`
tabulates it on a uniform grid of ``z`` and interpolates linearly (error ``<= h^2 max|Phi''| / 8``,
about 1e-6 relative on the default 8,193-point grid; a test checks it against the closed form).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np

from humsec.errors import SpecError


def _special() -> ModuleType:
    """``scipy.special``, imported on first use (importing it costs ~0.4 s, which importing
    humsec.shocks should not pay)."""
    from scipy import special

    return special


__all__ = [
    "PhiTable",
    "crra_utility",
    "equivalent_consumption_loss",
    "phi",
    "time_below_line",
    "wellbeing_loss",
]


def _check(eta: float, rho: float, lam: float | np.ndarray) -> None:
    if not eta > 0:
        raise SpecError(f"eta must be > 0, got {eta}", location="wellbeing(eta=...)")
    if not rho > 0:
        raise SpecError(f"the discount rate rho must be > 0, got {rho}",
                        location="wellbeing(rho=...)",
                        hint="with rho <= 0 the well-being integral does not converge")
    if np.any(np.asarray(lam) <= 0):
        raise SpecError("the reconstruction rate lambda must be > 0",
                        location="wellbeing(reconstruction_rate=...)")


def crra_utility(c: np.ndarray | float, eta: float = 1.5) -> np.ndarray:
    """``u(c) = c^(1-eta)/(1-eta)``, or ``ln c`` for ``eta = 1``."""
    c = np.asarray(c, dtype=float)
    if eta == 1.0:
        return np.log(c)
    return np.power(c, 1.0 - eta) / (1.0 - eta)


def phi(z: np.ndarray | float, *, eta: float, rho: float, lam: float) -> np.ndarray:
    """``Phi(z)``: the well-being loss of a unit-consumption household (closed form above)."""
    _check(eta, rho, lam)
    z = np.asarray(z, dtype=float)
    if np.any((z < 0) | (z >= 1)):
        raise SpecError("relative consumption drop z must be within [0, 1)",
                        location="wellbeing(z=...)",
                        hint="consumption cannot fall to zero or below")
    a = rho / lam
    if eta == 1.0:
        n = np.arange(1, 4001, dtype=float)
        terms = np.power.outer(z, n) / (n * (n + a))
        return np.asarray(terms.sum(axis=-1) / lam)
    return np.asarray((1.0 - _special().hyp2f1(eta - 1.0, a, a + 1.0, z)) / ((1.0 - eta) * rho))


def wellbeing_loss(
    c0: np.ndarray | float,
    dc0: np.ndarray | float,
    *,
    reconstruction_rate: float,
    discount_rate: float = 0.06,
    eta: float = 1.5,
) -> np.ndarray:
    """``dW = int_0^inf [u(c0) - u(c0 - dc0 e^(-lambda t))] e^(-rho t) dt`` in utility units.

    Exact closed form ``c0^(1-eta) Phi(dc0/c0)`` (module docstring; Hallegatte et al. 2017).
    """
    c0 = np.asarray(c0, dtype=float)
    if np.any(c0 <= 0):
        raise SpecError("consumption c0 must be > 0", location="wellbeing(c0=...)")
    z = np.asarray(dc0, dtype=float) / c0
    return np.power(c0, 1.0 - eta) * phi(z, eta=eta, rho=discount_rate, lam=reconstruction_rate)


def equivalent_consumption_loss(
    c0: np.ndarray | float,
    dc0: np.ndarray | float,
    *,
    reference_consumption: float,
    reconstruction_rate: float,
    discount_rate: float = 0.06,
    eta: float = 1.5,
) -> np.ndarray:
    """Well-being loss in money: ``dW / u'(c_ref) = c0^(1-eta) c_ref^eta Phi(dc0/c0)``."""
    if not reference_consumption > 0:
        raise SpecError("reference consumption must be > 0",
                        location="wellbeing(reference_consumption=...)")
    dw = wellbeing_loss(c0, dc0, reconstruction_rate=reconstruction_rate,
                        discount_rate=discount_rate, eta=eta)
    return dw * reference_consumption**eta


def time_below_line(c0: np.ndarray, dc0: np.ndarray, line: float, lam: np.ndarray | float
                    ) -> np.ndarray:
    """Years a household starting above ``line`` spends below it: ``ln(dc0/(c0-line))/lambda``.

    Solves ``c0 - dc0 e^(-lambda t) < line``; 0 when the shock does not cross the line or the
    household was already below it (its poverty spell is not caused by the shock).
    """
    c0 = np.asarray(c0, dtype=float)
    gap = c0 - line
    crossed = (gap > 0) & (dc0 > gap)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.log(np.where(crossed, dc0, 1.0) / np.where(crossed, gap, 1.0)) / lam
    return np.where(crossed, t, 0.0)


class PhiTable:
    """``Phi(z)`` tabulated on ``[0, z_max]`` for each distinct reconstruction rate.

    ``evaluate(z, which)`` interpolates linearly; ``which`` indexes :attr:`rates`.
    """

    def __init__(self, *, eta: float, rho: float, rates: Sequence[float], z_max: float,
                 points: int = 8193) -> None:
        _check(eta, rho, np.asarray(rates))
        if not 0 < z_max < 1:
            raise SpecError("z_max must be within (0, 1)", location="PhiTable(z_max=...)")
        self.rates = tuple(float(r) for r in rates)
        self.z_max = float(z_max)
        self.step = z_max / (points - 1)
        grid = np.linspace(0.0, z_max, points)
        self.values = np.stack([phi(grid, eta=eta, rho=rho, lam=r) for r in self.rates])
        self.slopes = np.diff(self.values, axis=1)

    def evaluate(self, z: np.ndarray, which: np.ndarray | int = 0) -> np.ndarray:
        """Interpolated ``Phi`` at ``z`` in ``[0, z_max]`` for rate index ``which``.

        Values outside the range are clamped to the end points of the table.
        """
        n = self.values.shape[1]
        pos = z * (1.0 / self.step)
        np.clip(pos, 0.0, n - 1.0, out=pos)
        idx = pos.astype(np.int64)
        np.minimum(idx, n - 2, out=idx)
        frac = pos - idx
        if len(self.rates) == 1:
            values, slopes = self.values[0], self.slopes[0]
        else:
            idx += np.asarray(which, dtype=np.int64) * n
            values, slopes = self.values.ravel(), np.pad(self.slopes, ((0, 0), (0, 1))).ravel()
        return values.take(idx) + frac * slopes.take(idx)

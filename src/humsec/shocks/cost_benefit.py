"""Net present value and benefit-cost ratios (CLIMADA ``CostBenefit`` conventions).

``NPV = sum_{t=start}^{end} v_t / (1 + r)^(t - start)``: the first year is undiscounted
(METHODS.md). A constant annual risk reduction ``dR`` over 2018-2040 at 2 % has
``NPV = dR * sum_{t=0}^{22} 1.02^(-t)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from humsec.errors import SpecError

__all__ = ["CostBenefitResult", "annuity_factor", "cost_benefit", "net_present_value"]


def _check_rate(discount_rate: float) -> None:
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise SpecError(
            f"discount rate must be a finite number > -1, got {discount_rate}",
            location="discount_rate",
            hint="give a yearly rate as a fraction, e.g. 0.03 for 3 %",
        )


def _check_years(start_year: int, end_year: int) -> None:
    if int(start_year) != start_year or int(end_year) != end_year or end_year < start_year:
        raise SpecError(
            f"need whole years with end_year >= start_year, got {start_year}-{end_year}",
            location="start_year/end_year",
        )


def annuity_factor(start_year: int, end_year: int, discount_rate: float) -> float:
    """``sum_{t=0}^{end-start} (1 + r)^(-t)``: NPV of 1 a year, first year undiscounted."""
    _check_rate(discount_rate)
    _check_years(start_year, end_year)
    t = np.arange(int(end_year) - int(start_year) + 1, dtype=float)
    return float(np.sum((1.0 + discount_rate) ** -t))


def net_present_value(values: Sequence[float] | np.ndarray, discount_rate: float) -> float:
    """``sum_t v_t / (1 + r)^t`` for yearly values starting now (``t = 0`` undiscounted)."""
    _check_rate(discount_rate)
    v = np.asarray(values, dtype=float)
    if np.any(~np.isfinite(v)):
        raise SpecError("yearly values must be finite", location="net_present_value(values)")
    return float(np.sum(v * (1.0 + discount_rate) ** -np.arange(len(v), dtype=float)))


@dataclass(frozen=True)
class CostBenefitResult:
    """Benefit (NPV of the avoided annual risk), cost and their ratio."""

    risk_without: float
    risk_with: float
    cost: float
    start_year: int
    end_year: int
    discount_rate: float
    benefit: float

    @property
    def annual_benefit(self) -> float:
        """Avoided risk per year, ``risk_without - risk_with``."""
        return self.risk_without - self.risk_with

    @property
    def bcr(self) -> float:
        """Benefit-cost ratio ``benefit / cost`` (inf for a free measure with a benefit)."""
        if self.cost == 0:
            return math.inf if self.benefit > 0 else math.nan
        return self.benefit / self.cost

    @property
    def net_benefit(self) -> float:
        """``benefit - cost``."""
        return self.benefit - self.cost


def cost_benefit(
    risk_without: float,
    risk_with: float,
    cost: float,
    start_year: int,
    end_year: int,
    discount_rate: float,
) -> CostBenefitResult:
    """Benefit of a constant annual risk reduction and its benefit-cost ratio.

    ``benefit = (risk_without - risk_with) * sum_{t=0}^{end-start} (1 + r)^(-t)``; ``cost`` is
    a present value. Example (METHODS.md): 1.661794061279437e9 a year over 2018-2040 at 2 % gives
    3.100583368954022e10.
    """
    for name, value in (("risk_without", risk_without), ("risk_with", risk_with),
                        ("cost", cost)):
        if not math.isfinite(value):
            raise SpecError(f"{name} must be a finite number, got {value}", location=name)
    if cost < 0:
        raise SpecError(f"cost must be >= 0, got {cost}", location="cost")
    factor = annuity_factor(start_year, end_year, discount_rate)
    return CostBenefitResult(
        risk_without=float(risk_without),
        risk_with=float(risk_with),
        cost=float(cost),
        start_year=int(start_year),
        end_year=int(end_year),
        discount_rate=float(discount_rate),
        benefit=(float(risk_without) - float(risk_with)) * factor,
    )

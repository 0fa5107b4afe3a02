"""Which deprivations a shock adds: Alkire-Foster weights, cutoff and shock -> deprivation rules.

A shock can make a household newly deprived in a global-MPI indicator. The default rules are
illustrative assumptions for a low-income, rural setting; calibrate them to panel evidence:

* ``d_asst`` (assets) when the household loses at least half of its assets;
* ``d_nutr`` (nutrition) when the shock keeps it below the poverty line for at least three
  months (consumption smoothing by cutting meals);
* ``d_satt`` (school attendance) when consumption drops by at least 30 % (children withdrawn
  from school to work or to save fees).

With household deprivation score ``c_i = sum_j w_j g_ij`` and the added indicators ``g'``, the
post-shock score is ``c'_i = c_i + sum_j w_j (1 - g_ij) g'_ij`` and the household is poor if
``c'_i >= k`` (Alkire and Foster 2011; METHODS.md).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from humsec.shocks.spec import Positive

__all__ = ["GLOBAL_MPI_WEIGHTS", "DeprivationRule", "ShockDeprivations", "shocked_deprivations"]

#: Global MPI weights (OPHI/UNDP): health and education 1/6 per indicator, living standards 1/18.
GLOBAL_MPI_WEIGHTS: dict[str, float] = {
    "d_nutr": 1 / 6,
    "d_cm": 1 / 6,
    "d_satt": 1 / 6,
    "d_educ": 1 / 6,
    "d_elct": 1 / 18,
    "d_sani": 1 / 18,
    "d_wtr": 1 / 18,
    "d_hsg": 1 / 18,
    "d_ckfl": 1 / 18,
    "d_asst": 1 / 18,
}

Trigger = Literal["asset_loss_share", "consumption_drop_share", "years_below_poverty_line"]


class DeprivationRule(BaseModel):
    """``indicator`` becomes deprived when ``trigger >= threshold`` in a shock year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    trigger: Trigger
    threshold: Positive


def _default_rules() -> list[DeprivationRule]:
    return [
        DeprivationRule(indicator="d_asst", trigger="asset_loss_share", threshold=0.5),
        DeprivationRule(indicator="d_nutr", trigger="years_below_poverty_line", threshold=0.25),
        DeprivationRule(indicator="d_satt", trigger="consumption_drop_share", threshold=0.3),
    ]


class ShockDeprivations(BaseModel):
    """Alkire-Foster weights, poverty cutoff ``k`` and the shock -> deprivation rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[str, float] = Field(default_factory=lambda: dict(GLOBAL_MPI_WEIGHTS))
    k: float = 1 / 3
    rules: list[DeprivationRule] = Field(default_factory=_default_rules)

    @model_validator(mode="after")
    def _check(self) -> ShockDeprivations:
        total = sum(self.weights.values())
        if abs(total - 1.0) > 1e-6 or any(w <= 0 for w in self.weights.values()):
            raise ValueError(f"weights must be positive and sum to 1, got sum {total:.6g}")
        if not 0 < self.k <= 1:
            raise ValueError(f"k must be within (0, 1], got {self.k}")
        unknown = sorted({r.indicator for r in self.rules} - set(self.weights))
        if unknown:
            raise ValueError(f"rules name indicators without a weight: {unknown}")
        return self


def shocked_deprivations(deprivations: pd.DataFrame, detail: pd.DataFrame,
                         spec: ShockDeprivations) -> pd.DataFrame:
    """Household deprivations after the shocks of one simulated year (``risk.detail``).

    ``g'_ij = max(g_ij, any rule for j fired)``; missing values stay missing.
    """
    out = deprivations.copy()
    for indicator in {r.indicator for r in spec.rules}:
        fired = np.zeros(len(out), dtype=bool)
        for rule in spec.rules:
            if rule.indicator == indicator:
                fired |= detail[rule.trigger].to_numpy() >= rule.threshold
        col = out[indicator].to_numpy(dtype=float)
        out[indicator] = np.where(np.isnan(col), np.nan, np.maximum(col, fired))
    return out

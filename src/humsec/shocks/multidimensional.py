"""Shocks in Alkire-Foster terms: which deprivations a shock adds, and M0/H after shocks.

A shock can make a household newly deprived in a global-MPI indicator. The default rules are
illustrative assumptions for a low-income, rural setting; calibrate them to panel evidence:

* ``d_asst`` (assets) when the household loses at least half of its assets;
* ``d_nutr`` (nutrition) when the shock keeps it below the poverty line for at least three
  months (consumption smoothing by cutting meals);
* ``d_satt`` (school attendance) when consumption drops by at least 30 % (children withdrawn
  from school to work or to save fees).

With household deprivation score ``c_i = sum_j w_j g_ij`` and the added indicators ``g'``, the
post-shock score is ``c'_i = c_i + sum_j w_j (1 - g_ij) g'_ij`` and the household is poor if
``c'_i >= k`` (Alkire and Foster 2011; METHODS.md). ``M0`` and ``H`` are linear in the people
counted, so the engine accumulates the change in each simulated year exactly;
:func:`mpi_after_shocks` recomputes the measures with :func:`humsec.deprivation.estimate` for one
simulated year, with design-based standard errors when the exposure carries strata and PSUs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from humsec.errors import SpecError
from humsec.shocks.spec import Positive

if TYPE_CHECKING:
    from humsec.shocks.engine import Scenario
    from humsec.shocks.risk import ShockRisk

__all__ = [
    "GLOBAL_MPI_WEIGHTS",
    "DeprivationRule",
    "ShockDeprivations",
    "mpi_after_shocks",
    "shocked_deprivations",
]

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


def mpi_after_shocks(scenario: Scenario, *, n_years: int = 1000, seed: int = 1,
                     return_period: float = 20, metric: str = "mpi_m0_change",
                     risk: ShockRisk | None = None,
                     lonely_psu: Literal["fail", "certainty", "adjust", "average"] = "fail",
                     ) -> pd.DataFrame:
    """M0, H and A before and after the shocks of a representative 1-in-``return_period`` year.

    The year is the one ranked at ``return_period`` by ``metric``
    (:meth:`ShockRisk.year_at_return_period`). Both states are estimated with
    :func:`humsec.deprivation.estimate` on household rows weighted by ``weight * population``
    (the sum of the members' person weights), so ``M0 = sum_i w_i n_i c_i(k) / sum_i w_i n_i``
    and ``H = sum_i w_i n_i q_i / sum_i w_i n_i`` (Alkire and Foster 2011; METHODS.md).

    Standard errors are Taylor-linearised for the survey design the exposure carries
    (:attr:`Exposure.design_columns`: ``stratum`` and ``psu`` from
    :func:`~humsec.shocks.exposure_from_survey`), with PSUs drawn with replacement within
    strata and ``lonely_psu`` handled as in :class:`humsec.deprivation.SurveyDesign`. Because a
    household's members share its deprivations and PSU, these equal the person-level SEs. An
    exposure without design columns (cells, or a household table without them) gets SEs that
    treat its units as a simple random sample. Returns rows ``baseline`` / ``after_shocks`` /
    ``change`` with columns ``M0, H, A``, their standard errors, ``n_strata`` and ``n_psu`` of
    the design used, plus the simulated year.
    """
    from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
    from humsec.shocks.engine import simulate

    spec = scenario.deprivations
    dep = scenario.exposure.deprivations
    if spec is None or dep is None:
        raise SpecError("the scenario has no deprivation indicators or rules",
                        location=f"scenario {scenario.name!r}",
                        hint="use an exposure from a survey with d_* columns and set "
                        "'deprivations: default' in the scenario")
    if risk is None:
        risk = simulate(scenario, n_years, seed)
    year = risk.year_at_return_period(return_period, metric)
    detailed = simulate(scenario, risk.n_years, risk.seed, detail_year=year)
    assert detailed.detail is not None
    exposure = scenario.exposure
    design_cols = exposure.design_columns
    af_spec = DeprivationSpec(indicators=dict(spec.weights), k=[spec.k])
    design = SurveyDesign(weight="weight", lonely_psu=lonely_psu,
                          strata="stratum" if "stratum" in design_cols else None,
                          psu="psu" if "psu" in design_cols else None)
    units = exposure.units
    rows = {}
    for label, frame in (("baseline", dep),
                         ("after_shocks", shocked_deprivations(dep, detailed.detail, spec))):
        data = frame[list(spec.weights)].copy()
        data["weight"] = (units["weight"] * units["population"]).to_numpy()
        for col in design_cols:
            data[col] = units[col].to_numpy()
        result = estimate(data, af_spec, design)
        rows[label] = {m: result.value(m) for m in ("M0", "H", "A")}
        rows[label].update({f"{m}_se": result.value(m, column="se") for m in ("M0", "H", "A")})
        rows[label].update(n_strata=result.n_strata, n_psu=result.n_psu)
    out = pd.DataFrame(rows).T
    out.loc["change"] = out.loc["after_shocks"] - out.loc["baseline"]
    out.loc["change", [c for c in out.columns if c.endswith("_se")]] = np.nan
    out.loc["change", ["n_strata", "n_psu"]] = out.loc["baseline", ["n_strata", "n_psu"]]
    out["simulated_year"] = year
    out["return_period"] = return_period
    return out

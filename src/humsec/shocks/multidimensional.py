"""Shocks in Alkire-Foster terms: M0, H and A before and after a representative shock year.

The rules that say which deprivations a shock adds are in
:mod:`humsec.shocks.deprivation_rules`. ``M0`` and ``H`` are linear in the people counted, so
the engine accumulates their change in each simulated year exactly; :func:`mpi_after_shocks`
recomputes the measures with :func:`humsec.deprivation.estimate` for one simulated year, with
design-based standard errors when the exposure carries strata and PSUs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from humsec.errors import SpecError
from humsec.shocks.deprivation_rules import shocked_deprivations
from humsec.shocks.engine import simulate
from humsec.shocks.model import Scenario
from humsec.shocks.risk import ShockRisk

__all__ = ["mpi_after_shocks"]


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

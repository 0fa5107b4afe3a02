"""Erosion of development gains: how much of a programme's gain shocks take away.

A programme (e.g. a livelihood or cash-plus programme) raises consumption, assets or savings
and removes deprivations for the households it covers. Without shocks its *gain* is

* consumption: ``G_c = sum w n (c_prog - c_base)`` per year;
* poverty: ``G_p`` = people lifted above the poverty line (person-years per year);
* multidimensional poverty: ``G_M0 = M0_base - M0_prog`` (when deprivations are available).

Both worlds are then hit by the same simulated shocks (common random numbers). In year ``y``
the shocks cost ``L_prog(y)`` and ``L_base(y)`` (consumption lost, poverty person-years added,
M0 added). Two erosion shares are reported:

* **gross** ``L_prog(y) / G``: the shock losses of the programme world against its gain;
* **net** ``(L_prog(y) - L_base(y)) / G``: how much smaller the programme's gain is in a shock
  year than without shocks (households lifted just above the line are the most likely to fall
  back, so this is usually positive).

Each is given in expectation (mean over years) and in a 1-in-``RP`` year (the ``RP`` exceedance
value of the yearly series, default 1-in-20).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from humsec.errors import SpecError
from humsec.shocks.engine import simulate
from humsec.shocks.enrolment import unit_uniform
from humsec.shocks.hazards import simulate_occurrences
from humsec.shocks.measures import Target
from humsec.shocks.metrics import exceedance_curve, year_frequencies
from humsec.shocks.model import Scenario
from humsec.shocks.risk import ShockRisk
from humsec.shocks.spec import Share

__all__ = ["ErosionResult", "ProgrammeGains", "erosion_of_gains", "programme_scenario"]


class ProgrammeGains(BaseModel):
    """A development programme as relative gains for covered households."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "programme"
    target: Target = Field(default_factory=Target)
    consumption_gain: float = 0.0
    income_gain: float = 0.0
    asset_gain: float = 0.0
    savings_gain: float = 0.0
    remove_deprivations: dict[str, Share] = Field(default_factory=dict)

    @field_validator("consumption_gain", "income_gain", "asset_gain", "savings_gain")
    @classmethod
    def _gain(cls, value: float) -> float:
        if not np.isfinite(value) or value <= -1:
            raise ValueError(f"relative gains must be > -1, got {value}")
        return value



def programme_scenario(scenario: Scenario, programme: ProgrammeGains, seed: int = 1) -> Scenario:
    """The scenario's exposure after the programme (a pure transform).

    For covered units ``x' = x (1 + g_x)`` for consumption, income, assets and savings, and
    deprivation ``j`` is set to 0 for a fixed random share ``r_j`` of them
    (``remove_deprivations``). Well-being stays valued at the baseline mean consumption.
    """
    from humsec.shocks.measures import Measure

    covered = Measure(name=f"programme:{programme.name}", target=programme.target).covered(
        scenario, seed)
    exp = scenario.exposure
    factor = {k: np.where(covered, 1.0 + g, 1.0) for k, g in (
        ("consumption", programme.consumption_gain), ("income", programme.income_gain),
        ("assets", programme.asset_gain), ("savings", programme.savings_gain))}
    new = exp.with_units(**{k: exp.column(k) * f for k, f in factor.items()})
    if programme.remove_deprivations:
        dep = exp.deprivations
        if dep is None:
            raise SpecError("the programme removes deprivations but the exposure has none",
                            location=f"programme {programme.name!r}")
        dep = dep.copy()
        for col, share in programme.remove_deprivations.items():
            if col not in dep.columns:
                raise SpecError(f"unknown deprivation {col!r}",
                                location=f"programme {programme.name!r}.remove_deprivations",
                                hint=f"columns: {list(dep.columns)}")
            lifted = covered & (unit_uniform(len(exp), seed, f"programme:{col}") < share)
            values = dep[col].to_numpy(dtype=float)
            dep[col] = np.where(lifted & ~np.isnan(values), 0.0, values)
        new = new.with_deprivations(dep)
    coping = scenario.coping
    if coping.reference_consumption is None:
        # Keep valuing well-being at the *baseline* mean consumption, so that both worlds'
        # equivalent-consumption losses are in the same money.
        wn = exp.column("weight") * exp.column("population")
        c_ref = float(np.sum(wn * exp.column("consumption")) / np.sum(wn))
        coping = coping.model_copy(update={"reference_consumption": c_ref})
    return replace(scenario, exposure=new, coping=coping,
                   name=f"{scenario.name}+{programme.name}")


@dataclass(frozen=True)
class ErosionResult:
    """Erosion table (one row per metric) and the two simulated worlds."""

    table: pd.DataFrame
    baseline: ShockRisk
    programme: ShockRisk
    settings: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The erosion table."""
        return self.table.copy()


def _at_rp(values: np.ndarray, rp: float) -> float:
    return float(exceedance_curve(values, year_frequencies(len(values))).at([rp])[0])


def erosion_of_gains(baseline: Scenario, programme: ProgrammeGains | Scenario, *,
                     n_years: int = 1000, seed: int = 1, return_period: float = 20
                     ) -> ErosionResult:
    """Gain of ``programme`` without shocks and the share of it shocks take away.

    With gain ``G`` and yearly shock losses ``L_prog(y)``, ``L_base(y)`` on common random
    numbers: gross erosion ``L_prog / G`` and net erosion ``(L_prog - L_base) / G``, as the mean
    over years and at the 1-in-``return_period`` year (module docstring).
    """
    prog = programme if isinstance(programme, Scenario) else programme_scenario(
        baseline, programme, seed)
    if len(prog.exposure) != len(baseline.exposure):
        raise SpecError("the programme scenario must have the same exposure units",
                        location="erosion_of_gains(programme=...)")
    occ = simulate_occurrences(baseline.hazards, baseline.exposure.areas, n_years, seed)
    rb = simulate(baseline, occurrences=occ, seed=seed)
    rp_ = simulate(prog, occurrences=occ, seed=seed)
    line = baseline.coping.poverty_line
    eb, ep = baseline.exposure, prog.exposure
    wn = eb.column("weight") * eb.column("population")
    gains = {
        "consumption": float(np.sum(wn * (ep.column("consumption") - eb.column("consumption")))),
        "poverty": float(np.sum(wn * (eb.column("consumption") < line))
                         - np.sum(wn * (ep.column("consumption") < line))),
    }
    losses = {
        "consumption": ("consumption_loss", "consumption lost to shocks (money)"),
        "poverty": ("poverty_person_years", "person-years below the poverty line"),
    }
    if "mpi_m0" in rb.baseline and "mpi_m0" in rp_.baseline:
        gains["mpi_m0"] = rb.baseline["mpi_m0"] - rp_.baseline["mpi_m0"]
        losses["mpi_m0"] = ("mpi_m0_change", "M0 added by shocks")
    rows = []
    for metric, gain in gains.items():
        col, unit = losses[metric]
        lp = rp_.year[col].to_numpy()
        lb = rb.year[col].to_numpy()
        denom = gain if gain > 0 else np.nan
        rows.append({
            "metric": metric,
            "loss_measured_as": unit,
            "gain_without_shocks": gain,
            "expected_loss_programme": float(lp.mean()),
            "expected_loss_baseline": float(lb.mean()),
            "expected_erosion_gross": float(lp.mean()) / denom,
            "expected_erosion_net": float((lp - lb).mean()) / denom,
            f"rp{return_period:g}_loss_programme": _at_rp(lp, return_period),
            f"rp{return_period:g}_erosion_gross": _at_rp(lp, return_period) / denom,
            f"rp{return_period:g}_erosion_net": _at_rp(lp - lb, return_period) / denom,
        })
    return ErosionResult(table=pd.DataFrame(rows).set_index("metric"), baseline=rb,
                         programme=rp_, settings={"n_years": n_years, "seed": seed,
                                                  "return_period": return_period})

"""Erosion of development gains: how much of a programme's gain shocks take away.

A programme (e.g. a livelihood or cash-plus programme) raises consumption, income, assets or
savings and removes deprivations for the households it covers (:class:`ProgrammeGains`, a
programme-gains scenario, from Python or a YAML file). Gains and losses are measured over the
**same population**, the programme's target group ``T`` (the covered households). Without
shocks its *gain* is

* consumption: ``G_c = sum_T w n (c_prog - c_base)`` (money per year);
* income: ``G_y = sum_T w (y_prog - y_base)`` (money per year), taken separately from
  consumption, since the two gains need not be equal;
* poverty: ``G_p`` = people of ``T`` lifted above the poverty line (person-years per year);
* multidimensional poverty: ``G_M0 = M0_base(T) - M0_prog(T)`` (when deprivations are removed).

Both worlds are then hit by the same simulated shocks (common random numbers), and in year
``y`` the shocks cost the target group ``L_prog(y)`` and ``L_base(y)`` (consumption lost, income
lost, poverty person-years added, M0 added, all summed over ``T`` only). Two erosion shares are
reported:

* **gross** ``L_prog(y) / G``: the target group's shock losses in the programme world against
  its gain;
* **net** ``(L_prog(y) - L_base(y)) / G``: how much smaller the programme's gain is in a shock
  year than without shocks (households lifted just above the line are the most likely to fall
  back, so this is usually positive).

Each is given in expectation (mean over years) and in a 1-in-``RP`` year (the ``RP`` exceedance
value of the yearly series, default 1-in-20). A metric is reported when the programme acts on
it (consumption and poverty with a consumption gain, income with an income gain, M0 when it
removes deprivations); a gain that is zero or negative there is an error with a message, never
a NaN share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from humsec.errors import SpecError
from humsec.framework import Framework
from humsec.shocks.engine import simulate
from humsec.shocks.enrolment import unit_uniform
from humsec.shocks.hazards import simulate_occurrences
from humsec.shocks.measures import Measure, Target
from humsec.shocks.metrics import exceedance_curve, year_frequencies
from humsec.shocks.model import Scenario
from humsec.shocks.risk import ShockRisk
from humsec.shocks.spec import Share, parse_spec, read_yaml

__all__ = [
    "ErosionResult",
    "ProgrammeGains",
    "erosion_of_gains",
    "load_programme_gains",
    "programme_scenario",
]


class ProgrammeGains(BaseModel):
    """A programme-gains scenario: relative gains for the households a programme covers.

    ``consumption_gain`` (per capita consumption), ``income_gain``, ``asset_gain`` and
    ``savings_gain`` are relative (0.3 = +30 %) and independent: a cash transfer may raise
    consumption more than earned income. ``remove_deprivations`` lifts a share of the covered
    households out of each named ``d_*`` deprivation. ``target`` says who is covered (areas,
    groups, livelihoods, coverage share), as for measures.
    """

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


def load_programme_gains(source: str | Path | dict[str, Any], *,
                         framework: Framework | None = None) -> ProgrammeGains:
    """A :class:`ProgrammeGains` from a YAML file or a mapping (optionally under a top-level
    ``programme_gains:`` key). Target group ids are checked against ``framework``."""
    if isinstance(source, dict):
        data, where = source, "programme gains"
    else:
        data, where = read_yaml(source), str(source)
    if isinstance(data, dict) and set(data) == {"programme_gains"}:
        data = data["programme_gains"]
    return parse_spec(ProgrammeGains, data, location=where, framework=framework)


def programme_scenario(scenario: Scenario, programme: ProgrammeGains, seed: int = 1) -> Scenario:
    """The scenario's exposure after the programme (a pure transform).

    For covered units ``x' = x (1 + g_x)`` for consumption, income, assets and savings, and
    deprivation ``j`` is set to 0 for a fixed random share ``r_j`` of them
    (``remove_deprivations``). Well-being stays valued at the baseline mean consumption.
    """
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
    """Erosion table (one row per metric), the two simulated worlds (counted over the target
    group) and the target group's size."""

    table: pd.DataFrame
    baseline: ShockRisk
    programme: ShockRisk
    settings: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The erosion table."""
        return self.table.copy()


def _at_rp(values: np.ndarray, rp: float) -> float:
    return float(exceedance_curve(values, year_frequencies(len(values))).at([rp])[0])


#: metric -> (year-loss column, what the loss measures, unit of gain and loss)
_LOSSES = {
    "consumption": ("consumption_loss", "consumption lost to shocks", "money per year"),
    "income": ("income_loss", "income lost to shocks", "money per year"),
    "poverty": ("poverty_person_years", "person-years below the poverty line",
                "person-years per year"),
    "mpi_m0": ("mpi_m0_change", "M0 added by shocks", "M0 points"),
}


def _target(baseline: Scenario, programme: ProgrammeGains | Scenario, seed: int
            ) -> tuple[Scenario, np.ndarray, list[str]]:
    """The programme world, the target group (mask) and the metrics the programme acts on."""
    if isinstance(programme, ProgrammeGains):
        covered = Measure(name=f"programme:{programme.name}",
                          target=programme.target).covered(baseline, seed)
        metrics = [m for m, on in (("consumption", programme.consumption_gain != 0),
                                   ("income", programme.income_gain != 0),
                                   ("poverty", programme.consumption_gain != 0),
                                   ("mpi_m0", bool(programme.remove_deprivations)))
                   if on]
        if not metrics:
            raise SpecError("the programme has no gain: every relative gain is 0 and it removes "
                            "no deprivation", location=f"programme {programme.name!r}",
                            hint="set consumption_gain and/or income_gain (e.g. 0.3 for +30 %)")
        return programme_scenario(baseline, programme, seed), covered, metrics
    if len(programme.exposure) != len(baseline.exposure):
        raise SpecError("the programme scenario must have the same exposure units",
                        location="erosion_of_gains(programme=...)")
    eb, ep = baseline.exposure, programme.exposure
    changed = {c: ep.column(c) != eb.column(c) for c in ("consumption", "income", "assets",
                                                          "savings")}
    covered = np.logical_or.reduce(list(changed.values()))
    metrics = [m for m, c in (("consumption", "consumption"), ("income", "income"),
                              ("poverty", "consumption")) if changed[c].any()]
    if eb.deprivations is not None and ep.deprivations is not None:
        moved = (eb.deprivations.fillna(-1).to_numpy() != ep.deprivations.fillna(-1).to_numpy())
        if moved.any():
            covered = covered | moved.any(axis=1)
            metrics.append("mpi_m0")
    if not metrics:
        raise SpecError("the programme scenario changes nothing in the exposure",
                        location="erosion_of_gains(programme=...)",
                        hint="pass a ProgrammeGains, or a scenario from programme_scenario()")
    return programme, covered, metrics


def _gains(eb: Any, ep: Any, covered: np.ndarray, line: float, rb: ShockRisk, rp_: ShockRisk
           ) -> dict[str, float]:
    """Gains without shocks over the target group ``T`` (module docstring)."""
    w = eb.column("weight") * covered
    wn = w * eb.column("population")
    gains = {
        "consumption": float(np.sum(wn * (ep.column("consumption") - eb.column("consumption")))),
        "income": float(np.sum(w * (ep.column("income") - eb.column("income")))),
        "poverty": float(np.sum(wn * (eb.column("consumption") < line))
                         - np.sum(wn * (ep.column("consumption") < line))),
    }
    if "mpi_m0" in rb.baseline and "mpi_m0" in rp_.baseline:
        gains["mpi_m0"] = rb.baseline["mpi_m0"] - rp_.baseline["mpi_m0"]
    return gains


def erosion_of_gains(baseline: Scenario, programme: ProgrammeGains | Scenario, *,
                     n_years: int = 1000, seed: int = 1, return_period: float = 20,
                     metrics: Sequence[str] | None = None) -> ErosionResult:
    """Gain of ``programme`` without shocks and the share of it shocks take away, both over
    the programme's target group.

    With gain ``G`` and the target group's yearly shock losses ``L_prog(y)``, ``L_base(y)`` on
    common random numbers: gross erosion ``L_prog / G`` and net erosion ``(L_prog - L_base) /
    G``, as the mean over years and at the 1-in-``return_period`` year (module docstring). With
    a :class:`Scenario` as ``programme`` the target group is the units whose exposure differs
    from the baseline's. ``metrics`` keeps some of the metrics the programme acts on (e.g.
    ``["consumption"]``; default: all of them). A zero or negative gain on a kept metric raises
    :class:`SpecError`.
    """
    prog, covered, acted_on = _target(baseline, programme, seed)
    if metrics is None:
        metrics = acted_on
    else:
        unknown = [m for m in metrics if m not in acted_on]
        if unknown:
            raise SpecError(f"the programme does not act on {unknown}",
                            location="erosion_of_gains(metrics=...)",
                            hint=f"it acts on {', '.join(acted_on)}")
    name = programme.name if isinstance(programme, ProgrammeGains) else prog.name
    if not covered.any():
        raise SpecError("the programme covers no household of the exposure",
                        location=f"programme {name!r}.target",
                        hint="widen the target (areas, groups, livelihoods) or its coverage")
    occ = simulate_occurrences(baseline.hazards, baseline.exposure.areas, n_years, seed)
    rb = simulate(baseline, occurrences=occ, seed=seed, counted=covered)
    rp_ = simulate(prog, occurrences=occ, seed=seed, counted=covered)
    gains = _gains(baseline.exposure, prog.exposure, covered, baseline.coping.poverty_line,
                   rb, rp_)
    people = float(np.sum(baseline.exposure.column("weight") * covered
                          * baseline.exposure.column("population")))
    rows = []
    for metric in metrics:
        gain = gains.get(metric)
        if gain is None:
            raise SpecError("the programme removes deprivations, but the scenario computes no "
                            "Alkire-Foster effects", location=f"programme {name!r}",
                            hint="set 'deprivations: default' in the scenario (and use an "
                            "exposure with d_* columns)")
        col, what, unit = _LOSSES[metric]
        if not gain > 0:
            raise SpecError(
                f"the programme's {metric} gain over its target group is {gain:.6g}: the "
                "erosion of a gain that is not positive is undefined",
                location=f"programme {name!r}",
                hint="raise the gain, or target households it moves (e.g. the poverty gain is "
                "0 when nobody in the target group crosses the poverty line)")
        lp = rp_.year[col].to_numpy()
        lb = rb.year[col].to_numpy()
        rows.append({
            "metric": metric,
            "loss_measured_as": what,
            "unit": unit,
            "target_people": people,
            "gain_without_shocks": gain,
            "expected_loss_programme": float(lp.mean()),
            "expected_loss_baseline": float(lb.mean()),
            "expected_erosion_gross": float(lp.mean()) / gain,
            "expected_erosion_net": float((lp - lb).mean()) / gain,
            f"rp{return_period:g}_loss_programme": _at_rp(lp, return_period),
            f"rp{return_period:g}_erosion_gross": _at_rp(lp, return_period) / gain,
            f"rp{return_period:g}_erosion_net": _at_rp(lp - lb, return_period) / gain,
        })
    return ErosionResult(table=pd.DataFrame(rows).set_index("metric"), baseline=rb,
                         programme=rp_, settings={"n_years": n_years, "seed": seed,
                                                  "return_period": return_period,
                                                  "target_units": int(covered.sum())})

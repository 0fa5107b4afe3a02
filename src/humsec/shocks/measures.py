"""Risk-reduction measures as pure transforms of a scenario (CLIMADA ``Measure`` style).

A measure has a kind (disaster risk reduction, early warning, social-protection scale-up,
savings and financial inclusion, insurance, livelihood diversification), costs, a target
(areas, vulnerable groups, livelihoods and a coverage share) and effects on

* **hazard** - ``intensity' = max(0, scale * intensity + shift)`` in the target areas (a dyke,
  a drainage scheme); hazard effects act on places, so they cannot target groups;
* **exposure** - the share of assets exposed (relocation, raised plinths);
* **vulnerability** - factors on the asset and income loss shares per hazard (``"*"``: all);
* **coping** - savings added, post-shock transfers (share of loss, per capita, delay),
  insurance (attachment and cover as shares of assets), remittances, and a factor on the recovery
  time.

``measure.apply(scenario, seed)`` returns a new scenario; the input is never modified. Covered
units are the targeted units whose fixed uniform draw (``unit_uniform(seed, "measure:<name>")``)
is below ``coverage``, so every run with the same seed covers the same households.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from humsec.errors import SpecError
from humsec.shocks.enrolment import unit_uniform
from humsec.shocks.framework_ids import GroupIds, check_groups
from humsec.shocks.model import Adjustments, IntensityChange, Scenario
from humsec.shocks.spec import NonNegative, Positive, Share

__all__ = [
    "MEASURE_KINDS",
    "CopingEffect",
    "Effects",
    "HazardEffect",
    "Measure",
    "Target",
    "VulnerabilityEffect",
    "apply_measures",
]

#: What kind of risk-reduction measure it is (for tables and grouping; effects are separate).
MeasureKind = Literal[
    "disaster_risk_reduction",
    "early_warning",
    "social_protection",
    "savings",
    "insurance",
    "livelihood_diversification",
    "other",
]
MEASURE_KINDS: tuple[str, ...] = get_args(MeasureKind)


class Target(BaseModel):
    """Who a measure reaches: areas, groups and livelihoods (all when omitted), and coverage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    areas: list[str] | None = None
    groups: GroupIds | None = None
    livelihoods: list[str] | None = None
    coverage: Share = 1.0


class VulnerabilityEffect(BaseModel):
    """Factors on the loss shares of one hazard (0.7 = 30 % less loss)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset_loss_factor: NonNegative = 1.0
    income_loss_factor: NonNegative = 1.0


class HazardEffect(BaseModel):
    """``intensity' = max(0, intensity_scale * intensity + intensity_shift)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intensity_scale: NonNegative = 1.0
    intensity_shift: float = 0.0


class CopingEffect(BaseModel):
    """Coping changes for covered units (added to the scenario's baseline coping)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    savings_add_share_of_income: NonNegative = 0.0
    transfer_share_of_loss: NonNegative = 0.0
    transfer_per_capita: NonNegative = 0.0
    transfer_delay_years: NonNegative | None = None
    insurance_attachment: Share | None = None
    insurance_cover: Share | None = None
    remittance_response: NonNegative = 0.0
    recovery_time_factor: Positive = 1.0

    @model_validator(mode="after")
    def _insurance(self) -> CopingEffect:
        if (self.insurance_attachment is None) != (self.insurance_cover is None):
            raise ValueError("give both insurance_attachment and insurance_cover")
        return self


class Effects(BaseModel):
    """What a measure changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hazard: dict[str, HazardEffect] = Field(default_factory=dict)
    asset_exposed_share: Share = 1.0
    vulnerability: dict[str, VulnerabilityEffect] = Field(default_factory=dict)
    coping: CopingEffect | None = None


class Measure(BaseModel):
    """A risk-reduction measure with costs, a target and effects.

    Costs: ``upfront_cost`` (in the start year) and ``annual_cost`` (every year, first year
    included), plus per covered unit (``*_per_unit``, weighted by survey weights) and per covered
    person (``annual_cost_per_person``). The appraisal adds the expected extra post-shock
    transfers a measure pays and ``(1 + claims_loading)`` times the expected extra insurance
    claims (a government-budget view).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: MeasureKind = "other"
    description: str = ""
    target: Target = Field(default_factory=Target)
    effects: Effects = Field(default_factory=Effects)
    upfront_cost: NonNegative = 0.0
    annual_cost: NonNegative = 0.0
    upfront_cost_per_unit: NonNegative = 0.0
    annual_cost_per_unit: NonNegative = 0.0
    annual_cost_per_person: NonNegative = 0.0
    claims_loading: NonNegative = 0.0

    @model_validator(mode="after")
    def _hazard_targets_places(self) -> Measure:
        if self.effects.hazard and (self.target.groups or self.target.livelihoods
                                    or self.target.coverage < 1):
            raise SpecError(
                "hazard effects act on places: they cannot target groups, livelihoods or a "
                "coverage share",
                location=f"measure {self.name!r}.target",
                hint="target areas only, or express the effect as a vulnerability factor",
            )
        return self

    # -- targeting ------------------------------------------------------------------------
    def covered(self, scenario: Scenario, seed: int = 1) -> np.ndarray:
        """Boolean mask of exposure units the measure reaches."""
        exp = scenario.exposure
        n = len(exp)
        mask = np.ones(n, dtype=bool)
        t = self.target
        where = f"measure {self.name!r}.target"
        if t.areas is not None:
            unknown = sorted(set(t.areas) - set(exp.areas))
            if unknown:
                raise SpecError(f"target areas not in the exposure: {unknown[:10]}",
                                location=where, hint="use the exposure's area ids")
            mask &= exp.select_areas(t.areas)
        if t.livelihoods is not None:
            unknown = sorted(set(t.livelihoods) - set(exp.livelihoods))
            if unknown:
                raise SpecError(f"target livelihoods not in the exposure: {unknown}",
                                location=where, hint=f"livelihoods are {exp.livelihoods}")
            mask &= np.isin(exp.units["livelihood"].to_numpy(), t.livelihoods)
        if t.groups is not None:
            check_groups(t.groups, location=f"{where}.groups", framework=scenario.framework)
            member = np.zeros(n, dtype=bool)
            for g in t.groups:
                if g == "people_in_poverty":
                    member |= exp.column("consumption") < scenario.coping.poverty_line
                elif g in exp.groups.columns:
                    member |= exp.groups[g].to_numpy() > 0
                else:
                    raise SpecError(f"group {g!r} is not available in this exposure",
                                    location=where,
                                    hint=f"groups available: {list(exp.groups.columns)}")
            mask &= member
        if t.coverage < 1:
            mask &= unit_uniform(n, seed, f"measure:{self.name}") < t.coverage
        return mask

    def costs(self, scenario: Scenario, seed: int = 1) -> tuple[float, float]:
        """``(upfront, annual)`` costs: ``U + u * sum_c w`` and ``A + a * sum_c w + p * sum_c w n``
        over covered units ``c`` (``w`` survey weight, ``n`` household size)."""
        covered = self.covered(scenario, seed)
        w = scenario.exposure.column("weight") * covered
        units = float(w.sum())
        people = float(np.sum(w * scenario.exposure.column("population")))
        upfront = self.upfront_cost + self.upfront_cost_per_unit * units
        annual = (self.annual_cost + self.annual_cost_per_unit * units
                  + self.annual_cost_per_person * people)
        return upfront, annual

    # -- the transform ----------------------------------------------------------------------
    def apply(self, scenario: Scenario, seed: int = 1) -> Scenario:
        """A new scenario with this measure's effects (the input is left unchanged)."""
        exp = scenario.exposure
        n = len(exp)
        cov = self.covered(scenario, seed)
        adj = scenario.adjustments
        hazards = scenario.hazards.hazard_names
        eff = self.effects

        unknown = sorted((set(eff.vulnerability) - {"*"} | set(eff.hazard)) - set(hazards))
        if unknown:
            raise SpecError(f"measure names unknown hazard(s) {unknown}",
                            location=f"measure {self.name!r}.effects",
                            hint=f"hazards in the scenario: {hazards}")

        asset_factor = dict(adj.asset_factor)
        income_factor = dict(adj.income_factor)
        for key, ve in eff.vulnerability.items():
            for h in hazards if key == "*" else [key]:
                asset_factor[h] = asset_factor.get(h, np.ones(n)) * np.where(
                    cov, ve.asset_loss_factor, 1.0)
                income_factor[h] = income_factor.get(h, np.ones(n)) * np.where(
                    cov, ve.income_loss_factor, 1.0)

        new = replace(
            adj,
            asset_factor=asset_factor,
            income_factor=income_factor,
            exposed_share=_scaled(adj.exposed_share, eff.asset_exposed_share, cov),
            applied=(*adj.applied, self.name),
            intensity=adj.intensity + tuple(
                IntensityChange(h, tuple(self.target.areas or exp.areas), he.intensity_scale,
                                he.intensity_shift)
                for h, he in eff.hazard.items()),
        )
        if eff.coping is not None:
            new = _with_coping(new, eff.coping, cov, exp.column("income"))
        return replace(scenario, adjustments=new, name=f"{scenario.name}+{self.name}")


def _scaled(old: np.ndarray | None, factor: float, cov: np.ndarray) -> np.ndarray | None:
    """``old * factor`` for covered units (``old`` defaults to 1; unchanged if factor is 1)."""
    if factor == 1.0:
        return old
    base = np.ones(len(cov)) if old is None else old
    return base * np.where(cov, factor, 1.0)


def _added(old: np.ndarray | None, value: np.ndarray | float, cov: np.ndarray
           ) -> np.ndarray | None:
    """``old + value`` for covered units (``old`` defaults to 0; unchanged if value is 0)."""
    if np.all(np.asarray(value) == 0):
        return old
    base = np.zeros(len(cov)) if old is None else old
    return base + np.where(cov, value, 0.0)


def _with_coping(adj: Adjustments, ce: CopingEffect, cov: np.ndarray, income: np.ndarray
                 ) -> Adjustments:
    """Coping effects for covered units: savings ``+ s * income``, transfer shares and per
    capita amounts added, the shorter transfer delay, an insurance layer (attachment and cover
    as shares of assets) replacing any earlier one, more remittances, and the reconstruction
    rate times ``1 / recovery_time_factor``."""
    n = len(cov)
    delay = adj.transfer_delay
    if ce.transfer_delay_years is not None:
        base = np.full(n, np.nan) if delay is None else delay
        delay = np.where(cov, np.fmin(base, ce.transfer_delay_years), base)
    insured, attach, cover = adj.insured, adj.attachment, adj.cover
    if ce.insurance_attachment is not None and ce.insurance_cover is not None:
        insured = cov if insured is None else insured | cov
        attach = np.where(cov, ce.insurance_attachment, np.zeros(n) if attach is None else attach)
        cover = np.where(cov, ce.insurance_cover, np.zeros(n) if cover is None else cover)
    return replace(
        adj,
        savings_add=_added(adj.savings_add, ce.savings_add_share_of_income * income, cov),
        transfer_share=_added(adj.transfer_share, ce.transfer_share_of_loss, cov),
        transfer_per_capita=_added(adj.transfer_per_capita, ce.transfer_per_capita, cov),
        transfer_delay=delay,
        insured=insured,
        attachment=attach,
        cover=cover,
        remittance_response=_added(adj.remittance_response, ce.remittance_response, cov),
        recovery_factor=_scaled(adj.recovery_factor, 1.0 / ce.recovery_time_factor, cov),
    )


def apply_measures(scenario: Scenario, measures: list[Measure], seed: int = 1) -> Scenario:
    """Apply several measures in order (their effects compose, they do not simply add)."""
    names = [m.name for m in measures]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError(f"duplicate measure names {dup}", location="measures")
    for m in measures:
        scenario = m.apply(scenario, seed)
    return scenario

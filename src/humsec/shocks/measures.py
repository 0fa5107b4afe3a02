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

import math
from dataclasses import replace
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from humsec.errors import SpecError
from humsec.shocks.engine import IntensityChange, Scenario, unit_uniform
from humsec.shocks.threats import unknown_groups_message

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

MEASURE_KINDS = (
    "disaster_risk_reduction",
    "early_warning",
    "social_protection",
    "savings",
    "insurance",
    "livelihood_diversification",
    "other",
)


def _nonneg(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"must be finite and >= 0, got {value}")
    return value


class Target(BaseModel):
    """Who a measure reaches: areas, groups and livelihoods (all when omitted), and coverage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    areas: list[str] | None = None
    groups: list[str] | None = None
    livelihoods: list[str] | None = None
    coverage: float = 1.0

    @field_validator("coverage")
    @classmethod
    def _coverage(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError(f"coverage must be a share within [0, 1], got {value}")
        return value

    @field_validator("groups")
    @classmethod
    def _groups(cls, value: list[str] | None) -> list[str] | None:
        message = unknown_groups_message(value or [])
        if message is not None:
            raise ValueError(message)
        return value


class VulnerabilityEffect(BaseModel):
    """Factors on the loss shares of one hazard (0.7 = 30 % less loss)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset_loss_factor: float = 1.0
    income_loss_factor: float = 1.0

    _f = field_validator("asset_loss_factor", "income_loss_factor")(_nonneg)


class HazardEffect(BaseModel):
    """``intensity' = max(0, intensity_scale * intensity + intensity_shift)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intensity_scale: float = 1.0
    intensity_shift: float = 0.0

    _s = field_validator("intensity_scale")(_nonneg)


class CopingEffect(BaseModel):
    """Coping changes for covered units (added to the scenario's baseline coping)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    savings_add_share_of_income: float = 0.0
    transfer_share_of_loss: float = 0.0
    transfer_per_capita: float = 0.0
    transfer_delay_years: float | None = None
    insurance_attachment: float | None = None
    insurance_cover: float | None = None
    remittance_response: float = 0.0
    recovery_time_factor: float = 1.0

    _n = field_validator("savings_add_share_of_income", "transfer_share_of_loss",
                         "transfer_per_capita", "remittance_response")(_nonneg)

    @field_validator("recovery_time_factor")
    @classmethod
    def _recovery(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"recovery_time_factor must be > 0, got {value}")
        return value

    @model_validator(mode="after")
    def _insurance(self) -> CopingEffect:
        if (self.insurance_attachment is None) != (self.insurance_cover is None):
            raise ValueError("give both insurance_attachment and insurance_cover")
        for v in (self.insurance_attachment, self.insurance_cover, self.transfer_delay_years):
            if v is not None and (not math.isfinite(v) or v < 0):
                raise ValueError("insurance shares and transfer delay must be >= 0")
        return self


class Effects(BaseModel):
    """What a measure changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hazard: dict[str, HazardEffect] = Field(default_factory=dict)
    asset_exposed_share: float = 1.0
    vulnerability: dict[str, VulnerabilityEffect] = Field(default_factory=dict)
    coping: CopingEffect | None = None

    @field_validator("asset_exposed_share")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError(f"asset_exposed_share must be within [0, 1], got {value}")
        return value


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
    kind: Literal["disaster_risk_reduction", "early_warning", "social_protection", "savings",
                  "insurance", "livelihood_diversification", "other"] = "other"
    description: str = ""
    target: Target = Field(default_factory=Target)
    effects: Effects = Field(default_factory=Effects)
    upfront_cost: float = 0.0
    annual_cost: float = 0.0
    upfront_cost_per_unit: float = 0.0
    annual_cost_per_unit: float = 0.0
    annual_cost_per_person: float = 0.0
    claims_loading: float = 0.0

    _c = field_validator("upfront_cost", "annual_cost", "upfront_cost_per_unit",
                         "annual_cost_per_unit", "annual_cost_per_person",
                         "claims_loading")(_nonneg)

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
        """``(upfront, annual)`` fixed plus per-unit and per-person costs of covered units."""
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

        def times(old: np.ndarray | None, factor: float) -> np.ndarray | None:
            if factor == 1.0:
                return old
            base = np.ones(n) if old is None else old
            return base * np.where(cov, factor, 1.0)

        def plus(old: np.ndarray | None, value: np.ndarray | float) -> np.ndarray | None:
            if np.all(np.asarray(value) == 0):
                return old
            base = np.zeros(n) if old is None else old
            return base + np.where(cov, value, 0.0)

        new = replace(
            adj,
            asset_factor=asset_factor,
            income_factor=income_factor,
            exposed_share=times(adj.exposed_share, eff.asset_exposed_share),
            applied=(*adj.applied, self.name),
            intensity=adj.intensity + tuple(
                IntensityChange(h, tuple(self.target.areas or exp.areas), he.intensity_scale,
                                he.intensity_shift)
                for h, he in eff.hazard.items()),
        )
        ce = eff.coping
        if ce is not None:
            delay = adj.transfer_delay
            if ce.transfer_delay_years is not None:
                base = np.full(n, np.nan) if delay is None else delay
                delay = np.where(cov, np.fmin(base, ce.transfer_delay_years), base)
            insured, attach, cover = adj.insured, adj.attachment, adj.cover
            if ce.insurance_attachment is not None and ce.insurance_cover is not None:
                insured = cov if insured is None else insured | cov
                attach = np.where(cov, ce.insurance_attachment,
                                  np.zeros(n) if attach is None else attach)
                cover = np.where(cov, ce.insurance_cover, np.zeros(n) if cover is None else cover)
            new = replace(
                new,
                savings_add=plus(adj.savings_add,
                                 ce.savings_add_share_of_income * exp.column("income")),
                transfer_share=plus(adj.transfer_share, ce.transfer_share_of_loss),
                transfer_per_capita=plus(adj.transfer_per_capita, ce.transfer_per_capita),
                transfer_delay=delay,
                insured=insured,
                attachment=attach,
                cover=cover,
                remittance_response=plus(adj.remittance_response, ce.remittance_response),
                recovery_factor=times(adj.recovery_factor, 1.0 / ce.recovery_time_factor),
            )
        return replace(scenario, adjustments=new, name=f"{scenario.name}+{self.name}")


def apply_measures(scenario: Scenario, measures: list[Measure], seed: int = 1) -> Scenario:
    """Apply several measures in order (their effects compose, they do not simply add)."""
    names = [m.name for m in measures]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError(f"duplicate measure names {dup}", location="measures")
    for m in measures:
        scenario = m.apply(scenario, seed)
    return scenario

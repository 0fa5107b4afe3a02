"""Coping and recovery: savings, post-shock social protection, insurance, remittances, recovery.

Parameters follow the World Bank "Unbreakable" model (Hallegatte, Vogt-Schilb, Bangalore and
Rozenberg 2017): CRRA elasticity ``eta = 1.5``, discount rate ``rho = 0.06``, average productivity
of capital ``pi = 0.33`` and a reconstruction rate ``lambda`` that recovers 95 % of the loss in
``recovery_years`` (``lambda = ln(20) / T``; with ``T = 3`` years, ``lambda ~ 1.0`` per year).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from humsec.shocks.framework_ids import GroupIds
from humsec.shocks.spec import NonNegative, Positive, Share

__all__ = ["Coping", "Insurance", "SocialProtection"]

#: International poverty line, 3.00 $ a day in 2021 PPP (World Bank, June 2025), per year.
POVERTY_LINE_2021PPP = 3.00 * 365.0


class SocialProtection(BaseModel):
    """Post-shock transfers to enrolled households.

    Transfer = ``share_of_loss * asset loss + per_capita * household size``, paid
    ``delay_years`` after the shock, to a random ``coverage`` share of targeted households
    (``targeting``: ``all``, ``poor`` - below the poverty line - or a list of group ids).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    share_of_loss: NonNegative = 0.0
    per_capita: NonNegative = 0.0
    coverage: Share = 0.0
    targeting: Literal["all", "poor"] | GroupIds = "poor"
    delay_years: NonNegative = 0.0


class Insurance(BaseModel):
    """An indemnity layer on asset losses: payout = min(cover, max(0, loss - attachment)).

    ``attachment`` and ``cover`` are shares of the household's assets; ``penetration`` is the
    share of households insured (random, fixed over years). ``hazards`` limits the cover
    (``None``: all hazards).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    penetration: Share = 0.0
    attachment: Share = 0.0
    cover: Share = 0.0
    hazards: list[str] | None = None


class Coping(BaseModel):
    """Household coping capacity and the well-being parameters of the engine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eta: Positive = 1.5
    discount_rate: float = 0.06
    recovery_years: Positive = 3.0
    productivity_of_capital: NonNegative = 0.33
    poverty_line: Positive = POVERTY_LINE_2021PPP
    reference_consumption: Positive | None = None
    max_consumption_drop: float = 0.95
    savings_use: Share = 1.0
    remittance_response: NonNegative = 0.0
    social_protection: SocialProtection = Field(default_factory=SocialProtection)
    insurance: Insurance = Field(default_factory=Insurance)

    @field_validator("discount_rate")
    @classmethod
    def _rho(cls, value: float) -> float:
        if not value > 0 or not math.isfinite(value):
            raise ValueError(
                f"the well-being discount rate must be > 0 (the integral diverges otherwise), "
                f"got {value}"
            )
        return value

    @field_validator("max_consumption_drop")
    @classmethod
    def _drop(cls, value: float) -> float:
        if not 0 < value < 1:
            raise ValueError(f"must be within (0, 1), got {value}")
        return value

    @property
    def reconstruction_rate(self) -> float:
        """``lambda = ln(20) / recovery_years``: 95 % of the loss is recovered in that time."""
        return math.log(20.0) / self.recovery_years

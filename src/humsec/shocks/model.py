"""The scenario a simulation runs on, and the changes measures make to it.

A :class:`Scenario` joins exposure, hazards, impact functions and coping; measures and
programmes never mutate it but return a new scenario with more :class:`Adjustments`
(CLIMADA style: pure transforms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from humsec.errors import SpecError
from humsec.framework import Framework, default_framework
from humsec.shocks.coping import Coping
from humsec.shocks.deprivation_rules import ShockDeprivations
from humsec.shocks.exposure import Exposure
from humsec.shocks.framework_ids import check_groups, check_threat
from humsec.shocks.hazards import HazardModel
from humsec.shocks.vulnerability import ImpactFunctionSet

__all__ = ["Adjustments", "IntensityChange", "Scenario"]


@dataclass(frozen=True)
class IntensityChange:
    """A hazard-level effect: ``intensity' = max(0, scale * intensity + shift)`` in ``areas``."""

    hazard: str
    areas: tuple[str, ...]
    scale: float = 1.0
    shift: float = 0.0


@dataclass(frozen=True)
class Adjustments:
    """Changes that measures make to a scenario; the defaults change nothing.

    Per-unit arrays have one value per exposure unit (exposure order). Factors multiply,
    additions add, ``transfer_delay`` replaces the delay for units that get a measure's transfer.
    """

    asset_factor: Mapping[str, np.ndarray] = field(default_factory=dict)
    income_factor: Mapping[str, np.ndarray] = field(default_factory=dict)
    exposed_share: np.ndarray | None = None
    savings_add: np.ndarray | None = None
    transfer_share: np.ndarray | None = None
    transfer_per_capita: np.ndarray | None = None
    transfer_delay: np.ndarray | None = None
    insured: np.ndarray | None = None
    attachment: np.ndarray | None = None
    cover: np.ndarray | None = None
    remittance_response: np.ndarray | None = None
    recovery_factor: np.ndarray | None = None
    intensity: tuple[IntensityChange, ...] = ()
    applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """Everything a simulation needs: exposure, hazards, vulnerability and coping.

    ``deprivations`` switches on Alkire-Foster effects (needs ``exposure.deprivations``).
    Measures return new scenarios with more :class:`Adjustments` (CLIMADA style: pure
    transforms). Construction validates that every hazard area is in the exposure, that an
    impact function exists for every hazard x livelihood, and that every threat id (hazards)
    and vulnerable-group id (exposure groups, transfer targeting) is one of ``framework``, the
    framework in use (default: the bundled one; a user's ``extends: default`` file may add
    threats and groups).
    """

    exposure: Exposure
    hazards: HazardModel
    impact_functions: ImpactFunctionSet
    coping: Coping = field(default_factory=Coping)
    deprivations: ShockDeprivations | None = None
    adjustments: Adjustments = field(default_factory=Adjustments)
    name: str = "baseline"
    framework: Framework = field(default_factory=default_framework)

    def __post_init__(self) -> None:
        self._check_ids()
        self.hazards.check_areas(self.exposure.areas)
        for hazard in self.hazards.hazard_names:
            for liv in self.exposure.livelihoods:
                self.impact_functions.lookup(hazard, liv)
        if self.deprivations is not None:
            dep = self.exposure.deprivations
            absent = [] if dep is None else [c for c in self.deprivations.weights
                                              if c not in dep.columns]
            if dep is None or absent:
                raise SpecError(
                    "Alkire-Foster effects need the deprivation indicators "
                    f"{absent or list(self.deprivations.weights)} in the exposure",
                    location=f"scenario {self.name!r}",
                    hint="build the exposure from a survey with d_* columns, or drop "
                    "'deprivations'",
                )

    def _check_ids(self) -> None:
        """Threat and group ids of the parts against the framework in use."""
        where = f"scenario {self.name!r}"
        for hazard, threat in self.hazards.threats.items():
            check_threat(threat, location=f"{where}, hazard {hazard!r}.threat",
                         framework=self.framework)
        check_groups([str(c) for c in self.exposure.groups.columns],
                     location=f"{where}, exposure groups", framework=self.framework)
        targeting = self.coping.social_protection.targeting
        if isinstance(targeting, list):
            check_groups(targeting, location=f"{where}, coping.social_protection.targeting",
                         framework=self.framework)

"""The assessment context a programme is appraised in: what the project knows about its areas.

The project layer (``humsec.project``) builds an :class:`AppraisalContext` from a project's
assessment runs; a user can build one by hand too. Every part is optional: a check whose part
is missing is listed as not made, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from humsec.errors import ColumnError, SpecError

if TYPE_CHECKING:
    from humsec.shocks import Measure, Scenario

DEPRIVATION_COLUMNS = ("area", "group", "deprived")
PRESENCE_COLUMNS = ("org", "org_type", "area")
ALL_PEOPLE = "all"


@dataclass(frozen=True)
class AppraisalContext:
    """What the project's assessment says about the programme's areas.

    Parameters
    ----------
    top_threats:
        ``{area: (threat ids, most severe first)}``, e.g. from the project's index run.
    deprivation:
        Long table ``area, group, deprived`` (number of deprived people; group ``"all"`` for
        everyone), e.g. the Alkire-Foster headcount by group and area times population.
    presence:
        Who already works there: ``org, org_type, area`` (``humsec.actors.presence`` output, with
        ``org_type`` in the programme's actor-type words).
    dominant_hazards:
        ``{area: (hazard names, largest expected loss first)}`` from the shocks run.
    scenario, measures:
        A ``humsec.shocks`` scenario on the project's areas and the risk-reduction measures it
        knows; with them the downside-risk exposure of the programme's gains is simulated.
    programme_gain:
        Relative gain in consumption, income and assets assumed for covered households
        (0.1 = 10 %) when the erosion of gains is simulated; state your own.
    sources:
        ``{part: provenance}`` (``"project kenya-demo, run 12"``), cited as the evidence trail.
    """

    top_threats: Mapping[str, Sequence[str]] = field(default_factory=dict)
    deprivation: pd.DataFrame | None = None
    presence: pd.DataFrame | None = None
    dominant_hazards: Mapping[str, Sequence[str]] = field(default_factory=dict)
    scenario: Scenario | None = None
    measures: Sequence[Measure] = ()
    programme_gain: float = 0.1
    n_years: int = 200
    seed: int = 1
    return_period: float = 20.0
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, columns in (("deprivation", DEPRIVATION_COLUMNS),
                              ("presence", PRESENCE_COLUMNS)):
            frame = getattr(self, name)
            if frame is None:
                continue
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ColumnError(
                    f"the context's {name} table lacks column(s) {', '.join(missing)}",
                    location=f"AppraisalContext.{name}",
                    hint=f"give the columns {', '.join(columns)}",
                )
        if self.deprivation is not None:
            values = pd.to_numeric(self.deprivation["deprived"], errors="coerce")
            if bool((values < 0).any()):
                raise ColumnError("negative deprived counts",
                                  location="AppraisalContext.deprivation.deprived",
                                  hint="give numbers of deprived people (>= 0)")
        if not 0 <= self.programme_gain < 10:
            raise SpecError(f"programme_gain {self.programme_gain} is not a relative gain",
                            location="AppraisalContext.programme_gain",
                            hint="write 0.1 for a 10 % consumption gain")

    def has(self, part: str) -> bool:
        """True when the context holds the part (``top_threats``, ``deprivation``,
        ``presence``, ``dominant_hazards`` or ``scenario``)."""
        value: Any = getattr(self, part)
        if isinstance(value, pd.DataFrame):
            return not value.empty
        return bool(value) if value is not None else False

    def source(self, part: str) -> str:
        """Provenance of a part, for the evidence trail."""
        return str(self.sources.get(part, f"context.{part}"))


CONTEXT_PARTS: tuple[str, ...] = (
    "top_threats", "deprivation", "presence", "dominant_hazards", "scenario",
)

__all__ = ["ALL_PEOPLE", "CONTEXT_PARTS", "AppraisalContext"]

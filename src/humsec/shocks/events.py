"""Event sets: a catalogue of shock events, each with an annual frequency and a sparse footprint.

This is the CLIMADA ``Hazard`` idea reduced to what humsec needs: event ``e`` has an annual
frequency ``f_e`` (expected occurrences per year) and a footprint, the areas it touches with an
intensity in the hazard's unit (m/s of wind, m of water, a 0-1 severity index, a price rise ...).
Footprints are sparse: an event lists only the areas it touches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from humsec.errors import SpecError
from humsec.framework import Framework
from humsec.shocks.framework_ids import check_threat, context_framework
from humsec.shocks.spec import Frequency, NonNegative

__all__ = ["Event", "EventSet", "event_set_from_return_periods", "return_period_table"]


class Event(BaseModel):
    """One event: id, annual frequency and footprint ``{area: intensity}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    frequency: Frequency = Field(description="expected occurrences per year (>= 0)")
    footprint: dict[str, NonNegative] = Field(description="area id -> intensity (>= 0)")

    @field_validator("footprint")
    @classmethod
    def _footprint(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("footprint is empty: list at least one area with its intensity")
        return value


class EventSet(BaseModel):
    """A catalogue of events of one hazard type (CLIMADA: a ``Hazard`` with ``haz_type``).

    ``hazard`` names the hazard (``cyclone``, ``drought`` ...) and keys the impact functions;
    ``threat`` is the framework threat id it belongs to (``disasters``, ``armed_conflict`` ...).
    In a Monte Carlo year, the number of events is Poisson with mean ``sum_e f_e`` and each
    occurrence is event ``e`` with probability ``f_e / sum f`` (a thinned Poisson process, so every
    event keeps its own rate ``f_e``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hazard: str
    threat: str
    units: str = ""
    source: str = ""
    events: list[Event]

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> EventSet:
        where = f"event set {self.hazard!r}"
        check_threat(self.threat, location=f"{where}.threat", framework=context_framework(info))
        if not self.events:
            raise SpecError(
                "the event set is empty",
                location=f"{where}.events",
                hint="add at least one event with an id, a frequency and a footprint",
            )
        ids = [e.id for e in self.events]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise SpecError(f"duplicate event ids {dup}", location=f"{where}.events")
        if self.total_frequency <= 0:
            raise SpecError(
                "all event frequencies are zero",
                location=f"{where}.events",
                hint="give at least one event a positive annual frequency",
            )
        return self

    @property
    def frequencies(self) -> np.ndarray:
        """Annual frequency of each event, in catalogue order."""
        return np.array([e.frequency for e in self.events], dtype=float)

    @property
    def total_frequency(self) -> float:
        """Expected number of events per year, ``sum_e f_e``."""
        return float(sum(e.frequency for e in self.events))

    @property
    def areas(self) -> list[str]:
        """Every area touched by at least one event, sorted."""
        return sorted({a for e in self.events for a in e.footprint})

    def footprint_matrix(self, areas: Sequence[str]) -> sp.csr_matrix:
        """Sparse ``events x areas`` intensity matrix for the given area order.

        Raises :class:`SpecError` when a footprint names an area that is not in ``areas``
        (typically: not in the exposure).
        """
        index = {a: i for i, a in enumerate(areas)}
        missing = sorted({a for e in self.events for a in e.footprint if a not in index})
        if missing:
            raise SpecError(
                f"{len(missing)} footprint area(s) are not in the exposure: {missing[:10]}",
                location=f"event set {self.hazard!r}",
                hint="use the exposure's area ids in footprints, or add those areas to the "
                "exposure",
            )
        rows = np.repeat(np.arange(len(self.events)), [len(e.footprint) for e in self.events])
        cols = np.array([index[a] for e in self.events for a in e.footprint], dtype=np.int64)
        vals = np.array([v for e in self.events for v in e.footprint.values()], dtype=float)
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(self.events), len(areas)))


def event_set_from_return_periods(
    hazard: str,
    threat: str,
    table: Mapping[str, Sequence[tuple[float, float]]] | Sequence[tuple[float, float]],
    *,
    areas: Sequence[str] | None = None,
    units: str = "",
    source: str = "",
    framework: Framework | None = None,
) -> EventSet:
    """Turn a return-period table into an event set that reproduces it.

    ``threat`` is checked against ``framework`` (the framework in use; default: the bundled one).

    ``table`` lists ``(return_period, intensity)`` pairs, either one table applied jointly to
    ``areas`` (a national shock such as a food-price spike, one footprint over all areas) or a
    mapping ``area -> pairs`` (one local event set per area).

    With the pairs sorted by intensity in descending order, ``I_1 > I_2 > ... > I_n`` at return
    periods ``T_1 > T_2 > ... > T_n``, the exceedance frequency of ``I_k`` is ``F_k = 1/T_k``.
    Event ``k`` gets intensity ``I_k`` and frequency ``f_k = F_k - F_{k-1}`` (``F_0 = 0``), so that
    ``sum_{j<=k} f_j = 1/T_k``: the CLIMADA exceedance curve of the event set passes exactly
    through the table (METHODS.md, risk metrics).
    """
    location = f"return-period table of {hazard!r}"

    def events_for(pairs: Sequence[tuple[float, float]], footprint_areas: Sequence[str],
                   prefix: str) -> list[Event]:
        rp, inten = return_period_table(pairs, location=location)
        rp, inten = rp[::-1], inten[::-1]  # rarest first, so that F_k = 1/T_k accumulates
        exceed = 1.0 / rp
        freq = np.diff(np.concatenate([[0.0], exceed]))
        return [
            Event(
                id=f"{prefix}rp{rp[i]:g}",
                frequency=float(freq[i]),
                footprint={a: float(inten[i]) for a in footprint_areas},
            )
            for i in range(len(rp))
        ]

    if isinstance(table, Mapping):
        events = [ev for area, pairs in table.items() for ev in events_for(pairs, [area],
                                                                            f"{area}-")]
    else:
        if not areas:
            raise SpecError(
                "a single return-period table needs the areas its footprint covers",
                location=location,
                hint="pass areas=[...] (all areas for a national shock)",
            )
        events = events_for(table, list(areas), "")
    return EventSet.model_validate(
        {"hazard": hazard, "threat": threat, "units": units, "source": source, "events": events},
        context={"framework": framework})


def return_period_table(pairs: Sequence[tuple[float, float]] | np.ndarray, *, location: str
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Check a ``(return_period, intensity)`` table; return both columns by rising return period.

    Return periods must be finite, > 0 and distinct; intensities finite, >= 0 and not
    decreasing as the return period grows (a rarer event is at least as intense). Raises
    :class:`SpecError` at ``location`` otherwise.
    """
    arr = np.asarray(pairs, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) == 0:
        raise SpecError(
            "a return-period table needs rows of (return_period, intensity)",
            location=location,
            hint="e.g. [[5, 0.15], [10, 0.25], [50, 0.5]]",
        )
    arr = arr[np.argsort(arr[:, 0])]
    rp, inten = arr[:, 0], arr[:, 1]
    if not np.all(np.isfinite(arr)) or np.any(rp <= 0) or np.any(inten < 0):
        raise SpecError("return periods must be positive and intensities finite and >= 0",
                        location=location, hint=f"got {arr.tolist()}")
    if np.any(np.diff(inten) < 0) or np.any(np.diff(rp) == 0):
        raise SpecError(
            "intensity must not decrease as the return period grows, and return periods "
            "must be distinct",
            location=location,
            hint="sort the table and check for typos",
        )
    return rp, inten

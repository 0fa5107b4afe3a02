"""Risk metrics in CLIMADA conventions (METHODS.md, "Risk metrics").

* Expected annual impact ``EAI = sum_e f_e * impact_e``.
* Exceedance-frequency curve: sort impacts in descending order, take the cumulative sum of their
  frequencies as the exceedance frequency, ``RP = 1 / exceedance frequency``.
* Impacts at chosen return periods: linear interpolation of the curve in ``RP`` (as CLIMADA's
  ``Impact.calc_freq_curve``). Below the shortest return period of the curve the impact is 0 (no
  event is that frequent); beyond the longest the largest impact is returned and flagged.
* Probable maximum loss (PML): the impact at a return period.

For a Monte Carlo year-loss table each simulated year has frequency ``1/N``, which gives the
aggregate (annual) exceedance curve; for an event set the frequencies are the events'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.errors import SpecError

__all__ = [
    "ExceedanceCurve",
    "exceedance_curve",
    "expected_annual_impact",
    "impacts_at_return_periods",
    "year_frequencies",
]


def _arrays(impacts: Sequence[float] | np.ndarray, frequencies: Sequence[float] | np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    imp = np.asarray(impacts, dtype=float)
    freq = np.asarray(frequencies, dtype=float)
    if imp.ndim != 1 or freq.shape != imp.shape:
        raise SpecError(
            f"impacts and frequencies must be 1-D and of equal length, got {imp.shape} and "
            f"{freq.shape}",
            location="risk metrics",
        )
    if imp.size == 0:
        raise SpecError("no impacts: the event set is empty", location="risk metrics",
                        hint="simulate at least one year or pass at least one event")
    if np.any(~np.isfinite(freq)) or np.any(freq < 0):
        raise SpecError("frequencies must be finite and >= 0", location="risk metrics",
                        hint="a frequency is an expected number of occurrences per year")
    if np.any(np.isnan(imp)):
        raise SpecError(f"{int(np.isnan(imp).sum())} impact(s) are missing (NaN)",
                        location="risk metrics", hint="fill or drop them explicitly")
    return imp, freq


def year_frequencies(n_years: int) -> np.ndarray:
    """Frequency ``1/N`` of each of ``N`` simulated years."""
    if n_years < 1:
        raise SpecError("need at least one simulated year", location="year_frequencies")
    return np.full(n_years, 1.0 / n_years)


def expected_annual_impact(impacts: Sequence[float] | np.ndarray,
                           frequencies: Sequence[float] | np.ndarray) -> float:
    """``EAI = sum_e f_e * impact_e`` (CLIMADA ``Impact.aai_agg``)."""
    imp, freq = _arrays(impacts, frequencies)
    return float(np.dot(freq, imp))


@dataclass(frozen=True)
class ExceedanceCurve:
    """An impact-exceedance curve: impacts in descending order, their exceedance frequency and
    return period."""

    impact: np.ndarray
    exceedance_frequency: np.ndarray

    @property
    def return_period(self) -> np.ndarray:
        """``1 / exceedance frequency`` (inf where the frequency is 0)."""
        with np.errstate(divide="ignore"):
            return 1.0 / self.exceedance_frequency

    def at(self, return_periods: Sequence[float] | np.ndarray) -> np.ndarray:
        """Impacts at ``return_periods`` (see the module docstring for the conventions)."""
        rps = _return_periods(return_periods)
        keep = self.exceedance_frequency > 0
        rp_curve = self.return_period[keep][::-1]
        imp_curve = self.impact[keep][::-1]
        if rp_curve.size == 0:
            return np.zeros(rps.shape)
        # Equal return periods (zero-frequency steps) would make interp ambiguous: keep the
        # largest impact at each return period.
        rp_u, first = np.unique(rp_curve, return_index=True)
        last = np.r_[first[1:] - 1, len(rp_curve) - 1]
        imp_u = imp_curve[last]
        out = np.interp(rps, rp_u, imp_u)
        return np.where(rps < rp_u[0], 0.0, out)

    def beyond(self, return_periods: Sequence[float] | np.ndarray) -> np.ndarray:
        """True where a return period exceeds the longest one on the curve (value clamped)."""
        rps = _return_periods(return_periods)
        finite = self.return_period[np.isfinite(self.return_period)]
        top = finite.max() if finite.size else 0.0
        return rps > top

    def to_frame(self) -> pd.DataFrame:
        """Columns ``impact, exceedance_frequency, return_period``."""
        return pd.DataFrame({"impact": self.impact,
                             "exceedance_frequency": self.exceedance_frequency,
                             "return_period": self.return_period})


def _return_periods(return_periods: Sequence[float] | np.ndarray) -> np.ndarray:
    rps = np.atleast_1d(np.asarray(return_periods, dtype=float))
    if np.any(~np.isfinite(rps)) or np.any(rps <= 0):
        raise SpecError(f"return periods must be positive numbers of years, got {rps.tolist()}",
                        location="return_periods", hint="e.g. 10, 20, 50, 100, 250")
    return rps


def exceedance_curve(impacts: Sequence[float] | np.ndarray,
                     frequencies: Sequence[float] | np.ndarray) -> ExceedanceCurve:
    """Sort impacts descending and cumulate frequencies (CLIMADA ``calc_freq_curve``).

    With ``n`` events of equal frequency ``f`` the ``k``-th largest impact has return period
    ``1/(k f)``.
    """
    imp, freq = _arrays(impacts, frequencies)
    order = np.argsort(-imp, kind="stable")
    return ExceedanceCurve(impact=imp[order], exceedance_frequency=np.cumsum(freq[order]))


def impacts_at_return_periods(impacts: Sequence[float] | np.ndarray,
                              frequencies: Sequence[float] | np.ndarray,
                              return_periods: Sequence[float] | np.ndarray) -> np.ndarray:
    """Impacts at ``return_periods`` from the exceedance curve of ``impacts``."""
    return exceedance_curve(impacts, frequencies).at(return_periods)

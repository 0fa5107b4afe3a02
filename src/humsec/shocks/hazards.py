"""Shock generators and compound dependence: which shocks hit which areas in a simulated year.

Two kinds of hazard components make up a :class:`HazardModel`:

* :class:`AreaHazard` - a generator: in every area, the number of events per year is Poisson with
  the area's annual rate, and each event's intensity is drawn from an intensity distribution
  (parametric, or a return-period table);
* :class:`~humsec.shocks.events.EventSet` - a catalogue of events with frequencies and footprints
  (CLIMADA style), e.g. built from a return-period table for a national price shock.

Compound dependence between hazards (drought raising the odds of conflict and of a food-price
spike, a cyclone followed by cholera) is a Gaussian copula on yearly occurrence. For year ``y``
let ``G_y ~ N(0, C)`` be one latent normal per hazard with the user's correlation matrix ``C``.
For an area hazard ``h`` with spatial correlation ``s_h`` the latent value in area ``a`` is

    Z_{y,a,h} = sqrt(s_h) * G_{y,h} + sqrt(1 - s_h) * E_{y,a,h},   E_{y,a,.} ~ N(0, C),

and the event count is the Poisson quantile ``N = F^{-1}_{Poisson(rate_{a,h})}(Phi(Z))``. The
Poisson marginal of every hazard in every area is therefore exact; within an area two hazards
with equal ``s`` have latent correlation ``C_hk``; ``s_h`` sets how often one hazard hits many
areas in the same year (a regional drought has a high ``s``). Event sets use ``G_{y,h}`` itself for
their national yearly count. Several shocks per year, of one or several hazards, follow naturally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from humsec.errors import SpecError
from humsec.shocks.events import EventSet, return_period_table
from humsec.shocks.framework_ids import check_threat, context_framework
from humsec.shocks.spec import Frequency, Share
from humsec.specs import check_seed
from humsec.workload import check_workload


def _special() -> ModuleType:
    """``scipy.special``, imported on first use (importing it costs ~0.4 s, which importing
    humsec.shocks should not pay)."""
    from scipy import special

    return special


__all__ = [
    "AreaHazard",
    "Dependence",
    "HazardModel",
    "Intensity",
    "Occurrences",
    "simulate_occurrences",
]


class Intensity(BaseModel):
    """Distribution of one event's intensity.

    kinds: ``fixed`` (``value``), ``uniform`` (``low``, ``high``), ``lognormal`` (``median``,
    ``sigma`` of the log), ``beta`` (``a``, ``b`` rescaled to [``low``, ``high``]) and
    ``return_periods`` (``table`` of ``[return_period, intensity]``: the annual exceedance
    frequency of intensity ``x`` in an area is ``1/T(x)``, interpolated linearly in ``log T``; the
    occurrence rate is then ``1/T_min``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["fixed", "uniform", "lognormal", "beta", "return_periods"]
    value: float | None = None
    low: float | None = None
    high: float | None = None
    median: float | None = None
    sigma: float | None = None
    a: float | None = None
    b: float | None = None
    table: list[tuple[float, float]] | None = None

    @model_validator(mode="after")
    def _check(self) -> Intensity:
        need = {
            "fixed": ("value",),
            "uniform": ("low", "high"),
            "lognormal": ("median", "sigma"),
            "beta": ("a", "b", "low", "high"),
            "return_periods": ("table",),
        }[self.kind]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"intensity kind {self.kind!r} needs {missing}")
        if self.kind in ("uniform", "beta") and not (self.low is not None and self.high is not None
                                                     and 0 <= self.low <= self.high):
            raise ValueError("need 0 <= low <= high")
        if self.kind == "lognormal" and not ((self.median or 0) > 0 and (self.sigma or -1) >= 0):
            raise ValueError("lognormal needs median > 0 and sigma >= 0")
        if self.kind == "beta" and not ((self.a or 0) > 0 and (self.b or 0) > 0):
            raise ValueError("beta needs a > 0 and b > 0")
        if self.kind == "fixed" and (self.value or 0) < 0:
            raise ValueError("a fixed intensity must be >= 0")
        if self.kind == "return_periods":
            return_period_table(self.table or [], location="intensity.table")
        return self

    @property
    def implied_rate(self) -> float | None:
        """Occurrence rate implied by a return-period table (``1/T_min``), else ``None``."""
        if self.kind != "return_periods" or not self.table:
            return None
        return 1.0 / min(t for t, _ in self.table)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Intensity at probability levels ``u`` in (0, 1) (inverse-CDF sampling)."""
        u = np.asarray(u, dtype=float)
        if self.kind == "fixed":
            return np.full(u.shape, float(self.value or 0.0))
        if self.kind == "uniform":
            lo, hi = float(self.low or 0.0), float(self.high or 0.0)
            return lo + (hi - lo) * u
        if self.kind == "lognormal":
            return float(self.median or 1.0) * np.exp(
                float(self.sigma or 0.0) * _special().ndtri(u))
        if self.kind == "beta":
            lo, hi = float(self.low or 0.0), float(self.high or 0.0)
            # the regularised incomplete beta inverse: the numbers of scipy.stats.beta.ppf
            # (both are Boost's ibeta_inv) without importing scipy.stats (about a second)
            return lo + (hi - lo) * _special().betaincinv(float(self.a or 1.0),
                                                       float(self.b or 1.0), u)
        rp, inten = return_period_table(self.table or [], location="intensity.table")
        # Exceedance frequency of the sampled intensity is rate*(1-u) with rate = 1/T_min;
        # its return period:
        period = rp[0] / np.clip(1.0 - u, 1e-300, 1.0)
        return np.interp(np.log(period), np.log(rp), inten)


class AreaHazard(BaseModel):
    """A Poisson shock generator per area.

    ``rate`` is the default annual rate for every area in ``areas`` (all exposure areas when
    ``areas`` is omitted); ``rates`` overrides it per area. ``spatial_correlation`` in [0, 1] is
    ``s_h`` of the module docstring.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hazard: str
    threat: str
    units: str = ""
    source: str = ""
    rate: Frequency = 0.0
    rates: dict[str, Frequency] = Field(default_factory=dict)
    areas: list[str] | None = None
    intensity: Intensity
    spatial_correlation: Share = 0.0

    @model_validator(mode="after")
    def _threat(self, info: ValidationInfo) -> AreaHazard:
        check_threat(self.threat, location=f"hazard {self.hazard!r}.threat",
                     framework=context_framework(info))
        if self.intensity.kind == "return_periods" and (self.rate or self.rates):
            raise SpecError(
                "a return-period intensity table already fixes the occurrence rate (1/T_min)",
                location=f"hazard {self.hazard!r}",
                hint="drop 'rate'/'rates', or use a parametric intensity distribution",
            )
        return self

    def rate_by_area(self, areas: Sequence[str]) -> np.ndarray:
        """Annual rate in each of ``areas`` (0 outside the hazard's areas)."""
        index = {a: i for i, a in enumerate(areas)}
        named = set(self.rates) | set(self.areas or [])
        missing = sorted(a for a in named if a not in index)
        if missing:
            raise SpecError(
                f"{len(missing)} hazard area(s) are not in the exposure: {missing[:10]}",
                location=f"hazard {self.hazard!r}",
                hint="use the exposure's area ids, or add those areas to the exposure",
            )
        base = self.intensity.implied_rate if self.intensity.implied_rate is not None else self.rate
        out = np.zeros(len(areas))
        if self.areas is None:
            out[:] = base
        else:
            out[[index[a] for a in self.areas]] = base
        for area, r in self.rates.items():
            out[index[area]] = r
        return out


class Dependence(BaseModel):
    """Gaussian-copula correlation between hazards' yearly occurrence.

    ``correlation`` is a symmetric positive-definite matrix over ``hazards`` with a unit
    diagonal. Hazards not listed are independent of all others.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hazards: list[str]
    correlation: list[list[float]]

    @model_validator(mode="after")
    def _check(self) -> Dependence:
        c = np.asarray(self.correlation, dtype=float)
        n = len(self.hazards)
        if len(set(self.hazards)) != n:
            raise ValueError("dependence.hazards has duplicates")
        if c.shape != (n, n):
            raise ValueError(f"correlation must be {n} x {n} (one row per hazard), got {c.shape}")
        if not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1.0) or np.any(np.abs(c) > 1):
            raise ValueError("correlation must be symmetric, with ones on the diagonal, in [-1, 1]")
        if np.linalg.eigvalsh(c).min() <= 1e-10:
            raise ValueError("correlation matrix is not positive definite: weaken some entries")
        return self

    def matrix(self, names: Sequence[str]) -> np.ndarray:
        """Full correlation matrix over ``names`` (identity for hazards not listed)."""
        unknown = sorted(set(self.hazards) - set(names))
        if unknown:
            raise SpecError(
                f"dependence names unknown hazard(s) {unknown}",
                location="dependence.hazards",
                hint=f"hazards in the model are {list(names)}",
            )
        full = np.eye(len(names))
        pos = [list(names).index(h) for h in self.hazards]
        full[np.ix_(pos, pos)] = np.asarray(self.correlation, dtype=float)
        return full


class HazardModel(BaseModel):
    """All shock components of a scenario plus their compound dependence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    area_hazards: list[AreaHazard] = Field(default_factory=list)
    event_sets: list[EventSet] = Field(default_factory=list)
    dependence: Dependence | None = None

    @model_validator(mode="after")
    def _check(self) -> HazardModel:
        names = self.hazard_names
        if not names:
            raise SpecError(
                "the hazard model has no hazard: the event set is empty",
                location="hazards",
                hint="add area_hazards or event_sets",
            )
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SpecError(f"duplicate hazard names {dup}", location="hazards",
                            hint="give every hazard component its own name")
        if self.dependence is not None:
            self.dependence.matrix(names)
        return self

    @property
    def hazard_names(self) -> list[str]:
        """Hazard names: area hazards first, then event sets."""
        return [h.hazard for h in self.area_hazards] + [e.hazard for e in self.event_sets]

    @property
    def threats(self) -> dict[str, str]:
        """Hazard name -> framework threat id."""
        out = {h.hazard: h.threat for h in self.area_hazards}
        out.update({e.hazard: e.threat for e in self.event_sets})
        return out

    def correlation(self) -> np.ndarray:
        """Copula correlation over :attr:`hazard_names`."""
        names = self.hazard_names
        return np.eye(len(names)) if self.dependence is None else self.dependence.matrix(names)

    def check_areas(self, areas: Sequence[str]) -> None:
        """Raise :class:`SpecError` if any footprint or hazard area is not in ``areas``."""
        for hz in self.area_hazards:
            hz.rate_by_area(areas)
        for es in self.event_sets:
            es.footprint_matrix(areas)


@dataclass(frozen=True)
class Occurrences:
    """Simulated shock occurrences: one row per (year, area, event occurrence).

    Arrays are aligned and sorted by year, then area. ``hazard`` indexes :attr:`hazards`,
    ``area`` indexes :attr:`areas`. Years run ``0 .. n_years-1``.
    """

    year: np.ndarray
    area: np.ndarray
    hazard: np.ndarray
    intensity: np.ndarray
    n_years: int
    hazards: tuple[str, ...]
    areas: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.year)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: year, area, hazard, intensity."""
        return pd.DataFrame(
            {
                "year": self.year,
                "area": np.asarray(self.areas, dtype=object)[self.area],
                "hazard": np.asarray(self.hazards, dtype=object)[self.hazard],
                "intensity": self.intensity,
            }
        )

    def area_year_hits(self) -> np.ndarray:
        """Boolean ``(n_years, n_areas, n_hazards)``: was the area hit by the hazard that year."""
        hits = np.zeros((self.n_years, len(self.areas), len(self.hazards)), dtype=bool)
        hits[self.year, self.area, self.hazard] = True
        return hits

    def conditional_probability(self, given: str, hazard: str) -> tuple[float, float]:
        """``(P(hazard hits an area-year | given hits it), P(hazard hits an area-year))``.

        Computed over area-years where both hazards can occur; the gap between the two numbers
        is the compound dependence (e.g. conflict odds in drought years).
        """
        hits = self.area_year_hits()
        i, j = self.hazards.index(given), self.hazards.index(hazard)
        both_possible = hits[:, :, i].any(axis=0) & hits[:, :, j].any(axis=0)
        g = hits[:, both_possible, i]
        h = hits[:, both_possible, j]
        conditional = float((g & h).sum() / max(g.sum(), 1))
        return conditional, float(h.mean()) if h.size else 0.0


def _poisson_upper_count(q: float, rate: float) -> int:
    """Smallest n with P(N <= n) >= q for N ~ Poisson(rate): scipy.stats.poisson.ppf's own
    steps on scipy.special (n = ceil(pdtrik(q, rate)), stepped down by one when
    pdtr(n - 1, rate) >= q), without importing scipy.stats."""
    n = float(np.ceil(_special().pdtrik(q, rate)))
    below = max(n - 1.0, 0.0)
    return int(below if _special().pdtr(below, rate) >= q else n)


def _poisson_quantile(u: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Poisson quantile ``min{n : F(n; rate) >= u}``, vectorised over broadcast ``u`` and ``rate``.

    Loops over the count ``n`` (a handful of values), never over rows.
    """
    rate = np.broadcast_to(rate, u.shape)
    counts = np.zeros(u.shape, dtype=np.int32)
    max_rate = float(rate.max()) if rate.size else 0.0
    if max_rate <= 0:
        return counts
    n_max = _poisson_upper_count(1 - 1e-12, max_rate) + 1
    pmf = np.exp(-rate)
    cdf = pmf.copy()
    for n in range(n_max):
        counts += u > cdf
        pmf = pmf * rate / (n + 1)
        cdf = cdf + pmf
    return counts


def simulate_occurrences(
    model: HazardModel, areas: Sequence[str], n_years: int, seed: int
) -> Occurrences:
    """Simulate ``n_years`` independent years of shocks over ``areas`` (see module docstring).

    The same ``seed`` gives the same occurrences; measures are later applied to these same
    occurrences, so that scenarios are compared with common random numbers.
    """
    if not isinstance(n_years, int | np.integer) or n_years < 1:
        raise SpecError(f"n_years must be a positive integer, got {n_years!r}",
                        location="simulate(n_years=...)")
    areas = list(areas)
    model.check_areas(areas)
    names = model.hazard_names
    _check_size(model, areas, int(n_years))
    corr = model.correlation()
    chol = np.linalg.cholesky(corr)
    ss = np.random.SeedSequence(check_seed(seed))
    rng_common, rng_local, rng_intensity, rng_pick = (np.random.default_rng(s)
                                                      for s in ss.spawn(4))
    common = rng_common.standard_normal((n_years, len(names))) @ chol.T

    draws: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    if model.area_hazards:
        draws.append(_area_hazard_draws(model, areas, common, corr, rng_local, rng_intensity))
    for k, es in enumerate(model.event_sets):
        draws.append(_event_set_draws(es, len(model.area_hazards) + k, areas, common, rng_pick))
    # A hazard model has at least one component, so there is at least one draw to join.
    year, area, hazard, intensity = (np.concatenate(parts) for parts in zip(*draws, strict=True))
    year, area, hazard = year.astype(np.int64), area.astype(np.int64), hazard.astype(np.int64)
    intensity = intensity.astype(float)
    order = np.lexsort((hazard, area, year))
    return Occurrences(year[order], area[order], hazard[order], intensity[order], int(n_years),
                       tuple(names), tuple(areas))


def _check_size(model: HazardModel, areas: list[str], n_years: int) -> None:
    """Refuse simulations whose arrays would not fit: the year x area x hazard latent draws
    and one row per expected event (sum of annual rates and frequencies x years)."""
    n_area_hz = len(model.area_hazards)
    grid = 3.0 * n_years * len(areas) * n_area_hz + 2.0 * n_years * len(model.hazard_names)
    rates = sum(float(np.sum(hz.rate_by_area(areas))) for hz in model.area_hazards)
    rates += sum(float(e.frequency) for es in model.event_sets for e in es.events)
    events = n_years * rates * (4.0 + len(areas))
    check_workload(
        f"simulating {n_years:,} years ({rates:,.3g} expected events a year)",
        grid + events,
        location="n_years",
        fix="simulate fewer years (1,000-10,000 resolve 1-in-250-year losses), or check the "
        "hazard rates and frequencies, which are events per year",
    )


def _area_hazard_draws(model: HazardModel, areas: list[str], common: np.ndarray,
                       corr: np.ndarray, rng_local: np.random.Generator,
                       rng_intensity: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Occurrences of the area hazards: ``(year, area, hazard, intensity)`` per event.

    ``Z = sqrt(s) G + sqrt(1 - s) E`` per year, area and hazard, ``N = F^{-1}_Poisson(Phi(Z))``
    events, each with an intensity drawn by inverse CDF (module docstring).
    """
    n_years, n_hz = common.shape[0], len(model.area_hazards)
    rates = np.stack([hz.rate_by_area(areas) for hz in model.area_hazards], axis=1)
    sub_chol = np.linalg.cholesky(corr[:n_hz, :n_hz])
    local = rng_local.standard_normal((n_years, len(areas), n_hz)) @ sub_chol.T
    s = np.array([hz.spatial_correlation for hz in model.area_hazards])
    latent = np.sqrt(s) * common[:, None, :n_hz] + np.sqrt(1.0 - s) * local
    counts = _poisson_quantile(_special().ndtr(latent), rates[None, :, :])
    y, a, h = np.nonzero(counts)
    reps = counts[y, a, h]
    y, a, h = np.repeat(y, reps), np.repeat(a, reps), np.repeat(h, reps)
    u = rng_intensity.random(len(y))
    x = np.empty(len(y))
    for k, hz in enumerate(model.area_hazards):
        mask = h == k
        x[mask] = hz.intensity.quantile(u[mask])
    return y, a, h, x


def _event_set_draws(es: EventSet, col: int, areas: list[str], common: np.ndarray,
                     rng_pick: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Occurrences of one event set: ``N_y = F^{-1}_Poisson(sum f)(Phi(G_y))`` events a year,
    each event ``e`` picked with probability ``f_e / sum f`` and spread over its footprint."""
    n_years = common.shape[0]
    n_per_year = _poisson_quantile(_special().ndtr(common[:, col]), np.asarray(es.total_frequency))
    total = int(n_per_year.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    picked = rng_pick.choice(len(es.events), size=total, p=es.frequencies / es.total_frequency)
    event_year = np.repeat(np.arange(n_years), n_per_year)
    fp = es.footprint_matrix(areas)
    sizes = np.diff(fp.indptr)[picked]
    starts = fp.indptr[picked]
    flat = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    return (np.repeat(event_year, sizes), fp.indices[flat].astype(np.int64),
            np.full(len(flat), col), fp.data[flat])

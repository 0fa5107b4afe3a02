"""The threat interlinkage network estimated from a panel.

For every estimated threat j (its series oriented so that higher is worse, standardised;
see :mod:`humsec.threats.threat_series`) one equation with country and year fixed effects:

    z_j(i,t) = Σ_{k≠j} Σ_{l=1..p} a_{kj,l} z_k(i,t−l) + Σ_l φ_{j,l} z_j(i,t−l)
               [+ θ_j (W z_j)(i,t−1)] + α_i + γ_t + ε_ijt

The edge k → j is ``A[k, j] = Σ_l a_{kj,l}`` (the sum over lags), in standard deviations of
j per standard deviation of k. The own lags φ control for persistence and are reported
apart (not part of A). θ is the cross-border spillover: the association of j with the
neighbours' j a year earlier (W from :mod:`humsec.threats.spatial`). Each edge is an
association after fixed effects, a Granger-style predictive regularity, **never** a causal
effect: common shocks that vary by country and year are not removed.

Uncertainty: standard errors clustered by country (fixest CRV1, via
:func:`~humsec.threats.panel_regression`) and a country-block bootstrap of the whole system
(countries drawn with replacement, every equation re-estimated on the same draw;
:mod:`humsec.threats.within`), which gives percentile intervals for the edges, the spectral
radius and the leverage (:mod:`humsec.threats.ripple`). ``bias_correction="jackknife"`` uses
the half-panel jackknife of Dhaene & Jochmans (2015) against the Nickell bias of short
dynamic panels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from humsec.data import IndicatorRegistry, indicator_registry
from humsec.errors import DataError
from humsec.framework import Framework, default_framework
from humsec.threats.overlap import overlapping_threats
from humsec.threats.regression import EstimationError, PanelResult, panel_regression
from humsec.threats.ripple import bootstrap_leverage, leverage, multiplier, ranks
from humsec.threats.ripple import spectral_radius as radius_of
from humsec.threats.spatial import SpatialKind, country_neighbours, spatial_lag
from humsec.threats.threat_series import ThreatSeries, threat_series
from humsec.threats.within import block_weights, equation_system

WORDING = (
    "associated with, after unit (country or area) and year fixed effects (not a causal effect)"
)
BiasCorrection = Literal["jackknife"] | None


@dataclass(frozen=True)
class ThreatNetwork:
    """An estimated directed, weighted network between threats.

    - ``edges``: one row per source → target pair with the estimate, clustered SE, p-value,
      the interval (bootstrap percentile when ``bootstrap > 0``), and the evidence behind it:
      ``nobs``, ``countries``, ``first_year``, ``last_year``;
    - ``matrix``: A as a DataFrame (rows sources, columns targets);
    - ``persistence``: own-lag sums per threat; ``spillover``: θ per threat (spatial only);
    - ``spectral_radius`` and its bootstrap interval; ``multiplier`` (targets × sources) or
      None, with ``multiplier_message`` saying why not;
    - ``leverage``: column sums of the multiplier with intervals, rank and rank stability;
    - ``comparison``: the framework's literature edges against the estimates, sign by sign;
    - ``gaps``: threats not estimated and why.
    """

    threats: tuple[str, ...]
    pillars: dict[str, str]
    indicators: dict[str, str]
    transforms: dict[str, str]
    edges: pd.DataFrame
    matrix: pd.DataFrame
    persistence: pd.Series
    spillover: pd.DataFrame | None
    spectral_radius: float
    radius_interval: tuple[float, float] | None
    multiplier: pd.DataFrame | None
    multiplier_message: str
    leverage: pd.DataFrame | None
    comparison: pd.DataFrame
    gaps: dict[str, str]
    lags: int
    spatial: str | None
    bootstrap: int
    seed: int
    bias_correction: str | None
    level: float
    wording: str = WORDING
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """The edge table (see the class docstring)."""
        return self.edges.copy()

    def to_dict(self) -> dict[str, object]:
        """Everything as plain JSON-compatible values (tables as lists of records)."""

        def records(frame: pd.DataFrame | None) -> list[dict[str, object]] | None:
            if frame is None:
                return None
            clean = frame.astype(object).where(frame.notna(), None)
            return [{str(k): v for k, v in row.items()} for row in clean.to_dict("records")]

        return {
            "wording": self.wording,
            "threats": list(self.threats),
            "pillars": self.pillars,
            "indicators": self.indicators,
            "transforms": self.transforms,
            "gaps": self.gaps,
            "lags": self.lags,
            "spatial": self.spatial,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "bias_correction": self.bias_correction,
            "level": self.level,
            "spectral_radius": self.spectral_radius,
            "radius_interval": list(self.radius_interval) if self.radius_interval else None,
            "multiplier_message": self.multiplier_message,
            "edges": records(self.edges),
            "leverage": records(self.leverage),
            "comparison": records(self.comparison),
            "persistence": {k: float(v) for k, v in self.persistence.items()},
            "spillover": records(self.spillover),
        }


def _lagged(values: pd.DataFrame, lags: int) -> pd.DataFrame:
    """``<threat>_lag<l>``: the value at (unit, year − l), exact years."""
    unit, year = values.index.get_level_values(0), values.index.get_level_values(1)
    out = {}
    for lag in range(1, lags + 1):
        shifted = pd.MultiIndex.from_arrays([unit, year - lag])
        for column in values.columns:
            out[f"{column}_lag{lag}"] = values[column].reindex(shifted).to_numpy()
    return pd.DataFrame(out, index=values.index)


def _design(
    series: ThreatSeries,
    lags: int,
    spatial: SpatialKind | None,
    band_km: float,
    neighbours: pd.DataFrame | None,
) -> pd.DataFrame:
    values = series.values
    frame = pd.concat([values, _lagged(values, lags)], axis=1)
    if spatial is not None:
        if neighbours is None:
            neighbours = country_neighbours(spatial, band_km)
        lagged = pd.DataFrame(
            {f"W_{t}": spatial_lag(values[t], neighbours) for t in values.columns},
            index=values.index,
        )
        frame = pd.concat([frame, _lagged(lagged, 1)], axis=1)
    names = list(values.index.names)
    frame.index.names = ["unit", "year"] if None in names else names
    return frame.reset_index()


def _equation(
    frame: pd.DataFrame,
    target: str,
    threats: Sequence[str],
    lags: int,
    spatial: bool,
    own_lag: bool,
    unit: str,
    year: str,
) -> tuple[PanelResult, list[str]]:
    regressors = [f"{k}_lag{lag}" for k in threats if k != target for lag in range(1, lags + 1)]
    if own_lag:
        regressors += [f"{target}_lag{lag}" for lag in range(1, lags + 1)]
    if spatial:
        regressors.append(f"W_{target}_lag1")
    try:
        # an edge whose regressor is omitted would leave A undefined: stop, naming it
        result = panel_regression(frame, target, regressors, unit, year, collinear="raise")
    except EstimationError as error:
        spans = []
        for threat in threats:
            years = frame.loc[frame[threat].notna(), year]
            spans.append(f"{threat} {years.min()}–{years.max()} ({years.nunique()} years)")
        raise EstimationError(
            f"the equation for threat {target!r} cannot be estimated: {error.message}",
            location=error.location,
            hint="the threats' years must overlap, with consecutive years for the lags: "
            + "; ".join(spans)
            + ". Leave a threat out with threats=[...]",
        ) from None
    return result, regressors


def _overlapping(series: ThreatSeries, lags: int) -> ThreatSeries:
    """The series of the largest set of threats whose years overlap enough to be estimated
    together (:func:`humsec.threats.overlap.overlapping_threats`); the others join ``gaps``.
    Unchanged when the whole set can be estimated, or when no two threats can."""
    found = overlapping_threats(series.values, lags)
    if not found.dropped or not found.kept:
        return series
    kept = list(found.kept)
    return replace(
        series,
        values=series.values[kept],
        indicators={t: c for t, c in series.indicators.items() if t in kept},
        transforms={t: c for t, c in series.transforms.items() if t in kept},
        gaps={**series.gaps, **found.dropped},
    )


def _sum_over_lags(result: PanelResult, terms: list[str]) -> tuple[float, float, float]:
    """Estimate, SE and two-sided p-value of Σ β over ``terms`` (t with the model's df)."""
    from scipy import stats

    names = list(result.coef.index)
    estimate, se = _summed(result, [names.index(t) for t in terms])
    p = float(2 * stats.t.sf(abs(estimate / se), result.df_t)) if se > 0 else float("nan")
    return estimate, se, p


def _summed(result: PanelResult, positions: list[int]) -> tuple[float, float]:
    """Σ β and √(Σ V) over the regressors at ``positions`` (numpy, no label look-ups)."""
    estimate = float(result.coef.to_numpy()[positions].sum())
    cov = result.vcov_matrix.to_numpy()[np.ix_(positions, positions)]
    return estimate, float(np.sqrt(cov.sum()))


def _comparison(framework: Framework, threats: Sequence[str], edges: pd.DataFrame) -> pd.DataFrame:
    """Each literature edge with both ends estimated, against the estimated sign."""
    indexed: dict[tuple[str, str], dict[str, float]] = {
        (str(r["source"]), str(r["target"])): {
            "estimate": float(r["estimate"]),
            "ci_lower": float(r["ci_lower"]),
            "ci_upper": float(r["ci_upper"]),
        }
        for r in edges.to_dict("records")
    }
    rows: list[dict[str, object]] = []
    for link in framework.interlinkages:
        if link.source not in threats or link.target not in threats:
            continue
        row = indexed[(link.source, link.target)]
        low, high = row["ci_lower"], row["ci_upper"]
        if low > 0 or high < 0:
            sign = 1 if low > 0 else -1
            verdict = "agrees" if sign == link.sign else "opposite sign"
        else:
            verdict = "not distinguishable from zero"
        rows.append(
            {
                "source": link.source,
                "target": link.target,
                "framework_sign": link.sign,
                "estimate": float(row["estimate"]),
                "ci_lower": low,
                "ci_upper": high,
                "verdict": verdict,
                "rationale": link.rationale,
            }
        )
    in_framework = {(lk.source, lk.target) for lk in framework.interlinkages}
    for (source, target), row in indexed.items():
        if (source, target) in in_framework:
            continue
        if row["ci_lower"] > 0 or row["ci_upper"] < 0:
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "framework_sign": 0,
                    "estimate": row["estimate"],
                    "ci_lower": row["ci_lower"],
                    "ci_upper": row["ci_upper"],
                    "verdict": "estimated, not in the framework",
                    "rationale": "",
                }
            )
    columns = [
        "source",
        "target",
        "framework_sign",
        "estimate",
        "ci_lower",
        "ci_upper",
        "verdict",
        "rationale",
    ]
    return pd.DataFrame(rows, columns=columns)


def estimate_network(
    panel: pd.DataFrame,
    threats: Sequence[str] | None = None,
    lags: int = 1,
    spatial: SpatialKind | None = None,
    bootstrap: int = 500,
    seed: int = 1,
    framework: Framework | None = None,
    *,
    indicators: Mapping[str, str] | None = None,
    registry: IndicatorRegistry | None = None,
    own_lag: bool = True,
    bias_correction: BiasCorrection = None,
    band_km: float = 1000.0,
    neighbours: pd.DataFrame | None = None,
    level: float = 0.95,
    min_years: int = 3,
) -> ThreatNetwork:
    """Estimate the directed network between threats from a (unit, year) panel.

    ``panel`` is indexed by (unit, year) with indicator columns, e.g.
    :func:`humsec.data.country_panel`; ``threats`` defaults to every framework threat with a
    usable indicator, narrowed when their years do not all overlap to the largest set that
    can be estimated together (:mod:`humsec.threats.overlap`; the others are named in
    ``gaps``); ``indicators`` maps threat → column to override the choice. ``lags``
    is the number of yearly lags p; ``spatial`` adds the neighbours' lagged value of each
    threat (``"contiguity"`` or ``"distance"`` within ``band_km``; between countries from the
    bundled world outlines, or between any units given as ``neighbours`` pairs, e.g. from
    :func:`~humsec.threats.neighbours_from_geometry` on a project's areas). ``bootstrap``
    country-block replications (0: clustered-SE intervals only), reproducible with ``seed``.
    The formulas are in the module docstring.
    """
    framework = default_framework() if framework is None else framework
    registry = indicator_registry() if registry is None else registry
    if not isinstance(panel, pd.DataFrame) or panel.index.nlevels != 2:
        raise DataError(
            "the panel must be a DataFrame indexed by (unit, year)",
            location="estimate_network(panel=...)",
            hint="use humsec.data.country_panel() or set_index(['iso3', 'year'])",
        )
    if not isinstance(lags, int) or lags < 1:
        raise DataError(f"lags must be a whole number ≥ 1, got {lags!r}", location="lags")
    if bootstrap < 0:
        raise DataError(f"bootstrap must be ≥ 0, got {bootstrap}", location="bootstrap")
    series = threat_series(panel, framework, registry, threats, indicators, min_years)
    if threats is None:
        series = _overlapping(series, lags)
    names = list(series.values.columns)
    if len(names) < 2:
        raise EstimationError(
            f"a network needs at least two threats with usable series, got {names}",
            location="estimate_network(threats=...)",
            hint="threats left out: " + "; ".join(f"{t}: {r}" for t, r in series.gaps.items()),
        )
    frame = _design(series, lags, spatial, band_km, neighbours)
    unit, year = frame.columns[0], frame.columns[1]
    results: dict[str, tuple[PanelResult, list[str]]] = {
        target: _equation(frame, target, names, lags, spatial is not None, own_lag, unit, year)
        for target in names
    }
    point, edges = _edge_table(frame, results, names, lags, framework, unit, year)
    jackknife = bias_correction == "jackknife"
    replicates, systems_point = _bootstrap(
        frame, results, names, lags, bootstrap, seed, jackknife, unit, year
    )
    if jackknife:
        point = systems_point
        edges["estimate"] = [
            point[names.index(s), names.index(t)]
            for s, t in zip(edges["source"], edges["target"], strict=True)
        ]
    alpha = 1.0 - level
    if bootstrap > 0:
        low = np.quantile(replicates, alpha / 2, axis=0)
        high = np.quantile(replicates, 1 - alpha / 2, axis=0)
        edges["ci_lower"] = [
            low[names.index(s), names.index(t)]
            for s, t in zip(edges["source"], edges["target"], strict=True)
        ]
        edges["ci_upper"] = [
            high[names.index(s), names.index(t)]
            for s, t in zip(edges["source"], edges["target"], strict=True)
        ]
        edges["interval"] = f"bootstrap percentile ({bootstrap} country-block draws)"
    matrix = pd.DataFrame(
        point, index=pd.Index(names, name="source"), columns=pd.Index(names, name="target")
    )
    ripple = _ripple(point, replicates if bootstrap > 0 else None, names, level)
    persistence = pd.Series(
        {
            t: _sum_over_lags(r, [f"{t}_lag{lag}" for lag in range(1, lags + 1)])[0]
            for t, (r, _) in results.items()
        }
        if own_lag
        else {},
        name="persistence",
        dtype=float,
    )
    spill = None
    if spatial is not None:
        spill = pd.DataFrame(
            [
                {
                    "threat": t,
                    "estimate": r.coef[f"W_{t}_lag1"],
                    "std_error": r.se[f"W_{t}_lag1"],
                    "p_value": r.pvalue[f"W_{t}_lag1"],
                    "ci_lower": r.ci.loc[f"W_{t}_lag1", "lower"],
                    "ci_upper": r.ci.loc[f"W_{t}_lag1", "upper"],
                    "nobs": r.nobs,
                }
                for t, (r, _) in results.items()
            ]
        )
    return ThreatNetwork(
        threats=tuple(names),
        pillars={t: framework.pillar_of(t) for t in names},
        indicators=series.indicators,
        transforms=series.transforms,
        edges=edges,
        matrix=matrix,
        persistence=persistence,
        spillover=spill,
        spectral_radius=ripple.radius,
        radius_interval=ripple.radius_interval,
        multiplier=ripple.multiplier,
        multiplier_message=ripple.message,
        leverage=ripple.leverage,
        comparison=_comparison(framework, names, edges),
        gaps=series.gaps,
        lags=lags,
        spatial=spatial,
        bootstrap=bootstrap,
        seed=seed,
        bias_correction=bias_correction,
        level=level,
    )


def _edge_table(
    frame: pd.DataFrame,
    results: Mapping[str, tuple[PanelResult, list[str]]],
    names: list[str],
    lags: int,
    framework: Framework,
    unit: str,
    year: str,
) -> tuple[np.ndarray, pd.DataFrame]:
    from scipy import stats

    point = np.zeros((len(names), len(names)))
    rows = []
    for target, (result, _) in results.items():
        kept = np.ones(len(frame), dtype=bool)
        if len(result.dropped):
            kept[frame.index.get_indexer(pd.Index(result.dropped["row"]))] = False
        years = frame[year].to_numpy()[kept]
        first_year, last_year = int(years.min()), int(years.max())
        crit = float(stats.t.ppf(0.5 + result.level / 2, result.df_t))
        sources = [s for s in names if s != target]
        terms = list(result.coef.index)  # positions by name, whatever order the result keeps
        summed = [
            _summed(result, [terms.index(f"{source}_lag{lag}") for lag in range(1, lags + 1)])
            for source in sources
        ]
        ses = np.array([se for _, se in summed])
        with np.errstate(divide="ignore", invalid="ignore"):
            t_values = np.abs(np.array([e for e, _ in summed]) / ses)
        p_values = 2 * stats.t.sf(t_values, result.df_t)
        for source, (estimate, se), p in zip(sources, summed, p_values, strict=True):
            point[names.index(source), names.index(target)] = estimate
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "source_pillar": framework.pillar_of(source),
                    "target_pillar": framework.pillar_of(target),
                    "estimate": estimate,
                    "std_error": se,
                    "p_value": float(p) if se > 0 else float("nan"),
                    "ci_lower": estimate - crit * se,
                    "ci_upper": estimate + crit * se,
                    "interval": "clustered by country (CRV1)",
                    "nobs": result.nobs,
                    "countries": result.entities,
                    "first_year": first_year,
                    "last_year": last_year,
                    "reading": f"{source} (t−1..t−{lags}) is {WORDING} with {target} (t)",
                }
            )
    return point, pd.DataFrame(rows)


def _bootstrap(
    frame: pd.DataFrame,
    results: Mapping[str, tuple[PanelResult, list[str]]],
    names: list[str],
    lags: int,
    replications: int,
    seed: int,
    jackknife: bool,
    unit: str,
    year: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Edge matrices for every replication (R, n, n) and the (jackknifed) point matrix."""
    countries = pd.Index(sorted(frame[unit].unique()))
    n = len(names)
    weights = (
        block_weights(len(countries), replications, seed)
        if replications > 0
        else np.zeros((0, len(countries)))
    )
    ones = np.ones((1, len(countries)))
    replicates = np.zeros((replications, n, n))
    point = np.zeros((n, n))
    for target, (result, regressors) in results.items():
        sample = frame.drop(index=result.dropped["row"].tolist()) if len(result.dropped) else frame
        system = equation_system(
            sample[target].to_numpy(np.float64),
            sample[regressors].to_numpy(np.float64),
            countries.get_indexer(sample[unit]),
            sample[year].to_numpy(),
            len(countries),
            jackknife,
        )
        j = names.index(target)
        drawn = system.estimates(weights) if replications > 0 else np.zeros((0, len(regressors)))
        at_one = system.estimates(ones)[0]
        for source in names:
            if source == target:
                continue
            cols = [regressors.index(f"{source}_lag{lag}") for lag in range(1, lags + 1)]
            replicates[:, names.index(source), j] = drawn[:, cols].sum(axis=1)
            point[names.index(source), j] = at_one[cols].sum()
    return replicates, point


@dataclass(frozen=True)
class _Ripple:
    radius: float
    radius_interval: tuple[float, float] | None
    multiplier: pd.DataFrame | None
    leverage: pd.DataFrame | None
    message: str


def _leverage_table(
    point: np.ndarray, boot: np.ndarray, names: list[str], alpha: float
) -> tuple[pd.DataFrame, float]:
    values = leverage(point)
    table = pd.DataFrame({"threat": names, "leverage": values, "rank": ranks(values)})
    stable: np.ndarray = ~np.isnan(boot).any(axis=1) if boot.shape[0] else np.zeros(0, dtype=bool)
    if stable.any():
        kept = boot[stable]
        table["ci_lower"] = np.quantile(kept, alpha / 2, axis=0)
        table["ci_upper"] = np.quantile(kept, 1 - alpha / 2, axis=0)
        boot_ranks = ranks(kept)
        table["rank_stability"] = (boot_ranks == table["rank"].to_numpy()[None]).mean(axis=0)
        table["rank_low"] = np.quantile(boot_ranks, alpha / 2, axis=0)
        table["rank_high"] = np.quantile(boot_ranks, 1 - alpha / 2, axis=0)
    share = float(stable.mean()) if stable.shape[0] else float("nan")
    return table.sort_values("rank").reset_index(drop=True), share


def _ripple(
    point: np.ndarray, replicates: np.ndarray | None, names: list[str], level: float
) -> _Ripple:
    """Radius (with its bootstrap interval), multiplier and leverage, or why there is none."""
    radius = radius_of(point)
    alpha = 1.0 - level
    radii, boot = (
        bootstrap_leverage(replicates)
        if replicates is not None
        else (np.array([]), np.zeros((0, len(names))))
    )
    interval = (
        (float(np.quantile(radii, alpha / 2)), float(np.quantile(radii, 1 - alpha / 2)))
        if len(radii)
        else None
    )
    if radius >= 1.0:
        message = (
            f"no multiplier: the spectral radius of A is {radius:.3f} ≥ 1, so the series "
            "I + A + A² + … diverges and (I − A)⁻¹ is not the sum of ripple effects"
        )
        return _Ripple(radius, interval, None, None, message)
    table, share = _leverage_table(point, boot, names, alpha)
    message = f"spectral radius {radius:.3f} < 1: multiplier (I − Aᵀ)⁻¹ computed" + (
        f"; {share:.0%} of bootstrap draws have radius < 1 and enter the leverage intervals"
        if len(radii)
        else ""
    )
    matrix = pd.DataFrame(
        multiplier(point),
        index=pd.Index(names, name="target"),
        columns=pd.Index(names, name="source"),
    )
    return _Ripple(radius, interval, matrix, table, message)

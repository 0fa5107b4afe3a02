"""Linear panel regression with absorbed fixed effects: the reghdfe / fixest model.

The model is ``y_it = x_it'β + Σ_k α_k[g_k(i, t)] + ε_it``: every absorbed term ``g_k`` (an
entity, a period, an interaction such as ``region^year``) gets its own intercepts, and an
entity-specific trend ``entity[year]`` adds one slope on ``year`` per entity. β is the
within (Frisch–Waugh–Lovell) estimator; the fixed effects are projected out by alternating
projections (Gaure 2013; Correia 2017, the reghdfe algorithm; Bergé 2018, fixest) in the
order of ``absorb`` (:func:`humsec.threats.collinearity.partial_out`, not pyfixest's demeaner,
whose order follows the string-hash seed, so that every process gives the same bytes), and
pyfixest fits OLS and the sandwich on the demeaned data, so estimates, standard errors and N
equal ``reghdfe`` and R ``fixest`` on the same data, including their small-sample corrections:

- heteroskedasticity-robust: ``V = (n−1)/(n−K) · (X̃'X̃)⁻¹ (Σ ε̂²_i x̃_i x̃_i') (X̃'X̃)⁻¹``;
- clustered (CRV1): ``V = G/(G−1) · (n−1)/(n−K) · (X̃'X̃)⁻¹ (Σ_g s_g s_g') (X̃'X̃)⁻¹`` with
  ``s_g = Σ_{i∈g} ε̂_i x̃_i``; fixed effects nested in a cluster variable do not count in K;
- two-way clustered: Cameron, Gelbach & Miller (2011), ``V = V_A + V_B − V_{A∩B}``, each
  term with ``min(G)/(min(G)−1)`` as in fixest's default ``ssc(G_df="min")``.

Observations are dropped for missing values first, then singletons (a fixed-effect level seen
once, removed iteratively as reghdfe does, Correia 2015) — both are counted and listed in
:attr:`PanelResult.dropped`, never dropped silently.

Two conventions (``convention=``) differ in how singletons are treated and, on some designs,
in how many parameters ``K`` the small-sample factor charges:

- ``"reghdfe"`` (default; Stata ``reghdfe`` 6: its ``estimate_dof`` and
  ``reghdfe_common.mata``): singletons dropped; ``K = rank(X̃) + df_a`` with ``df_a`` the
  absorbed degrees of freedom: an absorbed term nested within a cluster variable counts 0; of
  the others, in order, the first counts all its levels (it carries the intercept) and each
  later one its levels less ``max(1, connected components of its bipartite graph with each
  earlier one)`` (exact for the first pair). The clustered factor is
  ``(n−1)/(n−K−[df_a = 0]) · G/(G−1)`` (the ``[df_a = 0]`` term matches ``xtreg, fe`` when
  everything absorbed is nested), ``G = min`` over two-way clusters applied once to
  ``V_A + V_B − V_{A∩B}``, and the t degrees of freedom are ``min(n − K, G − 1)``; HC1 is
  ``n/(n−K)`` and iid ``σ̂² = RSS/(n−K)``.
- ``"fixest"`` (R ``fixest`` / pyfixest defaults, ``ssc(fixef.K = "nested")``): singletons
  kept, ``K = k + 1 + Σ (levels − 1)`` over the absorbed terms not nested in a cluster.

On a connected design the two give the same K; they differ when the fixed effects split the
sample into disconnected groups (reghdfe counts the exact redundancy, fixest one level per
extra fixed effect), and wherever singletons are present.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, did_you_mean
from humsec.threats.collinearity import (
    COLLINEAR_TOL,
    FE_REASON,
    REGRESSOR_REASON,
    AbsorbedBlock,
    omitted_regressors,
    partial_out,
)

VcovType = Literal["cluster", "hetero", "iid"]
Convention = Literal["reghdfe", "fixest"]
CONVENTIONS: tuple[str, ...] = ("reghdfe", "fixest")
_TREND = re.compile(r"^\s*([^\[\]^]+)\[([^\[\]^]+)\]\s*$")


class EstimationError(DataError):
    """A model that cannot be estimated as asked: too few observations, a regressor that the
    fixed effects absorb or that is collinear with the others."""


@dataclass(frozen=True)
class PanelResult:
    """Estimates of one panel regression.

    ``coef``, ``se``, ``tstat`` and ``pvalue`` are Series indexed by regressor name (lagged
    regressors are named ``"<column>_lag<k>"``); ``ci`` has columns ``lower`` and ``upper``.
    ``vcov_matrix`` is their covariance matrix. ``dropped`` lists every input row left out,
    with its reason (``"missing <column>"`` or ``"singleton"``).
    """

    y: str
    coef: pd.Series
    se: pd.Series
    tstat: pd.Series
    pvalue: pd.Series
    ci: pd.DataFrame
    nobs: int
    absorb: tuple[str, ...]
    vcov: str
    clusters: dict[str, int]
    df_t: float
    r2_within: float
    dropped: pd.DataFrame
    entities: int
    periods: int
    vcov_matrix: pd.DataFrame
    level: float = 0.95
    notes: tuple[str, ...] = field(default=())
    convention: str = "reghdfe"
    dof_k: int = 0
    """``K``, the parameters the small-sample factor charges (see the module docstring)."""
    df_absorbed: int = 0
    """Absorbed degrees of freedom counted in ``K`` (reghdfe's ``e(df_a)``)."""
    dropped_regressors: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["term", "reason"])
    )
    """Regressors omitted as reghdfe omits them (``term``, ``reason``: ``"collinear with the
    fixed effects"`` or ``"collinear with other regressors"``); their ``coef``, ``se``,
    ``pvalue`` and ``ci`` are NaN, never a number (:mod:`humsec.threats.collinearity`)."""

    @property
    def n_missing(self) -> int:
        """Rows dropped because a used column was missing."""
        return int(self.dropped["reason"].str.startswith("missing").sum())

    @property
    def n_singletons(self) -> int:
        """Rows dropped as fixed-effect singletons."""
        return int((self.dropped["reason"] == "singleton").sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per regressor: estimate, std_error, t, p_value, ci_lower, ci_upper, nobs."""
        return pd.DataFrame(
            {
                "term": self.coef.index,
                "estimate": self.coef.to_numpy(),
                "std_error": self.se.to_numpy(),
                "t": self.tstat.to_numpy(),
                "p_value": self.pvalue.to_numpy(),
                "ci_lower": self.ci["lower"].to_numpy(),
                "ci_upper": self.ci["upper"].to_numpy(),
                "nobs": self.nobs,
            }
        )


@dataclass(frozen=True)
class _Absorbed:
    """An absorbed term: fixed-effect columns joined by ``^``, or a trend ``fe[slope]``."""

    text: str
    columns: tuple[str, ...]
    slope: str | None = None


def _parse_absorb(terms: Sequence[str], columns: Sequence[str]) -> list[_Absorbed]:
    parsed = []
    for term in terms:
        trend = _TREND.match(term)
        if trend:
            fe_part, slope = trend.group(1).strip(), trend.group(2).strip()
            names = tuple(p.strip() for p in fe_part.split("^"))
            parsed.append(_Absorbed(term.strip(), names, slope))
        else:
            names = tuple(p.strip() for p in term.split("^"))
            parsed.append(_Absorbed(term.strip(), names))
    for item in parsed:
        for name in (*item.columns, *([item.slope] if item.slope else [])):
            if name not in columns:
                raise ColumnError(
                    f"absorbed term {item.text!r} names column {name!r}, which the data lack",
                    location="panel_regression(absorb=...)",
                    hint=did_you_mean(name, columns) or f"columns: {', '.join(columns)}",
                )
    return parsed


def _lag_columns(
    frame: pd.DataFrame,
    entity: str,
    time: str,
    x: list[str],
    lags: int | Mapping[str, int | Sequence[int]] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Add lagged columns ``<col>_lag<k>`` = value at (entity, time − k), exact periods.

    An integer ``lags`` replaces every regressor by its lag of that order; a mapping adds the
    listed lags of each named column as further regressors.
    """
    if lags is None:
        return frame, x
    if isinstance(lags, bool) or not isinstance(lags, int | Mapping):
        raise DataError(
            f"lags must be a whole number or a mapping of column to lags, got {lags!r}",
            location="panel_regression(lags=...)",
            hint="e.g. lags=1, or lags={'conflict': [1, 2]}",
        )
    wanted: dict[str, list[int]]
    if isinstance(lags, int):
        wanted = {column: [lags] for column in x}
        regressors: list[str] = []
    else:
        wanted = {
            str(c): [int(k)] if isinstance(k, int | np.integer) else [int(v) for v in k]
            for c, k in lags.items()
        }
        regressors = list(x)
    for column, orders in wanted.items():
        if column not in frame.columns:
            raise ColumnError(
                f"lagged column {column!r} is not in the data",
                location="panel_regression(lags=...)",
                hint=did_you_mean(column, frame.columns) or "",
            )
        if any(k < 1 for k in orders):
            raise DataError(
                f"lag orders must be 1 or more, got {orders} for {column!r}",
                location="panel_regression(lags=...)",
            )
    keys = frame[[entity, time]]
    out = frame.copy()
    for column, orders in wanted.items():
        source = pd.Series(
            frame[column].to_numpy(),
            index=pd.MultiIndex.from_frame(keys),
        )
        for k in orders:
            shifted = pd.MultiIndex.from_arrays([keys[entity], keys[time] - k])
            name = f"{column}_lag{k}"
            out[name] = source.reindex(shifted).to_numpy()
            regressors.append(name)
    return out, regressors


def _singletons(codes: list[np.ndarray]) -> np.ndarray:
    """Rows to drop as singletons: iterate until no fixed-effect level is seen only once."""
    keep = np.ones(len(codes[0]) if codes else 0, dtype=bool)
    changed = True
    while changed and codes:
        changed = False
        for code in codes:
            counts = np.bincount(code[keep], minlength=int(code.max()) + 1)
            single = keep & (counts[code] == 1)
            if single.any():
                keep &= ~single
                changed = True
    return ~keep


def _group_codes(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    codes, _ = pd.MultiIndex.from_frame(frame[list(columns)]).factorize()
    return np.asarray(codes, dtype=np.int64)


def _components(first: np.ndarray, second: np.ndarray) -> int:
    """Connected components of the bipartite graph linking the levels of two fixed effects
    (reghdfe's "mobility groups"): the levels of ``second`` made redundant by ``first``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n1 = int(first.max()) + 1
    n2 = int(second.max()) + 1
    edges = coo_matrix((np.ones(len(first)), (first, second + n1)), shape=(n1 + n2, n1 + n2))
    return int(connected_components(edges, directed=False)[0])


def _nested(codes: np.ndarray, cluster: np.ndarray) -> bool:
    """Whether every level of a fixed effect lies within one cluster."""
    pairs = pd.DataFrame({"fe": codes, "cl": cluster}).drop_duplicates()
    return bool(pairs["fe"].is_unique)


def _absorbed_dof(sample: pd.DataFrame, absorbed: list[_Absorbed], clusters: list[str]) -> int:
    """reghdfe's ``df_a`` (its ``estimate_dof``, adjustments "pairwise clusters"): an
    absorbed term nested within a cluster variable counts 0; of the others, in order, the
    first counts all its levels and each later one its levels less
    ``max(1, components with each earlier one)``."""
    terms = [a for a in absorbed if a.slope is None]
    codes = [_group_codes(sample, a.columns) for a in terms]
    cluster_codes = [_group_codes(sample, (c,)) for c in clusters]
    remaining = [code for code in codes if not any(_nested(code, c) for c in cluster_codes)]
    total = 0
    for k, code in enumerate(remaining):
        redundant = (
            0 if k == 0 else max([1, *(_components(earlier, code) for earlier in remaining[:k])])
        )
        total += int(code.max()) + 1 - redundant
    # a trend term adds one slope per level, counted with the regressors (its i(fe, t) terms)
    return total


def _absorbed_by(frame: pd.DataFrame, name: str, absorbed: list[_Absorbed]) -> str | None:
    """The absorbed term that leaves ``name`` without variation within its groups, if any."""
    values = frame[name].to_numpy(np.float64)
    scale = max(float(np.std(values)), 1e-300)
    for term in absorbed:
        if term.slope is not None:
            continue
        codes = _group_codes(frame, term.columns)
        means = np.bincount(codes, weights=values) / np.bincount(codes)
        if float(np.abs(values - means[codes]).max()) <= 1e-9 * scale:
            return term.text
    return None


def _blocks(sample: pd.DataFrame, absorbed: list[_Absorbed]) -> list[AbsorbedBlock]:
    """The within transformation's blocks: a fixed effect and the trend on the same columns
    form one block (intercept and slope per level, reghdfe's ``id##c.t``); a trend without
    its fixed effect is a slope-only block (``id#c.t``)."""
    blocks: dict[tuple[str, ...], AbsorbedBlock] = {}
    slopes_alone: list[AbsorbedBlock] = []
    for term in absorbed:
        if term.slope is None:
            blocks.setdefault(term.columns, AbsorbedBlock(_group_codes(sample, term.columns)))
    for term in absorbed:
        if term.slope is None:
            continue
        t = sample[term.slope].to_numpy(np.float64)
        base = blocks.get(term.columns)
        if base is not None and base.slope is None:
            blocks[term.columns] = AbsorbedBlock(base.codes, True, t)
        else:
            slopes_alone.append(AbsorbedBlock(_group_codes(sample, term.columns), False, t))
    return [*blocks.values(), *slopes_alone]


def _raise_collinear(
    sample: pd.DataFrame, absorbed: list[_Absorbed], reasons: dict[str, str]
) -> None:
    """``collinear="raise"``: stop, naming the first omitted regressor and why."""
    name, why = next(iter(reasons.items()))
    if why == REGRESSOR_REASON:
        lost = [k for k, v in reasons.items() if v == REGRESSOR_REASON]
        raise EstimationError(
            f"regressor(s) {lost} are collinear with the other regressors and fixed effects",
            location=f"panel_regression(x=...) regressor {lost[0]!r}",
            hint="drop one of the collinear regressors, or pass collinear='drop'",
        )
    if float(sample[name].std()) == 0.0:
        what = "is constant in the sample"
    elif culprit := _absorbed_by(sample, name, absorbed):
        what = f"has no variation within the absorbed fixed effect {culprit!r}"
    else:
        what = f"is collinear with the absorbed terms {[a.text for a in absorbed]}"
    raise EstimationError(
        f"regressor {name!r} {what}, so its coefficient is not identified",
        location=f"panel_regression(x=...) regressor {name!r}",
        hint="drop it or absorb fewer fixed effects, or pass collinear='drop'",
    )


def panel_regression(
    data: pd.DataFrame,
    y: str,
    x: str | Sequence[str],
    entity: str,
    time: str,
    absorb: Sequence[str] | None = None,
    cluster: str | Sequence[str] | None = None,
    lags: int | Mapping[str, int | Sequence[int]] | None = None,
    *,
    vcov: VcovType = "cluster",
    drop_singletons: bool | None = None,
    level: float = 0.95,
    convention: Convention = "reghdfe",
    collinear: Literal["drop", "raise"] = "drop",
) -> PanelResult:
    """Regress ``y`` on ``x`` with absorbed fixed effects (reghdfe / fixest ``feols``).

    ``absorb`` lists the absorbed terms: column names (``"iso3"``, ``"year"``), interactions
    (``"region^year"``) and entity-specific trends (``"iso3[year]"``: one slope on ``year``
    per ``iso3``); ``None`` means two-way fixed effects ``[entity, time]`` and ``[]`` pooled
    OLS with an intercept. Trends enter as interaction regressors (``i(iso3, year)``), which
    gives the same β by Frisch–Waugh–Lovell and counts the slopes in K.

    ``cluster`` names one or two columns (two-way: Cameron–Gelbach–Miller); ``None`` clusters
    by ``entity`` when ``vcov="cluster"`` (fixest's default for panel models). ``vcov`` may
    also be ``"hetero"`` (HC1) or ``"iid"``. ``lags``: an integer k replaces each regressor
    by its value at t−k (exact periods within entity; a gap gives a missing lag), a mapping
    ``{"col": [1, 2]}`` adds those lags of ``col`` as regressors.

    ``convention`` is ``"reghdfe"`` (Stata reghdfe's degrees of freedom; singletons dropped)
    or ``"fixest"`` (R fixest's; singletons kept), as the module docstring states;
    ``drop_singletons`` overrides the convention's choice.

    A regressor the absorbed terms span (a country constant under country effects, a
    country's own time trend under ``iso3[year]``) or that the earlier regressors span is
    omitted as reghdfe omits it (:mod:`humsec.threats.collinearity`): its estimates are NaN
    and :attr:`PanelResult.dropped_regressors` and ``notes`` name it with the reason;
    ``collinear="raise"`` stops with :class:`EstimationError` naming it instead.

    Raises :class:`EstimationError` when no regressor is left, and when too few observations
    remain.
    """
    if convention not in CONVENTIONS:
        raise DataError(
            f"convention must be 'reghdfe' or 'fixest', got {convention!r}",
            location="panel_regression(convention=...)",
            hint="'reghdfe' for Stata reghdfe's small-sample rules, 'fixest' for R's",
        )
    if collinear not in ("drop", "raise"):
        raise DataError(
            f"collinear must be 'drop' or 'raise', got {collinear!r}",
            location="panel_regression(collinear=...)",
            hint="'drop' omits collinear regressors with a note, as reghdfe does",
        )
    if drop_singletons is None:
        drop_singletons = convention == "reghdfe"

    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    regressors_in = [x] if isinstance(x, str) else list(x)
    columns = [str(c) for c in data.columns]
    absorb_terms = [entity, time] if absorb is None else list(absorb)
    clusters = (
        ([entity] if cluster is None else [cluster] if isinstance(cluster, str) else list(cluster))
        if vcov == "cluster"
        else []
    )
    if vcov not in ("cluster", "hetero", "iid"):
        raise DataError(f"vcov must be 'cluster', 'hetero' or 'iid', got {vcov!r}")
    if len(clusters) > 2:
        raise DataError(
            f"at most two-way clustering is supported, got {clusters}",
            location="panel_regression(cluster=...)",
        )
    for name in [y, entity, time, *regressors_in, *clusters]:
        if name not in columns:
            raise ColumnError(
                f"column {name!r} is not in the data",
                location="panel_regression",
                hint=did_you_mean(name, columns) or f"columns: {', '.join(columns)}",
            )
    absorbed = _parse_absorb(absorb_terms, columns)
    frame = data.reset_index(drop=True)
    if frame.duplicated([entity, time]).any() and lags is not None:
        first = frame.loc[frame.duplicated([entity, time]), [entity, time]].iloc[0].tolist()
        raise DataError(
            f"({entity}, {time}) = {tuple(first)} appears twice, so lags are ambiguous",
            location="panel_regression(lags=...)",
            hint="keep one row per entity and period",
        )
    frame, regressors = _lag_columns(frame, entity, time, regressors_in, lags)
    if not regressors:
        raise DataError("no regressors given", location="panel_regression(x=...)")
    used = list(
        dict.fromkeys(
            [y, *regressors, entity, time, *clusters]
            + [c for a in absorbed for c in (*a.columns, *([a.slope] if a.slope else []))]
        )
    )
    reasons = pd.Series("", index=frame.index, dtype=object)
    for name in used:
        missing = frame[name].isna().to_numpy() & (reasons == "").to_numpy()
        reasons[missing] = f"missing {name}"
    keep = (reasons == "").to_numpy()
    if drop_singletons and absorbed:
        sub = frame.loc[keep]
        codes = [_group_codes(sub, a.columns) for a in absorbed if a.slope is None]
        single = _singletons(codes)
        index = sub.index[single]
        reasons[index] = "singleton"
        keep = (reasons == "").to_numpy()
    dropped = pd.DataFrame({"row": frame.index[~keep], "reason": reasons[~keep].to_numpy()})
    sample = frame.loc[keep, used].reset_index(drop=True)
    fe_dof = sum(int(sample[list(a.columns)].drop_duplicates().shape[0]) for a in absorbed)
    if len(sample) <= len(regressors) + max(fe_dof - max(len(absorbed) - 1, 0), 0):
        raise EstimationError(
            f"too few observations: {len(sample)} usable rows for {len(regressors)} regressor(s)"
            f" and {fe_dof} fixed-effect levels ({len(dropped)} dropped: "
            f"{int((dropped['reason'] != 'singleton').sum())} missing, "
            f"{int((dropped['reason'] == 'singleton').sum())} singletons)",
            location=f"panel_regression(y={y!r})",
            hint="use fewer fixed effects or lags, or a longer or wider panel",
        )
    omitted = omitted_regressors(
        sample[regressors].to_numpy(np.float64), regressors, _blocks(sample, absorbed)
    )
    if omitted.reasons and collinear == "raise":
        _raise_collinear(sample, absorbed, omitted.reasons)
    if not omitted.kept:
        raise EstimationError(
            f"every regressor is collinear with the fixed effects or the others: "
            f"{', '.join(f'{k!r} ({v})' for k, v in omitted.reasons.items())}",
            location=f"panel_regression(x=...) regressor {regressors[0]!r}",
            hint="use regressors that vary within the absorbed fixed effects",
        )
    estimated = omitted.kept

    raw = convention == "reghdfe"
    fit, r2_within = _fit_within(sample, y, estimated, absorbed, clusters, vcov, used)
    kept = list(fit._coefnames)
    safe = {name: f"v{k}" for k, name in enumerate(used)}
    why_omitted = dict(omitted.reasons)
    for name in estimated:  # pyfixest's own check, should it find what ours let through
        if safe[name] not in kept:
            why_omitted[name] = REGRESSOR_REASON
    if collinear == "raise" and len(why_omitted) > len(omitted.reasons):
        _raise_collinear(sample, absorbed, why_omitted)
    estimated = [r for r in estimated if r not in why_omitted]
    names = pd.Index(regressors, name="term")
    order = [safe[r] for r in estimated]
    positions = [kept.index(name) for name in order]
    cluster_sizes = {c: int(sample[c].nunique()) for c in clusters}
    n = int(fit._N)
    if raw:
        df_a = _absorbed_dof(sample, absorbed, clusters)
        dof_k = len(kept) + df_a
        factor, df_t = _reghdfe_factor(vcov, n, dof_k, df_a, cluster_sizes)
        vcov_full = np.asarray(fit._vcov, dtype=np.float64) * factor
    else:
        dof_k, df_t = _fixest_dof(sample, y, estimated, absorbed, clusters, vcov, used)
        df_a = dof_k - len(kept)
        factor = _fixest_factor(vcov, n, dof_k, cluster_sizes)
        vcov_full = np.asarray(fit._vcov, dtype=np.float64) * factor
    from scipy import stats

    est = pd.Index(estimated, name="term")
    coef = pd.Series(np.asarray(fit.coef().loc[order], np.float64), index=est).reindex(names)
    se = pd.Series(np.sqrt(np.diag(vcov_full)[positions]), index=est).reindex(names)
    tstat = coef / se
    pvalue = pd.Series(2 * stats.t.sf(np.abs(tstat.to_numpy()), df_t), index=names)
    crit = float(stats.t.ppf(0.5 + level / 2, df_t))
    ci = pd.DataFrame({"lower": coef - crit * se, "upper": coef + crit * se}, index=names)
    vcov_kept = pd.DataFrame(vcov_full[np.ix_(positions, positions)], index=est, columns=est)
    dropped_regressors = pd.DataFrame(
        {"term": list(why_omitted), "reason": list(why_omitted.values())},
        columns=["term", "reason"],
    )
    notes = tuple(
        f"{term!r} omitted: {why} (reghdfe: partialled-out x'x at most {COLLINEAR_TOL:g} of"
        f" the raw one{'' if why == FE_REASON else ', after the earlier regressors'})"
        for term, why in why_omitted.items()
    )
    return PanelResult(
        y=y,
        coef=coef,
        se=se,
        tstat=tstat,
        pvalue=pvalue,
        ci=ci,
        nobs=n,
        absorb=tuple(a.text for a in absorbed),
        vcov="CRV1" if vcov == "cluster" else ("HC1" if vcov == "hetero" else "iid"),
        clusters=cluster_sizes,
        df_t=float(df_t),
        r2_within=r2_within,
        dropped=dropped,
        entities=int(sample[entity].nunique()),
        periods=int(sample[time].nunique()),
        vcov_matrix=vcov_kept.reindex(index=names, columns=names),
        level=level,
        notes=notes,
        dropped_regressors=dropped_regressors,
        convention=convention,
        dof_k=int(dof_k),
        df_absorbed=int(df_a),
    )


def _formula_parts(
    sample: pd.DataFrame,
    absorbed: list[_Absorbed],
    used: list[str],
) -> tuple[dict[str, str], list[str], list[str]]:
    """Formula-safe names for the used columns, the fixed-effect terms and the trend terms."""
    safe = {name: f"v{k}" for k, name in enumerate(used)}
    fe_terms = ["^".join(safe[c] for c in a.columns) for a in absorbed if a.slope is None]
    trend_terms = [
        f"i({safe[a.columns[0]]}, {safe[a.slope]})" if len(a.columns) == 1 else ""
        for a in absorbed
        if a.slope is not None
    ]
    if "" in trend_terms:
        raise DataError(
            "a trend must be on a single column, e.g. 'iso3[year]'",
            location="panel_regression(absorb=...)",
        )
    return safe, fe_terms, trend_terms


def _trend_columns(sample: pd.DataFrame, absorbed: list[_Absorbed]) -> np.ndarray:
    """fixest's ``i(fe, t)``: one column ``t·[fe = level]`` per level of each trend's fixed
    effect (no reference level), in the order of the absorbed terms."""
    columns = []
    for term in absorbed:
        if term.slope is None:
            continue
        codes = _group_codes(sample, term.columns)
        t = sample[term.slope].to_numpy(np.float64)
        dummies = codes[:, None] == np.arange(int(codes.max()) + 1)[None, :]
        columns.append(np.where(dummies, t[:, None], 0.0))
    return np.column_stack(columns) if columns else np.empty((len(sample), 0))


def _fit_within(
    sample: pd.DataFrame,
    y: str,
    estimated: list[str],
    absorbed: list[_Absorbed],
    clusters: list[str],
    vcov: str,
    used: list[str],
) -> tuple[Any, float]:
    """β and the unadjusted sandwich by Frisch–Waugh–Lovell: ``[y, X, i(fe, t)]`` within-
    transformed by humsec's alternating projections (:func:`~humsec.threats.collinearity.
    partial_out`, the absorbed fixed effects in the order given, converged to 1e-14 of each
    column's norm), then pyfixest's OLS without fixed effects on ``ỹ ~ X̃ − 1`` with
    ``ssc(k_adj=False, G_adj=False)``. Returns the fit and ``R²_within = 1 − ε̂'ε̂ / ỹ'ỹ``.

    pyfixest's own demeaner is not used: pyfixest 0.60 collects the fixed effects of a
    formula in a ``set`` (``pyfixest/estimation/formula/utils.py``,
    ``_encode_fixed_effects``), so the order of its alternating projections, and the last
    digits of every estimate, follow the process's string-hash seed (``PYTHONHASHSEED``).
    Here the order is the caller's, so the same inputs give the same bytes in every process.
    """
    import pyfixest as pf

    safe, _, _ = _formula_parts(sample, absorbed, used)
    blocks = [AbsorbedBlock(_group_codes(sample, a.columns)) for a in absorbed if a.slope is None]
    trends = _trend_columns(sample, absorbed)
    trend_names = [f"vtrend{j}" for j in range(trends.shape[1])]
    values = np.column_stack([sample[[y, *estimated]].to_numpy(np.float64), trends])
    tilde = partial_out(values, blocks) if blocks else values
    names = [safe[y], *(safe[r] for r in estimated), *trend_names]
    frame = pd.DataFrame(tilde, columns=names)
    for c in clusters:
        frame[safe[c]] = sample[c].to_numpy()
    rhs = " + ".join(names[1:])
    formula = f"{names[0]} ~ {rhs}" + (" - 1" if blocks else "")
    vcov_arg: str | dict[str, str] = (
        {"CRV1": "+".join(safe[c] for c in clusters)} if vcov == "cluster" else vcov
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(formula, frame, vcov=vcov_arg, ssc=pf.ssc(k_adj=False, G_adj=False))
    if not blocks:
        return fit, float("nan")
    resid = np.asarray(fit._u_hat, dtype=np.float64).ravel()
    return fit, float(1.0 - resid @ resid / (tilde[:, 0] @ tilde[:, 0]))


def _fixest_dof(
    sample: pd.DataFrame,
    y: str,
    estimated: list[str],
    absorbed: list[_Absorbed],
    clusters: list[str],
    vcov: str,
    used: list[str],
) -> tuple[int, float]:
    """fixest's ``K`` (``ssc(fixef.K = "nested")``) and t degrees of freedom, read from
    pyfixest's model with the fixed effects: whole numbers, so the order in which pyfixest
    demeans (see :func:`_fit_within`) cannot change them."""
    import pyfixest as pf

    safe, fe_terms, trend_terms = _formula_parts(sample, absorbed, used)
    renamed = sample.rename(columns=safe)
    rhs = " + ".join([safe[r] for r in estimated] + trend_terms)
    formula = f"{safe[y]} ~ {rhs}" + (f" | {' + '.join(fe_terms)}" if fe_terms else "")
    vcov_arg: str | dict[str, str] = (
        {"CRV1": "+".join(safe[c] for c in clusters)} if vcov == "cluster" else vcov
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(formula, renamed, vcov=vcov_arg, fixef_rm="none")
    return int(fit._df_k), float(fit._df_t)


def _fixest_factor(vcov: str, n: int, dof_k: int, clusters: dict[str, int]) -> float:
    """fixest's small-sample factor (pyfixest ``get_ssc`` defaults): iid ``(n−1)/(n−K)``,
    HC1 ``n/(n−K)``, CRV1 ``(n−1)/(n−K) · G/(G−1)`` with ``G`` the smallest cluster count."""
    if vcov == "iid":
        return (n - 1) / (n - dof_k)
    if vcov == "hetero":
        return n / (n - dof_k)
    g = min(clusters.values())
    return (n - 1) / (n - dof_k) * g / (g - 1)


def _reghdfe_factor(
    vcov: str, n: int, dof_k: int, df_a: int, clusters: dict[str, int]
) -> tuple[float, float]:
    """reghdfe's small-sample factor on pyfixest's unadjusted sandwich, and the t df.

    iid: pyfixest's unadjusted iid matrix is ``RSS/(n−1)·(X̃'X̃)⁻¹``, so ``(n−1)/(n−K)``
    gives ``RSS/(n−K)``; HC1: ``n/(n−K)``; CRV1: ``(n−1)/(n−K−[df_a=0]) · G/(G−1)`` with
    ``G`` the smallest cluster count, t df ``min(n−K, G−1)`` (reghdfe_common.mata).
    """
    if n - dof_k <= 0:
        raise EstimationError(
            f"no residual degrees of freedom: {n} observations for {dof_k} parameters",
            location="panel_regression",
            hint="use fewer fixed effects or a larger panel",
        )
    if vcov == "iid":
        return (n - 1) / (n - dof_k), float(n - dof_k)
    if vcov == "hetero":
        return n / (n - dof_k), float(n - dof_k)
    g = min(clusters.values())
    if g < 2:
        raise EstimationError(
            f"one cluster only ({', '.join(clusters)}): no clustered errors",
            location="panel_regression(cluster=...)",
            hint="cluster on a variable with at least two values",
        )
    nested_adj = 1 if df_a == 0 else 0
    factor = (n - 1) / (n - nested_adj - dof_k) * g / (g - 1)
    return factor, float(min(n - dof_k, g - 1))

"""Linear panel regression with absorbed fixed effects: the reghdfe / fixest model.

The model is ``y_it = x_it'β + Σ_k α_k[g_k(i, t)] + ε_it``: every absorbed term ``g_k`` (an
entity, a period, an interaction such as ``region^year``) gets its own intercepts, and an
entity-specific trend ``entity[year]`` adds one slope on ``year`` per entity. β is the
within (Frisch–Waugh–Lovell) estimator; the fixed effects are projected out by pyfixest's
alternating-projections demeaner (Gaure 2013; Correia 2017, the reghdfe algorithm;
Bergé 2018, fixest), so estimates, standard errors and N equal ``reghdfe`` and R ``fixest``
on the same data, including their small-sample corrections:

- heteroskedasticity-robust: ``V = (n−1)/(n−K) · (X̃'X̃)⁻¹ (Σ ε̂²_i x̃_i x̃_i') (X̃'X̃)⁻¹``;
- clustered (CRV1): ``V = G/(G−1) · (n−1)/(n−K) · (X̃'X̃)⁻¹ (Σ_g s_g s_g') (X̃'X̃)⁻¹`` with
  ``s_g = Σ_{i∈g} ε̂_i x̃_i``; fixed effects nested in a cluster variable do not count in K;
- two-way clustered: Cameron, Gelbach & Miller (2011), ``V = V_A + V_B − V_{A∩B}``, each
  term with ``min(G)/(min(G)−1)`` as in fixest's default ``ssc(G_df="min")``.

Observations are dropped for missing values first, then singletons (a fixed-effect level seen
once, removed iteratively as reghdfe does, Correia 2015) — both are counted and listed in
:attr:`PanelResult.dropped`, never dropped silently.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, did_you_mean

VcovType = Literal["cluster", "hetero", "iid"]
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
    drop_singletons: bool = True,
    level: float = 0.95,
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

    Raises :class:`EstimationError` naming the regressor when the fixed effects absorb it or
    it is collinear with the others, and when too few observations remain.
    """
    import pyfixest as pf

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
    for name in regressors:
        if float(sample[name].std()) == 0.0 or (culprit := _absorbed_by(sample, name, absorbed)):
            what = (
                "is constant in the sample"
                if float(sample[name].std()) == 0.0
                else f"has no variation within the absorbed fixed effect {culprit!r}"
            )
            raise EstimationError(
                f"regressor {name!r} {what}, so its coefficient is not identified",
                location=f"panel_regression(x=...) regressor {name!r}",
                hint="drop it or absorb fewer fixed effects",
            )

    safe = {name: f"v{k}" for k, name in enumerate(used)}
    renamed = sample.rename(columns=safe)
    fe_terms = ["^".join(safe[c] for c in a.columns) for a in absorbed if a.slope is None]
    trend_terms = [
        f"i({safe[a.columns[0]]}, {safe[a.slope]})" if len(a.columns) == 1 else None
        for a in absorbed
        if a.slope is not None
    ]
    if None in trend_terms:
        raise DataError(
            "a trend must be on a single column, e.g. 'iso3[year]'",
            location="panel_regression(absorb=...)",
        )
    rhs = " + ".join([safe[r] for r in regressors] + [t for t in trend_terms if t])
    formula = f"{safe[y]} ~ {rhs}" + (f" | {' + '.join(fe_terms)}" if fe_terms else "")
    vcov_arg: str | dict[str, str] = (
        {"CRV1": "+".join(safe[c] for c in clusters)} if vcov == "cluster" else vcov
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(formula, renamed, vcov=vcov_arg, fixef_rm="none")
    kept = list(fit._coefnames)
    lost = [r for r in regressors if safe[r] not in kept]
    if lost:
        raise EstimationError(
            f"regressor(s) {lost} are collinear with the other regressors and fixed effects",
            location=f"panel_regression(x=...) regressor {lost[0]!r}",
            hint="drop one of the collinear regressors",
        )
    names = pd.Index(regressors, name="term")
    order = [safe[r] for r in regressors]
    confint = fit.confint(alpha=1 - level).loc[order]

    def series(values: pd.Series) -> pd.Series:
        return pd.Series(values.loc[order].to_numpy(np.float64), index=names)

    positions = [kept.index(name) for name in order]
    vcov_full = np.asarray(fit._vcov, dtype=np.float64)
    inverse = {v: k for k, v in safe.items()}
    cluster_sizes = {inverse[c]: int(renamed[c].nunique()) for c in (safe[c] for c in clusters)}
    ci = pd.DataFrame(
        {"lower": confint.iloc[:, 0].to_numpy(), "upper": confint.iloc[:, 1].to_numpy()},
        index=names,
    )
    return PanelResult(
        y=y,
        coef=series(fit.coef()),
        se=series(fit.se()),
        tstat=series(fit.tstat()),
        pvalue=series(fit.pvalue()),
        ci=ci,
        nobs=int(fit._N),
        absorb=tuple(a.text for a in absorbed),
        vcov="CRV1" if vcov == "cluster" else ("HC1" if vcov == "hetero" else "iid"),
        clusters=cluster_sizes,
        df_t=float(fit._df_t),
        r2_within=float(getattr(fit, "_r2_within", np.nan) or np.nan),
        dropped=dropped,
        entities=int(sample[entity].nunique()),
        periods=int(sample[time].nunique()),
        vcov_matrix=pd.DataFrame(
            vcov_full[np.ix_(positions, positions)], index=names, columns=names
        ),
        level=level,
    )

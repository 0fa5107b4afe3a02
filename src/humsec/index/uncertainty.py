"""Uncertainty and sensitivity analysis of a composite index (Saisana, Saltelli & Tarantola 2005;
OECD/JRC Handbook 2008, section 7; COINr's ``get_sensitivity``).

Each *replication* rebuilds the index under one random combination of modelling choices:

* ``weights``: the weights of every aggregate node's children are redrawn, either from a
  Dirichlet distribution centred on the nominal weights (``alpha_i = kappa * C * w_i / sum w``,
  so the mean is the nominal weight and ``kappa`` sets the spread) or as uniform noise
  ``w_i (1 + U(-e, e))``;
* ``normalisation``: one of the alternative normalisations (``spec``, ``minmax``,
  ``percentile``, ``zscore``) for every indicator that the spec normalises (indicators with
  ``normalisation: none`` are already final scores and are kept). Alternatives map onto the
  indicator's range with the lower end lifted by 1 % of the span (COINr's 1-100 convention),
  so that a geometric mean never meets a zero;
* ``aggregation``: one of the alternative means (``spec``, ``arithmetic``, ``geometric``,
  ``harmonic``, ``inverted_geometric``) for every node aggregated by a weighted mean
  (custom, min, max and product nodes are kept);
* ``imputation``: ``spec``, ``none`` (missing values drop out of the weights), ``mean`` or
  ``median`` for every indicator; an indicator imputed with ``latest`` keeps carrying its
  own recent values forward and the alternative fills what is still missing;
* ``drop_one``: no indicator, or one indicator chosen at random, is left out.

Only units with a nominal score take part: an alternative (say, mean imputation) never
brings in a unit the nominal index leaves out for lack of data.

Every choice is driven by one uniform factor in [0, 1) (a *trigger*: the factor picks the level
of a discrete choice, or the draw from a bank of weight vectors), so the same model serves a
plain Monte Carlo sample (``n`` replications) and a Sobol design (Saltelli's scheme,
``N (D + 2)`` runs; :mod:`humsec.index.sensitivity` gives SALib's numbers in numpy). The
output analysed by Sobol is the mean absolute shift of the units' ranks from the nominal
ranking (Saisana et al. 2005, R_S).

Vectorisation: normalised indicator matrices are computed once per (imputation,
normalisation) combination. Replications are sorted so that those sharing a combination and
an aggregation method form contiguous blocks. For a node over indicators aggregated by a
weighted quasi-arithmetic mean ``f^-1(sum w f(x) / sum w)``, a block is two matrix products,
``W @ f(X).T`` and ``W @ 1[present].T`` (replications x units); BLAS is held to one thread
because the inner dimension (the node's children) is tiny and extra threads only contend on
a shared machine. Higher nodes keep running sums over their few children of
(replications, units) arrays. There is no Python loop over units or replications, only over
nodes, children, choices and chunks of replications.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator
from threadpoolctl import threadpool_limits

from humsec.errors import DataError, SpecError, did_you_mean
from humsec.index.aggregation import (
    QUASI_ARITHMETIC,
    aggregate,
    node_generator,
    raise_domain_error,
    round_half_up,
)
from humsec.index.build import IndexResult, _panel_values, build, prepare_indicators
from humsec.index.expression import parse_expression
from humsec.index.sensitivity import saltelli_design, sobol_indices
from humsec.index.spec import FACTORS, IndexSpec, NodeSpec, Normalisation
from humsec.specs import check_seed
from humsec.workload import check_workload

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
NormalisationChoice = Literal["spec", "minmax", "percentile", "zscore"]
AggregationChoice = Literal["spec", "arithmetic", "geometric", "harmonic", "inverted_geometric"]
ImputationChoice = Literal["spec", "none", "mean", "median"]


class UncertaintySettings(BaseModel):
    """Alternatives and distributions of the uncertainty analysis (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: Literal["dirichlet", "noise"] = "dirichlet"
    concentration: float = Field(10.0, gt=0)
    noise: float = Field(0.25, gt=0, lt=1)
    normalisations: tuple[NormalisationChoice, ...] = ("spec", "minmax", "percentile")
    aggregations: tuple[AggregationChoice, ...] = ("spec", "arithmetic", "geometric")
    imputations: tuple[ImputationChoice, ...] = ("spec", "none", "mean")
    interval: tuple[float, float] = (0.05, 0.95)
    sobol_n: int = Field(256, ge=8)
    chunk: int = Field(4096, ge=1)

    @model_validator(mode="after")
    def _check(self) -> UncertaintySettings:
        lo, hi = self.interval
        if not 0 <= lo < hi <= 1:
            raise ValueError(f"interval must satisfy 0 <= low < high <= 1, got {self.interval}")
        for name in ("normalisations", "aggregations", "imputations"):
            if not getattr(self, name):
                raise ValueError(f"{name} needs at least one alternative")
        return self


@dataclass
class UncertaintyResult:
    """Score and rank distributions per unit, the design, and Sobol sensitivity indices.

    ``scores`` and ``ranks`` are arrays (replications, units) aligned with ``units``;
    ``design`` has one row per replication with the level each factor took; ``sensitivity``
    has first-order (S1) and total (ST) Sobol indices of the mean absolute rank shift, with
    bootstrap confidence half-widths, or is None when Sobol was not asked for. ``left_out``
    lists the default alternatives that are not valid for the spec and data, as
    ``(factor, alternative, reason)``; ``notes`` says the same in words.
    """

    spec: IndexSpec
    units: pd.Index
    nominal_scores: FloatArray
    nominal_ranks: FloatArray
    scores: FloatArray
    ranks: FloatArray
    design: pd.DataFrame
    vary: list[str]
    seed: int
    interval: tuple[float, float]
    sensitivity: pd.DataFrame | None = None
    sobol_runs: int = 0
    notes: list[str] = field(default_factory=list)
    node_scores: dict[str, FloatArray] = field(default_factory=dict)
    left_out: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of Monte Carlo replications."""
        return int(self.scores.shape[0])

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal, median and interval of score and rank, and the mean rank shift."""
        lo, hi = self.interval
        quantile = np.nanquantile if np.isnan(self.scores).any() else np.quantile
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a unit missing in every run
            qs = quantile(self.scores, [0.5, lo, hi], axis=0)
            qr = quantile(self.ranks, [0.5, lo, hi], axis=0)
            shift = np.nanmean(np.abs(self.ranks - self.nominal_ranks[None, :]), axis=0)
        pl, ph = round(lo * 100), round(hi * 100)
        out = pd.DataFrame(
            {
                "score": self.nominal_scores,
                "score_median": qs[0],
                f"score_p{pl:02d}": qs[1],
                f"score_p{ph:02d}": qs[2],
                "rank": self.nominal_ranks,
                "rank_median": qr[0],
                f"rank_p{pl:02d}": qr[1],
                f"rank_p{ph:02d}": qr[2],
                "mean_rank_shift": shift,
            },
            index=self.units,
        )
        return out.sort_values(["rank", "rank_median"])

    def to_frame(self) -> pd.DataFrame:
        """The per-unit summary (see :meth:`summary`)."""
        return self.summary()


@dataclass
class _Model:
    """Everything a replication needs, precomputed once."""

    spec: IndexSpec
    x: FloatArray  # (combinations, units, indicators)
    n_norm: int
    codes: list[str]
    weight_banks: dict[str, FloatArray]
    nominal_weights: dict[str, FloatArray]
    aggregations: list[str]
    scale_max: float
    scope: NDArray[np.bool_] | None = None  # units with a nominal score
    # per custom node: (replication, unit) cells where its expression was undefined
    # (division by zero, overflow); they are missing and reported in the notes
    undefined: dict[str, int] = field(default_factory=dict)


def _alternative_normalisation(spec: IndexSpec, choice: str) -> IndexSpec:
    if choice == "spec":
        return spec
    indicators = []
    for ind in spec.indicators:
        norm = ind.normalisation
        if norm.method == "none":
            indicators.append(ind)
            continue
        lo, hi = norm.range if norm.method not in ("zscore", "rank") else spec.scale
        lifted = (lo + 0.01 * (hi - lo), hi)
        method = "minmax" if choice == "minmax" else choice
        new = Normalisation(method=method, range=lifted)
        indicators.append(ind.model_copy(update={"normalisation": new}))
    return spec.model_copy(update={"indicators": indicators})


def _alternative_imputation(spec: IndexSpec, choice: str) -> IndexSpec:
    if choice == "spec":
        return spec
    # "latest" (carrying a unit's own recent value forward) is a data-currency rule, kept in
    # every alternative; the alternatives decide what happens to the gaps that remain.
    indicators = []
    for ind in spec.indicators:
        update: dict[str, object]
        if ind.imputation.method == "latest":
            update = {"fallback": choice}
        else:
            update = {"method": choice, "predictors": [], "fallback": "none"}
        imputation = ind.imputation.model_validate(ind.imputation.model_dump() | update)
        indicators.append(ind.model_copy(update={"imputation": imputation}))
    return spec.model_copy(update={"indicators": indicators})


def _weight_banks(
    spec: IndexSpec, settings: UncertaintySettings, size: int, rng: np.random.Generator, vary: bool
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    nominal: dict[str, FloatArray] = {}
    banks: dict[str, FloatArray] = {}
    for node in spec.nodes:
        w = np.array(list(spec.child_weights(node).values()), dtype=float)
        nominal[node.code] = w
        if not vary or node.method == "custom" or (w > 0).sum() < 2:
            banks[node.code] = np.broadcast_to(w, (size, w.size))
            continue
        positive = w > 0
        if settings.weights == "dirichlet":
            share = w[positive] / w[positive].sum()
            alpha = settings.concentration * positive.sum() * share
            bank = np.zeros((size, w.size))
            bank[:, positive] = rng.dirichlet(alpha, size=size) * w[positive].sum()
        else:
            bank = w * (1.0 + rng.uniform(-settings.noise, settings.noise, (size, w.size)))
        banks[node.code] = bank
    return banks, nominal


def _levels(u: FloatArray, k: int) -> IntArray:
    return np.minimum((u * k).astype(np.int64), k - 1)


def _rank_rows(scores: FloatArray) -> FloatArray:
    """Rank units within each replication: 1 = highest score, ties share the lowest rank
    ("min" ranks, as the build), missing scores get a missing rank. One argsort per call.

    ``rank_i = 1 + #{k : s_k > s_i}``: the first position of ``s_i``'s tie group in the
    row sorted by descending score. Which of the tied units comes first does not change
    that position, so the (SIMD) unstable sort serves; without ties among the scores
    the rank is the sorted position itself."""
    missing = np.isnan(scores)
    keys = np.where(missing, np.inf, -scores)
    order = np.argsort(keys, axis=1)
    ordered = np.take_along_axis(keys, order, axis=1)
    n = scores.shape[1]
    tied = ordered[:, 1:] == ordered[:, :-1]
    n_missing = np.count_nonzero(missing)
    if n_missing:
        tied &= ordered[:, 1:] != np.inf  # missing scores sort last and are dropped below
    if tied.any() or np.count_nonzero(ordered == np.inf) != n_missing:
        position = np.broadcast_to(np.arange(n), ordered.shape)
        new_value = np.ones(ordered.shape, dtype=bool)
        new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        first = np.maximum.accumulate(np.where(new_value, position, 0), axis=1) + 1.0
    else:
        first = np.broadcast_to(np.arange(1.0, n + 1.0), ordered.shape)
    ranks = np.empty(scores.shape)
    np.put_along_axis(ranks, order, first, axis=1)
    if n_missing:
        ranks[missing] = np.nan
    return ranks


def _evaluate(
    model: _Model, factors: dict[str, FloatArray], chunk: int, record: Sequence[str] = ()
) -> dict[str, FloatArray]:
    """Root scores (replications, units) for factor values in [0, 1) (one array per factor),
    and the scores of the nodes in ``record``, keyed by node code.

    Replications are first sorted by (aggregation, imputation x normalisation) so that the
    groups sharing a method are contiguous slices (views, not copies); the result is put back
    in the original order.
    """
    n = len(next(iter(factors.values())))
    keys = [
        _levels(factors[name], size)
        for name, size in (
            ("normalisation", model.n_norm),
            ("imputation", model.x.shape[0] // model.n_norm),
            ("aggregation", len(model.aggregations)),
        )
        if name in factors
    ]
    order = np.lexsort(keys) if keys else np.arange(n)
    ordered = {k: v[order] for k, v in factors.items()}
    keep = list(dict.fromkeys([model.spec.root, *record]))
    out = {code: np.empty((n, model.x.shape[1])) for code in keep}
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, n, chunk):  # chunks bound memory; each is fully vectorised
            part = {k: v[start : start + chunk] for k, v in ordered.items()}
            values = _evaluate_chunk(model, part)
            for code in keep:
                out[code][order[start : start + chunk]] = values[code]
            del values  # free this chunk's node arrays before the next one is computed
    if model.scope is not None:
        # units without a nominal score stay out: an alternative imputation must not bring
        # in units that have (almost) no data and shift everybody's rank
        for array in out.values():
            array[:, ~model.scope] = np.nan
    return out


def _rows(mask: NDArray[np.bool_]) -> slice | IntArray:
    """The rows where ``mask`` holds, as a slice when they are contiguous (a view)."""
    rows = np.flatnonzero(mask)
    if rows.size and rows[-1] - rows[0] + 1 == rows.size:
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _evaluate_chunk(model: _Model, factors: dict[str, FloatArray]) -> dict[str, FloatArray]:
    spec = model.spec
    r = len(next(iter(factors.values())))
    n_comb = model.x.shape[0]
    n_imp = n_comb // model.n_norm
    imp = _levels(factors["imputation"], n_imp) if "imputation" in factors else np.zeros(r, int)
    norm = (
        _levels(factors["normalisation"], model.n_norm)
        if "normalisation" in factors
        else np.zeros(r, int)
    )
    combo = imp * model.n_norm + norm
    agg = (
        _levels(factors["aggregation"], len(model.aggregations))
        if "aggregation" in factors
        else np.zeros(r, int)
    )
    n_ind = len(model.codes)
    dropped = (
        _levels(factors["drop_one"], n_ind + 1) - 1 if "drop_one" in factors else np.full(r, -1)
    )
    bank_size = next(iter(model.weight_banks.values())).shape[0]
    bank = _levels(factors["weights"], bank_size) if "weights" in factors else None
    position = {c: i for i, c in enumerate(model.codes)}
    values: dict[str, FloatArray] = {}
    for node in spec.bottom_up():
        if bank is None:
            w = np.broadcast_to(model.nominal_weights[node.code], (r, len(node.children))).copy()
        else:
            w = np.array(model.weight_banks[node.code][bank])
        for j, child in enumerate(node.children):
            if child in position:
                w[dropped == position[child], j] = 0.0
        methods = np.array(
            [
                node.method if (choice == "spec" or node.method not in QUASI_ARITHMETIC) else choice
                for choice in model.aggregations
            ]
        )[agg]
        leaf = all(c in position for c in node.children)
        if leaf and node.method in QUASI_ARITHMETIC:
            values[node.code] = _leaf_node(model, node, w, combo, methods)
        else:
            values[node.code] = _upper_node(model, node, w, combo, methods, values, dropped)
    return values


def _leaf_node(
    model: _Model, node: NodeSpec, w: FloatArray, combo: IntArray, methods: NDArray[np.str_]
) -> FloatArray:
    """Weighted-mean node over indicators: for each (combination, method) block of
    replications, ``num = W @ f(X).T`` and ``den = W @ 1[present].T`` (replications x units);
    when the block's indicators are complete, ``den`` is just the row sums of ``W``."""
    idx = [model.codes.index(c) for c in node.children]
    r, n_units = len(combo), model.x.shape[1]
    out = np.empty((r, n_units))  # every row belongs to exactly one block below
    where = f"index spec {model.spec.code!r}, node {node.code!r} (uncertainty)"
    by_weight = node.missing != "propagate" and node.min_coverage <= 0
    for k in np.unique(combo):
        x = model.x[k][:, idx]
        present = ~np.isnan(x)
        complete = bool(present.all())
        for method in np.unique(methods[combo == k]):
            group = _rows((combo == k) & (methods == method))
            wg = w[group]  # (g, C)
            positive = (wg > 0).astype(float)
            gen = node_generator(node, method=str(method), scale_max=model.scale_max)
            bad = gen.invalid(x) & present
            if bad.any() and (positive @ bad.T.astype(float)).any():
                raise_domain_error(node, gen, x[bad], where)
            zeros = present & (x == 0) if gen.zero_absorbs else None
            usable = present if zeros is None else present & ~zeros
            with np.errstate(divide="ignore", invalid="ignore"):
                fx = np.where(usable, gen.forward(np.where(usable, x, 1.0)), 0.0)
                num = wg @ fx.T  # (g, units)
                if complete:
                    den = wg.sum(axis=1, keepdims=True)
                    n_present = positive.sum(axis=1, keepdims=True)
                    np.divide(num, np.where(den > 0, den, 1.0), out=num)
                elif by_weight and bool((wg >= 0).all()):
                    # with weights >= 0, no present child of positive weight <=> den = 0,
                    # so den alone marks the empty cells (one product and pass fewer)
                    den = wg @ present.T.astype(float)
                    n_present = None
                    np.divide(num, den, out=num, where=den > 0)  # elsewhere: missing
                else:
                    den = wg @ present.T.astype(float)
                    n_present = positive @ present.T.astype(float)
                    np.divide(num, np.where(den > 0, den, 1.0), out=num)
                value = gen.inverse(num)
            if zeros is not None and zeros.any():  # no zero: nothing to absorb
                value = np.where(positive @ zeros.T.astype(float) > 0, 0.0, value)
            if n_present is None:
                empty = den <= 0
            else:
                n_children = np.maximum(positive.sum(axis=1, keepdims=True), 1.0)
                empty = n_present == 0
                if node.missing == "propagate":
                    empty = empty | (n_present < positive.sum(axis=1, keepdims=True))
                if node.min_coverage > 0:
                    empty = empty | (n_present / n_children < node.min_coverage - 1e-12)
            if empty.any():  # else a full pass that changes nothing
                value = np.where(empty, np.nan, value)
            if node.round is not None:
                value = round_half_up(value, node.round)
            out[group] = value
    return out


def _upper_node(
    model: _Model,
    node: NodeSpec,
    w: FloatArray,
    combo: IntArray,
    methods: NDArray[np.str_],
    values: dict[str, FloatArray],
    dropped: IntArray,
) -> FloatArray:
    """Any other node, from (replications, units) arrays of its children."""
    parts: list[FloatArray] = []
    for child in node.children:
        if child in values:
            parts.append(values[child])
        else:
            i = model.codes.index(child)
            column = model.x[:, :, i][combo]  # (r, units)
            parts.append(np.where((dropped == i)[:, None], np.nan, column))
    where = f"index spec {model.spec.code!r}, node {node.code!r} (uncertainty)"
    if node.method == "custom":
        expr = parse_expression(node.expression or "", node.children, location=where)
        result, undefined = expr.evaluate_checked(dict(zip(node.children, parts, strict=True)))
        result = np.broadcast_to(result, parts[0].shape).astype(float)
        if undefined.any():
            count = int(undefined.sum())
            if node.undefined == "error":
                raise DataError(
                    f"expression {node.expression!r} is undefined (division by zero or "
                    f"overflow) in {count} (replication, unit) cell(s) under the alternative "
                    "choices",
                    location=where,
                    hint="guard the formula, set 'undefined: missing' on the node to count "
                    "them as missing, or leave the alternative that causes it out",
                )
            model.undefined[node.code] = model.undefined.get(node.code, 0) + count
        return round_half_up(result, node.round) if node.round is not None else result
    out = np.empty(parts[0].shape)  # every row belongs to exactly one method group
    for method in np.unique(methods):
        group = _rows(methods == method)
        if str(method) in QUASI_ARITHMETIC:
            out[group] = _quasi_arithmetic_batch(
                node, [p[group] for p in parts], w[group], str(method), model.scale_max, where
            )
        else:
            out[group], _ = aggregate(
                np.stack([p[group] for p in parts], axis=-1),
                w[group][:, None, :],
                node,
                method=str(method),
                scale_max=model.scale_max,
                location=where,
            )
    return out


def _quasi_arithmetic_batch(
    node: NodeSpec,
    parts: list[FloatArray],
    w: FloatArray,
    method: str,
    scale_max: float,
    where: str,
) -> FloatArray:
    """``f^-1(sum_j w_j f(x_j) / sum_j w_j)`` over present children for a batch of
    replications: ``parts`` are the children, each (replications or 1, units); ``w`` is
    (replications, children). Same rules as :func:`humsec.index.aggregation.aggregate`
    (renormalisation, min_coverage, propagate, zero and domain handling, rounding).

    The weight sums stay (replications, 1) columns while every child is complete, so the
    common case costs one multiply-add per child on the (replications, units) arrays.
    """
    gen = node_generator(node, method=method, scale_max=scale_max)
    shape = (w.shape[0], parts[0].shape[-1])
    num = np.zeros(shape)
    den: FloatArray = np.zeros((w.shape[0], 1))
    n_present: FloatArray = np.zeros((w.shape[0], 1))
    zero_hit = np.zeros(shape, dtype=bool) if gen.zero_absorbs else None
    positive = w > 0
    checked = gen.needs_positive or gen.ceiling is not None  # else no value is out of domain
    for j, x in enumerate(parts):  # loop over children (a handful), not units or replications
        pos_j = positive[:, j, None]
        wj = w[:, j, None]
        bad = gen.invalid(x) if checked else np.zeros(x.shape, dtype=bool)
        # one reduction instead of a NaN mask: a NaN sum means a gap (or inf - inf, which
        # the general path below handles with the same result)
        complete = not np.isnan(np.add.reduce(x, axis=None))
        if complete and zero_hit is None:
            if checked and bad.any() and (bad & pos_j).any():
                raise_domain_error(node, gen, np.broadcast_to(x, shape)[bad & pos_j], where)
            with np.errstate(divide="ignore", invalid="ignore"):
                num += wj * gen.forward(x)
            den = den + wj
            n_present = n_present + pos_j
            continue
        observed = ~np.isnan(x)
        bad &= observed
        if bad.any() and (bad & pos_j).any():
            raise_domain_error(node, gen, np.broadcast_to(x, shape)[bad & pos_j], where)
        usable = observed
        if zero_hit is not None:
            zeros = observed & (x == 0)
            zero_hit |= zeros & pos_j
            usable = observed & ~zeros
        with np.errstate(divide="ignore", invalid="ignore"):
            fx = np.where(usable, gen.forward(np.where(usable, x, 1.0)), 0.0)
        num += wj * fx
        den = den + wj * observed
        n_present = n_present + (observed & pos_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(num, np.where(den > 0, den, 1.0), out=num)
        value = gen.inverse(num)
    if zero_hit is not None and zero_hit.any():
        value = np.where(zero_hit, 0.0, value)
    n_children = np.maximum(positive.sum(axis=1), 1)[:, None]
    empty = n_present == 0
    if node.missing == "propagate":
        empty = empty | (n_present < positive.sum(axis=1)[:, None])
    if node.min_coverage > 0:
        empty = empty | (n_present / n_children < node.min_coverage - 1e-12)
    if empty.any():  # else a full pass that changes nothing
        value = np.where(empty, np.nan, value)
    return round_half_up(value, node.round) if node.round is not None else value


def uncertainty(
    spec: IndexSpec,
    data: pd.DataFrame,
    n: int = 1000,
    seed: int = 0,
    vary: Sequence[str] = ("weights", "normalisation", "aggregation"),
    *,
    year: int | None = None,
    settings: UncertaintySettings | None = None,
    sobol: bool = True,
    nominal: IndexResult | None = None,
    record: Sequence[str] = (),
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of ``spec`` on ``data`` plus Sobol sensitivity indices.

    ``n`` replications vary the choices named in ``vary`` (any of ``weights``,
    ``normalisation``, ``aggregation``, ``imputation``, ``drop_one``); ``seed`` makes the run
    reproducible. Returns per-unit score and rank distributions (median and the
    ``settings.interval`` quantiles, 5-95 % by default) and, with ``sobol``, first-order and
    total Sobol indices of the mean absolute rank shift (:mod:`humsec.index.sensitivity`) from
    ``settings.sobol_n * (D + 2)`` further runs. See the module docstring for the method.
    ``nominal`` reuses ``build(spec, data, year=year)`` when the caller already has it.
    ``record`` names nodes (e.g. ``("fear", "want")``) whose scores are kept for every
    replication in ``result.node_scores``.
    """
    settings = settings or UncertaintySettings()
    unknown = [v for v in vary if v not in FACTORS]
    if unknown:
        raise SpecError(
            f"unknown uncertainty factor(s): {', '.join(unknown)}",
            location="uncertainty vary",
            hint=f"choose from {', '.join(FACTORS)}",
        )
    if n < 2:
        raise SpecError("the uncertainty analysis needs n >= 2 replications", location="n",
                        hint="use n = 1000 or so; fewer give unstable rank intervals")
    node_codes = [node.code for node in spec.nodes]
    for code in record:
        if code not in node_codes:
            raise SpecError(
                f"cannot record {code!r}: it is not a node of the index",
                location="uncertainty record",
                hint=did_you_mean(code, node_codes) or f"nodes: {', '.join(node_codes)}",
            )
    notes: list[str] = []
    factors = list(dict.fromkeys(vary))
    if "normalisation" in factors and all(
        i.normalisation.method == "none" for i in spec.indicators
    ):
        factors.remove("normalisation")
        notes.append("normalisation not varied: every indicator is a pre-normalised score")
    if "aggregation" in factors and not any(n.method in QUASI_ARITHMETIC for n in spec.nodes):
        factors.remove("aggregation")
        notes.append("aggregation not varied: no node uses a weighted mean")
    normalisations: list[str] = (
        list(settings.normalisations) if "normalisation" in factors else ["spec"]
    )
    imputations: list[str] = list(settings.imputations) if "imputation" in factors else ["spec"]
    aggregations: list[str] = list(settings.aggregations) if "aggregation" in factors else ["spec"]

    if nominal is None or nominal.spec != spec or nominal.year != year:
        nominal = build(spec, data, year=year)
    units = nominal.scores.index
    # alternatives the caller did not choose are the defaults, kept only where valid
    auto = {
        name
        for name, field_name in (
            ("normalisation", "normalisations"),
            ("aggregation", "aggregations"),
            ("imputation", "imputations"),
        )
        if name in factors and field_name not in settings.model_fields_set
    }
    matrices = _matrices(spec, data, year, imputations, normalisations, auto)
    rng = np.random.default_rng(check_seed(seed))
    check_workload(
        f"{n:,} uncertainty replications", float(n) * len(data) * (len(spec.indicators)
                                                                 + len(spec.nodes)) * 4,
        location="n", fix="use fewer replications (1,000 give stable rank intervals)",
    )  # fmt: skip
    bank_size = max(n, 1024)
    banks, nominal_weights = _weight_banks(spec, settings, bank_size, rng, "weights" in factors)
    model = _Model(
        spec=spec,
        x=np.empty((0, 0, 0)),
        n_norm=len(normalisations),
        codes=spec.indicator_codes,
        weight_banks=banks,
        nominal_weights=nominal_weights,
        aggregations=aggregations,
        scale_max=spec.scale[1],
    )
    left_out = _valid_alternatives(model, matrices, imputations, normalisations, auto)
    imputations = [i for i in imputations if ("imputation", i) not in left_out]
    normalisations = [m for m in normalisations if ("normalisation", m) not in left_out]
    model.aggregations = aggregations = [
        a for a in aggregations if ("aggregation", a) not in left_out
    ]
    model.x = np.stack([np.asarray(matrices[(i, m)]) for i in imputations for m in normalisations])
    model.n_norm = len(normalisations)
    for (factor, choice), reason in left_out.items():
        notes.append(f"{factor} alternative {choice!r} left out: {reason}")
    for factor, kept in (
        ("normalisation", normalisations),
        ("imputation", imputations),
        ("aggregation", aggregations),
    ):
        if factor in auto and kept == ["spec"]:
            factors.remove(factor)
            notes.append(f"{factor} not varied: no valid alternative to the spec's own")
    nominal_scores = nominal.root.to_numpy(dtype=float)
    nominal_ranks = _rank_rows(nominal_scores[None, :])[0]
    model.scope = ~np.isnan(nominal_scores)

    sample = rng.random((n, len(factors)))
    design_values = {f: sample[:, j] for j, f in enumerate(factors)}
    try:
        if factors:
            evaluated = _evaluate(model, design_values, settings.chunk, record)
        else:
            evaluated = {
                code: np.tile(nominal.scores[code].to_numpy(dtype=float), (n, 1))
                for code in [spec.root, *record]
            }
    except SpecError as error:
        if "aggregation" not in factors:
            raise
        raise SpecError(
            error.message,
            location=error.location,
            hint=f"{error.hint}; or leave that mean out of the aggregation alternatives "
            f"(now {', '.join(aggregations)}), e.g. --aggregations spec,arithmetic",
        ) from None
    scores = evaluated[spec.root]
    ranks = _rank_rows(scores)
    for code, count in model.undefined.items():
        notes.append(
            f"node {code!r}: expression undefined (division by zero or overflow) in {count} "
            f"(replication, unit) cell(s) of the {n} replications, left missing"
        )
    design = _design_frame(design_values, model, spec, imputations, normalisations)

    sensitivity = None
    runs = 0
    if sobol and len(factors) >= 1:
        sensitivity, runs = _sobol(model, factors, nominal_ranks, settings, seed)
    return UncertaintyResult(
        spec=spec,
        units=units,
        nominal_scores=nominal_scores,
        nominal_ranks=nominal_ranks,
        scores=scores,
        ranks=ranks,
        design=design,
        vary=factors,
        seed=seed,
        interval=settings.interval,
        sensitivity=sensitivity,
        sobol_runs=runs,
        notes=notes,
        left_out=[(factor, choice, reason) for (factor, choice), reason in left_out.items()],
        node_scores={code: evaluated[code] for code in record},
    )


def _matrices(
    spec: IndexSpec,
    data: pd.DataFrame,
    year: int | None,
    imputations: Sequence[str],
    normalisations: Sequence[str],
    auto: set[str],
) -> dict[tuple[str, str], FloatArray | str]:
    """Normalised indicator matrices (units, indicators) for every (imputation,
    normalisation) pair; for an alternative chosen by default (``auto``), the reason it
    cannot be computed (e.g. a z-score of a constant indicator) instead of an error."""
    out: dict[tuple[str, str], FloatArray | str] = {}
    panel = _panel_values(spec, data)  # steps before imputation are shared by all choices
    for imp in imputations:
        for norm in normalisations:
            alt = _alternative_normalisation(_alternative_imputation(spec, imp), norm)
            try:
                prepared = prepare_indicators(alt, data, year=year, panel=panel)
            except (DataError, SpecError) as error:
                chosen = [f for f, c in (("imputation", imp), ("normalisation", norm))
                          if c != "spec" and f in auto]
                if not chosen:
                    raise
                out[(imp, norm)] = error.message
                continue
            out[(imp, norm)] = prepared.normalised[spec.indicator_codes].to_numpy(dtype=float)
    return out


def _check_run(model: _Model, x: FloatArray, aggregation: str) -> str | None:
    """Why one replication with nominal weights fails on matrix ``x`` with ``aggregation``
    for every weighted-mean node (a domain or overflow error), or None if it runs."""
    trial = _Model(
        spec=model.spec,
        x=x[None],
        n_norm=1,
        codes=model.codes,
        weight_banks=model.weight_banks,
        nominal_weights=model.nominal_weights,
        aggregations=[aggregation],
        scale_max=model.scale_max,
    )
    try:
        _evaluate_chunk(trial, {"aggregation": np.array([0.5])})
    except (SpecError, DataError) as error:
        where = (error.location or "").split(", ")[-1].replace(" (uncertainty)", "")
        return f"{where}: {error.message}"
    return None


def _valid_alternatives(
    model: _Model,
    matrices: dict[tuple[str, str], FloatArray | str],
    imputations: Sequence[str],
    normalisations: Sequence[str],
    auto: set[str],
) -> dict[tuple[str, str], str]:
    """The default alternatives that cannot run on this spec and data, with the reason.

    An imputation or normalisation alternative is left out when its matrix cannot be
    computed or the spec's own aggregation fails on it (e.g. a geometric mean meeting the
    zeros of a z-score); an aggregation alternative when it fails on any kept matrix (e.g. a
    geometric mean of INFORM's zero scores). Choices the caller named are never left out:
    they fail later with an error that says which to drop.
    """
    left_out: dict[tuple[str, str], str] = {}
    for factor, choices in (("imputation", imputations), ("normalisation", normalisations)):
        if factor not in auto:
            continue
        for choice in choices:
            if choice == "spec":
                continue
            for (imp, norm), x in matrices.items():
                if (imp if factor == "imputation" else norm) != choice:
                    continue
                reason = x if isinstance(x, str) else _check_run(model, x, "spec")
                if reason is not None:
                    left_out[(factor, choice)] = reason
                    break
    kept = [
        x
        for (imp, norm), x in matrices.items()
        if ("imputation", imp) not in left_out and ("normalisation", norm) not in left_out
    ]
    if "aggregation" in auto:
        for choice in model.aggregations:
            if choice == "spec":
                continue
            for x in kept:
                if isinstance(x, str):
                    continue
                reason = _check_run(model, x, choice)
                if reason is not None:
                    left_out[("aggregation", choice)] = reason
                    break
    return left_out


def _design_frame(
    values: dict[str, FloatArray],
    model: _Model,
    spec: IndexSpec,
    imputations: Sequence[str],
    normalisations: Sequence[str],
) -> pd.DataFrame:
    out: dict[str, object] = {}
    for name, u in values.items():
        if name == "imputation":
            out[name] = np.asarray(imputations)[_levels(u, len(imputations))]
        elif name == "normalisation":
            out[name] = np.asarray(normalisations)[_levels(u, len(normalisations))]
        elif name == "aggregation":
            out[name] = np.asarray(model.aggregations)[_levels(u, len(model.aggregations))]
        elif name == "drop_one":
            labels = np.asarray(["(none)", *spec.indicator_codes])
            out[name] = labels[_levels(u, len(labels))]
        else:
            bank_size = next(iter(model.weight_banks.values())).shape[0]
            out[name] = _levels(u, bank_size)
    return pd.DataFrame(out)


def _sobol(
    model: _Model,
    factors: list[str],
    nominal_ranks: FloatArray,
    settings: UncertaintySettings,
    seed: int,
) -> tuple[pd.DataFrame, int]:
    """First-order and total Sobol indices of the mean absolute rank shift (Saltelli's
    design and estimators, :mod:`humsec.index.sensitivity`; SALib's numbers)."""
    base = 1 << max(3, int(np.ceil(np.log2(settings.sobol_n))))  # Sobol' wants a power of 2
    design = saltelli_design(len(factors), base, seed)
    design = np.clip(design, 0.0, np.nextafter(1.0, 0.0))
    scores = _evaluate(model, {f: design[:, j] for j, f in enumerate(factors)}, settings.chunk)[
        model.spec.root
    ]
    ranks = _rank_rows(scores)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a run in which no unit is ranked
        shift = np.nanmean(np.abs(ranks - nominal_ranks[None, :]), axis=1)
    if np.nanvar(shift) == 0:
        table = pd.DataFrame(
            {"S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}, index=pd.Index(factors)
        )
    else:
        indices = sobol_indices(np.nan_to_num(shift), len(factors), seed)
        table = pd.DataFrame(
            {"S1": indices.s1, "S1_conf": indices.s1_conf, "ST": indices.st,
             "ST_conf": indices.st_conf},
            index=pd.Index(factors),
        )
    table.index.name = "factor"
    return table, int(design.shape[0])

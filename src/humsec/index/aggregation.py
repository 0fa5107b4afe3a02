"""Aggregation of children into a node: weighted means, min/max/product and INFORM's mean.

Most methods are *quasi-arithmetic* weighted means ``M = f^-1( sum w_i f(x_i) / sum w_i )``
(OECD/JRC Handbook 2008, section 6), each with its own generator ``f``:

==================== ============================ ==========================================
method               f(x)                         mean
==================== ============================ ==========================================
arithmetic           x                            sum w x / sum w
geometric            ln x                         prod x^(w / sum w)
harmonic             1 / x                        sum w / sum (w / x)
generalised (p)      x^p                          (sum w x^p / sum w)^(1/p); p = 0 geometric
inverted_geometric   ln(c - x)                    c - prod (c - x)^(w / sum w)
==================== ============================ ==========================================

``inverted_geometric`` is INFORM's mean on 0-10 scores with ceiling ``c = 11``
(11 - GM(11 - x)): a zero no longer wipes out the product, and a single high score pulls the
result up (EC JRC INFORM methodology). The ceiling defaults to the spec scale maximum + 1.

Other methods: ``min`` and ``max`` of the present children (weights only exclude a child with
weight 0), ``product`` = ``prod x^w`` (weights as exponents; any missing child makes it missing),
and ``custom`` (an expression over children, :mod:`humsec.index.expression`).

Missing children: weights are renormalised over the children present (INFORM's rule), unless
the node says ``missing: propagate``. A node whose share of present children is below
``min_coverage``, or with no present child, is missing, never zero.

Non-positive values: ``ln`` and ``1/x`` (and non-integer powers) need ``x > 0`` (for the
inverted mean, ``x < c``). By default such values raise :class:`SpecError`; with
``nonpositive: offset`` the mean is taken of ``x + offset`` and the offset subtracted after;
with ``nonpositive: zero`` a child equal to 0 makes the geometric (or harmonic) mean exactly 0,
the value of the product itself (negative values still raise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from humsec.errors import DataError, SpecError
from humsec.index.spec import NodeSpec

FloatArray = NDArray[np.float64]
QUASI_ARITHMETIC = ("arithmetic", "geometric", "harmonic", "generalised", "inverted_geometric")


@dataclass(frozen=True)
class Generator:
    """The generator pair (f, f^-1) of a quasi-arithmetic mean and its domain check."""

    method: str
    forward: Callable[[FloatArray], FloatArray]
    inverse: Callable[[FloatArray], FloatArray]
    needs_positive: bool
    ceiling: float | None = None
    shift: float = 0.0
    zero_absorbs: bool = False

    def invalid(self, values: FloatArray) -> NDArray[np.bool_]:
        """Positions whose value lies outside the generator's domain (NaN counts as valid)."""
        bad = np.zeros(values.shape, dtype=bool)
        if self.needs_positive and self.zero_absorbs:
            bad |= values < 0
        elif self.needs_positive:
            bad |= (values + self.shift) <= 0
        if self.ceiling is not None:
            bad |= values >= self.ceiling
        return bad


def generator(
    method: str, *, p: float | None = None, ceiling: float | None = None, shift: float = 0.0
) -> Generator:
    """The quasi-arithmetic generator of ``method`` (see the module table).

    ``shift`` is the geometric-type offset: the mean of ``x + shift`` minus ``shift``.
    """
    if method == "arithmetic":
        return Generator(method, lambda x: x, lambda y: y, needs_positive=False)
    if method == "geometric" or (method == "generalised" and p == 0):
        if shift == 0:  # skip the no-op addition on large replication arrays
            return Generator(method, np.log, np.exp, needs_positive=True)
        return Generator(
            method,
            lambda x: np.log(x + shift),
            lambda y: np.exp(y) - shift,
            needs_positive=True,
            shift=shift,
        )
    if method == "harmonic":
        return Generator(
            method,
            lambda x: 1.0 / (x + shift),
            lambda y: 1.0 / y - shift,
            needs_positive=True,
            shift=shift,
        )
    if method == "generalised":
        assert p is not None
        positive = not float(p).is_integer() or p < 0
        return Generator(
            method,
            lambda x: (x + shift) ** p,
            lambda y: np.sign(y) * np.abs(y) ** (1.0 / p) - shift,
            needs_positive=positive,
            shift=shift,
        )
    if method == "inverted_geometric":
        assert ceiling is not None
        return Generator(
            method,
            lambda x: np.log(ceiling - x),
            lambda y: ceiling - np.exp(y),
            needs_positive=False,
            ceiling=ceiling,
        )
    raise AssertionError(f"{method} is not quasi-arithmetic")


def node_generator(node: NodeSpec, *, method: str | None = None, scale_max: float) -> Generator:
    """The generator of ``node`` (or of ``method`` applied to it), with its offset and ceiling.

    With ``nonpositive: zero`` a zero child makes a geometric-type mean exactly 0 (the limit of
    the product; INFORM's and the HDI's published formula): ``zero_absorbs`` is set.
    """
    chosen = method or node.method
    shift = node.offset if node.nonpositive == "offset" else 0.0
    ceiling = node.ceiling if node.ceiling is not None else scale_max + 1.0
    gen = generator(chosen, p=node.p, ceiling=ceiling, shift=shift)
    if node.nonpositive == "zero" and gen.needs_positive and (node.p is None or node.p <= 0):
        gen = replace(gen, zero_absorbs=True)
    return gen


def round_half_up(values: FloatArray, digits: int) -> FloatArray:
    """Round half away from zero (spreadsheet rounding, as INFORM publishes), not to even.

    A relative 1e-9 nudge keeps 2.25 stored as 2.2499999... rounding up as printed.
    """
    factor = 10.0**digits
    scaled = np.abs(values) * factor
    return np.sign(values) * np.floor(scaled + 0.5 + 1e-9 * np.maximum(scaled, 1.0)) / factor


def aggregate(
    values: FloatArray,
    weights: FloatArray,
    node: NodeSpec,
    *,
    scale_max: float,
    method: str | None = None,
    location: str | None = None,
    units: Sequence[str] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Aggregate children ``values`` (..., C) with ``weights`` broadcastable to it.

    Returns ``(scores, coverage)``: scores (...) and the share of children present (...).
    See the module docstring for the formulas and the rules on missing and non-positive values.
    A node that has enough children but whose value overflows (say, weights of 1e300 times
    scores of 1e10) raises :class:`DataError`, naming the first ``units`` affected.
    """
    chosen = method or node.method
    where = location or f"index node {node.code!r}"
    x = np.asarray(values, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), x.shape)
    present = ~np.isnan(x) & (w > 0)
    n_children = np.maximum((w > 0).sum(axis=-1), 1)
    coverage = present.sum(axis=-1) / n_children
    empty = ~present.any(axis=-1)
    if node.missing == "propagate":
        empty |= present.sum(axis=-1) < (w > 0).sum(axis=-1)
    if node.min_coverage > 0:
        empty |= coverage < node.min_coverage - 1e-12
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if chosen in QUASI_ARITHMETIC:
            gen = node_generator(node, method=chosen, scale_max=scale_max)
            bad = gen.invalid(np.where(present, x, np.nan)) & present
            if bad.any():
                raise_domain_error(node, gen, x[bad], where)
            zeros = present & (x == 0) if gen.zero_absorbs else np.zeros(x.shape, dtype=bool)
            usable = present & ~zeros
            fx = np.where(usable, gen.forward(np.where(usable, x, 1.0)), 0.0)
            total = (w * present).sum(axis=-1)
            out = gen.inverse((w * fx).sum(axis=-1) / np.where(total > 0, total, 1.0))
            out = np.where((zeros & (w > 0)).any(axis=-1), 0.0, out)
        elif chosen == "min":
            out = np.where(present, x, np.inf).min(axis=-1)
        elif chosen == "max":
            out = np.where(present, x, -np.inf).max(axis=-1)
        elif chosen == "product":
            empty |= present.sum(axis=-1) < (w > 0).sum(axis=-1)
            out = np.prod(np.where(present, x, 1.0) ** np.where(present, w, 0.0), axis=-1)
        else:
            raise SpecError(
                f"aggregation method {chosen!r} cannot be applied here",
                location=where,
                hint="custom nodes are evaluated from their expression",
            )
    overflow = ~empty & ~np.isfinite(out)
    if overflow.any():
        raise_overflow_error(overflow, where, units)
    out = np.where(empty, np.nan, out)
    if node.round is not None:
        out = round_half_up(out, node.round)
    return out, coverage


def raise_overflow_error(
    overflow: NDArray[np.bool_], where: str, units: Sequence[str] | None = None
) -> None:
    """Raise the :class:`DataError` for node values that overflowed to inf or NaN."""
    shown = ""
    if units is not None and overflow.ndim == 1:
        labels = [str(units[i]) for i in np.flatnonzero(overflow)[:5]]
        shown = f" ({', '.join(labels)}{' ...' if overflow.sum() > 5 else ''})"
    raise DataError(
        f"the node's value overflows (infinite or undefined) for {int(overflow.sum())} "
        f"unit(s){shown}",
        location=where,
        hint="check the children for extreme values (e.g. 1e308) and the weights for "
        "extreme sizes; rescale them",
    )


def raise_domain_error(node: NodeSpec, gen: Generator, bad: FloatArray, where: str) -> None:
    """Raise the :class:`SpecError` for values outside a generator's domain."""
    if gen.ceiling is not None and (bad >= gen.ceiling).any():
        raise SpecError(
            f"{gen.method} mean needs values below the ceiling {gen.ceiling:g}; "
            f"{bad.size} value(s) are not (e.g. {bad.max():g})",
            location=where,
            hint="check the scale of the children or set 'ceiling' on the node",
        )
    raise SpecError(
        f"{gen.method} mean meets {bad.size} value(s) <= 0 (e.g. {bad.min():g}); "
        "its logarithm or reciprocal is undefined",
        location=where,
        hint="set 'nonpositive: offset' (and 'offset') on the node, or normalise to a range "
        "that starts above zero such as [1, 100]",
    )

"""Normalisation: putting indicators measured in different units on one scale.

Every method maps a raw (denominated, transformed, imputed, treated) indicator ``x`` onto the
target range ``[a, b]`` (``range`` in the spec; COINr's default is [0, 100]). Where the
indicator's direction differs from the index orientation the scale is reversed, so that a high
normalised score always means what a high index score means. The methods follow the OECD/JRC
Handbook (2008, section 5) and COINr's ``Normalise()`` family:

* ``none``: ``x`` unchanged (the column is already a score on the index scale; direction is
  then documentation only, because there are no bounds to reverse against).
* ``minmax``: ``s = (x - lo)/(hi - lo)`` with data-driven bounds (min and max over units) or
  fixed ``minimum``/``maximum``; reversed ``1 - s``; result ``a + s (b - a)``.
* ``zscore``: ``z = (x - mean)/sd`` (sample sd, n - 1), reversed ``-z``; result
  ``mean' + sd' z`` with ``mean``/``sd`` from the spec (default 0 and 1).
* ``rank``: ranks 1..n (ties averaged), higher rank = higher score.
* ``percentile``: percentile ranks ``(rank - 1)/(n - 1)`` mapped into ``[a, b]``
  (dplyr's ``percent_rank``, used by COINr's ``n_prank``).
* ``distance_to_reference``: ``x / reference`` (reversed ``reference / x``) times ``b``.
* ``distance_to_target``: ``s = (x - worst)/(target - worst)`` where ``worst`` defaults to the
  worst observed value; clipped as ``clip`` says (default to [0, 1]); result ``a + s (b - a)``.
* ``goalposts``: ``s = (x - lower)/(upper - lower)`` (reversed ``(upper - x)/(upper - lower)``),
  clipped as ``clip`` says; result ``a + s (b - a)``. The HDI dimension indices are goalposts
  on [0, 1] (UNDP HDR technical notes).

Bounds given in the spec are in raw units; the indicator's transform is applied to them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from humsec.errors import DataError
from humsec.index.spec import Clip, Normalisation, Transform

FloatArray = NDArray[np.float64]


def average_ranks(values: FloatArray) -> FloatArray:
    """Ranks 1..n of ``values`` with ties given the mean of the ranks they span.

    For a run of ``t`` tied values whose first sorted position is ``s`` (0-based) the rank is
    ``s + (t + 1) / 2`` (the "average" method of ``scipy.stats.rankdata``, R's
    ``rank(ties.method = "average")``), computed with one stable sort so that normalising does
    not import ``scipy.stats`` (about a second).
    """
    n = values.size
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(n, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, n))
    ranks = np.empty(n)
    ranks[order] = np.repeat(starts + (counts + 1) / 2.0, counts)
    return ranks


def apply_transform(values: FloatArray, transform: Transform, *, location: str) -> FloatArray:
    """Apply ``log`` (natural log, needs x > 0) or ``log1p`` (ln(1 + x), needs x > -1)."""
    if transform == "none":
        return values
    floor = 0.0 if transform == "log" else -1.0
    bad = np.flatnonzero(values <= floor)
    if bad.size:
        raise DataError(
            f"{transform} transform needs values > {floor:g}; {bad.size} value(s) are not "
            f"(first at position {int(bad[0])}: {values[bad[0]]!r})",
            location=location,
            hint="use transform log1p, a denominator, or treatment instead",
        )
    return np.log(values) if transform == "log" else np.log1p(values)


def _bound(value: float | None, transform: Transform) -> float | None:
    if value is None:
        return None
    if transform == "log":
        return float(np.log(value))
    if transform == "log1p":
        return float(np.log1p(value))
    return float(value)


def _clip(score: FloatArray, clip: Clip) -> FloatArray:
    # np.maximum/np.minimum keep NaN (missing stays missing; np.fmax would turn it into 0)
    if clip in ("lower", "both"):
        score = np.maximum(score, 0.0)
    if clip in ("upper", "both"):
        score = np.minimum(score, 1.0)
    return score


def normalise(
    values: FloatArray,
    spec: Normalisation,
    *,
    reverse: bool,
    transform: Transform = "none",
    location: str = "indicator",
) -> FloatArray:
    """Normalise one indicator (1-D array over units, NaN = missing; missing stays missing).

    ``reverse`` is True when the indicator's direction differs from the index orientation.
    See the module docstring for each method's formula.
    """
    x = np.asarray(values, dtype=float)
    a, b = spec.range
    method = spec.method
    if method == "none":
        return x.copy()
    observed = x[~np.isnan(x)]
    if observed.size == 0:
        return x.copy()
    if method == "minmax":
        lo = _bound(spec.minimum, transform)
        hi = _bound(spec.maximum, transform)
        lo = float(observed.min()) if lo is None else lo
        hi = float(observed.max()) if hi is None else hi
        if not hi > lo:
            raise DataError(
                f"min-max normalisation needs max > min, got {lo:g} and {hi:g}",
                location=location,
                hint="the indicator does not vary; drop it or give fixed minimum/maximum",
            )
        score = (x - lo) / (hi - lo)
        if spec.minimum is not None or spec.maximum is not None:
            score = _clip(score, spec.clip)
        return a + (1.0 - score if reverse else score) * (b - a)
    if method == "zscore":
        if observed.size < 2 or float(np.std(observed, ddof=1)) == 0.0:
            raise DataError(
                "z-score normalisation needs at least two different values",
                location=location,
                hint="drop the indicator or use goalposts",
            )
        z = (x - observed.mean()) / np.std(observed, ddof=1)
        return spec.mean + spec.sd * (-z if reverse else z)
    if method in ("rank", "percentile"):
        ranks = np.full_like(x, np.nan)
        keep = ~np.isnan(x)
        ranks[keep] = average_ranks(-x[keep] if reverse else x[keep])
        if method == "rank":
            return ranks
        n = observed.size
        share = (ranks - 1.0) / (n - 1.0) if n > 1 else np.where(keep, 1.0, np.nan)
        return a + share * (b - a)
    if method == "distance_to_reference":
        reference = _bound(spec.reference, transform)
        assert reference is not None  # validated by the spec
        if reverse:
            with np.errstate(divide="ignore"):
                ratio = np.where(x == 0, np.nan, reference / np.where(x == 0, 1.0, x))
        else:
            ratio = x / reference
        return ratio * b
    if method == "distance_to_target":
        target = _bound(spec.target, transform)
        assert target is not None
        worst = _bound(spec.worst, transform)
        if worst is None:
            worst = float(observed.max()) if reverse else float(observed.min())
        if worst == target:
            raise DataError(
                "distance to target needs a worst value different from the target",
                location=location,
                hint="give 'worst' explicitly",
            )
        score = _clip((x - worst) / (target - worst), spec.clip)
        return a + score * (b - a)
    if method == "goalposts":
        lower = _bound(spec.lower, transform)
        upper = _bound(spec.upper, transform)
        assert lower is not None and upper is not None
        score = (upper - x) / (upper - lower) if reverse else (x - lower) / (upper - lower)
        return a + _clip(score, spec.clip) * (b - a)
    raise AssertionError(method)  # pragma: no cover - Literal type covers every method

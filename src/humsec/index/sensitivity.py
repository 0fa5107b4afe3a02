"""Variance-based sensitivity: Saltelli's design and Sobol' first-order and total indices.

Both are computed in numpy so that an uncertainty analysis does not pay for importing
``scipy.stats`` (about a second, pulled in by SALib). They give SALib's numbers
(``SALib.sample.sobol.sample`` and ``SALib.analyze.sobol.analyze`` with
``calc_second_order=False``); ``tests/index/test_sensitivity.py`` keeps SALib as the oracle.

**Design** (Saltelli 2002; Saltelli et al. 2010, section 3). A base sample of ``N`` points in
``[0, 1)^{2D}`` (the scrambled Sobol' sequence, :mod:`humsec.index.sobol_sequence`) is split
into matrices ``A`` (first ``D`` columns) and ``B`` (last ``D``). For every base point the
design has ``D + 2`` rows: ``A``, then ``A_B^(j)`` (``A`` with column ``j`` taken from ``B``) for
``j = 1..D``, then ``B``.

**Estimators** on the standardised output ``y = (Y - mean Y) / sd Y`` with
``V = var([f(A); f(B)])``:

* first order (Saltelli et al. 2010, table 2, b):
  ``S_j = mean(f(B) (f(A_B^(j)) - f(A))) / V``;
* total (Jansen 1999; Saltelli et al. 2010, table 2, f):
  ``ST_j = mean((f(A) - f(A_B^(j)))^2) / (2 V)``.

Confidence half-widths: ``z_{(1+c)/2}`` times the standard deviation (``ddof = 1``) of each
estimator over 100 bootstrap resamples of the ``N`` base points, drawn as
``numpy.random.default_rng(seed).integers(N, size=(N, 100))`` (Archer, Saltelli & Sobol
1997). SALib draws the same resamples for a non-zero seed; for ``seed = 0`` it falls back to
numpy's global generator (not reproducible), while this module always uses the seed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from humsec.index.sobol_sequence import scrambled_sobol

__all__ = ["SobolIndices", "saltelli_design", "sobol_indices"]

FloatArray = NDArray[np.float64]
_EPS = float(np.finfo(float).eps)
#: The standard normal 97.5 % quantile, correctly rounded (``statistics.NormalDist`` is one
#: unit in the last place below it; scipy's ``norm.ppf(0.975)``, which SALib uses, is exact).
_Z_975 = 1.959963984540054


@dataclass(frozen=True)
class SobolIndices:
    """First-order (``s1``) and total (``st``) indices per factor, with confidence half-widths."""

    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray


def saltelli_design(d: int, n: int, seed: int) -> FloatArray:
    """The ``n (d + 2)`` rows of Saltelli's design for ``d`` factors in ``[0, 1)``.

    Rows per base point: ``A``, ``A_B^(1)`` .. ``A_B^(d)``, ``B`` (module docstring); the base
    sample is ``scrambled_sobol(2 d, n, seed)``, so the rows equal SALib's
    ``sobol.sample(problem, n, calc_second_order=False, seed=seed)`` on unit bounds.
    """
    base = scrambled_sobol(2 * d, n, seed)
    a, b = base[:, :d], base[:, d:]
    design = np.repeat(a[:, None, :], d + 2, axis=1)  # (n, d + 2, d)
    rows = np.arange(1, d + 1)
    design[:, rows, rows - 1] = b  # A_B^(j): column j from B
    design[:, d + 1, :] = b
    return design.reshape(n * (d + 2), d)


def _first_order(a: FloatArray, ab: FloatArray, b: FloatArray) -> FloatArray:
    return _normalised(np.mean(b * (ab - a), axis=0), a, b)


def _total_order(a: FloatArray, ab: FloatArray, b: FloatArray) -> FloatArray:
    return _normalised(0.5 * np.mean((a - ab) ** 2, axis=0), a, b)


def _normalised(numerator: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """``numerator / var([a; b])`` per column; 0 where the output is (nearly) constant."""
    y = np.concatenate([a, b])
    if np.ptp(y) <= _EPS:
        warnings.warn("constant model output: Sobol indices set to 0", stacklevel=3)
        return np.zeros(y.shape[1:])
    variance = np.var(y, axis=0)
    return np.divide(numerator, variance, out=np.zeros_like(variance, dtype=float),
                     where=variance > _EPS)


def sobol_indices(y: FloatArray, d: int, seed: int, *, resamples: int = 100,
                  confidence: float = 0.95) -> SobolIndices:
    """First-order and total Sobol' indices of the outputs ``y`` of :func:`saltelli_design`.

    Formulas, the bootstrap and how it matches SALib: module docstring.
    """
    n, remainder = divmod(y.size, d + 2)
    if remainder:
        raise ValueError(f"{y.size} outputs are not a Saltelli design of {d} factors "
                         f"(a multiple of {d + 2})")
    y = (y - y.mean()) / y.std()
    rows = y.reshape(n, d + 2)
    a, b, ab = rows[:, 0], rows[:, d + 1], rows[:, 1:d + 1]
    r = np.random.default_rng(seed).integers(n, size=(n, resamples))
    z = _Z_975 if confidence == 0.95 else NormalDist().inv_cdf(0.5 + confidence / 2)
    a_r, b_r = a[r], b[r]
    spread = np.ptp(np.concatenate([a_r, b_r])) != 0.0
    out = {name: np.zeros(d) for name in ("s1", "s1_conf", "st", "st_conf")}
    for j in range(d):
        out["s1"][j] = _first_order(a, ab[:, j], b)
        out["st"][j] = _total_order(a, ab[:, j], b)
        if spread:
            ab_r = ab[r, j]
            out["s1_conf"][j] = z * _first_order(a_r, ab_r, b_r).std(ddof=1)
            out["st_conf"][j] = z * _total_order(a_r, ab_r, b_r).std(ddof=1)
    return SobolIndices(**out)

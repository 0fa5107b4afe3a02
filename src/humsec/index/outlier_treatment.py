"""Outlier treatment before normalisation: COINr-style winsorisation and percentile caps.

Skewness and kurtosis are the sample statistics COINr uses (taken there from ``e1071`` with
``type = 2``, the definitions Excel's SKEW and KURT also use):

* ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m3 / m2^(3/2)``;
* ``G2 = ((n + 1) (g2) + 6) (n - 1) / ((n - 2)(n - 3))`` with ``g2 = m4 / m2^2 - 3`` (excess).

An indicator *fails* when ``|G1| >= skew_threshold`` **and** ``G2 >= kurtosis_threshold``
(defaults 2 and 3.5), i.e. it passes when either is below its threshold, as in COINr's
``check_SkewKurt``. A failing indicator is winsorised one point at a time: the most extreme
value on the side of the current skew (highest if G1 >= 0, lowest otherwise) is replaced by the
next value inward (tied extremes move together), re-checking after each step, until
``winmax`` distinct points have been changed. As in COINr's ``winsorise``, a point moved in an
earlier step that the next step moves again (it is tied to the new extreme) is not counted
again. If it still fails, the winsorisation is undone and COINr's ``log_CT`` transform is
applied to the original values instead: ``ln(x - min(x) + 0.01 (max(x) - min(x)))``, which keeps
the order of the values (so the indicator's direction is unchanged).

``percentile_caps`` clips values below the ``lower_percentile`` and above the
``upper_percentile`` quantiles (linear interpolation, R's type 7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from humsec.index.spec import Treatment

FloatArray = NDArray[np.float64]


def skew_kurtosis(values: FloatArray, axis: int = -1) -> tuple[FloatArray, FloatArray]:
    """Sample skewness G1 and excess kurtosis G2 (e1071 type 2 / COINr / Excel SKEW and KURT)
    along ``axis``, ignoring NaN, in one vectorised pass.

    With n the number of non-missing values, x̄ their mean and m_r = Σ(x − x̄)^r / n:

    * G1 = g1·√(n(n−1))/(n−2) with g1 = m3/m2^1.5 (NaN if n < 3);
    * G2 = ((n+1)·g2 + 6)·(n−1)/((n−2)(n−3)) with g2 = m4/m2² − 3 (NaN if n < 4).

    These are scipy.stats' ``skew`` and ``kurtosis`` with ``bias=False`` (a test checks them
    to 1e-12); where all the values are equal (no spread, so nothing to treat) both are 0.
    """
    x = np.asarray(values, dtype=float)
    present = ~np.isnan(x)
    n = present.sum(axis=axis, keepdims=True).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=axis, keepdims=True) / n
        deviation = np.where(present, x - mean, 0.0)
        squared = deviation * deviation
        m2 = squared.sum(axis=axis, keepdims=True) / n
        m3 = (squared * deviation).sum(axis=axis, keepdims=True) / n
        m4 = (squared * squared).sum(axis=axis, keepdims=True) / n
        g1 = m3 / m2**1.5
        g2 = m4 / (m2 * m2) - 3.0
        skew = g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
        kurt = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
        spread = np.where(present, x, -np.inf).max(axis=axis, keepdims=True) > np.where(
            present, x, np.inf
        ).min(axis=axis, keepdims=True)
    skew = np.where(n < 3, np.nan, np.where(spread, skew, 0.0))
    kurt = np.where(n < 4, np.nan, np.where(spread, kurt, 0.0))
    return np.squeeze(skew, axis=axis), np.squeeze(kurt, axis=axis)


def skewness(values: FloatArray) -> float:
    """Sample skewness G1 of a 1-D array (e1071 type 2 / Excel SKEW), ignoring NaN; NaN if
    n < 3. G1 = g1·√(n(n−1))/(n−2) with g1 = m3/m2^1.5; see :func:`skew_kurtosis`."""
    return float(skew_kurtosis(values)[0])


def kurtosis(values: FloatArray) -> float:
    """Sample excess kurtosis G2 of a 1-D array (e1071 type 2 / Excel KURT), ignoring NaN; NaN
    if n < 4. G2 = ((n+1)·g2 + 6)·(n−1)/((n−2)(n−3)) with g2 = m4/m2² − 3; see
    :func:`skew_kurtosis`."""
    return float(skew_kurtosis(values)[1])


def passes_skew_kurtosis(values: FloatArray, skew_threshold: float, kurt_threshold: float) -> bool:
    """True unless ``|G1| >= skew_threshold`` and ``G2 >= kurt_threshold`` (COINr's check)."""
    s, k = (float(v) for v in skew_kurtosis(values))
    if np.isnan(s) or np.isnan(k):
        return True
    return bool(abs(s) < skew_threshold or k < kurt_threshold)


@dataclass(frozen=True)
class TreatmentOutcome:
    """Treated values and what was done: ``points`` marks treated positions ("winhi", "winlo",
    "log", "caplo", "caphi" or "")."""

    values: FloatArray
    points: NDArray[np.str_]
    action: str
    n_winsorised: int
    skew_before: float
    kurtosis_before: float
    skew_after: float
    kurtosis_after: float


def log_ct(values: FloatArray) -> FloatArray:
    """COINr's ``log_CT``: ``ln(x - min(x) + 0.01 (max(x) - min(x)))`` (NaN kept)."""
    x = np.asarray(values, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo))


def treat(values: FloatArray, spec: Treatment) -> TreatmentOutcome:
    """Treat one indicator (1-D over units) as ``spec`` says; see the module docstring."""
    x = np.asarray(values, dtype=float).copy()
    s0, k0 = (float(v) for v in skew_kurtosis(x))
    points = np.full(x.shape, "", dtype="<U5")
    if spec.method == "none" or np.isnan(x).all():
        return TreatmentOutcome(x, points, "none", 0, s0, k0, s0, k0)
    if spec.method == "percentile_caps":
        lo, hi = np.nanquantile(x, [spec.lower_percentile, spec.upper_percentile])
        points[x < lo] = "caplo"
        points[x > hi] = "caphi"
        x = np.clip(x, lo, hi)
        return TreatmentOutcome(
            x,
            points,
            "percentile_caps",
            int((points != "").sum()),
            s0,
            k0,
            *(float(v) for v in skew_kurtosis(x)),
        )
    if passes_skew_kurtosis(x, spec.skew_threshold, spec.kurtosis_threshold):
        return TreatmentOutcome(x, points, "none", 0, s0, k0, s0, k0)
    treated = x.copy()
    changed = np.zeros(x.shape, dtype=bool)  # distinct points moved so far
    passed = False
    # A loop over winsorisation steps (at most winmax), not over units. The points moved in
    # earlier steps sit at the new extreme and move again with it; they are counted once.
    while int(changed.sum()) < spec.winmax:
        high = skewness(treated) >= 0
        extreme = np.nanmax(treated) if high else np.nanmin(treated)
        at_extreme = treated == extreme
        rest = treated[~at_extreme & ~np.isnan(treated)]
        if rest.size == 0:
            break
        treated[at_extreme] = rest.max() if high else rest.min()
        points[at_extreme] = "winhi" if high else "winlo"
        changed |= at_extreme
        if passes_skew_kurtosis(treated, spec.skew_threshold, spec.kurtosis_threshold):
            passed = True
            break
    n_changed = int(changed.sum())
    if passed or spec.fallback == "none":
        return TreatmentOutcome(
            treated,
            points,
            "winsorise",
            n_changed,
            s0,
            k0,
            *(float(v) for v in skew_kurtosis(treated)),
        )
    logged = log_ct(x)
    points = np.where(np.isnan(x), "", "log").astype("<U5")
    s1, k1 = (float(v) for v in skew_kurtosis(logged))
    return TreatmentOutcome(logged, points, "log", 0, s0, k0, s1, k1)

"""Taylor-linearisation variance from PSU totals, and confidence intervals.

Design: strata h = 1..H, PSUs i = 1..n_h drawn with replacement within strata (R
``svydesign(id=~psu, strata=~stratum, weights=~w)``, Stata ``svyset psu, strata()``).

Every estimator here is a ratio of weighted totals, theta = Y / X (a mean is the ratio to the
weight total). Its linearised score for person l is ``z_l = s_l (y_l - theta x_l) / X``
(Woodruff 1971; Binder 1983). With z_hi the PSU totals of the scores,

    Var(theta) = sum_h n_h / (n_h - 1) * sum_i (z_hi - zbar_h)^2.

Domains (subgroups) are handled without subsetting: the domain indicator multiplies s, and
every PSU of the design stays in the sum (R ``svyby``; Lumley 2010, ch. 2.3).

Single-PSU strata follow R ``options(survey.lonely.psu=...)``: ``fail``, ``certainty``
(contributes 0), ``adjust`` (the lone PSU total is centred at the grand mean of all PSU totals,
with factor 1) and ``average`` (the variance is divided by 1 - share of lonely strata).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from humsec.errors import SpecError

__all__ = [
    "PSUDesign",
    "design_variance",
    "logit_ci",
    "ratio_estimate",
    "ratio_scores",
    "t_ci",
    "t_quantile",
]


@dataclass(frozen=True)
class PSUDesign:
    """The PSUs of a design: the stratum code of each PSU and the lonely-PSU rule.

    ``multiplicity`` (optional) says that row i of the score arrays stands for m_i identical
    PSUs (used when every survey row is its own PSU: rows with the same weight, deprivations
    and subgroups are one array row with m_i = their count, so no per-row array is needed).
    """

    stratum: np.ndarray  # (U,) integer stratum code of each array row, 0..H-1
    stratum_labels: np.ndarray  # (H,) the user's stratum values
    lonely_psu: str = "fail"
    multiplicity: np.ndarray | None = None  # (U,) PSUs per array row; None: 1 each

    @property
    def n_units(self) -> int:
        """Rows of the PSU-level arrays (U)."""
        return int(self.stratum.shape[0])

    @property
    def n_psu(self) -> int:
        """Number of PSUs P (the sum of the multiplicities)."""
        if self.multiplicity is None:
            return self.n_units
        return int(self.multiplicity.sum())

    @property
    def n_strata(self) -> int:
        """Number of strata H."""
        return int(self.stratum_labels.shape[0])

    @property
    def df(self) -> int:
        """Design degrees of freedom, #PSU - #strata (R ``degf``)."""
        return self.n_psu - self.n_strata

    @property
    def psu_per_stratum(self) -> np.ndarray:
        """n_h, PSUs per stratum."""
        if self.multiplicity is None:
            return np.bincount(self.stratum, minlength=self.n_strata)
        counts = np.bincount(self.stratum, weights=self.multiplicity, minlength=self.n_strata)
        return np.rint(counts).astype(np.int64)

    @cached_property
    def blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """Array-row order sorted by stratum and the start of each stratum's block in it."""
        order = np.argsort(self.stratum, kind="stable")
        counts = np.bincount(self.stratum, minlength=self.n_strata)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        return order, starts

    @cached_property
    def units_per_stratum(self) -> np.ndarray:
        """Array rows per stratum."""
        return np.bincount(self.stratum, minlength=self.n_strata)


def _block_sums(
    values: np.ndarray, order: np.ndarray, starts: np.ndarray, n_strata: int, n_h: np.ndarray
) -> np.ndarray:
    out = np.zeros((n_strata, values.shape[1]))
    present = n_h > 0
    if present.any():
        out[present] = np.add.reduceat(values[order], starts[present], axis=0)
    return out


def design_variance(z: np.ndarray, design: PSUDesign) -> np.ndarray:
    """Var = sum_h n_h/(n_h-1) sum_i (z_hi - zbar_h)^2 for each column of the PSU-total scores
    ``z`` (shape (P, ...)); lonely strata as ``design.lonely_psu`` says."""
    shape = z.shape[1:]
    flat = z.reshape(z.shape[0], -1)
    n_h = design.psu_per_stratum
    units = design.units_per_stratum
    # Stratum sums by sorting PSUs by stratum once and reducing contiguous blocks (no BLAS
    # threads, which only contend on a shared 2-core machine; no slow np.add.at).
    order, starts = design.blocks
    sums = _block_sums(flat, order, starts, design.n_strata, units)
    means = sums / np.maximum(n_h, 1)[:, None]
    # A row standing for m identical PSUs holds m times one PSU's score: its m deviations
    # from the stratum mean are (z/m - zbar) each, i.e. sum of squares (z - m zbar)^2 / m.
    mult = np.ones(design.n_units) if design.multiplicity is None else design.multiplicity
    dev = flat - mult[:, None] * means[design.stratum]
    lonely = n_h == 1
    if lonely.any():
        if design.lonely_psu == "fail":
            labels = ", ".join(str(s) for s in design.stratum_labels[lonely][:10])
            raise SpecError(
                f"{int(lonely.sum())} stratum/strata have a single PSU ({labels}); "
                "the variance is undefined",
                location="survey design (strata, psu)",
                hint="set lonely_psu to 'certainty', 'adjust' or 'average' "
                "(as R's options(survey.lonely.psu=...)), or merge the strata",
            )
        if design.lonely_psu == "adjust":
            grand = flat.sum(axis=0) / design.n_psu
            on_lonely = lonely[design.stratum]
            dev[on_lonely] = flat[on_lonely] - grand
    factor = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 0.0)
    if design.lonely_psu == "adjust":
        factor = np.where(lonely, 1.0, factor)
    ss = _block_sums(dev * dev / mult[:, None], order, starts, design.n_strata, units)
    var = (factor[:, None] * ss).sum(axis=0)
    if design.lonely_psu == "average" and lonely.any():
        var = var / (1.0 - lonely.mean())
    return var.reshape(shape)


def ratio_estimate(
    num: np.ndarray, den: np.ndarray, design: PSUDesign
) -> tuple[np.ndarray, np.ndarray]:
    """theta = Y/X and its linearised SE from PSU totals ``num`` = Y_hi, ``den`` = X_hi.

    Score totals z_hi = (Y_hi - theta X_hi) / X (the ratio estimator's linearisation; for a mean
    X is the weight total). Shapes (P, ...) broadcast; theta is NaN where X = 0.
    """
    theta, z = ratio_scores(num, den)
    se = np.sqrt(np.maximum(design_variance(z, design), 0.0))
    se = np.where(np.isnan(theta), np.nan, se)
    return theta, se


def ratio_scores(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """theta = Y/X and the PSU totals of its linearised scores z_hi = (Y_hi - theta X_hi) / X.

    Scores of several estimators can be combined linearly before :func:`design_variance`
    (delta method with their exact design covariance), e.g. z2 - z1 for a change.
    """
    num, den = np.broadcast_arrays(num, den)
    y = num.sum(axis=0)
    x = den.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.where(x != 0, y / np.where(x != 0, x, 1.0), np.nan)
        z = (num - theta * den) / np.where(x != 0, x, np.nan)
    return theta, np.nan_to_num(z, nan=0.0)


def t_ci(
    theta: np.ndarray, se: np.ndarray, df: int, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wald interval theta -/+ t_{(1+level)/2, df} * se (df = #PSU - #strata)."""
    q = t_quantile(0.5 + level / 2, max(df, 1))
    return theta - q * se, theta + q * se


def logit_ci(
    theta: np.ndarray, se: np.ndarray, df: int, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Logit interval for a proportion, as R ``svyciprop(method="logit")``.

    l = log(theta/(1-theta)), se_l = se / (theta (1-theta)); bounds
    expit(l -/+ t_{(1+level)/2, df} se_l). At theta = 0 or 1 the interval collapses to theta.
    """
    q = t_quantile(0.5 + level / 2, max(df, 1))
    theta = np.asarray(theta, dtype=float)
    inside = (theta > 0) & (theta < 1)
    safe = np.where(inside, theta, 0.5)
    logit = np.log(safe / (1 - safe))
    se_l = se / (safe * (1 - safe))
    with np.errstate(over="ignore"):
        lo = 1 / (1 + np.exp(-(logit - q * se_l)))
        hi = 1 / (1 + np.exp(-(logit + q * se_l)))
    return np.where(inside, lo, theta), np.where(inside, hi, theta)


def _log_gamma_half_step(a: float) -> float:
    """log Gamma(a + 1/2) - log Gamma(a), accurate to ~1e-15 even for huge ``a``.

    ``math.lgamma`` of each term loses absolute precision as lgamma grows (~1e-11 at a = 2,500,
    ~1e-8 at a = 5e6). For a >= 50 the difference of Stirling's series is used instead:
    a log(1 + 1/(2a)) + log(a)/2 - 1/2 + S(a + 1/2) - S(a), with
    S(z) = 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7) (truncation < 1e-20).
    """
    if a < 50:
        return math.lgamma(a + 0.5) - math.lgamma(a)

    def series(z: float) -> float:
        z2 = z * z
        return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * z2)) / z2) / z2) / z

    return a * math.log1p(0.5 / a) + 0.5 * math.log(a) - 0.5 + series(a + 0.5) - series(a)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Continued fraction of the regularised incomplete beta (modified Lentz); converges fast
    # for x < (a + 1) / (a + b + 2).
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        for num in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return h


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for t > 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2)."""
    a, b = df / 2, 0.5
    r = t * t / df
    log_x, log_1mx = -math.log1p(r), math.log(r) - math.log1p(r)
    # log [x^a (1-x)^b / B(a, b)], B(a, 1/2) = Gamma(a) sqrt(pi) / Gamma(a + 1/2)
    log_front = _log_gamma_half_step(a) - 0.5 * math.log(math.pi) + a * log_x + b * log_1mx
    front = math.exp(log_front)
    if math.exp(log_x) < (a + 1) / (a + b + 2):
        incomplete = front * _beta_continued_fraction(a, b, math.exp(log_x)) / a
    else:
        incomplete = 1.0 - front * _beta_continued_fraction(b, a, math.exp(log_1mx)) / b
    return 0.5 * incomplete


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with ``df`` degrees of freedom (as ``scipy.special.stdtrit``
    to ~1e-14 relative; pure Python so that estimates need not import scipy, ~0.25 s).

    Upper tail Q(t) = I_{df/(df+t^2)}(df/2, 1/2) / 2 (regularised incomplete beta by its
    continued fraction); Newton steps t <- t + (Q(t) - (1 - p)) / f(t) on the convex, decreasing
    Q from a Cornish-Fisher start, with f the t density. Closed forms for df = 1 and 2; for
    df >= 3000 the Cornish-Fisher series itself (Abramowitz and Stegun 26.7.5, four terms; below
    1e-15 relative for 95-99.9 % levels, where Newton's tail sums lose ~1e-14).
    """
    if not 0.0 < p < 1.0 or not df > 0:
        raise SpecError(
            f"t quantile needs 0 < p < 1 and df > 0 (got p={p}, df={df})",
            location="confidence level",
        )
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df == 1:
        return 1.0 / math.tan(math.pi * (1.0 - p))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    from statistics import NormalDist

    tail = 1.0 - p
    z = NormalDist().inv_cdf(p)
    z2 = z * z
    g1 = z * (z2 + 1) / 4
    g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
    g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
    g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
    t = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    if df >= 3000:
        return t
    log_norm = _log_gamma_half_step(df / 2) - 0.5 * math.log(df * math.pi)  # f's constant
    for _ in range(100):
        density = math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))
        step = (_t_upper_tail(t, df) - tail) / density
        new = t + step
        if new <= 0:
            new = t / 2
        if abs(new - t) <= 1e-15 * abs(new):
            return new
        t = new
    return t

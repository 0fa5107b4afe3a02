"""Taylor-linearisation variance from PSU totals, and confidence intervals.

Design: strata h = 1..H, PSUs i = 1..n_h drawn with replacement within strata (R
``svydesign(id=~psu, strata=~stratum, weights=~w)``, Stata ``svyset psu, strata()``).

Every estimator here is a ratio of weighted totals, theta = Y / X (a mean is the ratio to the
weight total). Its linearised score for person l is ``z_l = s_l (y_l - theta x_l) / X``
(Woodruff 1971; Binder 1983). With z_hi the PSU totals of the scores,

    Var(theta) = sum_h n_h / (n_h - 1) * sum_i (z_hi - zbar_h)^2.

Domains (subgroups) are handled without subsetting: the domain indicator multiplies s, and
every PSU of the design stays in the sum (R ``svyby``; Lumley 2010, ch. 2.3).

Single-PSU strata follow R ``options(survey.lonely.psu=...)``: ``fail``, ``certainty`` and
``remove`` (the stratum contributes 0; the two differ in R only for multistage designs),
``adjust`` (the lone PSU total is centred at the grand mean of all PSU totals, with factor 1;
the grand mean of linearised scores is 0, where R centres) and ``average`` (the other strata's
sum is scaled by H_d / (H_d - L_d)). For a domain, R's ``svyby`` runs on the domain's rows with
the whole design's PSU counts, so H_d counts the strata that hold rows of the estimator's
domain (the rows with a non-zero denominator) and L_d the single-PSU strata among them
(R ``onestage``: ``nstrat / nokstrat``); with every such stratum lonely the variance is NaN, as
in R.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from humsec.deprivation.student_t import t_quantile
from humsec.errors import SpecError

__all__ = [
    "PSUDesign",
    "design_variance",
    "logit_ci",
    "psu_sum",
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


def psu_sum(values: np.ndarray) -> np.ndarray:
    """sum_i v_i over the PSU axis (axis 0) of ``values`` (P, ...), in one fixed order.

    Each column is copied into a contiguous row of a (columns, P) array and summed along it,
    so a column's total depends on that column's P numbers alone: the same bits whether it
    is summed alone or in a block of other columns (numpy sums a (P, width) array over axis 0
    in an order that changes with the width). Axes along which ``values`` is a broadcast
    (stride 0, e.g. one denominator for every indicator) are summed once.
    """
    values = np.asarray(values)
    single = tuple(
        slice(0, 1) if values.strides[axis] == 0 and values.shape[axis] > 1 else slice(None)
        for axis in range(1, values.ndim)
    )
    core = values[(slice(None), *single)]
    flat = core.reshape(core.shape[0], -1)
    sums = np.ascontiguousarray(flat.T).sum(axis=1).reshape(core.shape[1:])
    return np.broadcast_to(sums, values.shape[1:]).copy()


def _stratum_sums(rows: np.ndarray, starts: np.ndarray, n_h: np.ndarray) -> np.ndarray:
    """Per-stratum sums of the columns' PSU values, ``rows`` in the (columns, P) layout with
    the PSUs sorted by stratum: (columns, H), each a sum over one contiguous run of its own
    row."""
    out = np.zeros((rows.shape[0], n_h.shape[0]))
    present = n_h > 0
    if present.any():
        out[:, present] = np.add.reduceat(rows, starts[present], axis=1)
    return out


def design_variance(
    z: np.ndarray, design: PSUDesign, present: np.ndarray | None = None
) -> np.ndarray:
    """Var = sum_h n_h/(n_h-1) sum_i (z_hi - zbar_h)^2 for each column of the PSU-total scores
    ``z`` (shape (P, ...)); lonely strata as ``design.lonely_psu`` says.

    ``present`` (broadcastable to ``z``) marks the PSU rows that hold rows of each column's
    domain; under ``average`` the factor H_d / (H_d - L_d) counts only the strata with such
    rows (R ``svyby``). ``None``: every stratum (the whole sample).

    The scores are copied once into a (columns, P) array with the PSUs sorted by stratum, and
    every sum runs along one column's own contiguous row, so a column's variance has the same
    bits whatever other columns are computed with it (a subgroup level alone or in a block of
    levels)."""
    shape = z.shape[1:]
    order, starts = design.blocks
    rows = np.ascontiguousarray(z.reshape(z.shape[0], -1)[order].T)  # (W, P), by stratum
    n_h = design.psu_per_stratum
    units = design.units_per_stratum
    # Stratum sums reduce contiguous blocks (no BLAS threads, which only contend on a shared
    # 2-core machine; no slow np.add.at).
    means = _stratum_sums(rows, starts, units) / np.maximum(n_h, 1)[None, :]
    # A row standing for m identical PSUs holds m times one PSU's score: its m deviations
    # from the stratum mean are (z/m - zbar) each, i.e. sum of squares (z - m zbar)^2 / m.
    mult = None if design.multiplicity is None else design.multiplicity[order]
    spread = np.repeat(means, units, axis=1)  # each PSU's stratum mean, strata in order
    dev = rows - (spread if mult is None else mult[None, :] * spread)
    lonely = n_h == 1
    if lonely.any():
        if design.lonely_psu == "fail":
            labels = ", ".join(_stratum_text(s) for s in design.stratum_labels[lonely][:10])
            raise SpecError(
                f"{int(lonely.sum())} stratum/strata have a single PSU ({labels}); "
                "the variance is undefined",
                location="survey design (strata, psu)",
                hint="set lonely_psu to 'certainty', 'remove', 'adjust' or 'average' "
                "(as R's options(survey.lonely.psu=...)), or merge the strata",
            )
        if design.lonely_psu == "adjust":
            grand = rows.sum(axis=1) / design.n_psu
            on_lonely = np.repeat(lonely, units)
            dev[:, on_lonely] = rows[:, on_lonely] - grand[:, None]
    factor = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 0.0)
    if design.lonely_psu == "adjust":
        factor = np.where(lonely, 1.0, factor)
    squares = dev * dev if mult is None else dev * dev / mult[None, :]
    var = (factor[None, :] * _stratum_sums(squares, starts, units)).sum(axis=1)
    if design.lonely_psu == "average" and lonely.any():
        var = var * _average_factor(design, lonely, present, z.shape, order, starts, units)
    return var.reshape(shape)


def _stratum_text(label: object) -> str:
    """A stratum label as the user wrote it: ``(np.int64(5),)`` -> ``5``, ``(2015, 'N')`` ->
    ``2015/N`` (strata within rounds)."""
    parts = label if isinstance(label, tuple) else (label,)
    return "/".join(str(p.item() if isinstance(p, np.generic) else p) for p in parts)


def _average_factor(
    design: PSUDesign,
    lonely: np.ndarray,
    present: np.ndarray | None,
    shape: tuple[int, ...],
    order: np.ndarray,
    starts: np.ndarray,
    units: np.ndarray,
) -> np.ndarray:
    """H_d / (H_d - L_d) per column: strata holding the domain, and the lonely ones among them
    (NaN when all of them are lonely, as R's 0 * H / 0)."""
    if present is None:
        held = np.ones((design.n_strata, int(np.prod(shape[1:], dtype=np.int64))), dtype=bool)
    else:
        mask = np.broadcast_to(present, shape).reshape(shape[0], -1)[order].T.astype(np.float64)
        held = (_stratum_sums(np.ascontiguousarray(mask), starts, units) > 0).T
    n_held = held.sum(axis=0)
    n_ok = (held & ~lonely[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_ok > 0, n_held / np.maximum(n_ok, 1), np.nan)


def ratio_estimate(
    num: np.ndarray, den: np.ndarray, design: PSUDesign
) -> tuple[np.ndarray, np.ndarray]:
    """theta = Y/X and its linearised SE from PSU totals ``num`` = Y_hi, ``den`` = X_hi.

    Score totals z_hi = (Y_hi - theta X_hi) / X (the ratio estimator's linearisation; for a mean
    X is the weight total). Shapes (P, ...) broadcast; theta is NaN where X = 0.
    """
    theta, z = ratio_scores(num, den)
    # The estimator's domain: the PSU rows with a share of the denominator (R svyby's rows).
    present = np.broadcast_to(den, z.shape) != 0
    se = np.sqrt(np.maximum(design_variance(z, design, present), 0.0))
    se = np.where(np.isnan(theta), np.nan, se)
    return theta, se


def ratio_scores(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """theta = Y/X and the PSU totals of its linearised scores z_hi = (Y_hi - theta X_hi) / X.

    Scores of several estimators can be combined linearly before :func:`design_variance`
    (delta method with their exact design covariance), e.g. z2 - z1 for a change.
    """
    num, den = np.broadcast_arrays(num, den)
    y = psu_sum(num)
    x = psu_sum(den)
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

"""Regressors the fixed effects absorb, or the other regressors repeat: reghdfe's checks.

Stata ``reghdfe`` (Correia 2017; ``reghdfe.mata``, ``Solution::check_collinear_with_fe`` and
``reghdfe_rmcoll``) omits such regressors with a note instead of stopping:

1. **Collinear with the fixed effects.** After the within transformation (every absorbed term
   partialled out, individual slopes ``absorb(id##c.t)`` included) a regressor ``x`` whose
   partialled-out sum of squares is negligible against its raw one,

       x̃'x̃ / x'x ≤ collinear_tol,   collinear_tol = min(1e-6, tolerance / 10) = 1e-9

   (``x'x`` uncentred on the estimation sample, ``tolerance = 1e-8`` reghdfe's default), is
   "probably collinear with the fixed effects" and omitted (``reghdfe.ado``: ``collinear_tol =
   min((1e-6, HDFE.tolerance / 10))``). Without absorbed terms the constant is partialled out,
   so a constant regressor is caught the same way.
2. **Collinear with the other regressors.** reghdfe sweeps ``X̃'X̃`` in the regressors' order
   (``invsym(xx, 1..K)``) and omits each one the earlier kept ones already span ("omitted
   because of collinearity"). Here the same order is swept by Gram–Schmidt on ``X̃`` and a
   regressor is omitted when the share of ``x̃_j'x̃_j`` left after projecting on the kept ones
   is at most the same ``1e-9``.

The within transformation is the method of alternating projections (Gaure 2013; Correia
2017): each absorbed block is projected out exactly in turn (group means; group-wise
regression on ``[1, t]`` for a fixed effect with its own slopes, on ``t`` alone for slopes
without the fixed effect) until a sweep changes the data by less than ``1e-14`` of their sum
of squares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REGHDFE_TOLERANCE = 1e-8
"""reghdfe's default ``tolerance()`` of the within transformation."""
COLLINEAR_TOL = min(1e-6, REGHDFE_TOLERANCE / 10)
"""reghdfe's ``collinear_tol``: ``min(1e-6, tolerance / 10)``."""
FE_REASON = "collinear with the fixed effects"
REGRESSOR_REASON = "collinear with other regressors"


@dataclass(frozen=True)
class AbsorbedBlock:
    """One block of the within transformation: the levels ``codes`` of a fixed effect, with
    an intercept per level (``intercept``) and/or a slope on ``slope`` per level."""

    codes: np.ndarray
    intercept: bool = True
    slope: np.ndarray | None = None


def _project_out(values: np.ndarray, block: AbsorbedBlock) -> np.ndarray:
    """Residuals of each column of ``values`` on the block's columns, group by group."""
    codes = block.codes
    levels = int(codes.max()) + 1 if len(codes) else 0
    counts = np.bincount(codes, minlength=levels).astype(np.float64)
    out = values.copy()
    if block.intercept:
        sums = np.zeros((levels, values.shape[1]))
        np.add.at(sums, codes, values)
        out -= (sums / np.maximum(counts, 1.0)[:, None])[codes]
    if block.slope is not None:
        t = block.slope.astype(np.float64)
        if block.intercept:  # centre t within its group: the slope then is orthogonal
            t = t - (np.bincount(codes, weights=t, minlength=levels) / np.maximum(counts, 1))[codes]
        tt = np.bincount(codes, weights=t * t, minlength=levels)
        tx = np.zeros((levels, values.shape[1]))
        np.add.at(tx, codes, t[:, None] * out)
        slope = np.divide(tx, tt[:, None], out=np.zeros_like(tx), where=tt[:, None] > 1e-300)
        out -= slope[codes] * t[:, None]
    return out


def partial_out(
    values: np.ndarray, blocks: list[AbsorbedBlock], max_sweeps: int = 10_000
) -> np.ndarray:
    """``values`` (n × k) with every absorbed block projected out (alternating projections;
    with no block, the constant is partialled out as reghdfe's ``noabsorb`` does)."""
    data = np.asarray(values, dtype=np.float64)
    if not blocks:
        return data - data.mean(axis=0)
    if len(blocks) == 1:
        return _project_out(data, blocks[0])
    scale = np.maximum((data * data).sum(axis=0), 1e-300)
    current = data
    for _ in range(max_sweeps):
        previous = current
        for block in blocks:
            current = _project_out(current, block)
        change = ((current - previous) ** 2).sum(axis=0) / scale
        if float(change.max()) <= 1e-28:
            break
    return current


@dataclass(frozen=True)
class Omitted:
    """The regressors reghdfe would omit, each with its reason, and the partialled-out
    columns of the others (in the order given)."""

    reasons: dict[str, str]
    kept: list[str]


def omitted_regressors(
    raw: np.ndarray, names: list[str], blocks: list[AbsorbedBlock], tol: float = COLLINEAR_TOL
) -> Omitted:
    """reghdfe's two checks (module docstring) on the regressors ``raw`` (n × k)."""
    raw = np.asarray(raw, dtype=np.float64)
    tilde = partial_out(raw, blocks)
    norm2 = (raw * raw).sum(axis=0)
    within = (tilde * tilde).sum(axis=0)
    reasons: dict[str, str] = {}
    basis: list[np.ndarray] = []
    kept: list[str] = []
    for j, name in enumerate(names):
        if norm2[j] == 0.0 or within[j] / norm2[j] <= tol:
            reasons[name] = FE_REASON
            continue
        column = tilde[:, j].copy()
        for unit in basis:  # modified Gram–Schmidt, twice for stability
            column -= unit * float(unit @ column)
        for unit in basis:
            column -= unit * float(unit @ column)
        left = float(column @ column)
        if left / within[j] <= tol:
            reasons[name] = REGRESSOR_REASON
            continue
        basis.append(column / np.sqrt(left))
        kept.append(name)
    return Omitted(reasons=reasons, kept=kept)

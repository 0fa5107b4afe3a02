"""Ripple effects through the estimated network: the system multiplier and leverage.

With ``A[s, t]`` the edge from source s to target t, the system moves as
``z(t) = Bz(t−1) + …`` with ``B = Aᵀ`` (rows targets, columns sources). A lasting unit push on
source s adds up, over all rounds of ripples, to column s of

    M = I + B + B² + … = (I − B)⁻¹,

which converges only when the spectral radius ρ(B) = max |eigenvalue| is below 1 (Neumann
series; the input–output multiplier of Leontief 1951 has the same form). The *leverage* of a
threat is the column sum of M: the total change, in standard deviations summed over all
threats (itself included), that a unit push on it is associated with. When ρ ≥ 1 the series
diverges, so no multiplier is reported.
"""

from __future__ import annotations

import numpy as np


def spectral_radius(edges: np.ndarray) -> float:
    """ρ(A) = max |eigenvalue| (the same for A and Aᵀ)."""
    if edges.size == 0:
        return 0.0
    return float(np.max(np.abs(np.linalg.eigvals(edges))))


def multiplier(edges: np.ndarray) -> np.ndarray:
    """``M = (I − Aᵀ)⁻¹`` (rows targets, columns sources); call only when ρ(A) < 1."""
    n = edges.shape[0]
    return np.asarray(np.linalg.inv(np.eye(n) - edges.T))


def leverage(edges: np.ndarray) -> np.ndarray:
    """Column sums of the multiplier: one value per source threat."""
    return np.asarray(multiplier(edges).sum(axis=0))


def bootstrap_leverage(replicates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Radius per replicate (R,) and leverage per replicate (R, n), NaN where ρ ≥ 1.

    ``replicates`` has shape (R, n, n), each an edge matrix ``A``.
    """
    radii = np.max(np.abs(np.linalg.eigvals(replicates)), axis=1)
    n = replicates.shape[1]
    out = np.full((replicates.shape[0], n), np.nan)
    stable = radii < 1.0
    if stable.any():
        systems = np.eye(n)[None] - np.transpose(replicates[stable], (0, 2, 1))
        out[stable] = np.linalg.inv(systems).sum(axis=1)
    return radii, out


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest, along the last axis (ties broken by position)."""
    order = np.argsort(-values, axis=-1, kind="stable")
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.arange(1, values.shape[-1] + 1), axis=-1)
    return out

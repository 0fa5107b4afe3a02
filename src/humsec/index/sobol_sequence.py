"""Scrambled Sobol' low-discrepancy points in numpy (no scipy.stats import).

The base sample of the Saltelli design (:mod:`humsec.index.sensitivity`) is the scrambled
Sobol' sequence of ``scipy.stats.qmc.Sobol(d, scramble=True, seed=seed)``, which is what SALib's
``sobol.sample`` draws. Importing ``scipy.stats`` costs about a second of start-up, so the same
points are generated here with numpy alone, bit for bit:

* **Direction numbers** (Bratley & Fox 1988, Algorithm 659, section 2): dimension 1 is the van
  der Corput sequence; dimension ``d`` has a primitive polynomial ``p`` of degree ``s`` (its
  coefficients are the bits of ``p``) and initial numbers ``m_1..m_s`` from Joe & Kuo (2008,
  file ``new-joe-kuo-6.21201``, criterion D(6)); the rest follow the recurrence
  ``m_j = 2^s m_{j-s} XOR  XOR_{k=1..s} a_k 2^k m_{j-k}``, and ``v_j = m_j 2^(B-j)`` with
  ``B = 30`` bits.
* **Scrambling** (Matousek 1998; Owen 2003, "linear matrix scramble + digital shift"): per
  dimension a random lower-triangular binary matrix ``L`` with unit diagonal multiplies every
  direction number over GF(2), and a random ``B``-bit digital shift ``e`` is XORed into every
  point. The random bits are drawn from ``numpy.random.default_rng(seed)`` in scipy's order:
  first the shift bits ``(d, B)``, then the matrices ``(d, B, B)``, as ``uint32`` integers in
  ``[0, 2)``.
* **Points** (Antonov & Saleev 1979, Gray-code order): point ``k`` is
  ``e XOR  XOR_{c : bit c of g(k) = 1} v_c`` with ``g(k) = k XOR (k >> 1)``, divided by
  ``2^B``.

``tests/index/test_sensitivity.py`` checks the points against ``scipy.stats.qmc.Sobol``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["BITS", "MAX_DIMENSIONS", "scrambled_sobol"]

#: Bits per coordinate (scipy's default for ``qmc.Sobol``).
BITS = 30

#: Joe & Kuo (2008) ``new-joe-kuo-6.21201``, dimensions 1-10: the primitive polynomial as one
#: integer ``2 a + 2^s + 1`` (``s`` its degree, ``a`` its inner coefficients) and the initial
#: direction numbers ``m_1..m_s``. Dimension 1 (van der Corput) has ``p = 1`` and ``m = 1``.
_DIRECTIONS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (1, (1,)),
    (3, (1,)),
    (7, (1, 3)),
    (11, (1, 3, 1)),
    (13, (1, 1, 1)),
    (19, (1, 1, 3, 3)),
    (25, (1, 3, 5, 13)),
    (37, (1, 1, 5, 5, 17)),
    (41, (1, 1, 5, 5, 5)),
    (47, (1, 1, 7, 11, 19)),
)

#: Dimensions available (twice the number of factors of a Saltelli design).
MAX_DIMENSIONS = len(_DIRECTIONS)


def _direction_numbers(d: int) -> NDArray[np.uint64]:
    """``v[i, j]``: the ``j``-th direction number of dimension ``i``, shifted to ``BITS`` bits."""
    v = np.zeros((d, BITS), dtype=np.uint64)
    v[0, :] = 1
    for i in range(1, d):
        poly, initial = _DIRECTIONS[i]
        s = poly.bit_length() - 1
        row = [*initial] + [0] * (BITS - s)
        for j in range(s, BITS):
            value = row[j - s]
            for k in range(1, s + 1):
                if (poly >> (s - k)) & 1:
                    value ^= row[j - k] << k
            row[j] = value
        v[i, :] = row
    return v << np.arange(BITS - 1, -1, -1, dtype=np.uint64)


def _scramble(v: NDArray[np.uint64], rng: np.random.Generator
              ) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """Digital shift and linearly scrambled direction numbers (see the module docstring)."""
    d = v.shape[0]
    powers = np.uint64(1) << np.arange(BITS, dtype=np.uint64)
    shift_bits = rng.integers(0, 2, size=(d, BITS), dtype=np.uint32)
    shift = (shift_bits.astype(np.uint64) * powers).sum(axis=1)
    lower = np.tril(rng.integers(0, 2, size=(d, BITS, BITS), dtype=np.uint32)).astype(np.int64)
    lower[:, np.arange(BITS), np.arange(BITS)] = 1
    # Row p of L gives output bit B-1-p; its column k multiplies input bit B-1-k.
    v_bits = ((v[:, :, None] >> np.arange(BITS - 1, -1, -1, dtype=np.uint64)) & 1).astype(np.int64)
    out_bits = np.einsum("dpk,djk->djp", lower, v_bits) % 2  # (d, j, p) over GF(2)
    weights = np.uint64(1) << np.arange(BITS - 1, -1, -1, dtype=np.uint64)
    scrambled = (out_bits.astype(np.uint64) * weights).sum(axis=2)
    return shift, scrambled


def scrambled_sobol(d: int, n: int, seed: int) -> NDArray[np.float64]:
    """The first ``n`` points ``(n, d)`` of the scrambled Sobol' sequence in ``[0, 1)^d``.

    Same numbers as ``scipy.stats.qmc.Sobol(d, scramble=True, seed=seed).random(n)``
    (formulas and references: module docstring). ``d`` is at most :data:`MAX_DIMENSIONS`.
    """
    if not 1 <= d <= MAX_DIMENSIONS:
        raise ValueError(f"scrambled_sobol supports 1..{MAX_DIMENSIONS} dimensions, got {d}")
    shift, v = _scramble(_direction_numbers(d), np.random.default_rng(seed))
    k = np.arange(n, dtype=np.uint64)
    gray = k ^ (k >> np.uint64(1))
    points = np.broadcast_to(shift, (n, d)).copy()
    for c in range(BITS):
        on = ((gray >> np.uint64(c)) & np.uint64(1)).astype(bool)
        points[on] ^= v[:, c]
    return points.astype(np.float64) / float(1 << BITS)

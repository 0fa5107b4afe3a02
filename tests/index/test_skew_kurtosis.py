"""The numpy skewness/kurtosis equal scipy.stats' bias-corrected ones (e1071 type 2, COINr)."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.index.outlier_treatment import kurtosis, skew_kurtosis, skewness

stats = pytest.importorskip("scipy.stats")


def test_vectorised_moments_equal_scipy_on_random_data() -> None:
    rng = np.random.default_rng(3)
    x = np.exp(rng.normal(size=(50, 37)))  # skewed columns
    x[rng.random(x.shape) < 0.1] = np.nan
    skew, kurt = skew_kurtosis(x, axis=0)
    for j in range(x.shape[1]):
        column = x[~np.isnan(x[:, j]), j]
        assert skew[j] == pytest.approx(stats.skew(column, bias=False), rel=1e-12, abs=1e-12)
        assert kurt[j] == pytest.approx(stats.kurtosis(column, bias=False), rel=1e-12, abs=1e-12)
        assert skewness(x[:, j]) == pytest.approx(skew[j], rel=1e-14)
        assert kurtosis(x[:, j]) == pytest.approx(kurt[j], rel=1e-14)


def test_hand_computed_values_and_edge_cases() -> None:
    # x = 1, 2, 3, 10: mean 4, m2 = 12.5, m3 = 45 -> g1 = 45 / 12.5**1.5,
    # G1 = g1 * sqrt(12) / 2; m4 = (81 + 16 + 1 + 1296) / 4.
    x = np.array([1.0, 2.0, 3.0, 10.0])
    m2, m3, m4 = 50 / 4, 180 / 4, 1394 / 4
    g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
    assert skewness(x) == pytest.approx(g1 * np.sqrt(12) / 2, rel=1e-14)
    assert kurtosis(x) == pytest.approx(((5 * g2) + 6) * 3 / 2, rel=1e-14)
    assert np.isnan(skewness(np.array([1.0, 2.0])))
    assert np.isnan(kurtosis(np.array([1.0, 2.0, np.nan, 5.0])))
    assert skewness(np.full(6, 0.1)) == 0.0
    assert kurtosis(np.full(6, 0.1)) == 0.0

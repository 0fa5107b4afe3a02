"""A subgroup level's estimates and SEs have the same bits whether it is estimated alone (a
block of one level) or in a block with other levels: every sum over PSUs runs along that
level's own contiguous row (linearisation.psu_sum, design_variance).

(Same per-PSU sums in, same bits out. A different ``--by`` list changes the per-PSU sums
themselves, which the one pass adds up per finest cell first, so ``--by region`` and ``--by
region,sex`` agree on region to rounding only.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import synthetic_survey
from humsec.deprivation import SurveyDesign, bundled_spec, estimate
from humsec.deprivation.linearisation import PSUDesign, design_variance, psu_sum, ratio_scores
from humsec.deprivation.sufficient_statistics import SufficientStatistics

COLUMNS = ["value", "se", "ci_low", "ci_high"]


def _blocks_of(monkeypatch: pytest.MonkeyPatch, levels: int, n_psu: int, sums: int) -> None:
    # domain_blocks holds at most max_cells = PSUs x levels x sums numbers per block
    monkeypatch.setattr(SufficientStatistics.domain_blocks, "__defaults__",
                        (n_psu * sums * levels,))  # fmt: skip


def _same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for column in COLUMNS:  # == with NaN in the same places, not allclose
        x, y = a[column].to_numpy(), b[column].to_numpy()
        assert np.array_equal(x, y, equal_nan=True), column


@pytest.mark.parametrize("lonely", ["adjust", "average"])
def test_levels_alone_or_in_blocks_have_the_same_bits(
    monkeypatch: pytest.MonkeyPatch, lonely: str
) -> None:
    data = synthetic_survey(200, seed=3)
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu=lonely)
    spec = bundled_spec("global_mpi")
    n_psu = data[["stratum", "psu"]].drop_duplicates().shape[0]
    by = ["hh_id", "region"]
    whole = estimate(data, spec, design, by=by).table  # every level in one block
    assert len(whole) == (1 + 200 + data["region"].nunique()) * 44
    for width in (1, 2, 3, 7):
        _blocks_of(monkeypatch, width, n_psu, 24)  # 23 sums and the row count
        _same_bits(whole, estimate(data, spec, design, by=by).table)
        monkeypatch.undo()


def test_a_column_is_summed_and_its_variance_computed_the_same_alone_or_in_a_block() -> None:
    # 1,000 PSUs in 40 strata: each column's PSU sum and design variance are the same bits
    # as the same column in a (P, 1) array, whatever the block's width (before the
    # transposed layout, widths 1, 2 and 3 summed in different orders).
    rng = np.random.default_rng(11)
    n_psu, width = 1_000, 9
    stratum = np.sort(rng.integers(0, 40, n_psu))
    design = PSUDesign(stratum=stratum, stratum_labels=np.arange(40), lonely_psu="adjust")
    num = rng.random((n_psu, width)) * 10 ** rng.uniform(-3, 3, (n_psu, width))
    den = rng.random((n_psu, width)) + 0.5
    total = psu_sum(num)
    theta, z = ratio_scores(num, den)
    var = design_variance(z, design)
    for j in range(width):
        for lo in (j, max(0, j - 1)):
            part = slice(lo, j + 1)
            assert psu_sum(num[:, part])[-1] == total[j]
            t1, z1 = ratio_scores(num[:, part], den[:, part])
            assert t1[-1] == theta[j]
            assert design_variance(z1, design)[-1] == var[j]
    # the fixed order is still a sum: equal to math.fsum to rounding
    import math

    assert total[0] == pytest.approx(math.fsum(num[:, 0]), rel=1e-14)

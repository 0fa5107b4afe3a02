"""The cost model of a --by breakdown: PSUs x levels x sums, refused up front when absurd."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec import workload
from humsec.data import synthetic_survey
from humsec.deprivation import SurveyDesign, bundled_spec, estimate
from humsec.errors import WorkloadError
from humsec.workload import check_breakdown


def test_the_cost_model_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,000 PSUs x 9,001 groups x 23 sums = 2.07e8 cells at 3e6 a second = 69.0 s (1.15
    # minutes); the table holds 9,001 x 44 rows x 150 bytes = 59.4 MB beside the 512 MB of
    # streamed blocks.
    args = {"units": 1000, "groups": 9001, "values": 23, "table_rows": 9001 * 44,
            "location": "by", "fix": "use fewer levels"}
    check_breakdown("9,000 levels", **args)  # reasonable on these limits: no error
    monkeypatch.setattr(workload, "MAX_SECONDS", 60.0)
    with pytest.raises(WorkloadError, match=r"9,000 levels would need about 571\.4 MB of "
                       r"memory and 1\.2 minutes \(limits 16\.0 GB, 1\.0 minutes\)") as info:
        check_breakdown("9,000 levels", **args)
    assert info.value.location == "by" and info.value.hint == "use fewer levels"


def test_an_id_column_as_subgroup_is_refused_before_the_estimation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = synthetic_survey(200, seed=3)
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu="adjust")
    spec = bundled_spec("global_mpi")
    n_psu = data[["stratum", "psu"]].drop_duplicates().shape[0]
    levels = data["person_id"].nunique()
    # the estimate of the cost, with these data's PSUs and levels and 23 sums (10 indicators)
    seconds = n_psu * (levels + 1) * 23 / 3e6
    monkeypatch.setattr(workload, "MAX_SECONDS", seconds / 2)

    def no_estimation(*args: object, **kwargs: object) -> None:
        raise AssertionError("estimated before the cost check")

    monkeypatch.setattr("humsec.deprivation.alkire_foster.af_measures", no_estimation)
    with pytest.raises(WorkloadError, match=rf"{levels:,} subgroup levels \('person_id' "
                       rf"{levels:,}\) over {n_psu:,} PSUs") as info:
        estimate(data, spec, design, by=["person_id"])
    assert info.value.location == "by" and "coarser" in str(info.value.hint)
    monkeypatch.undo()
    monkeypatch.setattr(workload, "MAX_SECONDS", seconds / 2)
    result = estimate(data, spec, design, by=["region"])  # a few levels: runs
    assert set(result.table["subgroup"]) == {"total", "region"}


def test_streaming_the_levels_in_blocks_gives_the_same_estimates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # domain_blocks streams the levels of a subgroup in blocks of at most max_cells numbers;
    # with blocks of 3 levels (PSUs x 23 sums x 3 cells) the 200-household table equals the
    # one from a single block, bit for bit: every sum over PSUs runs along each level's own
    # contiguous row (linearisation.psu_sum), whatever the block's width.
    from humsec.deprivation.sufficient_statistics import SufficientStatistics

    data = synthetic_survey(200, seed=3)
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu="adjust")
    spec = bundled_spec("global_mpi")
    whole = estimate(data, spec, design, by=["hh_id", "region"]).table
    n_psu = data[["stratum", "psu"]].drop_duplicates().shape[0]
    monkeypatch.setattr(SufficientStatistics.domain_blocks, "__defaults__", (n_psu * 23 * 3,))
    blocks = estimate(data, spec, design, by=["hh_id", "region"]).table
    assert len(whole) == (1 + 200 + data["region"].nunique()) * 44
    pd.testing.assert_frame_equal(whole, blocks, check_exact=True)


# Change over time streams its levels in blocks: tests/deprivation/test_breakdown_limits.py

"""Absurd sizes are refused up front with the estimate and what to change."""

from __future__ import annotations

import pytest

from humsec.data import synthetic_survey
from humsec.errors import WorkloadError
from humsec.workload import MAX_MEMORY_BYTES, check_workload


def test_estimate_formula() -> None:
    check_workload("small", MAX_MEMORY_BYTES / 8, location="x", fix="-", cells_per_second=1e12)
    with pytest.raises(WorkloadError, match=r"about 16\.0 GB of memory and 1\.0 hours"):
        check_workload("too big", 2e9 + 1, location="x", fix="-", cells_per_second=2e9 / 3600)
    with pytest.raises(WorkloadError, match=r"1\.0 days"):  # slow but small: time alone
        check_workload("slow", 8.64e4, location="x", fix="-", cells_per_second=1.0)


def test_a_hundred_million_households_are_refused_before_any_work() -> None:
    with pytest.raises(WorkloadError, match="100,000,000 households would need about 378") as e:
        synthetic_survey(100_000_000, seed=1)
    assert e.value.location == "n_households" and "fewer households" in str(e.value.hint)

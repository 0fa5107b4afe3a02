"""A level's estimates do not depend on the other breakdowns asked for in the same call.

DuckDB and Polars lazy scans sum every product as a 64-bit integer of a fixed unit; the per
PSU x level totals are added from the finest cells in integers too, and only then made floats,
so ``--by region`` and ``--by region,sex`` (and the national rows of any ``--by``) give the
same bits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from humsec.data import scan_microdata
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate

SPEC = DeprivationSpec(
    indicators={"a": 0.25, "b": 0.25, "c": {"weight": 0.5, "cutoff": "< 6"}}, k=[0.3, 0.5]
)
ONE_K = SPEC.with_k(0.3)  # one cutoff: poverty status is a group key (another pass)
DESIGN = SurveyDesign(weight="w", strata="st", psu="psu")
COLUMNS = ["k", "measure", "indicator", "level", "value", "se", "ci_low", "ci_high"]


def _survey(n: int = 30_000) -> pa.Table:
    rng = np.random.default_rng(8)
    psu = rng.integers(0, 24, n)
    # Few PSUs and even weights: each PSU's integer sums pass 2^53, where a float holds them
    # only to rounding, so adding rounded finer cells in floats would change the last bits.
    weight = rng.uniform(50.0, 80.0, n)
    return pa.table({
        "a": (rng.random(n) < 0.3).astype(np.int8),
        "b": (rng.random(n) < 0.5).astype(np.int8),
        "c": rng.integers(0, 12, n).astype(np.int16),
        "st": (psu // 3).astype(np.int32),
        "psu": psu.astype(np.int32),
        "w": weight,
        "region": (psu % 7).astype(np.int8),
        "sex": rng.integers(1, 3, n).astype(np.int8),
        "age": rng.integers(0, 5, n).astype(np.int8),
    })  # fmt: skip


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("breakdown") / "survey.parquet"
    pq.write_table(_survey(), path, row_group_size=3_000)
    return path


def _rows(table: pd.DataFrame, subgroup: str) -> pd.DataFrame:
    return table[table["subgroup"] == subgroup][COLUMNS].reset_index(drop=True)


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize("spec", [SPEC, ONE_K], ids=["two_k", "one_k"])
def test_region_rows_are_the_same_bits_with_other_breakdowns(
    survey: Path, engine: str, spec: DeprivationSpec
) -> None:
    def run(by: list[str]) -> pd.DataFrame:
        return estimate(scan_microdata(survey, engine), spec, DESIGN, by=by).table

    national = run([])
    alone = run(["region"])
    assert len(_rows(alone, "region")) > 0
    for by in (["region", "sex"], ["sex", "region", "age"]):
        other = run(by)
        pd.testing.assert_frame_equal(_rows(other, "region"), _rows(alone, "region"),
                                      check_exact=True)  # fmt: skip
        pd.testing.assert_frame_equal(_rows(other, "total"), _rows(national, "total"),
                                      check_exact=True)  # fmt: skip
    pd.testing.assert_frame_equal(_rows(alone, "total"), _rows(national, "total"),
                                  check_exact=True)  # fmt: skip
    # Exact equality, not closeness: the same numbers to the last bit.
    both = run(["region", "sex"])
    assert (_rows(both, "region")["se"].to_numpy() == _rows(alone, "region")["se"].to_numpy()).all()

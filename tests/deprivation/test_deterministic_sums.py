"""A lazy DuckDB scan gives the same bytes on every run and thread count (issue 13).

DuckDB reads a Parquet file on several threads and merges their partial sums in whatever
order the threads finish; float sums then differ in the last digit from run to run. The
products are summed as 64-bit integers of a fixed unit instead (exact, in any order).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from humsec.data import scan_microdata
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate

SPEC = DeprivationSpec(
    indicators={"a": 0.25, "b": 0.25, "c": {"weight": 0.5, "cutoff": "< 6"}}, k=0.3
)
DESIGN = SurveyDesign(weight="w", strata="st", psu="psu")


def _survey(n: int = 120_000, missing: bool = False) -> pa.Table:
    rng = np.random.default_rng(13)
    psu = rng.integers(0, 300, n)
    weight = rng.lognormal(4.0, 1.0, n)
    weight[(rng.random(n) < 0.01) & missing] = np.nan  # NaN: left out of pyarrow's statistics
    a = pa.array((rng.random(n) < 0.3).astype(np.int8), mask=(rng.random(n) < 0.01) & missing)
    return pa.table({
        "a": a,
        "b": (rng.random(n) < 0.5).astype(np.int8),
        "c": rng.integers(0, 12, n).astype(np.int16),
        "st": (psu // 10).astype(np.int32),
        "psu": psu.astype(np.int32),
        "w": weight,
        "region": (psu % 7).astype(np.int8),
    })  # fmt: skip


def _table(path: Path, threads: int) -> pd.DataFrame:
    frame = scan_microdata(path, "duckdb", threads=threads)
    return estimate(frame, SPEC, DESIGN, by=["region"]).table


def _digest(table: pd.DataFrame) -> str:
    return hashlib.sha256(table.to_csv(float_format="%.17g").encode()).hexdigest()


def test_same_bytes_on_any_thread_count(tmp_path: Path) -> None:
    path = tmp_path / "survey.parquet"
    pq.write_table(_survey(), path, row_group_size=4_000)  # 30 row groups: a parallel scan
    digests = {_digest(_table(path, threads)) for threads in (1, 4, 4, 3, 2)}
    assert len(digests) == 1


def test_integer_sums_equal_the_in_memory_float_sums(tmp_path: Path) -> None:
    # With missing values too (NaN weights and null indicator values, dropped listwise).
    data = _survey(40_000, missing=True)
    path = tmp_path / "survey.parquet"
    pq.write_table(data, path, row_group_size=5_000)
    lazy = [_table(path, threads) for threads in (1, 3)]
    in_memory = estimate(data.to_pandas(), SPEC, DESIGN, by=["region"]).table
    assert _digest(lazy[0]) == _digest(lazy[1])
    assert lazy[0][["subgroup", "level", "measure"]].equals(in_memory[["subgroup", "level",
                                                                     "measure"]])  # fmt: skip
    for column in ("value", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(lazy[0][column], in_memory[column], rtol=1e-13, atol=1e-15)


def test_nan_in_a_pyarrow_parquet_file_is_missing_on_duckdb(tmp_path: Path) -> None:
    # pyarrow leaves NaN out of the column statistics, from which DuckDB answers min/max and
    # folds isnan(); the NaN weights must still be counted and their rows dropped, as pandas.
    data = _survey(20_000, missing=True)
    path = tmp_path / "survey.parquet"
    pq.write_table(data, path)
    lazy = estimate(scan_microdata(path, "duckdb"), SPEC, DESIGN)
    in_memory = estimate(data.to_pandas(), SPEC, DESIGN)
    assert lazy.missing == in_memory.missing
    assert lazy.missing["w"] == int(np.isnan(data["w"].to_numpy()).sum()) > 100
    assert lazy.dropped == in_memory.dropped
    assert (
        lazy.value("M0") == in_memory.value("M0")
        or abs(lazy.value("M0") - in_memory.value("M0")) < 1e-15
    )


_POLARS_SCAN = """
import hashlib, sys
import polars as pl
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
spec = DeprivationSpec(indicators={"a": 0.25, "b": 0.25, "c": {"weight": 0.5, "cutoff": "< 6"}},
                       k=0.3)
frame = pl.scan_csv(sys.argv[1]) if sys.argv[1].endswith(".csv") else pl.scan_parquet(sys.argv[1])
table = estimate(frame, spec, SurveyDesign(weight="w", strata="st", psu="psu"),
                 by=["region"]).table
print(hashlib.sha256(table.to_csv(float_format="%.17g").encode()).hexdigest())
"""


def test_polars_lazy_scans_give_the_same_bytes_on_one_and_two_threads(tmp_path: Path) -> None:
    # Polars' thread pool is fixed at import: each thread count needs a fresh process.
    data = _survey(60_000)
    csv = tmp_path / "survey.csv"
    data.to_pandas().to_csv(csv, index=False)
    digests = set()
    for threads in ("1", "2"):
        env = {**os.environ, "POLARS_MAX_THREADS": threads}
        out = subprocess.run([sys.executable, "-c", _POLARS_SCAN, str(csv)], env=env,
                             capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
        digests.add(out.stdout.strip())
    assert len(digests) == 1
    lazy = estimate(pl.scan_csv(csv), SPEC, DESIGN, by=["region"]).table
    in_memory = estimate(data.to_pandas(), SPEC, DESIGN, by=["region"]).table
    np.testing.assert_allclose(lazy["se"], in_memory["se"], rtol=1e-13, atol=1e-15)

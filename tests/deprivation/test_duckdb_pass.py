"""The DuckDB pass (issue 13): it runs before pandas and pyarrow are imported, gives back its
workers' memory, and values its Parquet statistics hid (NaN, infinity) are still found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from humsec.data import scan_microdata
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
from humsec.deprivation.sufficient_statistics import _duckdb_frame, release_worker_memory
from humsec.errors import ColumnError

SPEC = DeprivationSpec(indicators={"a": 0.5, "x": {"weight": 0.5, "cutoff": "< 6"}}, k=0.5)
DESIGN = SurveyDesign(weight="w", strata="st", psu="psu")


def _survey(n: int = 4_000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    psu = rng.integers(0, 40, n).astype(np.int32)
    return pd.DataFrame({
        "a": (rng.random(n) < 0.4).astype(np.int8),
        "x": rng.uniform(0, 12, n),
        "st": psu // 10,  # 4 strata of 10 PSUs
        "psu": psu,
        "w": rng.uniform(1, 3, n),
        "region": rng.integers(0, 3, n).astype(np.int8),
    })  # fmt: skip


_PROBE = """
import sys
import humsec.deprivation.sufficient_statistics as ss
from humsec.data import scan_microdata
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
seen = []
release = ss.release_worker_memory
def probe(relation):
    seen.append(sorted(m for m in ("pandas", "pyarrow", "polars") if m in sys.modules))
    release(relation)
ss.release_worker_memory = probe
spec = DeprivationSpec(indicators={"a": 0.5, "x": {"weight": 0.5, "cutoff": "< 6"}}, k=0.5)
result = estimate(scan_microdata(sys.argv[1]), spec,
                  SurveyDesign(weight="w", strata="st", psu="psu"), by=["region"])
print(seen, round(result.value("M0"), 12))
"""


def test_the_pass_runs_before_pandas_and_pyarrow_are_imported(tmp_path: Path) -> None:
    # Pandas with pyarrow is ~100 MB: imported after the pass (and after DuckDB's workers gave
    # their memory back), it no longer adds to the pass's peak memory.
    path = tmp_path / "survey.parquet"
    data = _survey()
    data.to_parquet(path)
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    assert out[0] == "[[]]"  # one release, after the one pass, with none of them loaded
    expected = estimate(data, SPEC, DESIGN, by=["region"]).value("M0")
    assert float(out[1]) == pytest.approx(expected, abs=1e-12)


def test_release_keeps_the_thread_setting() -> None:
    con = duckdb.connect()
    con.execute("SET threads = 3")
    relation = con.sql("SELECT 1 AS one")
    release_worker_memory(relation)
    assert con.sql("SELECT current_setting('threads')").fetchall() == [(3,)]


def test_fetched_sums_convert_as_duckdbs_arrow_export() -> None:
    # The NumPy route must give the very frame narwhals' Arrow route gave (dtypes, nulls).
    con = duckdb.connect()
    relation = con.sql(
        "SELECT * FROM (VALUES (1::INTEGER, 2::TINYINT, true, 'a', 1.5::DOUBLE, 3::BIGINT),"
        " (NULL, 5::TINYINT, NULL, NULL, 2.5, 4), (7, NULL, false, 'c', NULL, 5))"
        " t(i, b, flag, s, d, n)"
    )
    expected = nw.from_native(relation).lazy().collect().to_pandas()
    pd.testing.assert_frame_equal(_duckdb_frame(relation), expected)
    assert str(expected["i"].dtype) == "float64" and expected["flag"].dtype == object


def _pyarrow_file(tmp_path: Path, data: pd.DataFrame) -> Path:
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.Table.from_pandas(data, preserve_index=False), path)
    return path


def test_a_nan_the_statistics_hide_is_missing(tmp_path: Path) -> None:
    # pyarrow leaves NaN out of the column statistics: the pass finds the NaN cutoff values
    # and weights, and the estimate is the one pandas gives with those rows dropped.
    data = _survey()
    data.loc[[3, 10, 11], "x"] = np.nan
    data.loc[[20], "w"] = np.nan
    lazy = estimate(scan_microdata(_pyarrow_file(tmp_path, data)), SPEC, DESIGN)
    in_memory = estimate(data, SPEC, DESIGN)
    assert lazy.missing == in_memory.missing == {"a": 0, "x": 3, "w": 1, "st": 0, "psu": 0}
    assert lazy.dropped == 4
    assert lazy.value("M0") == pytest.approx(in_memory.value("M0"), abs=1e-15)


def test_an_infinite_weight_is_an_error_on_a_parquet_scan(tmp_path: Path) -> None:
    data = _survey()
    data.loc[5, "w"] = np.inf
    with pytest.raises(ColumnError, match="infinite") as info:
        estimate(scan_microdata(_pyarrow_file(tmp_path, data)), SPEC, DESIGN)
    assert "'w'" in str(info.value)

"""Every backend gives the same numbers (to 1e-12): pandas, Polars (eager, lazy, file scan),
DuckDB (relation, Parquet/CSV scan) and Dask on a dask.distributed LocalCluster."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

from humsec.data import scan_microdata, synthetic_survey
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
from humsec.deprivation.backends import backend_name
from humsec.errors import DataError

SPEC = DeprivationSpec(
    indicators=[
        {"name": "d_nutr", "dimension": "health"},
        {"name": "d_cm", "dimension": "health"},
        {"name": "d_satt", "dimension": "education"},
        {"name": "d_educ", "dimension": "education"},
        {"name": "d_elct", "dimension": "living"},
        {"name": "d_wtr", "dimension": "living"},
        {"name": "f_violence", "dimension": "fear", "pillar": "fear"},
    ],
    k=[0.2, 1 / 3],
)
DESIGN = SurveyDesign(weight="weight", strata="stratum", psu="psu")
BY = ["region", "sex"]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return synthetic_survey(1_500, seed=11, missing_share=0.02)


@pytest.fixture(scope="module")
def reference(survey: pd.DataFrame) -> pd.DataFrame:
    return estimate(survey, SPEC, DESIGN, by=BY).table


def _same(table: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert list(table["measure"]) == list(reference["measure"])
    assert list(table["level"]) == list(reference["level"])
    for col in ("value", "se", "ci_low", "ci_high"):
        diff = np.nanmax(np.abs(table[col].to_numpy() - reference[col].to_numpy()))
        assert diff < 1e-12, col


def test_polars_eager_and_lazy(survey: pd.DataFrame, reference: pd.DataFrame) -> None:
    frame = pl.from_pandas(survey)
    _same(estimate(frame, SPEC, DESIGN, by=BY).table, reference)
    result = estimate(frame.lazy(), SPEC, DESIGN, by=BY)
    _same(result.table, reference)
    assert result.backend == "polars"


def test_duckdb_relation(survey: pd.DataFrame, reference: pd.DataFrame) -> None:
    con = duckdb.connect()
    relation = con.from_df(survey)
    result = estimate(relation, SPEC, DESIGN, by=BY)
    _same(result.table, reference)
    assert result.backend == "duckdb"


@pytest.mark.parametrize("backend", ["polars", "duckdb", "pandas"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_file_scans(
    survey: pd.DataFrame, reference: pd.DataFrame, tmp_path: Path, backend: str, suffix: str
) -> None:
    path = tmp_path / f"survey{suffix}"
    if suffix == ".parquet":
        survey.to_parquet(path)
    else:
        survey.to_csv(path, index=False)
    native = scan_microdata(path, backend)  # type: ignore[arg-type]
    assert backend_name(native) == backend
    _same(estimate(native, SPEC, DESIGN, by=BY).table, reference)


def test_dask_on_local_cluster(survey: pd.DataFrame, reference: pd.DataFrame) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        frame = dd.from_pandas(survey, npartitions=3)
        result = estimate(frame, SPEC, DESIGN, by=BY)
    assert result.backend == "dask"
    _same(result.table, reference)


def test_scan_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        scan_microdata(tmp_path / "missing.parquet")
    bad = tmp_path / "x.xyz"
    bad.write_text("a")
    with pytest.raises(DataError, match="suffix"):
        scan_microdata(bad)
    with pytest.raises(DataError, match="cannot use data"):
        estimate([1, 2, 3], SPEC)


@pytest.mark.parametrize("backend", ["polars", "duckdb", "pandas"])
def test_csv_missing_markers_are_missing(tmp_path: Path, backend: str) -> None:
    # "." (Stata exports), "NA" and empty cells are missing values, dropped listwise and counted.
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,1\n.,1\nNA,0\n0,\n1,0\n0,0\n")
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.5}, k=0.5)
    result = estimate(scan_microdata(path, backend), spec)  # type: ignore[arg-type]
    assert result.dropped == 3 and result.missing == {"a": 2, "b": 1}
    assert result.value("H") == pytest.approx(2 / 3)


@pytest.mark.parametrize("backend", ["pandas", "polars", "duckdb"])
def test_input_checks_from_bounds_and_exact_counts(tmp_path: Path, backend: str) -> None:
    # Integers within [0, 1] pass on their bounds alone; an integer 2, a float 0.5 and a
    # negative weight are each counted row by row (the message names the count).
    from humsec.errors import ColumnError

    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.5})
    base = pd.DataFrame(
        {
            "a": np.array([0, 1, 1, 0], dtype=np.int8),
            "b": [0.0, 1.0, 1.0, None],
            "w": [1.0, 2.0, 1.0, 1.0],
        }
    )
    cases = [
        (base.assign(a=np.array([0, 2, 2, 1], dtype=np.int8)), "a: 2 row"),
        (base.assign(b=[0.0, 0.5, 1.0, None]), "b: 1 row"),
        (base.assign(w=[1.0, -2.0, -1.0, 1.0]), "2 row(s) have a negative"),
    ]
    ok = base.to_parquet(tmp_path / "ok.parquet")
    assert ok is None
    result = estimate(scan_microdata(tmp_path / "ok.parquet", backend), spec,  # type: ignore[arg-type]
                      SurveyDesign(weight="w"))  # fmt: skip
    assert result.dropped == 1 and result.missing["b"] == 1
    assert result.value("hd", indicator="a") == pytest.approx(3 / 4)
    for i, (frame, message) in enumerate(cases):
        path = tmp_path / f"bad{i}.parquet"
        frame.to_parquet(path)
        with pytest.raises(ColumnError, match=message.replace("(", r"\(").replace(")", r"\)")):
            estimate(scan_microdata(path, backend), spec,  # type: ignore[arg-type]
                     SurveyDesign(weight="w"))  # fmt: skip


def test_default_engine_is_duckdb_for_parquet_and_polars_for_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [0, 1], "b": [1, 1]})
    frame.to_parquet(tmp_path / "x.parquet")
    frame.to_csv(tmp_path / "x.csv", index=False)
    assert backend_name(scan_microdata(tmp_path / "x.parquet")) == "duckdb"
    assert backend_name(scan_microdata(tmp_path / "x.csv")) == "polars"


@pytest.mark.parametrize("backend", ["pandas", "polars", "duckdb", "dask"])
def test_single_cutoff_poverty_key_path_equals_product_path(
    survey: pd.DataFrame, reference: pd.DataFrame, backend: str
) -> None:
    # With one k the engine groups by poverty status (fewer sums); with two k it sums the
    # products poor * s * g. The k = 1/3 rows must agree, missing values included.
    if backend == "dask":
        dd = pytest.importorskip("dask.dataframe")
        data: object = dd.from_pandas(survey, npartitions=3)
    elif backend == "polars":
        data = pl.from_pandas(survey).lazy()
    elif backend == "duckdb":
        data = duckdb.connect().from_df(survey)
    else:
        data = survey
    single = estimate(data, SPEC.with_k(1 / 3), DESIGN, by=BY)
    both = reference[np.isclose(reference["k"], 1 / 3)].reset_index(drop=True)
    _same(single.table, both)
    assert single.dropped == estimate(survey, SPEC, DESIGN, by=BY).dropped > 0


def test_the_engine_reads_no_files() -> None:
    # Files are the data layer's job (humsec.data.scan_microdata): the engine receives a frame,
    # relation or lazy frame. Before, humsec.deprivation.backends opened Parquet/CSV itself.
    import humsec.deprivation

    package = Path(humsec.deprivation.__file__).parent
    readers = ("read_parquet", "read_csv", "scan_parquet", "scan_csv", "read_table",
               "read_excel", "pyreadstat", "duckdb.connect", "open(")  # fmt: skip
    offenders = [
        f"{path.name}: {name}"
        for path in sorted(package.glob("*.py"))
        for name in readers
        if name in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
    assert not hasattr(humsec.deprivation, "scan_microdata")


def test_a_lazy_scan_of_a_bad_file_is_a_data_error(tmp_path: Path) -> None:
    # A scan the user opened without humsec.data.scan_microdata (which runs check_table) fails
    # only when the engine first reads it: a DataError naming the engine, not a NarwhalsError.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="polars engine cannot read the data"):
        estimate(pl.scan_csv(empty), SPEC)

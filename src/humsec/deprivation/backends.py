"""Where the data lives: pandas, Polars, DuckDB or Dask, all behind narwhals.

The deprivation estimators only need per (stratum, PSU, subgroup) weighted sums (see
:mod:`humsec.deprivation.sufficient_statistics`). Those sums are computed by whichever engine
holds the data, so a 10-million-row Parquet file never has to be loaded into pandas: pandas and
Polars frames in memory, Polars lazy frames (streaming), DuckDB relations (out of core) and
Dask DataFrames (e.g. on a ``dask.distributed`` cluster; optional extra ``humsec[dask]``).
Files are opened by the data layer (:func:`humsec.data.scan_microdata`), never here.

Every backend gives the same numbers (up to floating-point summation order, ~1e-15 relative;
DuckDB and Polars lazy scans sum in fixed-point integers, exact in any order and grouping).
"""

from __future__ import annotations

import warnings
from typing import Any

import narwhals as nw

from humsec.errors import DataError

__all__ = ["as_lazy", "backend_name"]


def as_lazy(data: Any) -> nw.LazyFrame[Any]:
    """Wrap a native frame (pandas, Polars eager or lazy, DuckDB relation, Dask) as a narwhals
    LazyFrame."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # narwhals' notice about narwhals-dask
        try:
            frame = nw.from_native(data)
        except TypeError as exc:
            raise DataError(
                f"cannot use data of type {type(data).__name__} as microdata",
                location="data",
                hint="pass a pandas, Polars, DuckDB or Dask frame; open files with "
                "humsec.data.scan_microdata",
            ) from exc
    if isinstance(frame, nw.DataFrame):
        return frame.lazy()
    if isinstance(frame, nw.LazyFrame):
        return frame
    raise DataError(
        "microdata must be a table, not a single column",
        location="data",
        hint="pass a DataFrame",
    )


def backend_name(data: Any) -> str:
    """The name of the engine that holds ``data`` (``pandas``, ``polars``, ``duckdb``, ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        frame = nw.from_native(data)
    return str(frame.implementation).lower()

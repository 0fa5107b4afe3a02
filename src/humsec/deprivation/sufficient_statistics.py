"""One pass over the microdata to per (stratum, PSU, subgroup) weighted sums.

Every Alkire-Foster estimator and its linearised variance is a function of weighted totals
(METHODS.md, "Sufficient statistics"): for the total and each subgroup level, and for each PSU,
the sums of ``s``, ``s*poor_k``, ``s*c_i(k)``, ``s*g_j`` and ``s*g_j*poor_k``. This module
builds those row-level products as narwhals expressions and lets the engine that holds the data
(pandas, Polars, DuckDB, Dask) sum them in a single ``group_by``. Missing values, non-binary
deprivations and negative weights are found by one global aggregate of counts, minima and
maxima (DuckDB answers it from Parquet row-group statistics without reading the data), with
exact per-row counts only where the bounds leave doubt; they are not carried through the
per-PSU sums.

Rows are grouped by (stratum, PSU, every subgroup variable): the finest cross-classification,
plus completeness only when some row has a missing value. Marginal subgroups are summed from
it afterwards in numpy. The pass is written for the data at hand (:class:`OnePass`): the
score tests for nulls only in indicators that have missing values, 0/1 columns are used as
stored, and with one cutoff the poverty status is a boolean key.

On DuckDB, whose Parquet scans run on several threads that merge partial sums in any order,
and on Polars lazy scans (its streaming engine does the same), every product is summed as a
64-bit integer in units of 2^-E, with E from the largest weight and the row count so that no
sum can reach 2^62: integer sums are exact, so the same data give the same bytes on any number
of threads. The price is the rounding of each term to 2^-E, i.e. to about rows * max|s| *
2^-62: at 10M rows a weight 8x below the largest is kept to ~2e-12 relative. The rounding
errors are independent, so group totals stay within ~1e-15 of float sums; standard errors,
which come from differences of PSU totals, agree with the in-memory float sums to ~1e-13 on
40k rows (tested) and lose a few more digits at 100M rows (still far below any printed digit).
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import narwhals as nw
import numpy as np

from humsec.categories import column_labels, resolve_categories
from humsec.deprivation.backends import as_lazy
from humsec.deprivation.linearisation import PSUDesign
from humsec.deprivation.spec import TOLERANCE, Cutoff, DeprivationSpec, Indicator, SurveyDesign
from humsec.errors import ColumnError, DataError, HumsecError, HumsecWarning, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SufficientStatistics", "sufficient_statistics"]

STRATUM = "_stratum"
PSU = "_psu"
COMPLETE = "_complete"
COUNT = "_n"


@dataclass
class SufficientStatistics:
    """Per (stratum, PSU, subgroup, complete) sums, and the counts found on the way.

    ``table`` has the key columns ``_stratum, _psu, _by0.., _complete``, the row count ``_n``
    and the weighted sums named in ``stats``. ``srs`` says that no PSU was given (each row is
    its own PSU). ``missing`` counts missing values per indicator / design column,
    ``nonbinary`` the values of 0/1 indicators that are neither 0 nor 1, ``negative_weights``
    rows with a negative weight. ``integers``: on the fixed-point passes (DuckDB, Polars lazy
    scans), the exact int64 sums of ``stats`` in units of 2^-``scale``, one row per table row:
    PSU x level cells are added from them in integers and only then made floats, so a level's
    totals, and so its estimates, are the same bits whichever other subgroup variables (or
    none) split the table's rows more finely.
    """

    table: pd.DataFrame
    stats: list[str]
    by: list[str]
    srs: bool
    backend: str
    missing: dict[str, int] = field(default_factory=dict)
    nonbinary: dict[str, int] = field(default_factory=dict)
    negative_weights: int = 0
    integers: np.ndarray | None = None
    scale: int | None = None

    @property
    def by_keys(self) -> list[str]:
        """Internal key column names of the subgroup variables."""
        return [f"_by{i}" for i in range(len(self.by))]

    @property
    def complete_table(self) -> pd.DataFrame:
        """The groups of complete rows (those the estimators use)."""
        cached = self.__dict__.get("_complete")
        if cached is None:
            cached = self.table[self.table[COMPLETE]]
            self.__dict__["_complete"] = cached
        return cached

    @property
    def n_rows(self) -> int:
        """Rows read."""
        return int(self.table[COUNT].sum())

    @property
    def n_dropped(self) -> int:
        """Rows dropped listwise because an indicator or design value is missing."""
        return int(self.table.loc[~self.table[COMPLETE], COUNT].sum())

    def validate(self, design: SurveyDesign) -> None:
        """Raise on non-binary deprivations, negative weights, PSUs in two strata, no rows."""
        bad = {k: v for k, v in self.nonbinary.items() if v}
        if bad:
            raise ColumnError(
                "deprivation indicators must be 0/1 (or missing); found other values: "
                + ", ".join(f"{k}: {v} row(s)" for k, v in bad.items()),
                location="indicator column(s) " + ", ".join(repr(k) for k in bad),
                hint="recode to 0/1, or give the indicator a cutoff in the spec "
                "(e.g. cutoff: '< 6')",
            )
        if self.negative_weights:
            raise ColumnError(
                f"{self.negative_weights} row(s) have a negative survey weight",
                location=f"data column '{design.weight}'",
                hint="sampling weights must be >= 0; check the weight variable",
            )
        table = self.complete_table
        if table.empty or float(table["s"].sum()) <= 0:
            raise DataError(
                f"no usable rows: {self.n_rows} read, {self.n_dropped} dropped for missing values",
                location="data",
                hint="check the missing values, or set missing: nondeprived in the spec",
            )
        if not self.srs and not design.nest and design.strata:
            per_psu = table.groupby(PSU, dropna=False)[STRATUM].nunique()
            multi = per_psu[per_psu > 1]
            if len(multi):
                raise DataError(
                    f"{len(multi)} PSU(s) appear in more than one stratum, e.g. PSU "
                    f"{multi.index[0]!r}",
                    location=f"data columns '{design.psu}', '{design.strata}'",
                    hint="PSUs must be nested in strata; if PSU ids are reused across strata "
                    "(e.g. numbered 1.. in every stratum or round) pass SurveyDesign(nest=True) "
                    "(CLI: --nest), as R's svydesign(nest=TRUE)",
                )

    def psu_design(
        self, lonely_psu: str, within: list[str] | None = None
    ) -> tuple[PSUDesign, np.ndarray]:
        """The PSU design and, for each row of ``complete_table``, its PSU index.

        ``within`` names key columns (e.g. the survey round) inside which strata and PSUs are
        distinct, as for independent survey rounds appended in one file.
        """
        import pandas as pd

        table = self.complete_table
        columns = [*(table[c] for c in (within or [])), table[STRATUM], table[PSU]]
        n_outer = len(columns) - 2
        # Sorted codes per column, then unique code rows: the same order as factorizing the
        # MultiIndex of the keys, at a fraction of the cost (no tuples built per row).
        factorized = [pd.factorize(col, sort=True) for col in columns]
        codes = np.column_stack([np.asarray(c, dtype=np.int64) for c, _ in factorized])
        sizes = [len(uniques) for _, uniques in factorized]
        psu_rows, psu_codes = _unique_rows(codes, sizes)
        strata_rows, stratum_codes = _unique_rows(psu_rows[:, : n_outer + 1], sizes[: n_outer + 1])
        stratum_labels = np.empty(len(strata_rows), dtype=object)
        for h, row in enumerate(strata_rows):  # H labels (tuples, as the MultiIndex gave)
            stratum_labels[h] = tuple(factorized[i][1][row[i]] for i in range(n_outer + 1))
        psu_codes = psu_codes.reshape(-1)
        stratum_codes = stratum_codes.reshape(-1)
        multiplicity = None
        if self.srs:
            # Each group of identical rows stands for as many PSUs as it has rows.
            multiplicity = np.bincount(
                psu_codes, weights=table[COUNT].to_numpy(dtype=np.float64), minlength=len(psu_rows)
            )
        design = PSUDesign(
            stratum=np.asarray(stratum_codes, dtype=np.int64),
            stratum_labels=np.asarray(stratum_labels),
            lonely_psu=lonely_psu,
            multiplicity=multiplicity,
        )
        return design, np.asarray(psu_codes, dtype=np.int64)

    def cross_totals(
        self, psu_index: np.ndarray, n_psu: int, variables: list[int], names: list[str]
    ) -> tuple[list[list[str]], np.ndarray]:
        """PSU x level(var 1) x level(var 2) ... totals of ``names``: (P, L1, L2, ..., S).

        Rows with a missing value in any of the variables are left out of every cell.
        """
        import pandas as pd

        table = self.complete_table
        values = self._values(names)
        keep = np.ones(len(table), dtype=bool)
        codes_list, labels_list = [], []
        for var in variables:
            key = table[f"_by{var}"]
            keep &= ~key.isna().to_numpy()
            codes, levels = pd.factorize(key, sort=True)
            codes_list.append(codes)
            labels_list.append([str(v) for v in levels])
        dims = (n_psu, *[len(lv) for lv in labels_list])
        cells = np.ravel_multi_index((psu_index[keep], *[c[keep] for c in codes_list]), dims)
        out = _cell_sums(cells, int(np.prod(dims)), values[keep])
        return labels_list, out.reshape((*dims, len(names)))

    def domain_totals(
        self, psu_index: np.ndarray, n_psu: int, variable: int | None, names: list[str]
    ) -> tuple[list[str], np.ndarray, int]:
        """PSU x level totals of the sums ``names``: array (P, L, len(names)).

        ``variable`` is the position of the subgroup variable in ``by`` (None: the total).
        Returns the level labels, the array and the number of complete rows whose level is
        missing (they count in the total but in no level).
        """
        blocks = list(self.domain_blocks(psu_index, n_psu, variable, names, max_cells=None))
        labels = [lab for block in blocks for lab in block[0]]
        arr = np.concatenate([block[1] for block in blocks], axis=1)
        return labels, arr, blocks[0][2]

    def domain_blocks(
        self,
        psu_index: np.ndarray,
        n_psu: int,
        variable: int | None,
        names: list[str],
        max_cells: int | None = 8_000_000,
    ) -> Iterator[tuple[list[str], np.ndarray, int]]:
        """Like :meth:`domain_totals`, in blocks of levels so that each (P, L_block, S) array
        holds at most ``max_cells`` numbers: a subgroup with many levels (e.g. hundreds of
        areas) never needs a dense P x L x S array in memory."""
        table = self.complete_table
        values = self._values(names)
        if variable is None:
            yield ["total"], _cell_sums(psu_index, n_psu, values)[:, None, :], 0
            return
        codes, labels, missing = self._codes(variable)
        n_missing = int(table.loc[missing, COUNT].sum())
        n_levels = len(labels)
        per_block = n_levels if max_cells is None else max(1, max_cells // (n_psu * len(names)))
        keep = ~missing
        if n_levels == 0:
            yield [], np.zeros((n_psu, 0, len(names))), n_missing
            return
        for start in range(0, n_levels, per_block):
            stop = min(start + per_block, n_levels)
            rows = keep & (codes >= start) & (codes < stop)
            width = stop - start
            cells = psu_index[rows] * width + (codes[rows] - start)
            out = _cell_sums(cells, n_psu * width, values[rows])
            yield labels[start:stop], out.reshape(n_psu, width, len(names)), n_missing

    def _codes(self, variable: int) -> tuple[np.ndarray, list[str], np.ndarray]:
        # Level codes of a subgroup variable over the complete groups (cached per variable).
        import pandas as pd

        cache = self.__dict__.setdefault("_code_cache", {})
        if variable not in cache:
            key = self.complete_table[f"_by{variable}"]
            missing = key.isna().to_numpy()
            codes, levels = pd.factorize(key, sort=True)
            cache[variable] = (np.asarray(codes), [str(v) for v in levels], missing)
        return cache[variable]

    def _values(self, names: list[str]) -> _Values:
        # The complete groups' sums as a matrix, cached: every domain reuses it. Fixed-point
        # sums stay int64 (with each column's power of two: the row count has none).
        key = tuple(names)
        cache = self.__dict__.setdefault("_value_cache", {})
        if key not in cache:
            if self.integers is not None and self.scale is not None:
                complete = self.table[COMPLETE].to_numpy(dtype=bool)
                where = {name: i for i, name in enumerate(self.stats)}
                columns = [
                    self.integers[complete, where[n]]
                    if n in where
                    else self.complete_table[n].to_numpy(dtype=np.int64)
                    for n in names
                ]
                exponents = np.array([-self.scale if n in where else 0 for n in names],
                                     dtype=np.int32)  # fmt: skip
                cache[key] = _Values(np.column_stack(columns), exponents)
            else:
                cache[key] = _Values(self.complete_table[names].to_numpy(dtype=np.float64))
        return cache[key]


def _unique_rows(codes: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique rows of non-negative integer ``codes`` (column i < sizes[i]) and each row's
    index among them, as ``np.unique(codes, axis=0, return_inverse=True)``: through one
    mixed-radix int64 key per row when it fits (a plain integer sort, ~10x faster than
    sorting rows as void records)."""
    if codes.shape[0] and (codes.min() < 0 or float(np.prod(sizes, dtype=float)) >= 2.0**62):
        rows, inverse = np.unique(codes, axis=0, return_inverse=True)
        return rows, inverse.reshape(-1)
    key = np.ravel_multi_index(tuple(codes.T), sizes) if codes.shape[0] else codes[:, 0]
    unique_keys, inverse = np.unique(key, return_inverse=True)
    rows = np.column_stack(np.unravel_index(unique_keys, sizes)).astype(np.int64)
    return rows.reshape(len(unique_keys), len(sizes)), inverse.reshape(-1)


@dataclass(frozen=True)
class _Values:
    """Group sums (n, S): floats, or exact int64 sums worth ``matrix * 2^exponents``."""

    matrix: np.ndarray
    exponents: np.ndarray | None = None

    def __getitem__(self, rows: np.ndarray) -> _Values:
        return _Values(self.matrix[rows], self.exponents)


def _cell_sums(cells: np.ndarray, n_cells: int, values: _Values) -> np.ndarray:
    """Sum the rows of ``values`` (n, S) into ``n_cells`` float cells.

    Float sums: one ``np.bincount`` per column (each adds the rows in their order, as the
    sparse indicator product did, without importing scipy.sparse on the hot path). Integer
    sums: added in int64, exact (their total is below 2^62, :func:`_fixed_point_exponent`),
    then each cell is rounded once to float64 and scaled by its power of two. A cell's value
    is then the same whatever the finer groups it is added from."""
    matrix = values.matrix
    if values.exponents is None:
        out = np.empty((n_cells, matrix.shape[1]), dtype=np.float64)
        for col in range(matrix.shape[1]):
            out[:, col] = np.bincount(cells, weights=matrix[:, col], minlength=n_cells)
        return out
    totals = np.zeros((n_cells, matrix.shape[1]), dtype=np.int64)
    if len(cells):
        order = np.argsort(cells, kind="stable")
        ordered = cells[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        totals[ordered[starts]] = np.add.reduceat(matrix[order], starts, axis=0)
    return np.ldexp(totals.astype(np.float64), values.exponents)


def _indicator_expr(
    ind: Indicator, is_float: bool = False, dtype: Any = None, integral: bool = False
) -> nw.Expr:
    """0/1 deprivation of one indicator (``dtype``: Float64, or Int64 for fixed-point sums);
    null where the raw value is null (or NaN, in a float column: a NaN compared with a cutoff
    would otherwise count as not deprived). An ``integral`` 0/1 column is used as stored when
    the wanted type is Int64 (no cast per row)."""
    dtype = dtype or nw.Float64
    col = nw.col(ind.source)
    cut = ind.cutoff
    missing = col.is_null() | _not_finite(col) if is_float else col.is_null()
    if cut is None:
        if dtype == nw.Int64 and is_float:
            # A NaN cannot be cast to an integer (the engine may cast before it masks); 0/1
            # values are checked by the validation counts, so x == 1 is the deprivation.
            x = (col == 1.0).cast(dtype)
        else:
            x = col if integral and dtype == nw.Int64 else col.cast(dtype)
        return nw.when(missing).then(None).otherwise(x) if is_float else x
    if cut.categories is not None:
        deprived = col.is_in(cut.categories)
    else:
        value = float(cut.value or 0.0)
        x = col.cast(nw.Float64)
        deprived = {
            "<": x < value,
            "<=": x <= value,
            ">": x > value,
            ">=": x >= value,
            "==": x == value,
            "!=": x != value,
        }[str(cut.op)]
    # is_in / comparisons give False on null in some engines: put the null back explicitly.
    return nw.when(missing).then(None).otherwise(deprived.cast(dtype))


def _check_columns(
    schema: dict[str, Any], spec: DeprivationSpec, design: SurveyDesign, by: list[str]
) -> None:
    names = list(schema)
    wanted = [(i.source, f"indicator '{i.name}'") for i in spec.indicators]
    wanted += [(c, "survey design") for c in design.columns]
    wanted += [(c, "survey design id") for c in design.id_columns]
    wanted += [(c, "subgroup (by)") for c in by]
    for column, role in wanted:
        if column not in schema:
            raise ColumnError(
                f"column {column!r} needed by {role} is not in the data",
                location=f"data column '{column}'",
                hint=did_you_mean(column, names) or f"available columns: {', '.join(names[:30])}",
            )
    numeric = (nw.Float64, nw.Float32, nw.Int64, nw.Int32, nw.Int16, nw.Int8, nw.UInt8,
               nw.UInt16, nw.UInt32, nw.UInt64, nw.Boolean)  # fmt: skip
    for ind in spec.indicators:
        dtype = schema[ind.source]
        needs_number = ind.cutoff is None or ind.cutoff.categories is None
        if needs_number and not any(dtype == t for t in numeric):
            what = (
                "0/1 values" if ind.cutoff is None else f"numbers (cutoff {ind.cutoff.describe()})"
            )
            raise ColumnError(
                f"indicator '{ind.name}' needs {what} but column {ind.source!r} is {dtype}",
                location=f"data column '{ind.source}'",
                hint="recode it to 0/1, or give a categories cutoff in the spec",
            )
    if design.weight is not None and not any(schema[design.weight] == t for t in numeric):
        raise ColumnError(
            f"weight column {design.weight!r} is {schema[design.weight]}, not numeric",
            location=f"data column '{design.weight}'",
            hint="pass the sampling weight column",
        )


def _warn_unmatched_categories(table: pd.DataFrame, spec: DeprivationSpec) -> None:
    """A category cutoff that no row matches is almost always a spelling (or a label written
    on an unlabelled column): warn instead of silently reporting 0 % deprived."""
    complete = table[table[COMPLETE]]
    for j, ind in enumerate(spec.indicators):
        cut = ind.cutoff
        if cut is None or cut.categories is None or f"g{j}" not in complete:
            continue
        if len(complete) and float(complete[f"g{j}"].sum()) == 0.0:
            warnings.warn(
                f"indicator '{ind.name}': no row of column {ind.source!r} is in the cutoff "
                f"categories {cut.categories} (0 % deprived); check their spelling against the "
                "column's values",
                HumsecWarning,
                stacklevel=4,
            )


def with_coded_cutoffs(spec: DeprivationSpec, labels: dict[str, dict[Any, str]]) -> DeprivationSpec:
    """The spec with every category cutoff written in stored codes: on a Stata/SPSS column
    ``cutoff: [river, pond]`` may name labels or codes
    (:func:`humsec.categories.resolve_categories`; a category that is neither is an error
    listing the valid labels)."""
    if not labels:
        return spec
    indicators = []
    for ind in spec.indicators:
        cut = ind.cutoff
        if cut is not None and cut.categories is not None and ind.source in labels:
            codes = resolve_categories(
                cut.categories,
                labels[ind.source],
                column=ind.source,
                where=f"deprivation spec node 'indicators.{ind.name}.cutoff'",
            )
            ind = ind.model_copy(update={"cutoff": Cutoff(categories=codes)})
        indicators.append(ind)
    return spec.model_copy(update={"indicators": indicators})


def check_unique_ids(data: Any, frame: nw.LazyFrame[Any], ids: list[str]) -> None:
    """Raise a :class:`DataError` when the id columns ``ids`` (together) repeat a value.

    One ``group_by`` on the data's engine counts the rows per id; for in-memory frames the
    error names the rows (numbered from 1, as data rows in the file), otherwise the ids."""
    counts = frame.group_by(*ids, drop_null_keys=True).agg(nw.len().alias("_rows"))
    repeated = counts.filter(nw.col("_rows") > 1)
    summary = _one_row(repeated.select(nw.len().alias("ids"), nw.col("_rows").sum().alias("n")))
    if not summary["ids"]:
        return
    shown = repeated.sort(*ids).head(5).collect().to_dict(as_series=False)
    examples = []
    rows_of = _duplicate_rows(data, ids)
    for i in range(len(shown["_rows"])):
        key = tuple(shown[c][i] for c in ids)
        label = ", ".join(f"{c}={v!r}" for c, v in zip(ids, key, strict=True))
        where = rows_of.get(key)
        examples.append(
            f"{label} in rows {', '.join(map(str, where))}"
            if where
            else f"{label} in {shown['_rows'][i]} rows"
        )
    what = "+".join(ids)
    raise DataError(
        f"{int(summary['ids'])} value(s) of id {what!r} appear in more than one row "
        f"({int(summary['n'])} rows in all): " + "; ".join(examples),
        location="data column(s) " + ", ".join(f"'{c}'" for c in ids),
        hint="each row must be one person (or household): drop the duplicated rows, or name "
        "every column that identifies a row (e.g. --id hhid,line)",
    )


def _duplicate_rows(data: Any, ids: list[str], limit: int = 5) -> dict[tuple[Any, ...], list[int]]:
    """Row numbers (from 1) of the first repeated ids, where the rows have an order: pandas and
    Polars frames and Polars scans (a CSV's data rows). DuckDB and Dask sources have no stable
    row order to point at; their errors name the ids and counts."""
    import pandas as pd
    import polars as pl

    if isinstance(data, pd.DataFrame):
        keys = data[ids].reset_index(drop=True)
        rows = keys[keys.duplicated(keep=False) & keys.notna().all(axis=1)]
        rows = rows.assign(_row=rows.index + 1)
    elif isinstance(data, pl.DataFrame | pl.LazyFrame):
        rows = (
            data.lazy()
            .select(ids)
            .with_row_index("_row", offset=1)
            .filter(pl.struct(ids).is_duplicated() & pl.all_horizontal(pl.col(ids).is_not_null()))
            .head(100_000)
            .collect()
            .to_pandas()
        )
    else:
        return {}
    out: dict[tuple[Any, ...], list[int]] = {}
    for key, part in rows.groupby(ids, sort=True):
        key_tuple = key if isinstance(key, tuple) else (key,)
        out[key_tuple] = [int(r) for r in part["_row"]][:limit]
        if len(out) >= limit:
            break
    return out


def sufficient_statistics(
    data: Any,
    spec: DeprivationSpec,
    design: SurveyDesign | None = None,
    by: list[str] | None = None,
    *,
    compound: bool = False,
    codeprivation: bool = False,
) -> SufficientStatistics:
    """Compute, in one ``group_by`` on the data's own engine, the weighted sums the estimators
    need.

    For weight ``s_i``, deprivations ``g_ij``, score ``c_i = sum_j w_j g_ij`` and
    ``poor_i(k) = [c_i >= k - 1e-9]`` the sums are (per key group):

    ``s``, ``p{k}`` = s*poor, ``c{k}`` = s*c*poor, ``g{j}`` = s*g_j, ``gp{j}_{k}`` =
    s*g_j*poor, and with ``compound=True`` ``wp{k}`` (want-poor), ``fd`` (fear-deprived),
    ``wf{k}`` (both); with ``codeprivation=True`` ``gg{a}_{b}`` = s*g_a*g_b for a < b.
    """
    design = design or SurveyDesign()
    by = list(by or [])
    frame = as_lazy(data)
    backend = str(frame.implementation).lower()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            schema = dict(frame.collect_schema())
        except Exception as exc:  # a lazy scan meets an unreadable file here first
            raise DataError(
                f"the {backend} engine cannot read the data: {exc}",
                location="data",
                hint="check the file (humsec data import FILE runs the reader checks)",
            ) from exc
    _check_columns(schema, spec, design, by)
    spec = with_coded_cutoffs(spec, column_labels(data))
    if design.id_columns:
        check_unique_ids(data, frame, design.id_columns)

    inds = spec.indicators
    weight = nw.col(design.weight).cast(nw.Float64) if design.weight else nw.lit(1.0)
    design_cols = design.columns
    key_exprs = [
        (nw.col(design.strata) if design.strata else nw.lit(0)).alias(STRATUM),
        *[nw.col(c).alias(f"_by{i}") for i, c in enumerate(by)],
    ]
    if design.psu:
        key_exprs.append(nw.col(design.psu).alias(PSU))
    complete: nw.Expr = nw.lit(True)

    # With one cutoff, poverty status is a group key rather than a factor of the products:
    # 2 + J sums per group instead of 3 + 2J, so less work in the engine's group_by (the
    # censored sums are the poor groups' sums, folded back by _fold_poor_key).
    poor_key = len(spec.k) == 1 and not compound and not codeprivation
    plan = OnePass()

    checks: list[nw.Expr] = []

    def step_builder(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return _products(frame, spec, design, by, key_exprs, complete, weight, compound,
                         codeprivation, poor_key=poor_key, plan=plan, counted=checks)  # fmt: skip

    stats = _stat_names(spec, compound, codeprivation)
    sums = list(stats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        # pandas warns about frames built column by column; the frame is transient here.
        # (Only pandas data can cause it, and then pandas is loaded: a DuckDB or Polars pass
        # runs without importing pandas, which comes in for the small result table.)
        if "pandas" in sys.modules:
            warnings.simplefilter("ignore", sys.modules["pandas"].errors.PerformanceWarning)
        try:
            for defer in (True, False) if backend == "duckdb" else (False,):
                deferred: list[tuple[str, str]] | None = [] if defer else None
                counts = _validation_counts(frame, spec, design, weight, deferred)
                _check_finite(counts, spec, design)
                # Completeness is tested only on the columns that have missing values at all
                # (null, or NaN in a float column: NaN is missing on every engine, as in pandas).
                parts = [_present(c, schema) for d, c in enumerate(design_cols)
                         if counts[f"_missd{d}"]]  # fmt: skip
                if spec.missing == "listwise":
                    parts += [_present(i.source, schema) for j, i in enumerate(inds)
                              if counts[f"_miss{j}"]]  # fmt: skip
                complete = (
                    nw.all_horizontal(*parts, ignore_nulls=False) if parts else nw.lit(True)
                )
                checks = _nonfinite_rows(deferred or [])
                counted = [f"_nonfinite{key}" for key, _ in deferred or []]
                plan = _one_pass(counts, spec, design, schema, backend, complete_key=bool(parts),
                                 lazy_scan=not _in_memory(data))  # fmt: skip
                keys = _keys(spec, design, by)
                group_keys = _keys(spec, design, by, complete_key=plan.complete_key)
                group_sums = sums
                if poor_key:
                    group_keys = [*group_keys, "_poor0"]
                    group_sums = ["s", "sc", *[f"g{j}" for j in range(len(inds))]]
                if backend == "dask":
                    table = _dask_partition_sums(
                        frame.to_native(), step_builder, group_keys, group_sums
                    )
                else:
                    try:
                        table = _collect_sums(step_builder(frame), group_keys, group_sums,
                                              in_memory=_in_memory(data), scale=plan.scale,
                                              counted=counted)  # fmt: skip
                    except Exception:
                        if not counted:
                            raise
                        continue  # e.g. a NaN weight the statistics hid: count, then rerun
                # The deferred NaN / infinity counts, from the pass: a value the Parquet
                # statistics did not show changes missingness and the pass, so it is run again
                # with those columns counted exactly first (files with NaN in a float column).
                found = {name: int(table.pop(name).sum()) for name in counted}
                if any(found.values()):
                    continue
                if not plan.complete_key:  # every row is complete: the constant key is added here
                    table.insert(keys.index(COMPLETE), COMPLETE, True)
                if poor_key:
                    table = _fold_poor_key(table, keys, len(inds))
                break
            integers = _integer_sums(table, sums, plan.scale)
            _check_sums_finite(table, design)
        except HumsecError:
            raise
        except Exception as exc:  # engine errors (bad casts, unreadable files) -> DataError
            raise DataError(
                f"the {backend} engine could not compute the deprivation sums: {exc}",
                location="data",
                hint="check the indicator columns' types and the spec's cutoffs",
            ) from exc
    if not design.psu:
        # No PSU: every row is its own PSU. Rows alike in weight, deprivations, stratum and
        # subgroups have identical scores, so each group is one array row with multiplicity.
        table[PSU] = np.arange(len(table))
    table[COMPLETE] = table[COMPLETE].fillna(False).astype(bool)
    missing = {i.name: counts[f"_miss{j}"] for j, i in enumerate(inds)}
    missing.update({c: counts[f"_missd{d}"] for d, c in enumerate(design_cols)})
    nonbinary = {i.name: counts[f"_bad{j}"] for j, i in enumerate(inds) if i.cutoff is None}
    negative = counts["_negw"]
    _warn_unmatched_categories(table, spec)
    if spec.missing == "nondeprived":
        n_filled = sum(missing[i.name] for i in inds)
        if n_filled:
            warnings.warn(
                f"{n_filled} missing indicator value(s) were treated as non-deprived "
                f"({', '.join(f'{k}: {v}' for k, v in missing.items() if v)})",
                HumsecWarning,
                stacklevel=3,
            )
    return SufficientStatistics(
        table=table,
        stats=list(stats),
        by=by,
        srs=design.psu is None,
        backend=backend,
        missing=missing,
        nonbinary=nonbinary,
        negative_weights=negative,
        integers=integers,
        scale=plan.scale if integers is not None else None,
    )


def _integer_sums(table: pd.DataFrame, sums: list[str], scale: int | None) -> np.ndarray | None:
    """For fixed-point sums (``scale``), the exact int64 sums (rows of ``table`` x ``sums``),
    kept so that coarser cells are added in integers too; ``table`` gets their float values,
    sum * 2^-scale (the int-to-float rounding is the only one). None for float sums."""
    if scale is None:
        return None
    integers = table[sums].to_numpy(dtype=np.int64)
    for i, name in enumerate(sums):  # times 2^-scale: exact
        table[name] = np.ldexp(integers[:, i].astype(np.float64), -scale)
    return integers


def _pillar_exprs(spec: DeprivationSpec, flag: Any = None) -> list[nw.Expr]:
    """Want-poverty per cutoff and fear deprivation, each scored within its own pillar.

    Want score = sum over want indicators of w_j g_j / sum of want weights; a person is
    want-poor when it reaches ``want_k`` (default: each of the spec's k). Fear score likewise;
    fear-deprived when it reaches ``fear_k`` (default: any fear deprivation, score > 0).
    """
    flag = flag or nw.Float64
    out: list[nw.Expr] = []
    pillars: dict[str, list[tuple[int, float]]] = {"want": [], "fear": []}
    for j, ind in enumerate(spec.indicators):
        pillars[ind.pillar].append((j, float(ind.weight or 0.0)))
    for pillar, members in pillars.items():
        if not members:
            raise ColumnError(
                f"compound fear x want insecurity needs at least one {pillar} indicator",
                location="deprivation spec node 'indicators'",
                hint=f"tag indicators with pillar: {pillar}",
            )
    for pillar, members in pillars.items():
        total = sum(w for _, w in members)
        score = _ordered_sum([nw.col(f"_g{j}") * (w / total) for j, w in members])
        if pillar == "want":
            for q, k in enumerate(spec.k):
                cut = spec.want_k if spec.want_k is not None else k
                out.append((score >= cut - TOLERANCE).cast(flag).alias(f"_wp{q}"))
        else:
            if spec.fear_k is None:
                out.append((score > TOLERANCE).cast(flag).alias("_fd"))
            else:
                out.append((score >= spec.fear_k - TOLERANCE).cast(flag).alias("_fd"))
    return out


def _stat_factors(
    spec: DeprivationSpec, compound: bool, codeprivation: bool
) -> dict[str, tuple[bool, list[str]]]:
    """Name -> the row-level product whose per-group sum the estimators need, as (whether it
    holds the score c, the 0/1 columns it multiplies): the product is s (* c) * flag * ..."""
    n_ind = len(spec.indicators)
    stats: dict[str, tuple[bool, list[str]]] = {"s": (False, [])}
    for q in range(len(spec.k)):
        stats[f"p{q}"] = (False, [f"_poor{q}"])
        stats[f"c{q}"] = (True, [f"_poor{q}"])
    for j in range(n_ind):
        stats[f"g{j}"] = (False, [f"_g{j}"])
        for q in range(len(spec.k)):
            stats[f"gp{j}_{q}"] = (False, [f"_g{j}", f"_poor{q}"])
    if compound:
        stats["fd"] = (False, ["_fd"])
        for q in range(len(spec.k)):
            stats[f"wp{q}"] = (False, [f"_wp{q}"])
            stats[f"wf{q}"] = (False, [f"_wp{q}", "_fd"])
    if codeprivation:
        for a in range(n_ind):
            for b in range(a + 1, n_ind):
                stats[f"gg{a}_{b}"] = (False, [f"_g{a}", f"_g{b}"])
    return stats


def _stat_names(spec: DeprivationSpec, compound: bool, codeprivation: bool) -> list[str]:
    return list(_stat_factors(spec, compound, codeprivation))


def _validation_counts(
    frame: nw.LazyFrame[Any],
    spec: DeprivationSpec,
    design: SurveyDesign,
    weight: nw.Expr,
    deferred: list[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """Whole-data counts of missing values, non-binary 0/1 indicators and negative weights.

    First one global aggregate of row counts, non-null counts, minima and maxima: Parquet
    engines answer it from the row-group statistics without decoding the data (DuckDB: ~10 ms
    for 10M rows, against ~1 s for per-row flag sums). Exact per-row counts are then taken only
    where those bounds cannot settle the question: a 0/1 indicator stored as a float, or whose
    minimum is below 0 or maximum above 1, and a weight whose minimum is negative.

    With a ``deferred`` list (DuckDB), a float column whose statistics show only finite values
    is not read here: its (key, column) is appended to the list and its NaN and infinity
    counts are left at 0, for the pass itself to confirm (:func:`_nonfinite_rows`).
    """
    inds = spec.indicators
    binary = [j for j, ind in enumerate(inds) if ind.cutoff is None]
    exprs = [nw.len().alias("_rows")]
    exprs += [nw.col(i.source).count().alias(f"_cnt{j}") for j, i in enumerate(inds)]
    exprs += [nw.col(c).count().alias(f"_cntd{d}") for d, c in enumerate(design.columns)]
    # On the raw columns: a cast would hide the Parquet statistics from the engine.
    for j in binary:
        x = nw.col(inds[j].source)
        exprs += [x.min().alias(f"_lo{j}"), x.max().alias(f"_hi{j}")]
    if design.weight is not None:
        exprs.append(nw.col(design.weight).min().alias("_loweight"))
        exprs.append(nw.col(design.weight).max().alias("_topweight"))
    # Float columns: NaN is missing (as pandas reads it), +-inf an error. Where the engine's
    # min/max settle it (pandas/Dask: NaN is null already) only the bounds are asked for, and
    # exact counts only when they show a non-finite value; Polars' min/max skip NaN, so it
    # counts. DuckDB answers min/max from Parquet statistics, which can leave NaN out (files
    # written by pyarrow): its float columns are counted exactly in the second aggregate,
    # which reads only those columns.
    floats = _float_columns(frame.collect_schema())
    checked = [(f"{j}", i.source) for j, i in enumerate(inds) if i.source in floats]
    checked += [(f"d{d}", c) for d, c in enumerate(design.columns) if c in floats]
    impl = frame.implementation
    nan_is_null = impl.is_pandas_like() or impl.is_dask()
    by_bounds = nan_is_null or impl.is_duckdb()
    float_weight = design.weight is not None and design.weight in floats
    if by_bounds:
        for key, column in checked:
            x = nw.col(column)
            exprs += [x.min().alias(f"_flo{key}"), x.max().alias(f"_fhi{key}")]
        if float_weight:
            exprs.append(nw.col(str(design.weight)).max().alias("_hiweight"))
    else:
        exprs += [e for key, column in checked for e in _nonfinite_counts(key, column, True)]
        if float_weight:
            exprs.append(_huge_weight_count(str(design.weight)))
    bounds = _one_row(frame.select(*exprs))
    exact: list[nw.Expr] = []
    if by_bounds:
        for key, column in checked:
            lo, hi = bounds[f"_flo{key}"], bounds[f"_fhi{key}"]
            finite = lo is None or (np.isfinite(float(lo)) and np.isfinite(float(hi)))
            # DuckDB's min/max come from Parquet statistics that may leave NaN out: count
            # (here, or in the pass when the caller defers it).
            if finite and deferred is not None and impl.is_duckdb():
                deferred.append((key, column))
            elif impl.is_duckdb() or not finite:
                exact += _nonfinite_counts(key, column, not nan_is_null)
        high = bounds.get("_hiweight")
        if high is not None and not float(high) <= MAX_WEIGHT:  # also NaN
            exact.append(_huge_weight_count(str(design.weight)))
    if _isnan(bounds.get("_topweight")):  # DuckDB: the maximum of a column holding NaN is NaN
        w = nw.col(str(design.weight))
        exact.append(nw.when(~_not_finite(w)).then(w).max().alias("_topweight"))
    if exact:
        bounds.update(_one_row(frame.select(*exact), release=True))
    rows = int(bounds["_rows"])
    nan = {key: int(bounds.get(f"_nan{key}") or 0) for key, _ in checked}
    counts = {f"_miss{j}": rows - int(bounds[f"_cnt{j}"]) + nan.get(f"{j}", 0)
              for j in range(len(inds))}  # fmt: skip
    for d in range(len(design.columns)):
        counts[f"_missd{d}"] = rows - int(bounds[f"_cntd{d}"]) + nan.get(f"d{d}", 0)
    counts.update({f"_inf{key}": int(bounds.get(f"_inf{key}") or 0) for key, _ in checked})
    counts["_hugeweight"] = int(bounds.get("_hugeweight") or 0)
    score_bound = max(1.0, sum(abs(float(i.weight or 0.0)) for i in inds))
    counts["_rows"] = rows
    counts["_scale"] = _fixed_point_exponent(bounds, design, rows, score_bound)
    exact = []
    counts.update({f"_bad{j}": 0 for j in binary})
    counts["_negw"] = 0
    schema = frame.collect_schema()
    for j in binary:
        lo, hi = bounds[f"_lo{j}"], bounds[f"_hi{j}"]
        if lo is None or hi is None:
            continue  # every value missing (counted above), nothing else to check
        integral = schema[inds[j].source].is_integer() or schema[inds[j].source] == nw.Boolean
        if integral and float(lo) >= 0.0 and float(hi) <= 1.0:
            continue  # integers within [0, 1] are 0/1
        x = nw.col(inds[j].source).cast(nw.Float64)
        bad = ((~x.is_in([0.0, 1.0])) & (~x.is_null()) & (~_not_finite(x))).fill_null(False)
        exact.append(bad.cast(nw.Int64).sum().alias(f"_bad{j}"))
    low_weight = bounds.get("_loweight")
    if design.weight is not None and low_weight is not None and float(low_weight) < 0:
        exact.append((weight < 0).fill_null(False).cast(nw.Int64).sum().alias("_negw"))
    if exact:
        found = _one_row(frame.select(*exact), release=True)
        counts.update({k: int(v or 0) for k, v in found.items()})
    return counts


#: Largest accepted sampling weight: no survey row stands for more than 1e15 people (DHS-style
#: weights scaled by 1e6 stay below 1e11); beyond it sums of weights can lose every digit of
#: the rest of the sample or overflow float64.
MAX_WEIGHT = 1e15


def _one_pass(
    counts: dict[str, int],
    spec: DeprivationSpec,
    design: SurveyDesign,
    schema: dict[str, Any],
    backend: str,
    *,
    complete_key: bool,
    lazy_scan: bool = True,
) -> OnePass:
    """The pass for these data: fixed-point sums on DuckDB and on Polars lazy scans (whose
    parallel and streaming engines would otherwise add floats in a varying order; frames in
    memory are summed by Polars' in-memory engine in row order), null tests only where values
    are missing, and completeness as a key only when some row is incomplete."""
    nullable = frozenset(j for j in range(len(spec.indicators)) if counts[f"_miss{j}"])
    weight_col = design.weight
    weight_missing = bool(weight_col) and any(
        counts[f"_missd{d}"] for d, c in enumerate(design.columns) if c == weight_col
    )
    return OnePass(
        scale=counts["_scale"]
        if backend == "duckdb" or (backend == "polars" and lazy_scan)
        else None,
        nullable=nullable,
        complete_key=complete_key,
        guard_weight=weight_missing and weight_col in _float_columns(schema),
        round_terms=backend == "polars",
    )


def _fixed_point_exponent(
    bounds: dict[str, Any], design: SurveyDesign, rows: int, score_bound: float
) -> int:
    """E such that a sum of ``rows`` weighted products, each at most max |s| * max c in absolute
    value and rounded to a multiple of 2^-E, stays below 2^62: the 64-bit integer sums of
    :func:`_fixed_point` cannot overflow, whatever the groups."""
    if design.weight is None:
        bound = 1.0
    else:
        values = [bounds.get("_loweight"), bounds.get("_topweight")]
        finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
        bound = max(finite, default=0.0)
    if bound == 0.0 or rows == 0:
        return 0
    _, exponent = math.frexp(bound * score_bound)  # every product is below 2^exponent
    return max(min(62 - exponent - int(rows).bit_length(), 1000), -1000)


def _count(flag: nw.Expr) -> nw.Expr:
    return flag.fill_null(False).cast(nw.Int64).sum()


def _nonfinite_counts(key: str, column: str, count_nan: bool) -> list[nw.Expr]:
    # Rows that are NaN (when NaN is not the engine's null) and rows that are +-inf.
    x = nw.col(column)
    infinite = x.abs() == float("inf")
    out = [_count(infinite).alias(f"_inf{key}")]
    if count_nan:
        out.append(_count(_not_finite(x) & ~infinite).alias(f"_nan{key}"))
    return out


def _not_finite(x: nw.Expr) -> nw.Expr:
    """NaN or +-inf, as x * 0 != 0 (NaN exactly for those). Not ``is_nan``: DuckDB takes a
    Parquet file's column statistics as proof that no NaN is present and folds ``isnan`` to
    false, but writers such as pyarrow leave NaN out of those statistics (its min/max also
    skip NaN), so NaN values went unseen."""
    return (x * 0.0) != 0.0


def _nonfinite_rows(deferred: list[tuple[str, str]]) -> list[nw.Expr]:
    """Per-row 0/1 flags ``_nonfinite{key}`` (NaN or +-inf) of the deferred float columns, summed
    by the pass with the products. Any such row sends the data back to the exact counts of
    :func:`_nonfinite_counts`, which tell NaN (missing) from infinity (an error)."""
    return [
        _not_finite(nw.col(column)).fill_null(False).cast(nw.Int64).alias(f"_nonfinite{key}")
        for key, column in deferred
    ]


def _huge_weight_count(column: str) -> nw.Expr:
    w = nw.col(column)  # Polars orders NaN above every number: leave it out
    return _count((w > MAX_WEIGHT) & ~_not_finite(w)).alias("_hugeweight")


def _float_columns(schema: Any) -> set[str]:
    return {name for name, dtype in schema.items() if dtype in (nw.Float64, nw.Float32)}


def _present(column: str, schema: Any) -> nw.Expr:
    # Not missing: not null and, in a float column, not NaN.
    x = nw.col(column)
    if column in _float_columns(schema):
        return ~x.is_null() & ~_not_finite(x)
    return ~x.is_null()


def _check_finite(counts: dict[str, int], spec: DeprivationSpec, design: SurveyDesign) -> None:
    """Infinite indicator or design values and absurd weights are errors (NaN is missing)."""
    bad = [(i.source, f"indicator '{i.name}'", counts.get(f"_inf{j}", 0))
           for j, i in enumerate(spec.indicators)]  # fmt: skip
    bad += [(c, "survey design", counts.get(f"_infd{d}", 0)) for d, c in enumerate(design.columns)]
    for column, role, n in bad:
        if n:
            raise ColumnError(
                f"{n} row(s) of column {column!r} ({role}) are infinite (+inf or -inf)",
                location=f"data column '{column}'",
                hint="fix the values, or set them to missing (empty / NA) so that the rows are "
                "dropped and counted",
            )
    if counts.get("_hugeweight"):
        raise ColumnError(
            f"{counts['_hugeweight']} row(s) have a survey weight above {MAX_WEIGHT:g}",
            location=f"data column '{design.weight}'",
            hint="a sampling weight is the number of people a row stands for; check the weight "
            "variable and its scaling",
        )


def _check_sums_finite(table: pd.DataFrame, design: SurveyDesign) -> None:
    """The weighted sums of the complete rows must be finite (float64 overflow is an error,
    never NaN estimates)."""
    used = table[table[COMPLETE].fillna(False).astype(bool)] if COMPLETE in table else table
    values = used.drop(columns=[c for c in used.columns if c.startswith("_")]).to_numpy(
        dtype=np.float64
    )
    if values.size and not np.isfinite(values).all():
        raise DataError(
            "the weighted sums overflow (are not finite): the survey weights are too large "
            "for float64 arithmetic",
            location=f"data column '{design.weight}'" if design.weight else "data",
            hint="check the weight variable and its scaling",
        )


def _one_row(frame: nw.LazyFrame[Any], *, release: bool = False) -> dict[str, Any]:
    # A one-row aggregate as a plain dict of Python scalars (no pandas round trip; on DuckDB
    # no Arrow either, so that the pass runs before pyarrow and pandas are imported). After
    # an aggregate that reads the data (``release``), DuckDB's workers give their memory back
    # so that it does not add to the pass's peak.
    if frame.implementation.is_duckdb():
        relation = frame.to_native()
        (row,) = relation.fetchall()
        if release:
            release_worker_memory(relation)
        return dict(zip(relation.columns, row, strict=True))
    return {k: v[0] for k, v in frame.collect().to_dict(as_series=False).items()}


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and value != value


@dataclass(frozen=True)
class OnePass:
    """How the one pass is written for these data, from the validation aggregate.

    ``scale``: sums in 64-bit integers of 2^-scale (fixed point, :func:`_fixed_point`), or
    None for float sums. ``nullable``: indicators with missing values (only their terms of the
    score need a null test). ``complete_key``: some row has a missing value, so completeness
    is a group key (otherwise every row is complete and the key is left out of the group-by).
    ``guard_weight``: the weight column holds NaN (a NaN is no integer: such rows sum as null).
    """

    scale: int | None = None
    nullable: frozenset[int] | None = None  # None: any indicator may be missing
    complete_key: bool = True
    guard_weight: bool = False
    round_terms: bool = False  # the engine's float-to-integer cast truncates (Polars): round


def _products(
    frame: nw.LazyFrame[Any],
    spec: DeprivationSpec,
    design: SurveyDesign,
    by: list[str],
    key_exprs: list[nw.Expr],
    complete: nw.Expr,
    weight: nw.Expr,
    compound: bool,
    codeprivation: bool,
    *,
    poor_key: bool = False,
    plan: OnePass | None = None,
    counted: Sequence[nw.Expr] = (),
) -> nw.LazyFrame[Any]:
    """Row-level keys and weighted products (three projections, so that the engine computes
    g_j, c and poor once per row); the ``counted`` row flags are selected with them."""
    plan = plan or OnePass()
    inds = spec.indicators
    fixed = plan.scale is not None
    flag = nw.Int64 if fixed else nw.Float64
    zero = 0 if fixed else 0.0
    # Step 1: deprivations g_j (null kept), weight, completeness.
    g_exprs = []
    schema = frame.collect_schema()
    floats = _float_columns(schema)
    for j, ind in enumerate(inds):
        integral = schema[ind.source].is_integer()
        g = _indicator_expr(ind, ind.source in floats, flag, integral)
        if spec.missing == "nondeprived" and _may_be_null(plan, j):
            g = g.fill_null(zero)
        g_exprs.append(g.alias(f"_g{j}"))
    if plan.guard_weight and design.weight:
        weight = nw.when(~_not_finite(nw.col(design.weight))).then(weight)
    first = [*key_exprs, *g_exprs, weight.alias("_s")]
    if plan.complete_key:
        first.append(complete.alias(COMPLETE))
    step = frame.with_columns(*first)
    # Step 2: score and poverty status per cutoff (and pillar statuses for compound measures).
    nullable = [_may_be_null(plan, j) and spec.missing != "nondeprived" for j in range(len(inds))]
    terms = [nw.col(f"_g{j}") * float(i.weight or 0.0) for j, i in enumerate(inds)]
    step = step.with_columns(_ordered_sum(terms, nullable).alias("_c"))
    poor = [
        nw.col("_c") >= k - TOLERANCE if poor_key else (nw.col("_c") >= k - TOLERANCE).cast(flag)
        for k in spec.k
    ]
    extra = _pillar_exprs(spec, flag) if compound else []
    step = step.with_columns(*[p.alias(f"_poor{q}") for q, p in enumerate(poor)], *extra)
    keys = _keys(spec, design, by, complete_key=plan.complete_key)
    # Step 3: the weighted products to be summed.
    s = nw.col("_s")
    if fixed:
        unit = 2.0 ** int(plan.scale or 0)
        step = step.with_columns(
            _fixed_point(s, unit, plan.round_terms).alias("_si"),
            _fixed_point(s * nw.col("_c"), unit, plan.round_terms).alias("_sci"),
        )
    if poor_key:
        base = (nw.col("_si"), nw.col("_sci")) if fixed else (s, s * nw.col("_c"))
        return step.select(
            *keys,
            nw.col("_poor0"),
            base[0].alias("s"),
            base[1].alias("sc"),
            *[(base[0] * nw.col(f"_g{j}")).alias(f"g{j}") for j in range(len(inds))],
            *counted,
        )
    products = []
    for name, (with_score, flags) in _stat_factors(spec, compound, codeprivation).items():
        if fixed:
            product = nw.col("_sci" if with_score else "_si")
        else:
            product = s * nw.col("_c") if with_score else s
        for column in flags:
            product = product * nw.col(column)
        products.append(product.alias(name))
    return step.select(*keys, *products, *counted)


def _may_be_null(plan: OnePass, j: int) -> bool:
    return plan.nullable is None or j in plan.nullable


def _fixed_point(value: nw.Expr, unit: float, round_first: bool = False) -> nw.Expr:
    """round(value * 2^E) as a 64-bit integer (``unit`` = 2^E, so the scaling is exact).

    Integer sums are exact and do not depend on the order of their terms, so an engine that
    adds partial sums in whatever order its threads finish still gives the same bytes; the
    rounding of each term to a multiple of 2^-E (E from the largest weight, below 2^62 in all)
    is far below float64 precision of the totals for any survey whose weights span less than
    ~10 orders of magnitude (and exact when a weight's last bit is at or above 2^-E)."""
    scaled = value * unit
    return (scaled.round(0) if round_first else scaled).cast(nw.Int64)


def _ordered_sum(terms: list[nw.Expr], nullable: list[bool] | None = None) -> nw.Expr:
    """``((t_0 + t_1) + t_2) + ...`` with missing terms as 0, like ``sum_horizontal`` but added in
    this fixed order: Polars' horizontal sum may associate the terms differently with its
    thread count, which changed the scores' last digit between machines. ``nullable`` says
    which terms can be missing (default: all); the others are added without a null test."""
    fill = nullable if nullable is not None else [True] * len(terms)
    filled = [t.fill_null(0.0) if f else t for t, f in zip(terms, fill, strict=True)]
    total = filled[0]
    for term in filled[1:]:
        total = total + term
    return total


def _fold_poor_key(table: pd.DataFrame, keys: list[str], n_ind: int) -> pd.DataFrame:
    """From sums per (keys, poor) to the sums per keys that the estimators use (one cutoff):
    p0 = sum s over the poor, c0 = sum s*c over the poor, gp{j}_0 = sum s*g_j over the poor;
    s and g{j} over both. A null status (an incomplete row) counts as not poor."""
    import pandas as pd

    exact = table["s"].dtype == np.int64  # fixed-point sums: fold them in integers (exact)
    dtype = np.int64 if exact else np.float64
    poor = table["_poor0"].to_numpy(dtype=np.float64, na_value=0.0).astype(dtype)
    columns: dict[str, Any] = {k: table[k] for k in keys}
    columns["s"] = table["s"]
    # An overflowed (inf) sum times 0 is NaN: _check_sums_finite reports it as an error.
    with np.errstate(invalid="ignore"):
        columns["p0"] = table["s"].to_numpy(dtype=dtype) * poor
        columns["c0"] = table["sc"].to_numpy(dtype=dtype) * poor
        for j in range(n_ind):
            columns[f"g{j}"] = table[f"g{j}"]
            columns[f"gp{j}_0"] = table[f"g{j}"].to_numpy(dtype=dtype) * poor
    columns[COUNT] = table[COUNT]
    frame = pd.DataFrame(columns)
    sums = [c for c in frame.columns if c not in keys]
    return frame.groupby(keys, dropna=False, sort=False, observed=True, as_index=False)[sums].sum()


def _keys(
    spec: DeprivationSpec, design: SurveyDesign, by: list[str], *, complete_key: bool = True
) -> list[str]:
    """Group keys: stratum, PSU, subgroups, completeness (unless every row is complete);
    without a PSU, the row type (weight and deprivations) instead of the PSU."""
    keys = [STRATUM, *[f"_by{i}" for i in range(len(by))]]
    if complete_key:
        keys.append(COMPLETE)
    if design.psu:
        keys.insert(1, PSU)
    else:
        keys += ["_s", *[f"_g{j}" for j in range(len(spec.indicators))]]
    return keys


def _in_memory(data: Any) -> bool:
    """True for data already in memory (pandas or Polars DataFrames), not a lazy scan."""
    native = data.to_native() if isinstance(data, (nw.DataFrame, nw.LazyFrame)) else data
    return bool(
        nw.dependencies.is_pandas_dataframe(native) or nw.dependencies.is_polars_dataframe(native)
    )


def _collect_sums(
    products: nw.LazyFrame[Any],
    keys: list[str],
    sums: list[str],
    *,
    in_memory: bool = True,
    scale: int | None = None,
    counted: Sequence[str] = (),
) -> pd.DataFrame:
    """Group sums on the data's engine, in key order (``counted``: integer row flags, summed
    on DuckDB but not scaled).

    Float sums depend on the order their terms are added. Polars' streaming engine merges
    per-batch partial sums as its threads finish, so the same input gave different last digits
    from run to run; its in-memory engine sums each group's rows in row order, the same on any
    number of threads (``tests/test_reproducible_outputs.py`` runs with 1 and 2). Data already
    in memory therefore uses the in-memory engine (same input, same bytes); a lazy file scan
    keeps the streaming engine for bounded memory (out of core), whose sums agree with the
    in-memory ones to ~1e-15 relative.

    With ``scale`` (DuckDB, Polars lazy scans) the products are integers in units of 2^-scale
    (:func:`_fixed_point`), added in 64-bit integers: exact, so the same on any number of
    threads and in any order of the engine's partial sums. Those sums are returned as int64,
    still in units of 2^-scale (:func:`_integer_sums` makes the floats).
    """
    if counted and not (scale is not None and products.implementation.is_duckdb()):
        raise ValueError("counted columns are summed only by the DuckDB pass")
    if scale is not None and products.implementation.is_duckdb():
        return in_key_order(_duckdb_integer_sums(products, keys, [*sums, *counted]), keys)
    agg = products.group_by(*keys, drop_null_keys=False).agg(
        nw.col(*sums).sum(), nw.len().alias(COUNT)
    )
    if agg.implementation.is_polars():
        engine = "in-memory" if in_memory else "streaming"
        # With scale: Int64 sums, exact (_fixed_point_exponent keeps them below 2^62).
        return in_key_order(agg.collect(engine=engine).to_pandas(), keys)
    return in_key_order(agg.collect().to_pandas(), keys)


def _duckdb_integer_sums(
    products: nw.LazyFrame[Any], keys: list[str], sums: list[str]
) -> pd.DataFrame:
    """The group sums of 64-bit integer products on DuckDB, as 64-bit integers (exact).

    ``sum_no_overflow`` adds in a 64-bit accumulator (as fast as a float sum; the plain
    ``sum`` of BIGINT adds in 128 bits, ~50 % slower here); :func:`_fixed_point_exponent`
    bounds every group's sum below 2^62, so it cannot overflow, and the cast back to BIGINT
    is exact. An empty group (all products null) sums to 0, as narwhals' sum. A DuckDB
    without ``sum_no_overflow`` gets the 128-bit ``sum`` (same numbers)."""
    import duckdb

    relation = products.to_native()
    group = ", ".join(_quoted(k) for k in keys)
    for function in ("sum_no_overflow", "sum"):
        totals = ", ".join(
            f"CAST(coalesce({function}({_quoted(n)}), 0) AS BIGINT) AS {_quoted(n)}" for n in sums
        )
        try:
            agg = relation.aggregate(f"{group}, {totals}, count(*) AS {_quoted(COUNT)}", group)
            table = _duckdb_frame(agg)
        except duckdb.CatalogException:
            continue
        return table
    raise DataError("DuckDB has no sum function", location="data")


#: DuckDB result types whose NumPy arrays (``fetchnumpy``) convert to the same pandas columns as
#: DuckDB's Arrow export does (other types, e.g. dates and decimals, take the Arrow route).
_NUMPY_TYPES = frozenset({
    "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "FLOAT", "DOUBLE", "VARCHAR",
})  # fmt: skip


def _duckdb_frame(relation: Any) -> pd.DataFrame:
    """Run a DuckDB aggregate and return it as pandas, as ``relation.arrow().to_pandas()``.

    The group sums are fetched as NumPy arrays, then DuckDB's worker threads are restarted
    (:func:`release_worker_memory`), and only then are pyarrow and pandas imported to build
    the (small) table: the process's peak memory is the pass's or the table's, not both."""
    if not all(str(t) in _NUMPY_TYPES for t in relation.types):
        table = nw.from_native(relation).lazy().collect().to_pandas()
        release_worker_memory(relation)
        return table
    columns = relation.fetchnumpy()
    release_worker_memory(relation)
    import pyarrow as pa

    arrays = {
        name: pa.array(np.ma.getdata(values), mask=np.ma.getmaskarray(values))
        if np.ma.isMaskedArray(values)
        else pa.array(values)
        for name, values in columns.items()
    }
    return pa.table(arrays).to_pandas()


def release_worker_memory(relation: Any) -> None:
    """Give back the memory DuckDB's worker threads keep after a query (their allocator
    caches, ~70 MB after a 10M-row scan on 2 threads): set the connection to one thread and
    back to its setting. Results and the connection's other settings are untouched."""
    ((threads,),) = relation.query(
        "_humsec_threads", "SELECT current_setting('threads')"
    ).fetchall()
    relation.query("_humsec_threads", "SET threads = 1")
    relation.query("_humsec_threads", f"SET threads = {int(threads)}")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def in_key_order(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The group-sum table sorted by its keys (missing keys last), with a fresh index.

    Hash group-bys (Polars, DuckDB, Dask) return groups in an order that changes from run to
    run; every estimate downstream sums over these rows, so an unordered table changes the last
    digits of M0, SEs and CIs between runs. Sorting here makes the same input give the same
    bytes (issue 8).
    """
    if table.empty:
        return table.reset_index(drop=True)
    try:
        ordered = table.sort_values(keys, na_position="last", kind="stable")
    except TypeError:  # a key column mixing types (e.g. numbers and text): order by its text
        ordered = table.sort_values(
            keys, na_position="last", kind="stable", key=lambda column: column.astype(str)
        )
    return ordered.reset_index(drop=True)


def _dask_partition_sums(
    data: Any,
    step_builder: Callable[[nw.LazyFrame[Any]], nw.LazyFrame[Any]],
    keys: list[str],
    sums: list[str],
) -> pd.DataFrame:
    """Dask: run the pandas pipeline on every partition where it lives (on the cluster's
    workers), return the small per-partition group sums and add them up. This avoids building
    one large dask-expr graph of ~100 expressions, which costs seconds to optimise."""
    import dask
    import pandas as pd

    def partition_sums(part: pd.DataFrame) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            products = step_builder(nw.from_native(part).lazy())
            return _collect_sums(products, keys, sums)

    parts = [dask.delayed(partition_sums)(p) for p in data.to_delayed()]
    frames = [f for f in dask.compute(*parts) if len(f)]
    table = pd.concat(frames, ignore_index=True)
    summed = table.groupby(keys, dropna=False, sort=False, as_index=False)[[*sums, COUNT]].sum()
    return in_key_order(summed, keys)

"""Build a composite index from a spec and a table: ``build(spec, data) -> IndexResult``.

The steps follow the OECD/JRC Handbook (2008) and COINr's pipeline, in this order:

1. read each indicator's column, divide by its denominator (times ``denominator_scale``) and
   apply its transform (log, log1p);
2. panel imputation ``latest`` (needs unit and year), then keep the requested ``year``;
3. cross-sectional imputation (mean, median, group mean/median, regression);
4. outlier treatment (COINr winsorisation with log fallback, or percentile caps);
5. normalisation (reversed where direction and orientation differ);
6. aggregation node by node from the bottom up.

Nothing missing is ever replaced by zero: an all-missing indicator is reported in
``result.missing`` and ``result.notes`` and simply drops out of its parent's weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, SpecError, did_you_mean
from humsec.index.aggregation import aggregate, round_half_up
from humsec.index.expression import parse_expression
from humsec.index.imputation import impute_cross_section, impute_latest, impute_regression
from humsec.index.normalisation import apply_transform, normalise
from humsec.index.outlier_treatment import treat
from humsec.index.spec import IndexSpec


@dataclass
class IndexResult:
    """What :func:`build` returns.

    * ``scores``: one column per node code (root first, then nodes top-down), then one per
      indicator (its normalised score); index = the units built.
    * ``ranks``: rank of every node per unit (1 = highest score; ties share the lowest rank;
      within each year for panel builds).
    * ``classes``: class label for each node that has class bins (e.g. INFORM risk class).
    * ``coverage``: share of the indicators under each node that have a value (observed or
      imputed), per unit.
    * ``raw``: indicator values after denominators, transforms, imputation and treatment
      (the values that are normalised; also :attr:`treated`).
    * ``inputs``: the raw data, each indicator's source column as given (before its
      denominator and transform), for the units built.
    * ``denominated``: after denominators and transforms, before imputation.
    * ``imputed_values``: after imputation, before outlier treatment.
    * ``audit``: one row per imputed or treated cell (unit, indicator, step, method, detail).
    * ``treatment``: per-indicator skewness/kurtosis before and after, and the action taken.
    * ``missing``: per indicator, how many units had no value, how many were imputed, and how
      many remain missing.
    * ``notes``: plain-language warnings (e.g. an all-missing indicator).
    """

    spec: IndexSpec
    scores: pd.DataFrame
    ranks: pd.DataFrame
    classes: pd.DataFrame
    coverage: pd.DataFrame
    raw: pd.DataFrame
    audit: pd.DataFrame
    treatment: pd.DataFrame
    missing: pd.DataFrame
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    denominated: pd.DataFrame = field(default_factory=pd.DataFrame)
    imputed_values: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def root(self) -> pd.Series:
        """Root scores."""
        return self.scores[self.spec.root]

    @property
    def treated(self) -> pd.DataFrame:
        """Indicator values after outlier treatment (the input of normalisation)."""
        return self.raw

    @property
    def normalised(self) -> pd.DataFrame:
        """The normalised indicators (units x indicators)."""
        return self.scores[self.spec.indicator_codes]

    def to_table(self) -> pd.DataFrame:
        """One row per unit for export: the year (when built for one), every node, the root
        rank, classes, root coverage, the normalised indicators (``<code>`` columns, as in
        ``scores``) and ``audit``: the unit's imputed and treated cells in words, e.g.
        ``"imputed (latest within 3 years): x, z; treated (winhi): y"``."""
        out = self.to_frame()
        if self.year is not None:
            out.insert(0, self.spec.time, self.year)
        for code in self.spec.indicator_codes:
            out[code] = self.scores[code]
        out["audit"] = self._audit_by_unit().reindex([str(u) for u in out.index]).to_numpy()
        return out

    def _audit_by_unit(self) -> pd.Series:
        if self.audit.empty:
            return pd.Series(dtype="string")
        audit = self.audit.astype({"unit": str, "method": str, "detail": str})
        how = audit["method"].where(audit["detail"] == "", audit["detail"])
        words = audit["step"].map({"imputation": "imputed", "treatment": "treated"})
        labelled = audit.assign(how=words + " (" + how + ")")
        parts = (
            labelled.groupby(["unit", "how"], sort=False)["indicator"]
            .agg(", ".join)
            .reset_index()
        )
        parts["text"] = parts["how"] + ": " + parts["indicator"]
        return parts.groupby("unit", sort=False)["text"].agg("; ".join).astype("string")

    def stages(self) -> dict[str, pd.DataFrame]:
        """Every stage of the build as named tables (units x columns), as COINr keeps the data
        sets of a coin: ``raw`` (source columns as given), ``denominated``, ``imputed``,
        ``treated``, ``normalised``, ``aggregated`` (nodes), ``scores`` (:meth:`to_table`),
        ``ranks``, ``classes``, ``coverage``, and the per-indicator ``audit``, ``treatment``
        and ``missing`` tables."""
        nodes = [n.code for n in self.spec.top_down()]
        return {
            "scores": self.to_table(),
            "raw": self.inputs,
            "denominated": self.denominated,
            "imputed": self.imputed_values,
            "treated": self.raw,
            "normalised": self.normalised,
            "aggregated": self.scores[nodes],
            "ranks": self.ranks,
            "classes": self.classes.astype("string"),
            "coverage": self.coverage,
            "audit": self.audit,
            "treatment": self.treatment,
            "missing": self.missing,
        }

    def to_frame(self) -> pd.DataFrame:
        """Scores of all nodes, the root rank, classes and root coverage in one table."""
        nodes = [n.code for n in self.spec.top_down()]
        out = self.scores[nodes].copy()
        out.insert(1, "rank", self.ranks[self.spec.root])
        for column in self.classes.columns:
            out[f"{column}_class"] = self.classes[column]
        out["coverage"] = self.coverage[self.spec.root]
        return out


def _key(data: pd.DataFrame, name: str) -> pd.Series | None:
    """The unit or year key as a Series aligned to ``data``: a column or an index level."""
    if name in data.columns:
        return data[name]
    if name in [n for n in data.index.names if n is not None]:
        return pd.Series(data.index.get_level_values(name), index=data.index, name=name)
    return None


def _check_columns(spec: IndexSpec, data: pd.DataFrame) -> None:
    available = [str(c) for c in data.columns]
    for ind in spec.indicators:
        needed = [("column", ind.source_column)]
        if ind.denominator:
            needed.append(("denominator", ind.denominator))
        if ind.imputation.by:
            needed.append(("imputation 'by'", ind.imputation.by))
        for role, column in needed:
            if column not in data.columns:
                raise ColumnError(
                    f"{role} {column!r} is not in the data",
                    location=f"index spec {spec.code!r}, indicator {ind.code!r}",
                    hint=did_you_mean(column, available)
                    or f"the data has {len(available)} columns, e.g. {available[:8]}",
                )


def _row_labels(data: pd.DataFrame, mask: np.ndarray, limit: int = 5) -> str:
    """The first ``limit`` rows where ``mask`` holds, by their index label (unit, year)."""
    labels = [
        " ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)
        for key in data.index[mask][:limit]
    ]
    more = int(mask.sum()) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def _numeric(
    data: pd.DataFrame, column: str, where: str, *, nonfinite: str = "error"
) -> tuple[np.ndarray, np.ndarray]:
    """The column as floats, and the mask of infinite cells that were set to missing.

    Text that is not a number (including "nan", "inf" written as text) raises
    :class:`DataError`; so does an infinite number, unless the spec says
    ``nonfinite: missing``, which makes it a missing value that is counted.
    """
    if pd.api.types.is_float_dtype(data[column]) or pd.api.types.is_integer_dtype(data[column]):
        values = data[column].to_numpy(dtype=float, na_value=np.nan)
    else:
        original = data[column]
        text = original.astype("string").str.strip().str.lower()
        spelled = text.isin(["nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity",
                             "+infinity", "-infinity"]).fillna(False).to_numpy(dtype=bool)
        parsed = pd.to_numeric(original, errors="coerce")
        bad = (parsed.isna() & original.notna()).to_numpy(dtype=bool) | spelled
        if bad.any():
            first = original[bad].iloc[0]
            raise DataError(
                f"column {column!r} has {int(bad.sum())} non-numeric value(s), e.g. {first!r} "
                f"(rows {_row_labels(data, bad)})",
                location=where,
                hint="clean the column or mark missing values as empty cells",
            )
        values = parsed.to_numpy(dtype=float)
    infinite = np.isinf(values)
    if infinite.any():
        if nonfinite != "missing":
            raise DataError(
                f"column {column!r} has {int(infinite.sum())} infinite value(s) "
                f"(rows {_row_labels(data, infinite)})",
                location=where,
                hint="replace them with numbers or empty cells (missing), or set "
                "'nonfinite: missing' in the spec to count them as missing",
            )
        values = np.where(infinite, np.nan, values)
    return values, infinite


def _check_finite(
    before: np.ndarray, after: np.ndarray, step: str, where: str, units: pd.Index
) -> None:
    """Raise :class:`DataError` where a finite value became infinite or undefined in ``step``
    (an overflow, such as a min-max span of 1e308 - (-1e308), or a division by zero)."""
    broken = np.isfinite(before) & ~np.isfinite(after)
    if broken.any():
        labels = [str(u) for u in units[broken][:5]]
        raise DataError(
            f"{step} gives an infinite or undefined value for {int(broken.sum())} unit(s) "
            f"({', '.join(labels)}{' ...' if broken.sum() > 5 else ''}): the numbers overflow "
            "or divide by zero",
            location=where,
            hint="check the data for extreme values (e.g. 1e308) and the spec's bounds; "
            "rescale the column (a denominator or log transform) if it is legitimately large",
        )


def _check_unique_keys(
    spec: IndexSpec, data: pd.DataFrame, unit_key: pd.Series | None, time_key: pd.Series | None
) -> None:
    """Raise :class:`DataError` naming the rows when a unit (or unit-year) appears twice:
    each would be scored and ranked separately, and a panel imputation would be ambiguous."""
    units = unit_key if unit_key is not None else pd.Series(data.index, index=data.index)
    keys = pd.DataFrame({"unit": units.to_numpy()})
    names = [spec.unit]
    if time_key is not None:
        keys["time"] = time_key.to_numpy()
        names.append(spec.time)
    duplicated = keys.duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    rows = np.flatnonzero(duplicated)
    shown = keys.iloc[rows].astype(str).agg(" ".join, axis=1)
    groups = shown.groupby(shown.to_numpy(), sort=False).groups
    listed = [f"{key} (rows {', '.join(str(r + 1) for r in keys_at)})"
              for key, keys_at in list(groups.items())[:5]]
    more = len(groups) - len(listed)
    raise DataError(
        f"{len(groups)} duplicate ({', '.join(names)}) key(s) in the index data: "
        + "; ".join(listed)
        + (f" and {more} more" if more > 0 else ""),
        location=f"index spec {spec.code!r}, data",
        hint="keep one row per " + (f"({spec.unit}, {spec.time})" if time_key is not None
                                    else spec.unit)
        + " (rows are counted from 1, header excluded); aggregate or drop the repeats",
    )


def _raw_values(
    spec: IndexSpec, data: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Step 1 for every indicator: the values after denominator and transform, the mask of
    infinite cells made missing, and the source column values as given (the raw data)."""
    raw = {}
    nonfinite = {}
    inputs = {}
    for ind in spec.indicators:
        where = f"index spec {spec.code!r}, indicator {ind.code!r}"
        x, n_inf = _numeric(data, ind.source_column, where, nonfinite=spec.nonfinite)
        inputs[ind.code] = x
        if ind.denominator:
            den, n_den = _numeric(data, ind.denominator, where, nonfinite=spec.nonfinite)
            n_inf = n_inf | n_den
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                x = np.where(den == 0, np.nan, x / den) * ind.denominator_scale
            overflow = np.isinf(x)
            if overflow.any():
                raise DataError(
                    f"dividing by {ind.denominator!r} (times {ind.denominator_scale:g}) "
                    f"overflows for {int(overflow.sum())} row(s) ({_row_labels(data, overflow)})",
                    location=where,
                    hint="check the units of the column and its denominator",
                )
        raw[ind.code] = apply_transform(x, ind.transform, location=where)
        nonfinite[ind.code] = n_inf
    return (
        pd.DataFrame(raw, index=data.index),
        pd.DataFrame(nonfinite, index=data.index),
        pd.DataFrame(inputs, index=data.index),
    )


def _ranks(scores: pd.DataFrame, groups: pd.Series | None) -> pd.DataFrame:
    if groups is None:
        return scores.rank(ascending=False, method="min").astype("Int64")
    return scores.groupby(groups.to_numpy()).rank(ascending=False, method="min").astype("Int64")


@dataclass
class PreparedIndicators:
    """Indicators after steps 1-5 (see the module docstring), before aggregation."""

    normalised: pd.DataFrame
    raw: pd.DataFrame
    imputed: pd.DataFrame
    missing_before: pd.Series
    audit_rows: list[pd.DataFrame]
    treated_rows: list[dict[str, object]]
    notes: list[str]
    groups_year: pd.Series | None
    nonfinite: pd.DataFrame
    inputs: pd.DataFrame
    denominated: pd.DataFrame
    imputed_values: pd.DataFrame


@dataclass
class _PanelValues:
    raw: pd.DataFrame
    imputed: pd.DataFrame
    how_imputed: dict[str, str]
    missing_before: pd.Series
    unit_key: pd.Series | None
    time_key: pd.Series | None
    nonfinite: pd.DataFrame  # infinite input cells made missing (spec nonfinite: missing)
    inputs: pd.DataFrame  # the source columns as given
    denominated: pd.DataFrame  # after denominators and transforms, before any imputation


def _panel_values(spec: IndexSpec, data: pd.DataFrame) -> _PanelValues:
    """Steps 1-2 before year selection: raw values and ``latest`` panel imputation."""
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise DataError("the data for an index build must be a non-empty table")
    _check_columns(spec, data)
    unit_key, time_key = _key(data, spec.unit), _key(data, spec.time)
    _check_unique_keys(spec, data, unit_key, time_key)
    raw, nonfinite, inputs = _raw_values(spec, data)
    denominated = raw.copy()
    codes = spec.indicator_codes
    imputed = pd.DataFrame(False, index=data.index, columns=codes)
    how_imputed: dict[str, str] = {}
    missing_before = raw.isna().sum()
    latest = [i for i in spec.indicators if i.imputation.method == "latest"]
    if latest:
        if unit_key is None or time_key is None:
            raise SpecError(
                "imputation 'latest' needs panel data with unit and year keys",
                location=f"index spec {spec.code!r}, indicator {latest[0].code!r}",
                hint=f"give the data columns or index levels {spec.unit!r} and {spec.time!r}",
            )
        keyed = pd.concat([unit_key, time_key, raw], axis=1)
        for lag in sorted({i.imputation.lag for i in latest}):
            cols = [i.code for i in latest if i.imputation.lag == lag]
            filled, mask = impute_latest(keyed, cols, unit=spec.unit, time=spec.time, lag=lag)
            raw[cols] = filled
            imputed[cols] = mask
            how_imputed.update({c: f"latest within {lag} years" for c in cols})
    return _PanelValues(
        raw, imputed, how_imputed, missing_before, unit_key, time_key, nonfinite, inputs,
        denominated,
    )


def coverage_by_year(spec: IndexSpec, data: pd.DataFrame) -> pd.Series:
    """Share of (unit, indicator) cells with a value in each year, after ``latest``
    imputation and before any cross-sectional imputation (which would fill everything)."""
    panel = _panel_values(spec, data)
    if panel.time_key is None:
        raise DataError(
            f"the data has no {spec.time!r} column or index level",
            location=f"index spec {spec.code!r}",
        )
    years = pd.to_numeric(panel.time_key, errors="coerce").to_numpy()
    share = panel.raw.notna().mean(axis=1).groupby(years).mean()
    share.index = share.index.astype(int)
    share.index.name = spec.time
    return share


def default_year(spec: IndexSpec, data: pd.DataFrame, *, tolerance: float = 0.05) -> int:
    """The latest year whose indicator coverage (see :func:`coverage_by_year`) is within
    ``tolerance`` (relative) of the best year's: recent, but not thinner than the data allow.

    A panel usually has recent years with only the fastest-updated sources; those are skipped.
    """
    share = coverage_by_year(spec, data)
    if share.empty or not share.max() > 0:
        raise DataError(
            "no year has any indicator value",
            location=f"index spec {spec.code!r}",
            hint="check that the data columns hold numbers",
        )
    good = share[share >= (1.0 - tolerance) * share.max()]
    return int(good.index.max())


def prepare_indicators(
    spec: IndexSpec,
    data: pd.DataFrame,
    *,
    year: int | None = None,
    panel: _PanelValues | None = None,
) -> PreparedIndicators:
    """Steps 1-5 of a build: raw values, imputation, year selection, treatment, normalisation.

    ``panel`` reuses steps 1-2 computed for a spec with the same columns, denominators,
    transforms and ``latest`` lags (the uncertainty analysis varies only later steps).
    """
    panel = panel or _panel_values(spec, data)
    frame = data
    raw, imputed = panel.raw.copy(), panel.imputed.copy()
    how_imputed = dict(panel.how_imputed)
    missing_before, unit_key, time_key = panel.missing_before, panel.unit_key, panel.time_key
    nonfinite, inputs, denominated = panel.nonfinite, panel.inputs, panel.denominated

    groups_year: pd.Series | None = None
    if year is not None:
        if time_key is None:
            raise DataError(
                f"year {year} asked for, but the data has no {spec.time!r} column or level",
                location=f"index spec {spec.code!r}",
                hint="drop --year for cross-sectional data",
            )
        keep = (pd.to_numeric(time_key, errors="coerce") == year).to_numpy()
        if not keep.any():
            years = sorted(pd.to_numeric(time_key, errors="coerce").dropna().unique())
            raise DataError(
                f"no rows for year {year}",
                location=f"index spec {spec.code!r}",
                hint=f"years in the data: {int(years[0])}-{int(years[-1])}" if years else None,
            )
        frame, raw, imputed, nonfinite = frame[keep], raw[keep], imputed[keep], nonfinite[keep]
        inputs, denominated = inputs[keep], denominated[keep]
        missing_before = raw.isna().sum() + imputed.sum()
        if unit_key is not None:
            unit_index = pd.Index(unit_key[keep].astype(str), name=spec.unit)
            frame = frame.set_axis(unit_index)
            raw = raw.set_axis(unit_index)
            imputed = imputed.set_axis(unit_index)
            nonfinite = nonfinite.set_axis(unit_index)
            inputs = inputs.set_axis(unit_index)
            denominated = denominated.set_axis(unit_index)
    elif time_key is not None and time_key.nunique() > 1:
        groups_year = time_key

    for ind in spec.indicators:
        method = ind.imputation.method
        if method == "latest":
            method = ind.imputation.fallback  # what is still missing after carrying forward
        if method == "none":
            continue
        if method == "regression":
            column, newly = impute_regression(raw[ind.code], raw[ind.imputation.predictors])
        else:
            groups = frame[ind.imputation.by] if ind.imputation.by else None
            column, newly = impute_cross_section(raw[ind.code], method, groups=groups)
        raw[ind.code] = column
        imputed[ind.code] = imputed[ind.code] | newly
        how = method + (f" by {ind.imputation.by}" if ind.imputation.by else "")
        if ind.code in how_imputed:  # latest, then a fallback
            how = f"{how_imputed[ind.code]}, else {how}"
        how_imputed[ind.code] = how

    imputed_values = raw.copy()
    notes: list[str] = []
    for code, count in nonfinite.sum().items():
        if count:
            notes.append(
                f"indicator {code!r}: {int(count)} infinite input value(s) treated as missing "
                "(spec nonfinite: missing)"
            )
    treated_rows: list[dict[str, object]] = []
    audit_rows: list[pd.DataFrame] = []
    normalised = {}
    for ind in spec.indicators:
        x = raw[ind.code].to_numpy(dtype=float)
        where = f"index spec {spec.code!r}, indicator {ind.code!r}"
        if np.isnan(x).all():
            notes.append(
                f"indicator {ind.code!r} has no value for any unit; it is left out of "
                f"its parent's weights (not set to zero)"
            )
            normalised[ind.code] = x
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            outcome = treat(x, ind.treatment)
        _check_finite(x, outcome.values, "outlier treatment", where, raw.index)
        raw[ind.code] = outcome.values
        treated_rows.append(
            {
                "indicator": ind.code,
                "method": ind.treatment.method,
                "action": outcome.action,
                "points_treated": int((outcome.points != "").sum()),
                "skew_before": outcome.skew_before,
                "kurtosis_before": outcome.kurtosis_before,
                "skew_after": outcome.skew_after,
                "kurtosis_after": outcome.kurtosis_after,
            }
        )
        hit = outcome.points != ""
        if hit.any():
            audit_rows.append(
                pd.DataFrame(
                    {
                        "unit": [str(u) for u in raw.index[hit]],
                        "indicator": ind.code,
                        "step": "treatment",
                        "method": outcome.action,
                        "detail": outcome.points[hit],
                    }
                )
            )
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            normalised[ind.code] = normalise(
                outcome.values,
                ind.normalisation,
                reverse=ind.direction != spec.orientation,
                transform=ind.transform,
                location=where,
            )
        _check_finite(
            outcome.values, normalised[ind.code], f"{ind.normalisation.method} normalisation",
            where, raw.index,
        )
    for code, how in how_imputed.items():
        cells = imputed[code].to_numpy()
        if cells.any():
            audit_rows.append(
                pd.DataFrame(
                    {
                        "unit": [str(u) for u in raw.index[cells]],
                        "indicator": code,
                        "step": "imputation",
                        "method": how,
                        "detail": "",
                    }
                )
            )

    return PreparedIndicators(
        normalised=pd.DataFrame(normalised, index=raw.index),
        raw=raw,
        imputed=imputed,
        missing_before=missing_before,
        audit_rows=audit_rows,
        treated_rows=treated_rows,
        notes=notes,
        groups_year=groups_year,
        nonfinite=nonfinite,
        inputs=inputs,
        denominated=denominated,
        imputed_values=imputed_values,
    )


def aggregate_tree(
    spec: IndexSpec, normalised: pd.DataFrame, notes: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 6: aggregate normalised indicators node by node, bottom up.

    Returns ``(scores, coverage)`` with columns root first, nodes top-down, then indicators.
    A custom expression that is undefined for a unit (division by zero, overflow) raises
    :class:`DataError`, or with ``undefined: missing`` on the node leaves the unit missing
    and adds the count to ``notes``.
    """
    codes = spec.indicator_codes
    values: dict[str, Any] = {c: normalised[c].to_numpy(dtype=float) for c in codes}
    present = {c: (~np.isnan(v)).astype(float) for c, v in values.items()}
    coverage: dict[str, np.ndarray] = dict(present)
    n_leaves: dict[str, int] = dict.fromkeys(codes, 1)
    for node in spec.bottom_up():
        where = f"index spec {spec.code!r}, node {node.code!r}"
        if node.method == "custom":
            expr = parse_expression(node.expression or "", node.children, location=where)
            result, undefined = expr.evaluate_checked({c: values[c] for c in node.children})
            result = np.broadcast_to(result, (len(normalised),)).astype(float)
            undefined = np.broadcast_to(undefined, result.shape)
            if undefined.any():
                labels = [str(u) for u in normalised.index[undefined][:5]]
                count = int(undefined.sum())
                if node.undefined == "error":
                    raise DataError(
                        f"expression {node.expression!r} is undefined for {count} unit(s) "
                        f"({', '.join(labels)}{' ...' if count > 5 else ''}): a division by "
                        "zero or an overflow",
                        location=where,
                        hint="guard the formula (e.g. divide by max(b, 0.01)), or set "
                        "'undefined: missing' on the node to leave those units missing",
                    )
                if notes is not None:
                    notes.append(
                        f"node {node.code!r}: expression undefined (division by zero or "
                        f"overflow) for {count} unit(s), left missing: {', '.join(labels)}"
                        + (" ..." if count > 5 else "")
                    )
            if node.round is not None:
                result = round_half_up(result, node.round)
        else:
            weights = spec.child_weights(node)
            children = np.column_stack([values[c] for c in node.children])
            w = np.array([weights[c] for c in node.children])
            result, _ = aggregate(
                children, w, node, scale_max=spec.scale[1], location=where,
                units=[str(u) for u in normalised.index],
            )
        values[node.code] = result
        # share of the leaves below the node that have a value (leaf-count weighted)
        n_leaves[node.code] = sum(n_leaves[c] for c in node.children)
        stacked = np.column_stack([coverage[c] * n_leaves[c] for c in node.children])
        coverage[node.code] = stacked.sum(axis=1) / n_leaves[node.code]
    order = [n.code for n in spec.top_down()] + codes
    scores = pd.DataFrame({c: values[c] for c in order}, index=normalised.index)
    coverage_frame = pd.DataFrame({c: coverage[c] for c in order}, index=normalised.index)
    return scores, coverage_frame


def build(spec: IndexSpec, data: pd.DataFrame, *, year: int | None = None) -> IndexResult:
    """Build the index ``spec`` on ``data`` (one row per unit, or per unit-year).

    ``data`` may carry the unit and year keys (``spec.unit``, ``spec.time``) as columns or as
    index levels. With ``year`` the result holds the units of that year, indexed by unit,
    after panel imputation has used earlier years. Otherwise the result has ``data``'s index.
    Raises :class:`ColumnError` for a column the spec names but the data lacks (listing close
    matches) and :class:`SpecError` for impossible aggregations.
    """
    prepared = prepare_indicators(spec, data, year=year)
    scores, coverage_frame = aggregate_tree(spec, prepared.normalised, prepared.notes)
    codes = spec.indicator_codes
    raw, imputed = prepared.raw, prepared.imputed
    missing_before, audit_rows = prepared.missing_before, prepared.audit_rows
    treated_rows, notes, groups_year = prepared.treated_rows, prepared.notes, prepared.groups_year
    ranks = _ranks(scores, groups_year)
    classes = pd.DataFrame(index=scores.index)
    for code, bins in spec.iter_classes():
        edges = [-np.inf, *bins.breaks, np.inf]
        classes[code] = pd.cut(scores[code], edges, labels=bins.labels, right=False)

    missing = pd.DataFrame(
        {
            "missing_raw": missing_before.reindex(codes).astype(int),
            "imputed": imputed.sum().reindex(codes).astype(int),
            "missing_after": scores[codes].isna().sum().astype(int),
            "nonfinite": prepared.nonfinite.sum().reindex(codes).fillna(0).astype(int),
            "units": len(scores),
        }
    )
    missing.index.name = "indicator"
    audit = (
        pd.concat(audit_rows, ignore_index=True)
        if audit_rows
        else pd.DataFrame(columns=["unit", "indicator", "step", "method", "detail"])
    )
    return IndexResult(
        spec=spec,
        scores=scores,
        ranks=ranks,
        classes=classes,
        coverage=coverage_frame,
        raw=raw,
        audit=audit,
        treatment=pd.DataFrame(treated_rows),
        missing=missing,
        year=year,
        notes=notes,
        inputs=prepared.inputs,
        denominated=prepared.denominated,
        imputed_values=prepared.imputed_values,
    )

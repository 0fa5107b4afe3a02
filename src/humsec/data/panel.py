"""The country panel: registered indicators side by side, indexed by (iso3, year)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from humsec.data.catalog import dataset, load
from humsec.data.countries import to_iso3
from humsec.data.indicators import IndicatorSource, indicator_registry
from humsec.errors import ColumnError, DataError, did_you_mean


@cache
def _dataset_columns(name: str) -> tuple[dict[str, pd.Series], frozenset[str]]:
    """Every variable of a bundled dataset as a float Series indexed by (iso3, year), missing
    cells dropped, plus the countries the dataset covers. Computed once per dataset; the
    Series are shared, so callers must not modify them in place."""
    entry = dataset(name)
    frame = load(name)
    iso3 = frame["iso3"].astype("str")
    year = frame["year"].astype(np.int64)
    covered = frozenset(iso3)
    series: dict[str, pd.Series] = {}
    if entry.shape == "long":
        index = pd.MultiIndex.from_arrays([iso3, year], names=["iso3", "year"])
        values = pd.Series(frame["value"].to_numpy(np.float64), index=index)
        for variable, rows in frame.groupby("variable", sort=False).indices.items():
            series[str(variable)] = values.iloc[rows].dropna()
    else:
        index = pd.MultiIndex.from_arrays([iso3, year], names=["iso3", "year"])
        for column in frame.columns:
            if column in ("iso3", "year") or not pd.api.types.is_numeric_dtype(frame[column]):
                continue
            values = pd.Series(frame[column].to_numpy(np.float64), index=index)
            series[str(column)] = values.dropna()
    return series, covered


def _source_values(source: IndicatorSource) -> tuple[pd.Series, frozenset[str]]:
    """Values of one source as a Series indexed by (iso3, year), missing cells dropped, and
    the set of countries its dataset covers (so that all-missing countries still get rows)."""
    series, covered = _dataset_columns(source.dataset)
    if source.variable not in series:
        raise ColumnError(
            f"dataset {source.dataset!r} has no numeric variable {source.variable!r}",
            location=f"indicator registry source {source}",
            hint=did_you_mean(source.variable, series) or "see `humsec data show NAME`",
        )
    return series[source.variable], covered


def _years(years: int | Iterable[int] | None) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, str | bytes):
        raise DataError(
            f"years must be a year or a list of years, not the text {years!r}",
            hint="pass e.g. 2020 or [2015, 2020] or range(2010, 2021)",
        )
    if isinstance(years, int | np.integer):
        return [int(years)]
    try:
        wanted = [int(y) for y in years]
    except (TypeError, ValueError):
        raise DataError(
            f"years must be whole numbers, got {years!r}",
            hint="pass e.g. 2020 or [2015, 2020] or range(2010, 2021)",
        ) from None
    if not wanted:
        raise DataError("years is empty", hint="pass None for all years, a year or a list of years")
    return wanted


def country_panel(
    indicators: Iterable[str] | str | None = None,
    years: int | Iterable[int] | None = None,
    countries: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Wide panel of registered indicators, indexed by (iso3, year), countries only.

    Rows are the full grid of every country covered by the datasets behind the requested
    indicators × every requested year (default: every year with a value), so a gap is an
    explicit NaN and never 0. INFORM 2020 values sit at year 2020 and INFORM 2025 at 2025;
    HDR aggregates are never included. Columns are the indicator codes in the order asked
    (default: registry order). ``countries`` (names or codes, matched with
    :func:`~humsec.data.to_iso3`; unknown names raise) restricts the rows to those countries,
    each kept even when it has no value. ``panel.attrs["coverage"]`` maps each code to its
    share of non-missing cells.
    """
    registry = indicator_registry()
    if isinstance(indicators, str):
        indicators = [indicators]
    codes = registry.codes() if indicators is None else list(indicators)
    if not codes:
        raise ColumnError("no indicators requested", hint="pass None for all registered ones")
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise ColumnError(f"indicator(s) requested twice: {duplicated}")
    chosen = [registry.get(code) for code in codes]
    wanted_years = _years(years)
    wanted_countries: list[str] | None = None
    if countries is not None:
        names = [countries] if isinstance(countries, str) else list(countries)
        if not names:
            raise DataError("countries is empty", hint="pass None for every country")
        wanted_countries = sorted(set(to_iso3(names, location="country_panel(countries=...)")))

    columns: dict[str, pd.Series] = {}
    isos: set[str] = set()
    for indicator in chosen:
        parts = []
        for source in indicator.sources:
            part, covered = _source_values(source)
            parts.append(part)
            isos |= covered
        values = pd.concat(parts)
        if values.index.duplicated().any():
            first = values.index[values.index.duplicated()][0]
            raise DataError(
                f"indicator {indicator.code!r} has two values for {first} from its sources",
                location=f"indicator registry node {indicator.code}.sources",
                hint="sources of one indicator must cover different years",
            )
        if wanted_years is not None:
            values = values[values.index.get_level_values("year").isin(wanted_years)]
        columns[indicator.code] = values
    all_years = (
        sorted(set(wanted_years))
        if wanted_years is not None
        else sorted({y for s in columns.values() for y in s.index.get_level_values("year")})
    )
    rows = wanted_countries if wanted_countries is not None else sorted(isos)
    index = pd.MultiIndex.from_product([rows, all_years], names=["iso3", "year"])
    panel = pd.DataFrame({code: s.reindex(index) for code, s in columns.items()}, index=index)
    panel = panel.astype(np.float64)
    panel.columns.name = "indicator"
    panel.attrs["coverage"] = {
        code: float(panel[code].notna().mean()) if len(panel) else 0.0 for code in codes
    }
    return panel

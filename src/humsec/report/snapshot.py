"""Where countries stand on each registered indicator: the data behind the report's maps,
indicator table and country profile.

Two views of the country panel (:func:`humsec.data.country_panel`):

* an **indicator snapshot**: for each indicator, the latest year that is well covered, and every
  country's value in that year (what the world map shows);
* a **country standing**: for one country and each indicator, its latest value, and its rank
  among the countries with data in that same year (what the profile shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, HumsecError

WELL_COVERED_SHARE = 0.8
"""A year counts as well covered for an indicator when it has at least this share of the
indicator's best year's country count (so a half-reported latest year is not mapped)."""


@lru_cache(maxsize=1)
def _full_panel() -> pd.DataFrame:
    from humsec.data import country_panel

    return country_panel()


def report_panel() -> pd.DataFrame:
    """The full country panel of registered indicators (computed once per process; a copy)."""
    return _full_panel().copy()


def _check_panel(panel: pd.DataFrame) -> None:
    if not isinstance(panel.index, pd.MultiIndex) or list(panel.index.names) != ["iso3", "year"]:
        raise DataError(
            f"the country panel must be indexed by (iso3, year), got {list(panel.index.names)}",
            location="country panel",
            hint="build it with humsec.data.country_panel()",
        )


def orientation(directions: pd.Series) -> pd.Series:
    """+1 for ``higher_is_worse`` and −1 for ``higher_is_better`` (threat = sign × value)."""
    unknown = sorted(set(directions) - {"higher_is_worse", "higher_is_better"})
    if unknown:
        raise ColumnError(
            f"unknown indicator direction(s) {unknown}",
            location="indicator registry",
            hint="use 'higher_is_worse' or 'higher_is_better'",
        )
    return directions.map({"higher_is_worse": 1.0, "higher_is_better": -1.0}).astype(float)


def _long(panel: pd.DataFrame) -> pd.DataFrame:
    """Observed cells only, as rows (iso3, year, indicator, value)."""
    stacked = panel.rename_axis(columns="indicator").stack().dropna()
    return pd.Series(stacked, name="value").reset_index()


@dataclass(frozen=True)
class IndicatorSnapshot:
    """The latest well-covered year of each indicator and the countries' values in it.

    ``years`` maps indicator code → year (missing when the indicator has no data up to the
    cap), ``values`` is a country × indicator table of the values in each indicator's year,
    and ``coverage`` counts the countries with a value there.
    """

    years: pd.Series
    values: pd.DataFrame
    coverage: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator: code, year, countries (number with data)."""
        return pd.DataFrame(
            {"code": self.years.index, "year": self.years.values, "countries": self.coverage}
        ).reset_index(drop=True)


def indicator_snapshot(
    panel: pd.DataFrame,
    *,
    max_year: int | None = None,
    min_share: float = WELL_COVERED_SHARE,
) -> IndicatorSnapshot:
    """For each indicator, the latest year ≤ ``max_year`` with n_y ≥ ``min_share`` · max_y n_y.

    n_y is the number of countries with a value in year y (years after ``max_year`` are
    ignored). The values are those of that single year: countries without a value there stay
    missing rather than being filled from other years, so a map never mixes years.
    """
    _check_panel(panel)
    if not 0 < min_share <= 1:
        raise HumsecError(
            f"min_share must be in (0, 1], got {min_share}",
            hint="0.8 keeps years with at least 80 % of the best year's coverage",
        )
    counts = panel.notna().groupby(level="year").sum()
    if max_year is not None:
        counts = counts[counts.index <= max_year]
    eligible = counts.ge(min_share * counts.max()) & counts.gt(0)
    if eligible.empty:  # no year at all up to the cap
        years = pd.Series(pd.NA, index=panel.columns, dtype="Int64")
    else:
        # idxmax on the reversed year order finds the latest eligible year of each indicator.
        years = eligible.iloc[::-1].idxmax().where(eligible.any()).astype("Int64")
    isos = panel.index.get_level_values("iso3").unique()
    long = _long(panel)
    long["snapshot_year"] = long["indicator"].map(years)
    chosen = long[long["year"] == long["snapshot_year"]]
    values = chosen.pivot(index="iso3", columns="indicator", values="value").reindex(
        index=isos, columns=panel.columns
    )
    values.index.name = "iso3"
    coverage = values.notna().sum().astype(int)
    return IndicatorSnapshot(years=years, values=values, coverage=coverage)


def country_standing(
    panel: pd.DataFrame,
    directions: pd.Series,
    iso3: str,
    *,
    max_year: int | None = None,
) -> pd.DataFrame:
    """Where ``iso3`` stands on each indicator, in the latest year it has a value (≤ ``max_year``).

    With threat t = s·x (s = +1 if higher is worse, −1 if higher is better) and n countries
    with a value in that year:

    * ``rank`` = 1 + #{countries with t > t_c} (1 = most threatened; ties share a rank);
    * ``percentile`` = 100 · #{countries with t < t_c} / (n − 1), the share of the other
      countries that are better off (100 = worst of all, 0 = best);
    * ``n_countries`` = n.

    Indicators the country never reports are kept with missing values, not dropped.
    """
    _check_panel(panel)
    aligned = directions.reindex(panel.columns)
    if aligned.isna().any():
        missing = list(aligned.index[aligned.isna()])
        raise ColumnError(
            f"no direction for indicator(s) {missing}",
            location="country standing",
            hint="pass the registry's direction for every panel column",
        )
    sign = orientation(aligned)
    if iso3 not in panel.index.get_level_values("iso3"):
        raise DataError(
            f"country {iso3!r} is not in the country panel",
            location="country standing",
            hint="check the ISO3 code; the panel holds countries with any registered indicator",
        )
    frame = panel if max_year is None else panel[panel.index.get_level_values("year") <= max_year]
    long = _long(frame)
    long["threat"] = long["value"] * long["indicator"].map(sign).to_numpy()
    own = long[long["iso3"] == iso3]
    own = own.loc[own.groupby("indicator", observed=True)["year"].idxmax()]
    own = own.rename(columns={"threat": "own_threat"})[["indicator", "year", "value", "own_threat"]]
    peers = long.merge(own[["indicator", "year", "own_threat"]], on=["indicator", "year"])
    peers["worse"] = peers["threat"] > peers["own_threat"]
    peers["better"] = peers["threat"] < peers["own_threat"]
    tally = peers.groupby("indicator", observed=True).agg(
        n_countries=("iso3", "size"), worse=("worse", "sum"), better=("better", "sum")
    )
    table = own.set_index("indicator")[["year", "value"]].join(tally)
    table["rank"] = table["worse"] + 1
    others = (table["n_countries"] - 1).where(table["n_countries"] > 1)
    table["percentile"] = 100.0 * table["better"] / others
    table = table.reindex(panel.columns)
    table.index.name = "code"
    out = table[["year", "value", "rank", "n_countries", "percentile"]].reset_index()
    out["year"] = out["year"].astype("Int64")
    out["rank"] = out["rank"].astype("Int64")
    out["n_countries"] = out["n_countries"].astype("Int64")
    out["percentile"] = out["percentile"].astype(float)
    return out


def threat_standing(standing: pd.DataFrame, threats: pd.Series) -> pd.DataFrame:
    """Mean percentile of a country over the indicators of each threat, highest first.

    ``threats`` maps indicator code → list of threat ids. Threat level = mean of the
    ``percentile`` of its indicators with data; threats with no data are listed last with a
    missing level and ``n_indicators`` = 0.
    """
    exploded = threats.rename("threat").explode().dropna().reset_index()
    exploded.columns = pd.Index(["code", "threat"])
    merged = exploded.merge(standing[["code", "percentile"]], on="code", how="left")
    grouped = merged.groupby("threat").agg(
        level=("percentile", "mean"), n_indicators=("percentile", "count")
    )
    grouped = grouped.reset_index().sort_values(
        ["level", "threat"], ascending=[False, True], na_position="last"
    )
    grouped["n_indicators"] = grouped["n_indicators"].astype(int)
    return grouped.reset_index(drop=True)


def year_span(values: pd.Series) -> tuple[int, int] | None:
    """First and last year with a value in a year-indexed series, or ``None``."""
    observed = values.dropna()
    if observed.empty:
        return None
    years = np.asarray(observed.index, dtype=int)
    return int(years.min()), int(years.max())


SEVERE_PERCENTILE = 75.0
"""A threat is *severe* for a country when its mean percentile is at least this (the worst
quarter of countries)."""


def snapshot_percentiles(snapshot: IndicatorSnapshot, directions: pd.Series) -> pd.DataFrame:
    """Country × indicator percentiles in each indicator's snapshot year.

    Same definition as :func:`country_standing`: P = 100 · #{countries with a smaller threat
    t = s·x} / (n − 1), computed for all countries at once from the minimum rank
    (#smaller = rank_min − 1). Missing values stay missing.
    """
    sign = orientation(directions.reindex(snapshot.values.columns))
    threat = snapshot.values * sign
    smaller = threat.rank(method="min") - 1
    others = (threat.notna().sum() - 1).where(lambda n: n > 0)
    return 100.0 * smaller / others


def threat_overlap(
    snapshot: IndicatorSnapshot,
    directions: pd.Series,
    threats: pd.Series,
    pillars: Mapping[str, str],
    *,
    severe: float = SEVERE_PERCENTILE,
) -> pd.DataFrame:
    """Where threats pile up: per country, how many threats are severe, by pillar.

    A threat's level for a country is the mean of its indicators' percentiles
    (:func:`snapshot_percentiles`) over the indicators with a value; the threat is severe when
    the level is ≥ ``severe``. Returns one row per country with ``fear``, ``want`` and
    ``total`` severe-threat counts, ``measured`` (threats with any value) and ``mean_level``
    (mean over measured threats), sorted with the most piled-up countries first. Countries
    with no measured threat are kept with ``measured`` = 0.
    """
    percentiles = snapshot_percentiles(snapshot, directions)
    membership = threats.rename("threat").explode().dropna()
    unknown = sorted(set(membership) - set(pillars))
    if unknown:
        raise ColumnError(
            f"threat(s) {unknown} have no pillar",
            location="threat overlap",
            hint="pass the framework's pillar for every threat the indicators name",
        )
    codes = [c for c in membership.index if c in percentiles.columns]
    membership = membership.loc[codes]
    # Average, per country, the percentiles of each threat's indicators.
    stacked = percentiles[membership.index].T.set_axis(membership.to_numpy(), axis=0)
    levels = stacked.groupby(level=0).mean().T
    is_severe = levels.ge(severe)
    pillar_of = pd.Series(dict(pillars)).reindex(levels.columns)
    table = pd.DataFrame(
        {
            "fear": is_severe.loc[:, (pillar_of == "fear").to_numpy()].sum(axis=1),
            "want": is_severe.loc[:, (pillar_of == "want").to_numpy()].sum(axis=1),
            "measured": levels.notna().sum(axis=1),
            "mean_level": levels.mean(axis=1),
        }
    )
    table["total"] = table["fear"] + table["want"]
    table = table[["fear", "want", "total", "measured", "mean_level"]]
    return table.sort_values(["total", "mean_level"], ascending=[False, False])

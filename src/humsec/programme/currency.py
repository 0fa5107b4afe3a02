"""Values to US dollars with annual average exchange rates.

The bundled table (``exchange_rates.yaml``) holds, for every currency the European Central
Bank quotes in its euro foreign exchange reference rates (``eurofxref-hist``, 1999 on), the
calendar-year mean of the daily cross rate against the US dollar::

    usd_per_unit(c, y) = mean over ECB days d of year y quoting both c and USD of
                         (USD per EUR)_d / (c per EUR)_d

(:func:`annual_means`; the euro itself is ``(USD per EUR)_d``). A value converts as
``usd = value * usd_per_unit(currency, year)``. The mean of the daily USD price of one unit is
the rate that turns a flow spread evenly over the year into dollars; it is not the reciprocal
of the mean of the daily units-per-dollar rate (the WDI PA.NUS.FCRF convention), though the
two differ by well under 1 % for the major currencies.

A currency the table does not hold, or a year more than ``nearest_within`` years outside the
currency's years, gives a missing value (never the unconverted number, never zero) and says
why; a year just outside them (the current, not yet complete year) uses the nearest year and
says so. A user's table may give ``usd_per_unit`` or ``lcu_per_usd`` (units per US dollar).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from humsec.errors import DataError, SpecError

#: Reasons a value could not be converted, as :attr:`Conversion.gap` names them.
GAP_CURRENCY = "currency not covered"
GAP_YEAR = "year not covered"


@dataclass(frozen=True)
class Conversion:
    """One conversion: the USD value (``None`` when impossible), the rates used and a note.

    ``rate`` is in units per US dollar (``1 / usd_per_unit``); ``gap`` names why a value was
    not converted (:data:`GAP_CURRENCY`, :data:`GAP_YEAR`) or was converted at a nearby year's
    rate (``"nearest year"``), and is empty otherwise.
    """

    usd: float | None
    rate: float | None
    note: str = ""
    gap: str = ""
    usd_per_unit: float | None = None


@dataclass
class ExchangeRates:
    """Annual USD-per-unit rates by currency and year, with their provenance.

    ``days`` holds, for the currency-years averaged over fewer days than the source published
    that year (a currency that joined, left or was suspended mid-year), the number of days;
    ``source_days`` the number of days the source published per year.
    """

    usd_per_unit: dict[str, dict[int, float]]
    source: str
    licence: str = ""
    verified: bool = True
    provenance: dict[str, Any] = field(default_factory=dict)
    days: dict[str, dict[int, int]] = field(default_factory=dict)
    source_days: dict[int, int] = field(default_factory=dict)
    nearest_within: int = 1

    def __post_init__(self) -> None:
        self.usd_per_unit = {
            c.upper(): dict(sorted(v.items())) for c, v in self.usd_per_unit.items()
        }

    @property
    def currencies(self) -> list[str]:
        """The currencies the table holds (besides USD)."""
        return sorted(self.usd_per_unit)

    def convert(self, value: float, currency: str, year: int | None) -> Conversion:
        """``value`` in ``currency`` during ``year`` in US dollars (module docstring)."""
        code = (currency or "").upper()
        if code == "USD":
            return Conversion(float(value), 1.0, usd_per_unit=1.0)
        table = self.usd_per_unit.get(code)
        if not table:
            return Conversion(
                None,
                None,
                f"no exchange rate for {code or 'an unstated currency'} in {self._short_source()}",
                GAP_CURRENCY,
            )
        note, gap = "", ""
        if year is None:
            year = max(table)
            note, gap = f"no value date: used the {code} rate of {year}", "nearest year"
        elif year not in table:
            wanted = year
            nearest = min(table, key=lambda y: (abs(y - wanted), -y))
            if abs(nearest - wanted) > self.nearest_within:
                return Conversion(
                    None,
                    None,
                    f"no {code} rate for {wanted} (the table covers {_years(table)})",
                    GAP_YEAR,
                )
            note, gap = f"no {code} rate for {wanted}: used {nearest}", "nearest year"
            year = nearest
        rate = table[year]
        partial = self.days.get(code, {}).get(year)
        if partial is not None and not note:
            of = self.source_days.get(year)
            note = f"the {code} {year} rate is the mean of {partial} days" + (
                f" of {of}" if of else ""
            )
        return Conversion(float(value) * rate, 1.0 / rate, note, gap, rate)

    def to_frame(self) -> pd.DataFrame:
        """Long table ``currency, year, usd_per_unit, lcu_per_usd, days``."""
        rows = [
            (c, y, r, 1.0 / r, self.days.get(c, {}).get(y, self.source_days.get(y)))
            for c, t in self.usd_per_unit.items()
            for y, r in t.items()
        ]
        frame = pd.DataFrame(
            rows, columns=["currency", "year", "usd_per_unit", "lcu_per_usd", "days"]
        )
        return frame.astype({"days": "Int64"})

    def _short_source(self) -> str:
        return str(self.provenance.get("short", self.source))


def _years(table: dict[int, float]) -> str:
    years = sorted(table)
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])


def annual_means(daily: pd.DataFrame, *, last_year: int | None = None) -> pd.DataFrame:
    """Calendar-year means of the daily USD price of each currency, from ECB-style rates.

    ``daily`` has a ``Date`` column and one column per currency in units per euro (the
    ``eurofxref-hist`` layout; ``N/A`` or empty for a day not quoted), including ``USD``.
    For each currency ``c`` and year ``y``:
    ``usd_per_unit = mean_d (USD_d / c_d)`` over the days of ``y`` quoting both, and for the
    euro ``mean_d USD_d``. Years after ``last_year`` (default: the last complete year, one
    whose data run to 28 December or later, or are followed by a later date) are left out.
    Returns ``currency, year, usd_per_unit, days, source_days`` (days averaged, and days
    the source published that year), sorted by currency and year.
    """
    if "Date" not in daily.columns or "USD" not in daily.columns:
        raise DataError(
            "the daily rates need a Date and a USD column",
            location="daily exchange rates",
            hint="give the ECB eurofxref-hist table (units per euro)",
        )
    dates = pd.to_datetime(daily["Date"])
    if last_year is None:
        last = dates.max()
        last_year = int(last.year) if (last.month, last.day) >= (12, 28) else int(last.year) - 1
    keep = (dates.dt.year <= last_year).to_numpy()
    years = dates.dt.year.to_numpy()[keep]
    values = daily.drop(columns=["Date"]).apply(pd.to_numeric, errors="coerce")[keep]
    values = values.loc[
        :, [str(c).strip() != "" and not str(c).startswith("Unnamed") for c in values.columns]
    ]
    values.columns = [str(c).strip().upper() for c in values.columns]
    usd = values["USD"].to_numpy(dtype=float)
    source_days = pd.Series(np.isfinite(usd)).groupby(years).sum()
    cross = {"EUR": usd}
    for code in values.columns:
        if code != "USD":
            cross[code] = usd / values[code].to_numpy(dtype=float)
    rows = []
    for code, series in sorted(cross.items()):
        frame = pd.DataFrame({"year": years, "v": series}).dropna()
        frame = frame[np.isfinite(frame["v"]) & (frame["v"] > 0)]
        for year, group in frame.groupby("year"):
            rows.append(
                (
                    code,
                    int(year),
                    float(group["v"].mean()),
                    len(group),
                    int(source_days.get(year, 0)),
                )
            )
    return pd.DataFrame(rows, columns=["currency", "year", "usd_per_unit", "days", "source_days"])


@cache
def _bundled() -> ExchangeRates:
    text = resources.files("humsec.programme").joinpath("exchange_rates.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    provenance = {
        k: v for k, v in data.items() if k not in ("rates", "days", "source_days", "verified")
    }
    return ExchangeRates(
        {c: {int(y): float(r) for y, r in t.items()} for c, t in data["rates"].items()},
        source=str(data["source"]),
        licence=str(data.get("licence", "")),
        verified=bool(data.get("verified", False)),
        provenance=provenance,
        days={c: {int(y): int(n) for y, n in t.items()} for c, t in data.get("days", {}).items()},
        source_days={int(y): int(n) for y, n in data.get("source_days", {}).items()},
    )


def exchange_rates(source: str | os.PathLike[str] | pd.DataFrame | None = None) -> ExchangeRates:
    """The bundled rates (module docstring), or a user's table.

    A user's table is a CSV/Excel/Parquet file or a DataFrame with ``currency`` (ISO 4217),
    ``year`` and either ``usd_per_unit`` (US dollars per unit) or ``lcu_per_usd`` (units per
    US dollar, as the WDI series PA.NUS.FCRF); ``usd = value * usd_per_unit = value /
    lcu_per_usd``.
    """
    if source is None:
        return _bundled()
    if isinstance(source, pd.DataFrame):
        frame, where = source, "exchange_rates"
    else:
        from humsec.data import read_table

        file = Path(source)
        if not file.is_file():
            raise DataError(
                "exchange-rate table not found",
                location=str(file),
                hint="give a table with columns currency, year and usd_per_unit (or lcu_per_usd)",
            )
        frame, where = read_table(file), str(file)
    column = next((c for c in ("usd_per_unit", "lcu_per_usd") if c in frame.columns), None)
    missing = [c for c in ("currency", "year") if c not in frame.columns]
    if column is None:
        missing.append("usd_per_unit (or lcu_per_usd)")
    if missing:
        raise SpecError(
            f"the exchange-rate table lacks {', '.join(missing)}",
            location=where,
            hint="columns: currency (ISO 4217), year, and usd_per_unit (US "
            "dollars per unit) or lcu_per_usd (units per US dollar)",
        )
    assert column is not None
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame.index[~(values > 0)]
    if len(bad):
        raise DataError(
            f"{len(bad)} rate(s) are missing or not positive (first at row {int(bad[0]) + 2})",
            location=f"{where}, column {column}",
            hint="rates must be > 0",
        )
    rates: dict[str, dict[int, float]] = {}
    for cur, year, rate in zip(frame["currency"], frame["year"], values, strict=True):
        per_unit = float(rate) if column == "usd_per_unit" else 1.0 / float(rate)
        rates.setdefault(str(cur).upper(), {})[int(year)] = per_unit
    return ExchangeRates(rates, source=where)


__all__ = [
    "GAP_CURRENCY",
    "GAP_YEAR",
    "Conversion",
    "ExchangeRates",
    "annual_means",
    "exchange_rates",
]

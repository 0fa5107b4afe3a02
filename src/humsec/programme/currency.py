"""Values to US dollars with annual average exchange rates.

The bundled table (``exchange_rates.yaml``) has two sources.

1. **ECB.** For every currency the European Central Bank quotes in its euro foreign exchange
   reference rates (``eurofxref-hist``, 1999 on), the calendar-year mean of the daily cross
   rate against the US dollar::

       usd_per_unit(c, y) = mean over ECB days d of year y quoting both c and USD of
                            (USD per EUR)_d / (c per EUR)_d

   (:func:`annual_means`; the euro itself is ``(USD per EUR)_d``). The mean of the daily USD
   price of one unit is the rate that turns a flow spread evenly over the year into dollars.
2. **IMF.** For the other currencies and years (KES, MZN, UGX, ETB … and the years before
   1999), the IMF's official rate in International Financial Statistics, domestic currency
   per US dollar, period average, annual (series ``XDC_USD.PA_RT.A``, the source of the WDI's
   PA.NUS.FCRF), as mirrored by Code for IATI (:func:`imf_annual_rates`);
   ``usd_per_unit = 1 / lcu_per_usd``. That is the reciprocal of the mean of units per dollar,
   not the mean of dollars per unit; the two differ by well under 1 % for a currency that moves
   little within a year.

The ECB wins where it has the currency-year: it is the existing, daily and more recent
(to the last complete year) series; the IMF fills what it lacks. Each currency-year records
its source (:attr:`ExchangeRates.sources`). A value converts as
``usd = value * usd_per_unit(currency, year)``.

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
    source: str = ""
    """The key of the source of the rate used (``ecb``, ``imf``; empty for USD or a gap)."""


@dataclass
class ExchangeRates:
    """Annual USD-per-unit rates by currency and year, with their provenance.

    ``days`` holds, for the currency-years averaged over fewer days than the source published
    that year (a currency that joined, left or was suspended mid-year), the number of days;
    ``source_days`` the number of days the source published per year. ``sources`` names the
    source of each currency-year (a key of ``source_info``: its name, URL, terms, method);
    without it every rate is from ``source``.
    """

    usd_per_unit: dict[str, dict[int, float]]
    source: str
    licence: str = ""
    verified: bool = True
    provenance: dict[str, Any] = field(default_factory=dict)
    days: dict[str, dict[int, int]] = field(default_factory=dict)
    source_days: dict[int, int] = field(default_factory=dict)
    nearest_within: int = 1
    sources: dict[str, dict[int, str]] = field(default_factory=dict)
    source_info: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        source = self.source_of(code, year)
        partial = self.days.get(code, {}).get(year)
        if partial is not None and not note and source != "imf":
            of = self.source_days.get(year)
            note = f"the {code} {year} rate is the mean of {partial} days" + (
                f" of {of}" if of else ""
            )
        return Conversion(float(value) * rate, 1.0 / rate, note, gap, rate, source)

    def source_of(self, currency: str, year: int) -> str:
        """The key of the source of ``currency``'s rate in ``year`` (``""`` when only one
        source is given)."""
        return self.sources.get(currency.upper(), {}).get(year, "")

    def to_frame(self) -> pd.DataFrame:
        """Long table ``currency, year, usd_per_unit, lcu_per_usd, days, source`` (``days``:
        ECB days averaged; missing for an IMF annual rate)."""
        rows = []
        for c, t in self.usd_per_unit.items():
            for y, r in t.items():
                source = self.source_of(c, y)
                days = (
                    None
                    if source == "imf"
                    else self.days.get(c, {}).get(y, self.source_days.get(y))
                )
                rows.append((c, y, r, 1.0 / r, days, source))
        frame = pd.DataFrame(
            rows, columns=["currency", "year", "usd_per_unit", "lcu_per_usd", "days", "source"]
        )
        return frame.astype({"days": "Int64"})

    def _short_source(self) -> str:
        if len(self.source_info) > 1:
            return " or ".join(str(i.get("short", k)) for k, i in self.source_info.items())
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


#: IMF countries whose rows Code for IATI labels with another code than the currency the
#: IMF's series is in (a foreign legal tender, a unit of account, a predecessor), read as that
#: currency (ISO 4217). The values show it: Haiti ~93.5 per USD in 2020, not 1; Uruguay ~42
#: pesos (UYU), not the UYW unit; Croatia's kuna (HRK), not the dinar (HRD).
IMF_DOMESTIC = {
    "HT": "HTG",
    "LS": "LSL",
    "NA": "NAD",
    "PA": "PAB",
    "UY": "UYU",
    "HR": "HRK",
    "AN": "ANG",
}
#: The IMF aggregate that issues a union currency (euro area, WAEMU, CEMAC, ECCU).
IMF_UNIONS = {"EUR": "U2", "XOF": "7A", "XAF": "5X", "XCD": "5Y"}
#: Euro-area legacy currencies and the year the euro replaced each: the IMF rows of a later
#: year are euro rates under the old code (San Marino's ITL) and are left out.
IMF_EURO_LEGACY = {
    **dict.fromkeys(
        ("ATS", "BEF", "DEM", "ESP", "FIM", "FRF", "IEP", "ITL", "LUF", "NLG", "PTE"), 1999
    ),
    "GRD": 2001,
    "SIT": 2007,
    "CYP": 2008,
    "MTL": 2008,
    "SKK": 2009,
    "EEK": 2011,
    "LVL": 2014,
    "LTL": 2015,
    "HRK": 2023,
}
#: Codes whose IMF history runs through several currencies of different units under one
#: label, so no year can be trusted to be in the labelled unit: left out.
IMF_EXCLUDED = {
    "ZWG": "Zimbabwe's series is in Zimbabwe dollars (ZWD to 2008, ZWL from 2019) under the "
    "2024 ZWG code",
    "VED": "Venezuela's series to 2017 is in VEB/VEF under the 2021 VED code",
}
IMF_COLUMNS = ("Date", "Rate", "Currency", "Frequency", "Country code")


def imf_annual_rates(rows: pd.DataFrame, *, first_year: int | None = None) -> pd.DataFrame:
    """One annual official rate (units per US dollar) per currency and year from the IMF rows
    (Code for IATI's ``imf_exchangerates_A_ENDA_USD.csv``: ``Date, Rate, Currency, Frequency,
    Country code``; one row per country and year, IFS period averages).

    The rows of a country are its currency's (read through :data:`IMF_DOMESTIC`); US dollar
    rows, the codes of :data:`IMF_EXCLUDED` and the years of a euro legacy code from its
    replacement on (:data:`IMF_EURO_LEGACY`) are left out. A currency several countries
    report takes, in order: the issuing country's row (the country whose ISO 3166 code opens
    the ISO 4217 code: ZA for ZAR), the union's aggregate (:data:`IMF_UNIONS`), the one value
    when all rows agree to 1e-9, else the median of the rows.

    Returns ``currency, year, lcu_per_usd, country, rule, countries`` (``country`` the row
    used, empty for a median; ``countries`` every reporting country), sorted by currency and
    year. Rows with another frequency than ``A`` are an error. Read the CSV with
    ``keep_default_na=False``: Namibia's country code is ``NA``.
    """
    missing = [c for c in IMF_COLUMNS if c not in rows.columns]
    if missing:
        raise DataError(
            f"the IMF table lacks {', '.join(missing)}",
            location="IMF exchange rates",
            hint="give Code for IATI's imf_exchangerates_A_ENDA_USD.csv",
        )
    other = rows[rows["Frequency"].astype(str) != "A"]
    if len(other):
        raise DataError(
            f"{len(other)} row(s) are not annual (first: {other.iloc[0]['Frequency']!r})",
            location="IMF exchange rates, column Frequency",
            hint="use the annual-average table imf_exchangerates_A_ENDA_USD.csv",
        )
    frame = pd.DataFrame(
        {
            "country": rows["Country code"].astype(str).str.strip(),
            "currency": rows["Currency"].astype("string").str.strip().str.upper(),
            "year": pd.to_datetime(rows["Date"]).dt.year.astype(int),
            "rate": pd.to_numeric(rows["Rate"], errors="coerce"),
        }
    )
    fixed = frame["country"].map(IMF_DOMESTIC)
    frame["currency"] = fixed.where(fixed.notna(), frame["currency"])
    frame = frame[frame["currency"].notna() & (frame["rate"] > 0)]
    frame = frame[~frame["currency"].isin(["USD", *IMF_EXCLUDED])]
    replaced = frame["currency"].map(IMF_EURO_LEGACY)
    frame = frame[replaced.isna() | (frame["year"] < replaced)]
    if first_year is not None:
        frame = frame[frame["year"] >= first_year]
    out = []
    for _, group in frame.groupby(["currency", "year"], sort=True):
        code, year = str(group["currency"].iloc[0]), int(group["year"].iloc[0])
        out.append((code, year, *_one_rate(code, group)))
    return pd.DataFrame(
        out, columns=["currency", "year", "lcu_per_usd", "country", "rule", "countries"]
    )


def _one_rate(code: str, group: pd.DataFrame) -> tuple[float, str, str, str]:
    by_country = dict(zip(group["country"], group["rate"].astype(float), strict=True))
    countries = ", ".join(sorted(by_country))
    if len(by_country) == 1:
        ((country, rate),) = by_country.items()
        return rate, country, "only row", countries
    for country, rule in ((code[:2], "issuer"), (IMF_UNIONS.get(code, ""), "union")):
        if country in by_country:
            return by_country[country], country, rule, countries
    values = np.array(list(by_country.values()))
    if np.allclose(values, values[0], rtol=1e-9, atol=0):
        return float(values[0]), "", "identical rows", countries
    return float(np.median(values)), "", "median", countries


@cache
def _bundled() -> ExchangeRates:
    text = resources.files("humsec.programme").joinpath("exchange_rates.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~3x faster
    data = yaml.load(text, Loader=loader)
    skip = ("rates", "days", "source_days", "verified", "imf", "imf_lcu_per_usd", "imf_rows")
    provenance = {k: v for k, v in data.items() if k not in skip}
    rates = {c: {int(y): float(r) for y, r in t.items()} for c, t in data["rates"].items()}
    sources = {c: dict.fromkeys(t, "ecb") for c, t in rates.items()}
    for code, table in data.get("imf_lcu_per_usd", {}).items():
        for year, lcu in table.items():
            rates.setdefault(code, {})[int(year)] = 1.0 / float(lcu)
            sources.setdefault(code, {})[int(year)] = "imf"
    ecb = {k: v for k, v in provenance.items() if k not in ("combined", "precedence")}
    info: dict[str, dict[str, Any]] = {"ecb": ecb}
    if "imf" in data:
        info["imf"] = {**data["imf"], "rows": data.get("imf_rows", {})}
    return ExchangeRates(
        rates,
        source=str(data.get("combined", data["source"])),
        licence=str(data.get("licence", "")),
        verified=bool(data.get("verified", False)),
        provenance=provenance,
        days={c: {int(y): int(n) for y, n in t.items()} for c, t in data.get("days", {}).items()},
        source_days={int(y): int(n) for y, n in data.get("source_days", {}).items()},
        sources=sources,
        source_info=info,
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
    "IMF_DOMESTIC",
    "IMF_EURO_LEGACY",
    "IMF_EXCLUDED",
    "IMF_UNIONS",
    "Conversion",
    "ExchangeRates",
    "annual_means",
    "exchange_rates",
    "imf_annual_rates",
]

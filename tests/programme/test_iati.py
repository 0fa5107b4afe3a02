"""IATI import: columns, USD values worked by hand, data-quality flags, unknown elements kept,
programmes with XPath provenance, and the errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.programme import ACTIVITY_COLUMNS, appraise, exchange_rates, read_iati

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/iati/kenya_activities_203.xml"


@pytest.fixture(scope="module")
def result():
    return read_iati(FIXTURE)


def test_columns_and_values(result) -> None:
    act = result.activities.set_index("iati_identifier")
    assert list(result.activities.columns) == [*ACTIVITY_COLUMNS, "extra"]
    drought = act.loc["XM-EXAMPLE-1-KE-DROUGHT"]
    assert drought["recipient_countries"] == [("KEN", 100.0)]
    assert drought["sectors"] == [("31163", 60.0), ("12240", 40.0)]
    assert (drought["start"], drought["end"], drought["status"]) == (
        "2024-02-15", "2027-12-31", "2")  # actual start beats planned
    assert {o["role"] for o in drought["participating_orgs"]} == {
        "funding", "accountable", "implementing"}
    # ECB annual means (tests/programme/test_exchange_rates.py): EUR 2023 1.0812686 and
    # 2024 1.0823805 USD per EUR, GBP 2023 1.2433758 USD per GBP
    # 1,000,000 EUR (2024) + 1,500,000 EUR (2023)
    assert drought["budget_total_usd"] == pytest.approx(1_082_380.5 + 1_621_902.9)
    # disbursement 924,800 EUR in 2023 + expenditure 50,000 USD
    assert drought["disbursed_usd"] == pytest.approx(924_800 * 1.0812686 + 50_000)
    # revised budgets replace the original: 160,840 GBP in 2023
    assert act.loc["XM-EXAMPLE-2-UG-EDU", "budget_total_usd"] == pytest.approx(199_984.56,
                                                                               rel=1e-7)
    assert pd.isna(act.loc["XM-EXAMPLE-2-UG-EDU", "disbursed_usd"])  # none reported
    assert bool(act.loc["XM-EXAMPLE-1-KE-SUPPORT", "humanitarian"])


def test_unknown_elements_are_kept(result) -> None:
    extra = json.loads(result.activities["extra"][0])
    assert extra["{http://www.example.org/usg}treasury-account"] == [{"code": "72-1021"}]
    assert extra["sector"][0]["code"] == "RES-1"  # a non-DAC vocabulary, kept as it is
    assert extra["default-flow-type"] == [{"code": "10"}]


def test_data_quality_flags(result) -> None:
    issues = result.issues
    by = {(i, f): m for i, f, _, m in issues.itertuples(index=False)}
    s = "XM-EXAMPLE-1-KE-SUPPORT"
    assert by[(s, "title")] == "vague title 'Project support'"
    assert by[(s, "description")] == "no description"
    assert "unknown DAC purpose code '99999'" in by[(s, "sector[2]/@code")]
    assert "sector percentages add up to 90" in by[(s, "sector/@percentage")]
    assert "unknown status '9'" in by[(s, "activity-status/@code")]
    assert "unknown organisation type '99'" in by[(s, "participating-org[1]/@type")]
    assert "budget periods overlap" in by[(s, "budget/period-start")]
    assert "no exchange rate for XXZ" in by[(s, "transaction[1]/value")]
    big = issues[(issues.iati_identifier == s) & (issues.field == "budget[1]/value")]
    assert set(big.severity) == {"error"} and len(big) == 2  # > 1e10 USD and > Kenya's GDP
    assert any("more than KEN's GDP" in m for m in big.message)
    assert by[("XM-EXAMPLE-1-KE-DROUGHT", "transaction[3]/transaction-date")] == \
        "transaction without a date"
    assert by[("XM-EXAMPLE-2-UG-EDU", "location")].startswith("no sub-national location")
    assert ("XM-EXAMPLE-1-KE-DROUGHT", "location") not in by


def test_programmes_carry_xpath_provenance_and_appraise(result) -> None:
    prog = {p.id: p for p in result.programmes}["XM-EXAMPLE-1-KE-DROUGHT"]
    assert prog.programme.areas == ("KE010", "KE023")
    assert [c.sector for c in prog.components] == ["31163", "12240"]
    assert prog.components[0].cost == pytest.approx(0.6 * (1_082_380.5 + 1_621_902.9))
    assert prog.components[0].target_groups == ("women",)  # gender marker, significance 1
    assert prog.components[0].risk_measures == ("disaster_risk_reduction",)
    assert prog.components[0].indicators[0].actual == 24
    assert "iati-activity[1]/sector[1]/@code" in prog.where("components[0].sector")
    appraisal = appraise(prog)
    row = appraisal.to_frame().set_index("criterion")
    # IATI does not say protection or empowerment: the appraisal says what is missing
    assert row.loc["protection_and_empowerment", "score"] == 0
    assert "iati-activity[1]/participating-org" in row.loc["diverse_actors", "evidence"]


def test_user_exchange_rates(tmp_path: Path) -> None:
    rates = exchange_rates(pd.DataFrame({"currency": ["EUR", "GBP"], "year": [2023, 2023],
                                         "lcu_per_usd": [0.5, 1.0]}))
    act = read_iati(FIXTURE, rates=rates, programmes=False).activities
    assert act["budget_total_usd"][0] == pytest.approx(5_000_000)  # 2024 at the 2023 rate
    per_unit = exchange_rates(pd.DataFrame({"currency": ["EUR"], "year": [2024],
                                            "usd_per_unit": [1.25]}))
    assert per_unit.convert(100, "EUR", 2024).usd == pytest.approx(125)
    with pytest.raises(DataError, match="not positive"):
        exchange_rates(pd.DataFrame({"currency": ["EUR"], "year": [2023], "lcu_per_usd": [0]}))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_versions_and_bad_files(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert len(read_iati(_write(tmp_path, text.replace('version="2.03"', 'version="2.01"')))
               .activities) == 3
    with pytest.raises(DataError, match=r"unsupported IATI version '1\.05'"):
        read_iati(_write(tmp_path, text.replace('version="2.03"', 'version="1.05"')))
    with pytest.raises(DataError, match="not an IATI activity file: the root element is "
                                        "<iati-organisations>"):
        read_iati(_write(tmp_path, '<iati-organisations version="2.03"/>'))
    with pytest.raises(DataError, match="root element is <html>"):
        read_iati(_write(tmp_path, "<html><body/></html>"))
    broken = text.replace("</title>", "", 1)
    with pytest.raises(DataError, match=r"file\.xml:\d+:\d+: malformed XML"):
        read_iati(_write(tmp_path, broken))

"""End-to-end: `humsec report` on the bundled real data, through Typer's runner."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli import app
from humsec.data import load

from .conftest import BuiltReport, figure_data, map_styles


def test_report_command_prints_path_and_size(built_report: BuiltReport) -> None:
    assert re.search(r"wrote .*humsec-report\.html \(\d+\.\d MB\)", built_report.output)
    assert built_report.path.stat().st_size > 1_000_000


def test_map_holds_values_for_at_least_180_countries(built_report: BuiltReport) -> None:
    data, _ = figure_data(built_report.html, "threat-map")
    coloured = data[1]
    with_value = {
        loc for loc, z in zip(coloured["locations"], coloured["z"], strict=True) if z is not None
    }
    assert len(with_value) >= 180
    outlines = {f["id"] for f in coloured["geojson"]["features"]}
    assert with_value <= outlines  # every value has a shape to colour
    # every indicator in the menu also maps >= 140 countries
    styles = map_styles(built_report.html)
    options = re.findall(r'<option value="([a-z0-9_]+)"', built_report.html)
    assert len(options) >= 40 and set(options) == set(styles)
    for code, style in styles.items():
        z = style["trace"]["z"][0]
        assert sum(v is not None for v in z) >= 140, code


def test_map_value_matches_raw_data(built_report: BuiltReport) -> None:
    data, layout = figure_data(built_report.html, "threat-map")
    assert "INFORM risk" in layout["title"]["text"] and "2025" in layout["title"]["text"]
    coloured = data[1]
    kenya = coloured["z"][coloured["locations"].index("KEN")]
    raw = load("inform2025").set_index("iso3")["inform_risk"]
    assert kenya == raw["KEN"]


def test_report_loads_nothing_external(built_report: BuiltReport) -> None:
    html = built_report.html.lower()
    for pattern in ("<script src", '<link href="http', "<link rel", "url(http", "@import", "<img"):
        assert pattern not in html, pattern
    # plotly.js is inline, exactly once
    assert built_report.html.count("plotly.js v") == 1
    # the only http(s) references outside scripts are attribution links
    outside_scripts = re.sub(r"<script>.*?</script>", "", built_report.html, flags=re.S)
    # (attribute names bounded and after whitespace: base64 data URIs would make \w+ quadratic)
    for attr in re.findall(r'\s([a-z-]{1,20})="https?://', outside_scripts):
        assert attr == "href"
    assert all(
        tag.startswith("<a ")
        for tag in re.findall(r'<[a-z]+ [^>]*href="https?://', outside_scripts)
    )


def test_report_has_nav_header_sections_and_attribution(built_report: BuiltReport) -> None:
    html = built_report.html
    nav = re.search(r'<nav class="report-nav".*?</nav>', html, re.S)
    assert nav is not None
    ids = re.findall(r'href="#([a-z_-]+)"', nav.group(0))
    # other capabilities add sections in between; ours are present and attribution is last
    assert {"threats", "profile"} <= set(ids) and ids[-1] == "attribution"
    assert len(ids) == len(set(ids))
    assert "Kenya (KEN)" in html and 'id="meta-version">0.1.0<' in html
    assert "hdr 2022" in html and "ucdp_country_year 2024" in html
    attribution = html[html.index('id="attribution"') :]
    for licence in ("CC BY 3.0 IGO", "CC BY 4.0"):
        assert licence in attribution
    assert "Alkire" in attribution and "Hallegatte" in attribution


def test_coverage_gaps_are_listed(built_report: BuiltReport) -> None:
    gaps = re.search(r'<ul class="gap-list" id="coverage-gaps">(.*?)</ul>', built_report.html)
    assert gaps is not None
    assert "<code>crime</code>" in gaps.group(1)


def test_profile_rank_matches_raw_hdr(built_report: BuiltReport) -> None:
    hdr = load("hdr")
    hdi = (
        hdr[(hdr["variable"] == "hdi") & (hdr["year"] == 2022)].set_index("iso3")["value"].dropna()
    )
    kenya = hdi["KEN"]
    expected_rank = int((hdi < kenya).sum()) + 1  # lower HDI = more threatened
    table = re.search(
        r'<table class="data-table" id="profile-indicators">.*?</table>', built_report.html, re.S
    )
    assert table is not None
    row = re.search(r"<tr><td>Human Development Index</td>(.*?)</tr>", table.group(0))
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    # pillar, year, value, unit, rank, of, percentile, trend
    assert cells[1] == "2022" and cells[2] == f"{kenya:.3f}"
    assert cells[4] == str(expected_rank) and cells[5] == str(len(hdi))


def test_country_by_name_and_year_cap(tmp_path: Path) -> None:
    out = tmp_path / "ghana.html"
    result = CliRunner().invoke(
        app,
        ["report", "-o", str(out), "--country", "Ghana", "--year", "2015", "--sections", "profile"],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Country profile: Ghana (GHA)" in html
    assert 'id="threats"' not in html and 'id="attribution"' in html
    table = re.search(r'id="profile-indicators">.*?</table>', html, re.S)
    assert table is not None
    years = {int(y) for y in re.findall(r"<td class=\"num\">(\d{4})</td>", table.group(0))}
    assert years and max(years) <= 2015


def test_unknown_country_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "never.html"
    result = CliRunner().invoke(app, ["report", "-o", str(out), "--country", "KEM"])
    assert result.exit_code == 2
    assert "unknown country 'KEM'" in result.output and "'KEN' (Kenya)" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_unknown_section_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "-o", str(tmp_path / "x.html"), "-s", "profil"])
    assert result.exit_code == 2
    assert "did you mean 'profile'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_debug_flag_shows_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "-o", str(tmp_path / "x.html"), "-c", "KEM", "--debug"]
    )
    assert result.exit_code != 0 and result.exception is not None
    assert "unknown country" in str(result.exception)


def test_hdi_row_values_are_from_panel() -> None:
    # guard for the regex-based test above: the HDR variable really is 'hdi'
    hdr = load("hdr")
    assert isinstance(hdr, pd.DataFrame) and (hdr["variable"] == "hdi").any()


def test_year_before_any_data_says_so(tmp_path: Path) -> None:
    out = tmp_path / "old.html"
    result = CliRunner().invoke(
        app, ["report", "-o", str(out), "--year", "1900", "-s", "threats,profile"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "No registered indicator has data up to 1900." in html
    assert "Kenya (KEN) has no data up to 1900" in html
    assert "plotly.js v" not in html  # no figure, so no plotly bundle either


def test_pile_up_table_counts_agree(built_report: BuiltReport) -> None:
    table = re.search(r'id="pile-up">.*?</table>', built_report.html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0))[1:]
    assert len(rows) == 15
    totals = []
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        fear, want, total, measured = (int(c) for c in cells[2:6])
        assert fear + want == total <= measured <= 12
        totals.append(total)
    assert totals == sorted(totals, reverse=True)
    styles = map_styles(built_report.html)
    z = styles["severe_threats"]["trace"]["z"][0]
    assert max(v for v in z if v is not None) == totals[0]


def test_indicator_table_year_and_coverage_follow_raw_hdr(built_report: BuiltReport) -> None:
    hdr = load("hdr")
    le = hdr[hdr["variable"] == "le"].dropna(subset=["value"])
    per_year = le.groupby("year")["iso3"].nunique()
    # latest year with at least 80 % of the best year's country count
    year = int(per_year[per_year >= 0.8 * per_year.max()].index.max())
    table = re.search(r'id="indicator-table">.*?</table>', built_report.html, re.S)
    assert table is not None
    row = re.search(r"<tr><td>life_expectancy</td>(.*?)</tr>", table.group(0))
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    # name, pillar, threats, unit, direction, year, countries, source
    assert cells[5] == str(year) and cells[6] == str(per_year[year])
    assert cells[7] == "hdr:le"


def test_focus_country_line_agrees_with_pile_up_map(built_report: BuiltReport) -> None:
    line = re.search(
        r'id="pile-up-focus">Kenya: (\d+) severe threats \((\d+) fear, (\d+) want\) of (\d+) '
        r"measured; rank (\d+) of (\d+) countries",
        built_report.html,
    )
    assert line is not None
    total, fear, want, _, rank, n = (int(g) for g in line.groups())
    assert fear + want == total
    data, _ = figure_data(built_report.html, "threat-map")
    z = map_styles(built_report.html)["severe_threats"]["trace"]["z"][0]
    locations = data[1]["locations"]
    assert z[locations.index("KEN")] == total
    # rank = 1 + number of countries with more severe threats (countries on the map)
    assert rank >= 1 + sum(1 for v in z if v is not None and v > total)
    assert n >= sum(1 for v in z if v is not None)

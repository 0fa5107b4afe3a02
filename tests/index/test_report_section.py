"""The HSI report section renders offline figures and real numbers."""

from __future__ import annotations

import re

from humsec.report.section import ReportContext
from humsec.report.sections import SECTIONS
from humsec.report.sections.index import INDEX_SECTION


def test_section_registered_once() -> None:
    assert sum(s.id == "hsi" for s in SECTIONS) == 1


def test_section_renders_map_scatter_intervals_and_drivers() -> None:
    rendered = INDEX_SECTION.render(ReportContext(country="KEN", seed=3))
    html = rendered.html
    for div in ("hsi-map", "hsi-quadrants", "hsi-rank-intervals", "hsi-drivers"):
        assert f'id="{div}"' in html
    assert "<script src" not in html and "cdn" not in html.lower()
    assert "Kenya" in html and "compound insecurity" in html
    # the ranking table lists the most insecure country first with a rank interval
    table = html[html.index('id="hsi-ranking"'):]
    assert re.search(r"\d+-\d+", table)
    assert "Sobol" in html
    assert any("INFORM" in line for line in rendered.attributions)
    assert any("UNDP" in line for line in rendered.attributions)


def test_report_year_applies_to_the_hsi_and_low_coverage_is_said() -> None:
    from humsec.index import bundled_data, coverage_by_year, load_preset
    from humsec.report.sections.index import _year

    spec, panel = load_preset("hsi"), bundled_data("hsi")
    share = coverage_by_year(spec, panel)
    # a well-covered year is used as asked, without a warning
    assert _year(ReportContext(year=2021), spec, panel) == (2021, "")
    # 2024 is used too, but only ~41 % of the indicator values exist (79 % in 2023)
    year, warning = _year(ReportContext(year=2024), spec, panel)
    assert year == 2024
    assert share[2024] < 0.95 * share[2023]
    assert f"Coverage in 2024 is low: {share[2024]:.0%}" in warning
    assert f"against {share[2023]:.0%} in 2023" in warning and "--year 2023" in warning
    # after the panel's last year: its latest year, said so; before its first: nothing
    year, warning = _year(ReportContext(year=2040), spec, panel)
    assert year == int(share.index.max()) and "no data for 2040" in warning
    assert _year(ReportContext(year=1900), spec, panel)[0] is None


def test_section_headline_for_a_low_coverage_year() -> None:
    html = INDEX_SECTION.render(ReportContext(country="KEN", seed=3, year=2024)).html
    assert "countries for 2024 on 0-10" in html
    assert "Coverage in 2024 is low" in html.split("<h3>")[0]  # in the headline part

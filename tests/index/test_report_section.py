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

"""The threat-network section in the built report, and the portfolio section."""

from __future__ import annotations

import re

import pandas as pd

from humsec.programme import plan
from humsec.project import Project, demo_project_dir
from humsec.report import PortfolioSection, ReportContext, build_report

from .conftest import BuiltReport, figure_data


def test_threat_network_section_in_the_report(built_report: BuiltReport) -> None:
    html = built_report.html
    assert 'id="threat-network"' in html
    traces, _ = figure_data(html, "threat-network-figure")
    assert {t["name"] for t in traces} == {"threat of fear", "threat of want"}
    assert 'id="threat-leverage"' in html and 'id="threat-edges"' in html
    assert 'id="threat-comparison"' in html
    assert "not a causal effect" in html


def test_portfolio_section_with_a_project_map() -> None:
    project = Project.load(demo_project_dir())
    pcodes = project.pcodes[:4]
    candidates = pd.DataFrame(
        {
            "area": pcodes + pcodes[:2],
            "package": ["wash"] * 4 + ["cash"] * 2,
            "cost": [5.0, 4.0, 6.0, 3.0, 2.0, 2.5],
            "benefit": [9.0, 7.0, 8.0, 3.0, 4.0, 3.0],
        }
    )
    result = plan(candidates, 12.0, areas=project.pcodes, gap=0.0)
    section = PortfolioSection(result, amounts=[6.0, 12.0, 18.0], alternatives=2)
    html = build_report(ReportContext(project=project), [section], data_label="test")
    traces, _ = figure_data(html, "portfolio-frontier")
    assert traces[0]["y"][1] == result.objective  # the frontier passes through the plan
    assert 'id="portfolio-alternatives"' in html
    # the map's outlines are the page's shared geometry (a script variable, not JSON)
    start = html.index('"portfolio-map",')
    z = re.search(r'"z":\s*\[([^\]]*)\]', html[start:])
    assert z is not None
    assert sum(float(v) for v in z.group(1).split(",")) == result.spend.sum()

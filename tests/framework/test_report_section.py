"""The framework's report section: network figure, threat table with cascade reach."""

from __future__ import annotations

import json
import re

from humsec.framework import default_framework
from humsec.report.section import ReportContext, Section
from humsec.report.sections.framework import (
    FRAMEWORK,
    interlinkage_figure,
    node_positions,
    threat_table,
)


def test_positions_put_fear_left_and_want_right() -> None:
    fw = default_framework()
    pos = node_positions(fw)
    assert all(pos[t.id][0] < 0 for t in fw.threats_by_pillar("fear"))
    assert all(pos[t.id][0] > 0 for t in fw.threats_by_pillar("want"))
    assert all(abs(x * x + y * y - 1) < 1e-9 for x, y in pos.values())


def test_figure_has_one_arrow_per_link() -> None:
    fw = default_framework()
    fig = interlinkage_figure(fw)
    assert len(fig.layout.annotations) == len(fw.interlinkages)
    negative = [a for a in fig.layout.annotations if a.arrowcolor.startswith("rgba(40")]
    assert len(negative) == sum(1 for lk in fw.interlinkages if lk.sign < 0) == 1
    assert sum(len(trace.x) for trace in fig.data) == 13


def test_threat_table_counts() -> None:
    table = threat_table(default_framework()).set_index("threat")
    assert table.loc["Disasters", "links out"] == 3
    assert table.loc["Disasters", "reach in 1 step"] == 3
    assert table.loc["Poverty", "links in"] == 7
    assert table.loc["Terrorism", "reach in 1 step"] == 1
    assert table["links out"].sum() == table["links in"].sum() == 26


def test_section_renders_offline_html() -> None:
    assert isinstance(FRAMEWORK, Section)
    rendered = FRAMEWORK.render(ReportContext())
    assert rendered.id == "framework"
    assert 'id="framework-network"' in rendered.html
    assert rendered.html.count("<tr") == 14  # header + 13 threats
    assert "<script src" not in rendered.html
    assert not re.search(r"https?://", rendered.html)
    spec = re.search(
        r"Plotly\.newPlot\(\s*\"framework-network\",\s*(\[.*?\]),\s*\{", rendered.html, re.S
    )
    assert spec is not None and len(json.loads(spec.group(1))) == 2

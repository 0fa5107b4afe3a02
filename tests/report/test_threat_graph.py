"""One threat-graph drawing serves the framework section and the threat-network section."""

from __future__ import annotations

from humsec.framework import default_framework
from humsec.report.sections.framework import (
    ThreatArrow,
    ThreatNode,
    interlinkage_figure,
    node_positions,
    threat_graph_figure,
)


def test_arrows_end_at_the_rim_of_their_markers() -> None:
    framework = default_framework()
    fear, want = framework.threats_by_pillar("fear")[0], framework.threats_by_pillar("want")[0]
    fig = threat_graph_figure(
        framework,
        {
            "fear": [ThreatNode(fear.id, fear.name, 20, ["a"])],
            "want": [ThreatNode(want.id, want.name, 14, ["b"])],
        },
        [ThreatArrow(fear.id, want.id, "red", 2.5, "link")],
        hovertemplate="%{text}",
        height=400,
    )
    pos = node_positions(framework)
    (arrow,) = fig.layout.annotations
    assert (arrow.ax, arrow.ay, arrow.x, arrow.y) == (*pos[fear.id], *pos[want.id])
    assert arrow.standoff == 14 / 2 + 2 and arrow.startstandoff == 20 / 2
    assert arrow.arrowwidth == 2.5 and arrow.hovertext == "link"
    assert [t.name for t in fig.data] == ["threat of fear", "threat of want"]
    assert fig.data[0].marker.color != fig.data[1].marker.color
    assert fig.layout.title.text is None


def test_framework_figure_draws_every_interlinkage_through_it() -> None:
    framework = default_framework()
    fig = interlinkage_figure(framework)
    assert len(fig.layout.annotations) == len(framework.interlinkages)
    assert sum(len(t.x) for t in fig.data) == len(framework.threat_ids)
    assert fig.layout.height == 560 and "green arrow" in fig.layout.title.text

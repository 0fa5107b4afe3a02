"""Report section: the human-security lens itself, with its threats and how they interlock.

It shows the framework that every other section refers to:
- the network of directed interlinkages between fear and want threats;
- each threat's cascade reach, i.e. how many other threats a shock to it can reach along the
  links (breadth-first search, :meth:`humsec.framework.Framework.downstream`);
- the practice policies and key approaches that programme appraisal checks against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from humsec.framework import Framework, default_framework
from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

PILLAR_COLOURS = {"fear": "#b4462f", "want": "#2f6db4"}
SIGN_COLOURS = {1: "rgba(90, 90, 90, 0.55)", -1: "rgba(40, 140, 70, 0.9)"}


def node_positions(framework: Framework) -> dict[str, tuple[float, float]]:
    """Fear threats on the left half of a circle and want threats on the right, in file order.

    Every link between the pillars then crosses the middle of the figure, so the two-way
    traffic between fear and want is visible at a glance.
    """
    positions: dict[str, tuple[float, float]] = {}
    for pillar, (low, high) in {"fear": (105.0, 255.0), "want": (-60.0, 60.0)}.items():
        threats = framework.threats_by_pillar(pillar)
        n = len(threats)
        for i, threat in enumerate(threats):
            share = 0.5 if n == 1 else i / (n - 1)
            # fear runs top to bottom on the left, want top to bottom on the right
            angle = (
                math.radians(low + share * (high - low))
                if pillar == "fear"
                else (math.radians(high - share * (high - low)))
            )
            positions[threat.id] = (math.cos(angle), math.sin(angle))
    return positions


@dataclass(frozen=True)
class ThreatNode:
    """A threat drawn in a threat graph: its id, label, marker diameter (px) and hover lines."""

    id: str
    label: str
    size: float
    customdata: list[Any]


@dataclass(frozen=True)
class ThreatArrow:
    """A directed link drawn in a threat graph."""

    source: str
    target: str
    colour: str
    width: float
    hover: str


def threat_graph_figure(
    framework: Framework,
    nodes: dict[str, list[ThreatNode]],
    arrows: list[ThreatArrow],
    *,
    hovertemplate: str,
    height: int,
    title: str | None = None,
) -> go.Figure:
    """Threats as markers on :func:`node_positions` (one trace per pillar in ``nodes``, coloured
    fear/want) joined by ``arrows``; each arrow ends at the rim of its markers (standoff =
    diameter / 2, plus 2 px at the head), so its head stays visible.

    The framework section draws its literature interlinkages with it, the threat-network
    section the links estimated from data.
    """
    pos = node_positions(framework)
    size = {n.id: n.size for pillar in nodes.values() for n in pillar}
    fig = go.Figure()
    for pillar, threats in nodes.items():
        fig.add_trace(
            go.Scatter(
                x=[pos[t.id][0] for t in threats],
                y=[pos[t.id][1] for t in threats],
                mode="markers+text",
                name=f"threat of {pillar}",
                text=[t.label for t in threats],
                textposition="middle left" if pillar == "fear" else "middle right",
                marker={
                    "size": [t.size for t in threats],  # diameter, px
                    "color": PILLAR_COLOURS[pillar],
                    "line": {"width": 1, "color": "white"},
                },
                customdata=[t.customdata for t in threats],
                hovertemplate=hovertemplate,
            )
        )
    for arrow in arrows:
        (x0, y0), (x1, y1) = pos[arrow.source], pos[arrow.target]
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.1,
            arrowwidth=arrow.width,
            arrowcolor=arrow.colour,
            standoff=size[arrow.target] / 2 + 2,
            startstandoff=size[arrow.source] / 2,
            hovertext=arrow.hover,
            text="",
        )
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": {"visible": False, "range": [-2.1, 2.1]},
        "yaxis": {"visible": False, "range": [-1.2, 1.2], "scaleanchor": "x"},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.04, "x": 0.5, "xanchor": "center"},
    }
    if title is not None:
        layout["title"] = {"text": title, "font": {"size": 12}, "x": 0.5}
    fig.update_layout(**layout)
    return fig


def interlinkage_figure(framework: Framework) -> go.Figure:
    """Directed network of the interlinkages: arrows coloured by sign, nodes by pillar (marker
    diameter 12 + 3 px per link)."""
    degree = {t: 0 for t in framework.threat_ids}
    for link in framework.interlinkages:
        degree[link.source] += 1
        degree[link.target] += 1
    nodes = {
        pillar: [
            ThreatNode(
                t.id,
                t.name,
                12 + 3 * degree[t.id],
                [t.hdr_security, degree[t.id], "yes" if t.cross_border else "no"],
            )
            for t in framework.threats_by_pillar(pillar)
        ]
        for pillar in ("fear", "want")
    }
    arrows = [
        ThreatArrow(
            link.source,
            link.target,
            SIGN_COLOURS[link.sign],
            1.4,
            f"{link.source} → {link.target} ({link.sign:+d}): {link.rationale}",
        )
        for link in framework.interlinkages
    ]
    return threat_graph_figure(
        framework,
        nodes,
        arrows,
        hovertemplate="<b>%{text}</b><br>HDR security: %{customdata[0]}<br>"
        "links: %{customdata[1]}<br>cross-border: %{customdata[2]}<extra></extra>",
        height=560,
        title="grey arrow: raises the target · green arrow: lowers it",
    )


def threat_table(framework: Framework) -> pd.DataFrame:
    """One row per threat: pillar, HDR security, links in and out, and cascade reach."""
    rows = []
    for threat in framework.threats:
        reach = framework.downstream(threat.id)
        rows.append(
            {
                "threat": threat.name,
                "pillar": f'<span class="pill {threat.pillar}">{threat.pillar}</span>',
                "HDR security": threat.hdr_security,
                "cross-border": "yes" if threat.cross_border else "no",
                "links out": len(framework.interlinkages_from(threat.id)),
                "links in": len(framework.interlinkages_to(threat.id)),
                "reach in 1 step": sum(1 for steps in reach.values() if steps == 1),
                "reach in all steps": len(reach),
                "what it is": threat.description,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class FrameworkSection:
    """The framework at a glance: interlinkage network, threat table, policies, approaches."""

    id: str = "framework"
    title: str = "The human-security lens"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ()

    def render(self, context: ReportContext) -> RenderedSection:
        """Render the framework in use: the project's (its ``extends: default`` file) with a
        project, else the bundled one (it does not depend on the focus country)."""
        framework = context.project.framework if context.project else default_framework()
        fear = len(framework.threats_by_pillar("fear"))
        want = len(framework.threats_by_pillar("want"))
        crossing = sum(
            1
            for link in framework.interlinkages
            if framework.pillar_of(link.source) != framework.pillar_of(link.target)
        )
        lead = (
            f'<p class="lead">humsec looks at {fear} threats of fear and {want} threats of '
            f"want through the framework version {escape(framework.version)}. "
            f"{crossing} of its {len(framework.interlinkages)} interlinkages cross between "
            "the two pillars. A shock to one threat travels along them, and that is why "
            "overlapping threats put gains at risk. Reach counts the other threats a "
            "shock can reach along the arrows.</p>"
        )
        approaches = "".join(
            f"<li><strong>{escape(a.name)}</strong>: {escape(a.description)}</li>"
            for a in framework.approaches
        )
        policies = "".join(
            f"<li><strong>{escape(p.name)}</strong>: {escape(p.description)}</li>"
            for p in framework.policies
        )
        groups = ", ".join(escape(g.name.lower()) for g in framework.groups)
        html = (
            lead
            + '<div class="figure">'
            + figure_html(interlinkage_figure(framework), div_id="framework-network")
            + "</div>"
            + table_html(
                threat_table(framework),
                caption="threats, their links and cascade reach",
                html_columns=["pillar"],
                table_id="framework-threats",
            )
            + f"<h3>Practice policies</h3><ol>{policies}</ol>"
            + f"<h3>Key approaches</h3><ol>{approaches}</ol>"
            + f'<p class="note">Vulnerable groups tracked: {groups}. Run '
            "<code>humsec framework show</code> for the full framework, or "
            "<code>humsec framework export</code> to adapt it.</p>"
        )
        return RenderedSection(id=self.id, title=self.title, html=html)


FRAMEWORK = FrameworkSection()

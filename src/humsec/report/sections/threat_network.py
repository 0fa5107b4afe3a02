"""Report sections: the threat network estimated from data, and a planned portfolio.

- :data:`THREAT_NETWORK` estimates the network between threats from the bundled country panel
  (or a project's area panel) with :func:`humsec.threats.estimate_network` and shows the
  network figure (fear and want coloured), the leverage ranking with its bootstrap intervals,
  the edges whose interval excludes zero with the evidence behind them, and the comparison
  with the framework's literature edges.
- :class:`PortfolioSection` shows a :class:`humsec.programme.Plan` a user has solved: its
  spend per budget, the efficient frontier, near-optimal alternatives and, in a project
  report, a map of spend per area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from humsec.framework import default_framework
from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.sections.framework import ThreatArrow, ThreatNode, threat_graph_figure
from humsec.report.tables import table_html

if TYPE_CHECKING:  # the engines load when a section renders, not with the report package
    from humsec.programme import Plan
    from humsec.threats import ThreatNetwork

REPORT_BOOTSTRAP = 200
EDGE_COLOURS = {1: "rgba(180, 70, 47, 0.8)", -1: "rgba(40, 140, 70, 0.85)"}


def network_figure(network: ThreatNetwork) -> go.Figure:
    """Estimated edges whose interval excludes zero as arrows (width ∝ |estimate|; red: more of
    the source goes with more of the target, green: with less), nodes coloured fear/want."""
    framework = default_framework()
    nodes = {
        pillar: [
            ThreatNode(t, framework.threat(t).name, 18, [network.indicators[t]])
            for t in network.threats
            if network.pillars[t] == pillar
        ]
        for pillar in ("fear", "want")
    }
    edges = network.edges
    clear = edges[(edges["ci_lower"] > 0) | (edges["ci_upper"] < 0)]
    largest = float(clear["estimate"].abs().max()) if len(clear) else 1.0
    arrows = []
    for row in clear.to_dict("records"):
        estimate, low, high = float(row["estimate"]), float(row["ci_lower"]), float(row["ci_upper"])
        arrows.append(
            ThreatArrow(
                str(row["source"]),
                str(row["target"]),
                EDGE_COLOURS[1 if estimate > 0 else -1],
                1.0 + 5.0 * abs(estimate) / largest,
                f"{row['source']} → {row['target']}: {estimate:+.3f} "
                f"[{low:+.3f}, {high:+.3f}], N = {row['nobs']}",
            )
        )
    return threat_graph_figure(
        framework,
        nodes,
        arrows,
        hovertemplate="<b>%{text}</b><br>indicator: %{customdata[0]}<extra></extra>",
        height=520,
    )


def _network_for(context: ReportContext) -> ThreatNetwork:
    from humsec.data import country_panel
    from humsec.threats import estimate_network, registry_from_table

    if context.project is None:
        years = None if context.year is None else range(1990, context.year + 1)
        return estimate_network(
            country_panel(years=years), bootstrap=REPORT_BOOTSTRAP, seed=context.seed
        )
    project = context.project
    run = context.project_run
    if run is not None and "threat_network" in run.tables:  # stored by humsec project run
        from humsec.errors import DataError
        from humsec.project import stored_network

        found = stored_network(run.tables["threat_network"])
        if isinstance(found, str):
            raise DataError(found)
        return found
    registry = registry_from_table(project.area_indicators)
    return estimate_network(
        project.indicator_wide(),
        bootstrap=REPORT_BOOTSTRAP,
        seed=context.seed,
        framework=project.framework,
        registry=registry,
    )


@dataclass(frozen=True)
class ThreatNetworkSection:
    """The estimated threat network, leverage ranking, edge evidence and framework check."""

    id: str = "threat-network"
    title: str = "Threat links in the data"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("year", "seed")

    def render(self, context: ReportContext) -> RenderedSection:
        """Estimate the network for the context (seeded bootstrap) and show it."""
        from humsec.errors import HumsecError

        try:
            network = _network_for(context)
        except HumsecError as error:
            return RenderedSection(
                self.id,
                self.title,
                f"<p>The network cannot be estimated from these data: {escape(str(error))}</p>",
            )
        return RenderedSection(self.id, self.title, _network_html(network), [])


def _network_html(network: ThreatNetwork) -> str:
    edges = network.edges
    clear = edges[(edges["ci_lower"] > 0) | (edges["ci_upper"] < 0)]
    series = ", ".join(f"{escape(t)} ({escape(c)})" for t, c in network.indicators.items())
    gaps = "".join(f"<li>{escape(t)}: {escape(r)}</li>" for t, r in network.gaps.items())
    body = (
        f"<p>Each threat's indicator is regressed on the other threats' values a year earlier, "
        f"with its own lag and unit and year fixed effects. An arrow means the source is "
        f"<em>{escape(network.wording)}</em> the target: a regularity in the data, not proof "
        f"that one causes the other. Intervals: {network.bootstrap} country-block bootstrap "
        f"draws (seed {network.seed}). Series: {series}.</p>"
        + (f"<p>Not estimated:</p><ul>{gaps}</ul>" if gaps else "")
        + figure_html(network_figure(network), div_id="threat-network-figure")
        + f"<p>{escape(network.multiplier_message)}.</p>"
    )
    if network.leverage is not None:
        lev = network.leverage.copy()
        keep = [
            c
            for c in ["rank", "threat", "leverage", "ci_lower", "ci_upper", "rank_stability"]
            if c in lev.columns
        ]
        body += table_html(
            lev[keep],
            caption="Leverage: total change across threats per unit push on each "
            "(column sums of the multiplier), with bootstrap intervals and the share of draws "
            "keeping the rank",
            table_id="threat-leverage",
            download=lev,
            download_name="threat_leverage.csv",
        )
    shown = clear[
        [
            "source",
            "target",
            "estimate",
            "ci_lower",
            "ci_upper",
            "p_value",
            "nobs",
            "countries",
            "first_year",
            "last_year",
        ]
    ]
    body += table_html(
        shown,
        caption="Edges whose interval excludes zero (SD of target per SD of source), "
        "with the observations, units and years behind each",
        table_id="threat-edges",
        download=edges,
        download_name="threat_edges.csv",
    )
    comparison = network.comparison.drop(columns=["rationale"])
    body += table_html(
        comparison,
        caption="The framework's literature edges against the estimates, sign by sign",
        table_id="threat-comparison",
        download=network.comparison,
        download_name="threat_comparison.csv",
    )
    return body


THREAT_NETWORK = ThreatNetworkSection()


@dataclass(frozen=True)
class PortfolioSection:
    """A solved portfolio: spend, frontier over ``amounts``, ``k`` alternatives, and a map of
    spend per area in a project report."""

    plan: Plan
    amounts: Sequence[float] = ()
    alternatives: int = 3
    min_difference: int = 2
    id: str = "portfolio"
    title: str = "Portfolio"
    notes: tuple[str, ...] = field(default=())

    def render(self, context: ReportContext) -> RenderedSection:
        """Frontier, alternatives and (with a project) the map of spend per area."""
        result = self.plan
        total = float(result.spend.sum())
        body = (
            f"<p>{len(result.chosen)} candidates chosen; objective {result.objective:,.4g} "
            f"(bound {result.bound:,.4g}, gap {result.gap:.2%}, {escape(result.status)}); "
            f"spend {total:,.0f}.</p>"
            + table_html(
                result.spend.rename("spend").reset_index(),
                caption="Spend per budget",
                table_id="portfolio-spend",
            )
            + table_html(
                result.to_frame(), caption="Chosen candidates", table_id="portfolio-chosen"
            )
        )
        amounts = list(self.amounts) or [total * f for f in (0.5, 0.75, 1.0, 1.25, 1.5)]
        frontier = result.frontier(amounts)
        body += figure_html(_frontier_figure(frontier), div_id="portfolio-frontier")
        alternatives = result.alternatives(self.alternatives, self.min_difference)
        rows: list[dict[str, Any]] = [
            {
                "portfolio": "optimum",
                "objective": result.objective,
                "benefit": result.benefit,
                "chosen": len(result.chosen),
            }
        ] + [
            {
                "portfolio": f"alternative {k}",
                "objective": p.objective,
                "benefit": p.benefit,
                "chosen": len(p.chosen),
            }
            for k, p in enumerate(alternatives, start=1)
        ]
        body += table_html(
            pd.DataFrame(rows),
            caption=f"Near-optimal alternatives (each "
            f"differs in at least {self.min_difference} choices)",
            table_id="portfolio-alternatives",
        )
        if context.project is not None:
            from humsec.report.area_maps import area_map

            spend = result.to_frame().groupby("area")["cost"].sum()
            pcodes = context.project.pcodes
            names = dict(
                zip(
                    context.project.areas["pcode"].astype(str),
                    context.project.areas["name"].astype(str),
                    strict=True,
                )
            )
            body += area_map(
                pcodes,
                [float(spend.get(p, 0.0)) for p in pcodes],
                names=[names.get(p, p) for p in pcodes],
                title="spend",
                div_id="portfolio-map",
                hover_format=",.0f",
            )
        return RenderedSection(self.id, self.title, body)


def _frontier_figure(frontier: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=frontier["amount"].tolist(),
            y=frontier["objective"].tolist(),
            mode="lines+markers",
            hovertemplate="budget %{x:,.0f}<br>objective %{y:,.4g}<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 50, "r": 10, "t": 30, "b": 40},
        xaxis_title="total budget",
        yaxis_title="objective",
        title={"text": "Efficient frontier", "x": 0.5},
    )
    return fig

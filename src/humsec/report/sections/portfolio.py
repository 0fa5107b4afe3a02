"""Report section: the project's portfolio plan (issue 11 §4).

From the ``plan`` run of ``humsec project run`` (:func:`humsec.project.run_plan`): the chosen
portfolio and its spend per budget, a map of the spend in each of the project's areas, the
efficient frontier over total budgets and the near-optimal alternatives; how the benefits were
made (given, or derived from the project) is stated. Without candidates or a budget the section
says what data would fill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd
import plotly.graph_objects as go

from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html


def frontier_figure(frontier: pd.DataFrame) -> go.Figure:
    """Objective against total budget (the efficient frontier)."""
    solved = frontier[frontier["objective"].notna()]
    fig = go.Figure(
        go.Scatter(
            x=solved["amount"].tolist(),
            y=solved["objective"].tolist(),
            mode="lines+markers",
            customdata=solved[["n_chosen"]].to_numpy().tolist(),
            hovertemplate="budget %{x:,.0f}<br>objective %{y:,.4g}<br>%{customdata[0]} "
            "chosen<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 60, "r": 10, "t": 30, "b": 40},
        xaxis_title="total budget",
        yaxis_title="objective",
        title={"text": "Efficient frontier", "x": 0.5},
    )
    return fig


@dataclass(frozen=True)
class ProjectPortfolioSection:
    """The project's planned portfolio: map of spend, frontier, alternatives."""

    id: str = "portfolio"
    title: str = "Portfolio plan"

    def render(self, context: ReportContext) -> RenderedSection:
        """The stored plan's tables as a map, a figure and tables (or what it needs)."""
        from humsec.report.area_maps import area_map
        from humsec.report.sections.project import needs_html, project_run

        project = context.project
        if project is None:
            return RenderedSection(self.id, self.title, "<p>This section needs a project.</p>")
        run = project_run(context)
        tables = run.tables.get("plan")
        if tables is None:
            return RenderedSection(self.id, self.title, needs_html(project, "plan"))
        summary = tables["summary"].set_index("metric")["value"]
        chosen = tables["chosen"]
        d = project.dataset("candidates")
        label = ""
        if d is not None and "ILLUSTRATIVE" in (d.source or "").upper():
            label = (
                '<p class="note"><strong>Illustrative data.</strong> The candidate packages, '
                "their costs and threat reductions and the budget are assumptions for the "
                "demo, not evaluated interventions.</p>"
            )
        notes = "".join(f"<li>{escape(str(n))}</li>" for n in tables["notes"]["note"])
        parts = [
            f"<p>{len(chosen)} of {len(tables['candidates'])} candidates chosen "
            f"(HiGHS, {escape(str(tables['summary']['status'].iloc[0]))}): objective "
            f"{summary['objective']:,.4g}, bound {summary['bound']:,.4g}, gap "
            f"{summary['gap']:.2%}; spend {summary['spend']:,.0f} of "
            f"{summary['budget_total']:,.0f}.</p>",
            label,
            f"<p>Benefits:</p><ul>{notes}</ul>" if notes else "",
            table_html(tables["spend"], caption="Spend per budget", table_id="plan-spend"),
        ]
        pcodes = project.level_pcodes(project.main_level)
        names = project.areas.set_index("pcode")["name"].reindex(pcodes)
        spend = chosen.groupby("area")["cost"].sum().reindex(pcodes).fillna(0.0)
        parts.append("<h3>Where the portfolio spends</h3>")
        parts.append(
            area_map(
                pcodes,
                spend,
                names=names,
                title="spend",
                div_id="plan-map",
                colorscale="Greens",
                hover_format=",.0f",
            )
        )
        keep = [
            c
            for c in ("area", "package", "cost", "benefit", "threats", "mode")
            if c in chosen.columns
        ]
        parts.append(
            table_html(
                chosen[keep],
                caption="Chosen candidates",
                table_id="plan-chosen",
                download=chosen,
                download_name="plan_chosen.csv",
            )
        )
        parts.append(figure_html(frontier_figure(tables["frontier"]), div_id="plan-frontier"))
        parts.append(
            table_html(
                tables["frontier"],
                caption="Efficient frontier (every budget scaled)",
                table_id="plan-frontier-table",
                download=tables["frontier"],
                download_name="plan_frontier.csv",
            )
        )
        alternatives = tables["alternatives"]
        parts.append(
            table_html(
                alternatives.drop(columns=["candidates"]),
                caption="The optimum and near-optimal alternatives (each differs in at "
                f"least {project.config.plan.min_difference if project.config.plan else 2}"
                " choices)",
                table_id="plan-alternatives",
                download=alternatives,
                download_name="plan_alternatives.csv",
            )
        )
        return RenderedSection(self.id, self.title, "".join(parts))


PROJECT_PORTFOLIO = ProjectPortfolioSection()
"""The section instance listed in :func:`humsec.report.sections.project_sections`."""

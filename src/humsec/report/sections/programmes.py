"""Report section: programme appraisal through the human-security lens.

An appraisal radar per programme (the twelve criteria on the 0-4 scale), the gaps and what
would raise each score, and the portfolio's coverage matrix of threats x areas. It appraises
the two example programmes that ship with the demo project (on Kenya's counties) on their
design alone, and says which context checks that leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

_COLOURS = ("#4c78a8", "#e45756", "#54a24b", "#b279a2")


def radar_figure(appraisals: list[Any]) -> go.Figure:
    """One trace per programme: its score on every criterion (0-4)."""
    fig = go.Figure()
    for i, a in enumerate(appraisals):
        names = [s.criterion.replace("_", " ") for s in a.scores]
        scores = [s.score for s in a.scores]
        fig.add_trace(go.Scatterpolar(
            r=[*scores, scores[0]], theta=[*names, names[0]], name=f"{a.name} ({a.marker})",
            line={"color": _COLOURS[i % len(_COLOURS)]}, fill="toself", opacity=0.55))
    fig.update_layout(polar={"radialaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4]}},
                      height=480, margin={"l": 80, "r": 80, "t": 30, "b": 30},
                      legend={"orientation": "h", "y": -0.1})
    return fig


def matrix_figure(matrix: pd.DataFrame) -> go.Figure:
    """Threats x areas: programmes addressing each threat in each area."""
    return go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=list(matrix.columns),
        y=[str(t).replace("_", " ") for t in matrix.index], colorscale="Blues", zmin=0,
        colorbar={"title": "programmes"},
    )).update_layout(height=120 + 28 * len(matrix), margin={"l": 200, "r": 20, "t": 20,
                                                             "b": 60})


def recommendations_frame(appraisal: Any) -> pd.DataFrame:
    """Criteria below 4 with what is missing and what would raise them."""
    rows = [{"criterion": s.criterion.replace("_", " "), "score": s.score, "level": s.label,
             "missing": "; ".join(s.missing) or "none", "to raise the score": "; ".join(s.to_raise)}
            for s in appraisal.scores if s.score < 4]
    return pd.DataFrame(rows)


def coverage_map_html(project: Any, portfolio: Any) -> str:
    """Map of the project's areas: threats the portfolio addresses in each (0 = a gap)."""
    from humsec.report.area_maps import area_map

    pcodes = project.level_pcodes(project.main_level)
    counts = portfolio.coverage.groupby("area")["threat"].nunique().reindex(pcodes).fillna(0)
    names = project.areas.set_index("pcode")["name"].reindex(counts.index)
    return ("<h3>Where the portfolio works</h3><p>Distinct threats the programmes address in "
            f"each area; {int((counts == 0).sum())} of {len(counts)} areas have none (a "
            "coverage gap). Actor presence needs the project's 3W table.</p>"
            + area_map(counts.index, counts, names=names, title="threats addressed",
                       div_id="programme-coverage-map", colorscale="Blues",
                       hover_format=".0f"))


@dataclass(frozen=True)
class ProgrammeSection:
    """Programme appraisal: radar per programme, recommendations, coverage matrix."""

    id: str = "programmes"
    title: str = "Programme appraisal through the human-security lens"

    def render(self, context: ReportContext) -> RenderedSection:
        """Appraise the example programmes and their portfolio (design alone)."""
        from humsec.programme import EXAMPLES, appraise_portfolio, example_programme, load_rubric

        # the examples are on Kenya's counties: mapped on a Kenyan project's areas
        project = context.project if context.project is not None and str(
            context.project.country) == "KEN" else None
        programmes = [example_programme(name) for name in EXAMPLES]
        portfolio = appraise_portfolio(programmes)
        rubric = load_rubric()
        parts = [
            "<p>Each programme is scored on the four practice policies, the four key "
            "approaches and the UN principles (GA resolution 66/290), 0 to 4, by the rules of "
            f"the rubric <em>{escape(rubric.rubric)} {escape(rubric.version)}</em> over the "
            "programme's own structured data. The two example programmes are fictional, on "
            "Kenya's counties: one multi-sector and multi-actor, one sector-siloed. They are "
            "appraised on their design alone; with a project's context the appraisal also "
            "checks the areas' top threats, reach by group against deprivation, who already "
            "works there and the erosion of gains by shocks.</p>",
            f"<p class=\"note\">Marker rule: {escape(rubric.marker.rule)}</p>",
            figure_html(radar_figure(list(portfolio.appraisals)), div_id="programme-radar"),
        ]
        for a in portfolio.appraisals:
            parts.append(f"<h3>{escape(a.name)}: {escape(a.marker)} "
                         f"(mean {a.mean_score:.2f})</h3>")
            parts.append(table_html(recommendations_frame(a),
                                    caption="Gaps and what would raise the score",
                                    table_id=f"programme-{a.programme.lower()}"))
            parts.append(f"<p class=\"note\">{len(a.not_checked)} check(s) need the project's "
                         "context and were not made.</p>")
        matrix = portfolio.matrix()
        parts += ["<h3>Portfolio coverage: threats x areas</h3>",
                  figure_html(matrix_figure(matrix), div_id="programme-coverage"),
                  f"<p>{len(portfolio.overlaps)} threat-area pair(s) are served by more "
                  f"than one programme; {len(portfolio.gaps)} framework threat(s) are not "
                  "addressed in any of the portfolio's areas: "
                  + escape(", ".join(t.replace("_", " ") for t in portfolio.gaps["threat"]))
                  + ".</p>"]
        if project is not None:
            parts.append(coverage_map_html(project, portfolio))
        return RenderedSection(
            id=self.id, title=self.title, html="".join(parts),
            attributions=["OECD DAC purpose codes via the IATI Standard codelists "
                          "(iatistandard.org)."])


PROGRAMMES = ProgrammeSection()
"""The section instance listed in :data:`humsec.report.sections.SECTIONS`."""

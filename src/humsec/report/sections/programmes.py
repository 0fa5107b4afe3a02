"""Report section: programme appraisal through the human-security lens.

An appraisal radar per programme (the twelve criteria on the 0-4 scale), the gaps and what
would raise each score, and the portfolio's coverage matrix of threats x areas. In a project
report it appraises the project's programmes (``programme`` datasets; the demo ships the two
examples) in the context the project layer builds from the project's own results
(:func:`humsec.project.appraisal`), and lists the checks the project's data cannot
support; without a project, the examples on their design alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

_COLOURS = ("#4c78a8", "#e45756", "#54a24b", "#b279a2")


def radar_figure(appraisals: list[Any]) -> go.Figure:
    """One trace per programme: its score on every criterion (0-4)."""
    return radar_from_scores(pd.concat([_scores_frame(a) for a in appraisals],
                                       ignore_index=True))


def _scores_frame(appraisal: Any) -> pd.DataFrame:
    frame = appraisal.to_frame()
    frame["programme_name"] = appraisal.name
    frame["marker"] = appraisal.marker
    frame["mean_score"] = appraisal.mean_score
    return frame


def radar_from_scores(scores: pd.DataFrame) -> go.Figure:
    """The radar from a scores table (``programme_name, marker, criterion, score``), as the
    project's ``appraisal`` run stores it."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(scores.groupby("programme_name", sort=False)):
        names = [str(c).replace("_", " ") for c in rows["criterion"]]
        values = [int(v) for v in rows["score"]]
        fig.add_trace(go.Scatterpolar(
            r=[*values, values[0]], theta=[*names, names[0]],
            name=f"{name} ({rows['marker'].iloc[0]})",
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
    return recommendations_from_scores(_scores_frame(appraisal))


def recommendations_from_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Criteria below 4 of one programme's scores table, with what is missing and what would
    raise them."""
    below = rows[rows["score"].astype(int) < 4]
    return pd.DataFrame({
        "criterion": [str(c).replace("_", " ") for c in below["criterion"]],
        "score": below["score"].astype(int).to_numpy(),
        "level": below["level"].astype(str).to_numpy(),
        "missing": [str(t).replace(" | ", "; ") or "none" for t in below["missing"].fillna("")],
        "to raise the score": [str(t).replace(" | ", "; ") for t in below["to_raise"].fillna("")],
    })


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Threats x areas: programmes addressing each threat in each area."""
    if coverage.empty:
        return pd.DataFrame()
    return (coverage.groupby(["threat", "area"])["programme"].nunique()
            .unstack("area", fill_value=0).sort_index())


def coverage_map_html(project: Any, portfolio: Any) -> str:
    """Map of the project's areas: threats the portfolio addresses in each (0 = a gap)."""
    return coverage_map_from(project, portfolio.coverage)


def coverage_map_from(project: Any, coverage: pd.DataFrame) -> str:
    """Map of the project's areas from a portfolio coverage table (0 = a gap)."""
    from humsec.report.area_maps import area_map

    pcodes = project.level_pcodes(project.main_level)
    counts = coverage.groupby("area")["threat"].nunique().reindex(pcodes).fillna(0)
    names = project.areas.set_index("pcode")["name"].reindex(counts.index)
    return ("<h3>Where the portfolio works</h3><p>Distinct threats the programmes address in "
            f"each area; {int((counts == 0).sum())} of {len(counts)} areas have none (a "
            "coverage gap). Actor presence is in the section <em>Who does what where</em>.</p>"
            + area_map(counts.index, counts, names=names, title="threats addressed",
                       div_id="programme-coverage-map", colorscale="Blues",
                       hover_format=".0f"))


@dataclass(frozen=True)
class ProgrammeSection:
    """Programme appraisal: radar per programme, recommendations, coverage matrix."""

    id: str = "programmes"
    title: str = "Programme appraisal through the human-security lens"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ()

    def render(self, context: ReportContext) -> RenderedSection:
        """The project's programmes as its ``appraisal`` run scored them in its context (run
        in memory when the report has no run), or the example programmes on their design
        alone (no project, or a Kenyan project without programmes)."""
        from humsec.programme import EXAMPLES, appraise_portfolio, example_programme

        project = context.project
        tables = _project_appraisal(context)
        if tables is not None:
            assert project is not None
            files = [d.file for d in project.datasets("programme")]
            origin = "The project's programmes: " + ", ".join(escape(f) for f in files) + "."
            notes = [str(n) for n in tables["notes"]["note"]]
            return self._page(tables["scores"], tables["coverage"], tables["overlaps"],
                              tables["gaps"], origin, notes, True, project)
        portfolio = appraise_portfolio([example_programme(name) for name in EXAMPLES])
        scores = pd.concat([_scores_frame(a) for a in portfolio.appraisals], ignore_index=True)
        origin = ("The two example programmes are fictional, on Kenya's counties: one "
                  "multi-sector and multi-actor, one sector-siloed.")
        notes = []
        if project is not None:
            notes.append("the project has no programme (humsec project add DIR programme.yaml "
                         "--role programme): the examples are shown on their design alone")
        kenyan = project if project is not None and str(project.country) == "KEN" else None
        return self._page(scores, portfolio.coverage, portfolio.overlaps, portfolio.gaps,
                          origin, notes, False, kenyan)

    def _page(self, scores: pd.DataFrame, coverage: pd.DataFrame, overlaps: pd.DataFrame,
              gaps: pd.DataFrame, origin: str, notes: list[str], with_context: bool,
              project: Any) -> RenderedSection:
        from humsec.programme import load_rubric

        rubric = load_rubric()
        parts = [
            "<p>Each programme is scored on the four practice policies, the four key "
            "approaches and the UN principles (GA resolution 66/290), 0 to 4, by the rules of "
            f"the rubric <em>{escape(rubric.rubric)} {escape(rubric.version)}</em> over the "
            f"programme's own structured data. {origin}</p>",
            "<p>"
            + (
                "They are appraised in the project's context: the areas' top threats (area "
                "index) and the threats linked to them in the framework, reach by group and "
                "area against deprivation, who already works there (3W), the areas' dominant "
                "hazards and the erosion of the programme's gains by the project's shocks."
                if with_context
                else "They are appraised on their design alone; with a project's context the "
                "appraisal also checks the areas' top threats, reach by group against "
                "deprivation, who already works there and the erosion of gains by shocks."
            )
            + "</p>",
        ]
        if notes:
            parts.append(
                "<p>Checks the project's data cannot support:</p><ul>"
                + "".join(f"<li>{escape(n)}</li>" for n in notes)
                + "</ul>"
            )
        parts += [
            f'<p class="note">Marker rule: {escape(rubric.marker.rule)}</p>',
            figure_html(radar_from_scores(scores), div_id="programme-radar"),
        ]
        for programme, rows in scores.groupby("programme", sort=False):
            name, marker = rows["programme_name"].iloc[0], rows["marker"].iloc[0]
            parts.append(f"<h3>{escape(str(name))}: {escape(str(marker))} "
                         f"(mean {float(rows['mean_score'].iloc[0]):.2f})</h3>")
            parts.append(table_html(recommendations_from_scores(rows),
                                    caption="Gaps and what would raise the score",
                                    table_id=f"programme-{str(programme).lower()}"))
            not_checked = [t for text in rows["not_checked"].fillna("")
                           for t in str(text).split(" | ") if t]
            if not_checked:
                parts.append(f"<p class=\"note\">{len(not_checked)} check(s) could not be "
                             "made: " + escape("; ".join(not_checked)) + "</p>")
        parts.append(table_html(scores.pivot_table(index="criterion", columns="programme",
                                                   values="score", sort=False).reset_index(),
                                caption="Scores of every criterion (evidence in the CSV)",
                                table_id="programme-scores", download=scores,
                                download_name="programme_appraisal.csv"))
        matrix = coverage_matrix(coverage)
        parts += ["<h3>Portfolio coverage: threats x areas</h3>",
                  figure_html(matrix_figure(matrix), div_id="programme-coverage"),
                  f"<p>{len(overlaps)} threat-area pair(s) are served by more "
                  f"than one programme; {len(gaps)} framework threat(s) are not "
                  "addressed in any of the portfolio's areas: "
                  + escape(", ".join(str(t).replace("_", " ") for t in gaps["threat"]))
                  + ".</p>"]
        if project is not None:
            parts.append(coverage_map_from(project, coverage))
        return RenderedSection(
            id=self.id, title=self.title, html="".join(parts),
            attributions=["OECD DAC purpose codes via the IATI Standard codelists "
                          "(iatistandard.org)."])


def _project_appraisal(context: ReportContext) -> dict[str, pd.DataFrame] | None:
    """The project's ``appraisal`` tables: from the report's run, else run in memory (a
    section writes nothing); ``None`` without a project or without programmes."""
    project = context.project
    if project is None:
        return None
    run = context.project_run
    if run is not None and "appraisal" in run.tables:
        return dict(run.tables["appraisal"])
    from humsec.project import analysis, run_project

    if analysis("appraisal").needs(project):
        return None
    found = run_project(project, None, only=["appraisal"])
    return dict(found.tables["appraisal"])


PROGRAMMES = ProgrammeSection()
"""The section instance listed in :data:`humsec.report.sections.SECTIONS`."""

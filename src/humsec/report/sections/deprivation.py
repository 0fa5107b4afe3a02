"""Report section: people-centred deprivation in fear and want (Alkire-Foster on microdata).

It runs the bundled ``human_security_demo`` spec on the synthetic survey (20,000 households,
the report's seed): the AF table with design-based SEs, indicator contributions, subgroup
estimates with CIs, the fear x want overlap and the left-behind ranking of vulnerable groups.
The same numbers come from ``humsec deprivation estimate --demo`` and
``humsec deprivation compound --demo`` with the sizes printed in the section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

HOUSEHOLDS = 20_000
K = 0.33
BY = ["region", "urban", "sex"]

_WANT = "#f58518"
_FEAR = "#e45756"


def _pct(value: Any, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):.{digits}f}"


def contribution_figure(
    table: pd.DataFrame, pillars: Mapping[str, str], labels: Mapping[str, str]
) -> go.Figure:
    """Percentage contribution of each indicator to M0 (fear and want coloured), with CIs."""
    sel = table[(table["subgroup"] == "total") & (table["measure"] == "pctb")]
    sel = sel.sort_values("value")
    names = [str(i) for i in sel["indicator"]]
    colours = [_FEAR if pillars.get(n) == "fear" else _WANT for n in names]
    fig = go.Figure(
        go.Bar(
            x=100 * sel["value"],
            y=[f"{labels.get(n, n)} ({pillars.get(n, 'want')})" for n in names],
            orientation="h",
            marker_color=colours,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": 100 * (sel["ci_high"] - sel["value"]),
                "arrayminus": 100 * (sel["value"] - sel["ci_low"]),
            },
        )
    )
    fig.update_layout(
        xaxis={"title": "contribution to M0 (%)"},
        height=420,
        margin={"l": 190, "r": 20, "t": 20, "b": 50},
    )
    return fig


def _level_name(subgroup: str, level: str) -> str:
    if subgroup == "urban":
        return {"0": "rural", "1": "urban"}.get(level, level)
    return f"{subgroup}: {level}"


def subgroup_figure(table: pd.DataFrame) -> go.Figure:
    """M0 with 95% confidence intervals for every subgroup level."""
    sel = table[(table["measure"] == "M0") & (table["subgroup"] != "total")]
    labels = [_level_name(s, lv) for s, lv in zip(sel["subgroup"], sel["level"], strict=True)]
    total = float(
        table[(table["measure"] == "M0") & (table["subgroup"] == "total")]["value"].iloc[0]
    )
    fig = go.Figure(
        go.Scatter(
            x=sel["value"],
            y=labels,
            mode="markers",
            marker={"size": 9, "color": _WANT},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": sel["ci_high"] - sel["value"],
                "arrayminus": sel["value"] - sel["ci_low"],
            },
        )
    )
    fig.add_vline(x=total, line_dash="dot", annotation_text="national")
    fig.update_layout(
        xaxis={"title": "M0 (adjusted headcount ratio)"},
        height=60 + 28 * len(labels),
        margin={"l": 140, "r": 20, "t": 20, "b": 50},
    )
    return fig


def left_behind_figure(ranking: pd.DataFrame) -> go.Figure:
    """Vulnerable groups: M0 and compound fear x want share, with CIs."""
    labels = [g.replace("_", " ") for g in ranking["group"]]
    fig = go.Figure(
        [
            go.Bar(
                y=labels, x=ranking["M0"], orientation="h", name="M0", marker_color=_WANT,
                error_x={"type": "data", "symmetric": False,
                         "array": ranking["M0_ci_high"] - ranking["M0"],
                         "arrayminus": ranking["M0"] - ranking["M0_ci_low"]},
            ),
            go.Bar(
                y=labels, x=ranking["compound"], orientation="h",
                name="share in fear and want", marker_color=_FEAR,
                error_x={"type": "data", "symmetric": False,
                         "array": ranking["compound_ci_high"] - ranking["compound"],
                         "arrayminus": ranking["compound"] - ranking["compound_ci_low"]},
            ),
        ]
    )  # fmt: skip
    fig.update_layout(
        barmode="group",
        yaxis={"autorange": "reversed"},
        height=460,
        margin={"l": 190, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def group_rule_text(group: str) -> str:
    """The framework's membership rule of ``group`` in words (one definition for every engine)."""
    from humsec.framework import default_framework

    rule = default_framework().group(group).rule
    return rule.describe() if rule is not None else "no rule"


@dataclass(frozen=True)
class DeprivationSection:
    """Who is deprived in fear and want, who is left behind."""

    id: str = "deprivation"
    title: str = "People-centred deprivation: fear and want on the same people"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("seed",)

    def render(self, context: ReportContext) -> RenderedSection:
        """Estimate the demo measures on the synthetic survey (report size); with a project,
        deprivation by area from the project's own survey."""
        if context.project is not None:
            from humsec.report.sections.project import project_deprivation

            return project_deprivation(context, self.id, self.title)
        import polars as pl  # the national section only: a project report does without

        from humsec.data import synthetic_survey
        from humsec.deprivation import (
            SurveyDesign,
            bundled_spec,
            compound_insecurity,
            estimate,
            left_behind,
            vulnerable_groups,
        )

        spec = bundled_spec("human_security_demo").with_k(K)
        design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
        marked, groups = vulnerable_groups(synthetic_survey(HOUSEHOLDS, context.seed))
        survey = pl.from_pandas(marked)  # Polars sums the many columns faster than pandas
        result = estimate(survey, spec, design, by=BY)
        compound = compound_insecurity(survey, spec, design)
        ranking = left_behind(survey, spec, groups, design)
        t = result.table
        pillars = {i.name: i.pillar for i in spec.indicators}
        labels = {i.name: i.label or i.name for i in spec.indicators}

        def total(measure: str, column: str = "value") -> float:
            return result.value(measure, column=column)

        af_rows = []
        for sub, lev in t[t["measure"] == "M0"][["subgroup", "level"]].itertuples(index=False):
            row: dict[str, Any] = {"subgroup": sub, "level": _level_name(sub, lev).split(": ")[-1]}
            for m in ("M0", "H", "A"):
                row[m] = result.value(m, subgroup=sub, level=lev)
            row["M0 95% CI"] = (
                f"{result.value('M0', subgroup=sub, level=lev, column='ci_low'):.3f}–"
                f"{result.value('M0', subgroup=sub, level=lev, column='ci_high'):.3f}"
            )
            row["population share"] = result.value("popshare", subgroup=sub, level=lev)
            af_rows.append(row)
        af_table = pd.DataFrame(af_rows)
        overlap = compound.overlap()
        overlap_table = pd.DataFrame(
            {
                "": ["want-poor", "not want-poor"],
                "fear-deprived (%)": 100 * overlap["fear-deprived"].to_numpy(),
                "not fear-deprived (%)": 100 * overlap["not fear-deprived"].to_numpy(),
            }
        )
        rank_table = pd.DataFrame(
            {
                "rank": ranking["rank_M0"],
                "group": [g.replace("_", " ") for g in ranking["group"]],
                "who belongs (framework rule)": [group_rule_text(g) for g in ranking["group"]],
                "population share (%)": 100 * ranking["popshare"],
                "M0": ranking["M0"],
                "M0 95% CI": [
                    f"{lo:.3f}–{hi:.3f}"
                    for lo, hi in zip(ranking["M0_ci_low"], ranking["M0_ci_high"], strict=True)
                ],
                "gap to everyone else": ranking["M0_gap_to_rest"],
                "in fear and want (%)": 100 * ranking["compound"],
                "left behind": np.where(ranking["left_behind"], "yes", "no"),
            }
        )
        behind = [g.replace("_", " ") for g in ranking.loc[ranking["left_behind"], "group"]]
        intro = (
            f"<p>The Alkire–Foster method counts, for each person, the weighted share of "
            f"deprivations they face at the same time, and calls a person deprived when that "
            f"share reaches k = {K:.0%}. Here the ten global-MPI indicators of <em>want</em> "
            f"and five exposures of <em>fear</em> (violence, displacement, disasters, serious "
            f"illness, income shocks) weigh half each, on a synthetic survey of "
            f"{HOUSEHOLDS:,} households ({result.n_used:,} people, {result.n_psu:,} clusters "
            f"in {result.n_strata} strata). {_pct(total('H'))}% of people are deprived "
            f"(H, 95% CI {_pct(total('H', 'ci_low'))}–{_pct(total('H', 'ci_high'))}%), facing "
            f"on average {_pct(total('A'))}% of the weighted indicators (A); the adjusted "
            f"headcount ratio M0 = H × A is {total('M0'):.3f} (SE {total('M0', 'se'):.4f}). "
            f"Standard errors follow the survey design (Taylor linearisation over clusters "
            f"within strata); subgroups are estimated as domains, and M0 decomposes exactly "
            f"into their population-weighted sum.</p>"
        )
        overlap_text = (
            f"<p>{_pct(compound.value('compound'))}% of people are at once want-poor and "
            f"exposed to a threat of fear (compound insecurity); among the want-poor the share "
            f"is {_pct(compound.value('fear_given_want_poor'))}%, against "
            f"{_pct(compound.value('fear_deprived'))}% in the whole population: fear and want "
            f"fall on the same people.</p>"
        )
        behind_text = (
            "<p>Groups whose M0 is significantly above everyone else's (the 95% interval of the "
            "gap, computed with the design covariance of the two domains, excludes zero): "
            + escape(", ".join(behind) if behind else "none")
            + ".</p>"
        )
        html = "".join(
            [
                intro,
                "<h3>Alkire–Foster measures by subgroup</h3>",
                table_html(af_table, caption=f"M0, H and A at k = {K}", table_id="deprivation-af"),
                "<h3>What people are deprived in</h3>",
                figure_html(contribution_figure(t, pillars, labels), div_id="deprivation-contrib"),
                "<h3>Subgroup estimates with 95% confidence intervals</h3>",
                figure_html(subgroup_figure(t), div_id="deprivation-subgroups"),
                "<h3>Fear × want overlap</h3>",
                overlap_text,
                table_html(
                    overlap_table,
                    caption="Population shares (%)",
                    table_id="deprivation-overlap",
                ),
                "<h3>Who is left behind</h3>",
                behind_text,
                figure_html(left_behind_figure(ranking), div_id="deprivation-left-behind"),
                table_html(
                    rank_table,
                    caption="Vulnerable groups ranked by M0",
                    table_id="deprivation-left-behind-table",
                ),
                '<p class="note">Synthetic demo data (humsec.data.synthetic_survey); the '
                "same analysis runs on Stata, SPSS, CSV or Parquet microdata with "
                "<code>humsec deprivation estimate --data FILE --spec SPEC.yaml</code>.</p>",
            ]
        )
        return RenderedSection(
            id=self.id,
            title=self.title,
            html=html,
            attributions=[
                "Alkire–Foster measures: Alkire and Foster (2011), J. Public Economics 95; "
                "conventions of OPHI's mpitb (Suppa 2023).",
                "Design-based standard errors: Taylor linearisation as in R's survey package "
                "(Lumley 2004); logit intervals as svyciprop(method='logit').",
            ],
        )


DEPRIVATION = DeprivationSection()
"""The section instance listed in :data:`humsec.report.sections.SECTIONS`."""

"""Report section: downside risk of compound shocks (exceedance curve, EAI by area, well-being
versus asset losses by group, measures with benefit-cost ratios).

It runs the bundled demo scenario (a cyclone- and drought-exposed, Mozambique-like country on
the synthetic survey) at report size: a few thousand households and 200 simulated years, so it
takes seconds. The same numbers come from ``humsec shocks simulate`` and
``humsec shocks appraise`` with the sizes printed in the section.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

if TYPE_CHECKING:
    from humsec.framework import Framework
    from humsec.shocks.risk import ShockRisk

RISK_HOUSEHOLDS = 4000
RISK_YEARS = 200
APPRAISAL_HOUSEHOLDS = 2000
APPRAISAL_YEARS = 150
START_YEAR, END_YEAR, DISCOUNT_RATE = 2025, 2044, 0.05

_ASSET = "#4c78a8"
_WELLBEING = "#e45756"


def _millions(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def exceedance_figure(risk: ShockRisk) -> go.Figure:
    """Asset and well-being loss against return period (aggregate yearly losses)."""
    fig = go.Figure()
    for metric, label, colour in (
        ("asset_loss", "asset losses", _ASSET),
        ("wellbeing_loss", "well-being losses", _WELLBEING),
    ):
        curve = risk.exceedance(metric)
        keep = np.isfinite(curve.return_period) & (curve.impact > 0)
        fig.add_trace(
            go.Scatter(
                x=curve.return_period[keep],
                y=curve.impact[keep] / 1e6,
                mode="lines",
                name=label,
                line={"color": colour},
            )
        )
    fig.update_layout(
        xaxis={"type": "log", "title": "return period (years)"},
        yaxis={"title": "loss in the year (million PPP $)"},
        height=360,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": 1.1},
    )
    return fig


def _loss_bars(
    categories: list[str],
    asset: pd.Series,
    wellbeing: pd.Series,
    *,
    horizontal: bool,
    value_title: str,
    height: int,
    left: int,
    legend_y: float,
) -> go.Figure:
    """Asset losses beside well-being losses, one pair of bars per category."""
    bars = []
    for values, label, colour in (
        (asset, "asset losses", _ASSET),
        (wellbeing, "well-being losses", _WELLBEING),
    ):
        x, y = (values, categories) if horizontal else (categories, values)
        bars.append(
            go.Bar(
                x=x, y=y, name=label, marker_color=colour, orientation="h" if horizontal else "v"
            )
        )
    return go.Figure(bars).update_layout(
        {"xaxis" if horizontal else "yaxis": {"title": value_title}},
        barmode="group",
        height=height,
        margin={"l": left, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": legend_y},
    )


def area_figure(by_area: pd.DataFrame) -> go.Figure:
    """Expected annual asset and well-being losses per area."""
    return _loss_bars(
        list(by_area.index),
        by_area["eai_asset_loss"] / 1e6,
        by_area["eai_wellbeing_loss"] / 1e6,
        horizontal=False,
        value_title="expected per year (million PPP $)",
        height=340,
        left=60,
        legend_y=1.1,
    )


def group_figure(by_group: pd.DataFrame) -> go.Figure:
    """Expected annual asset and well-being loss per person, by vulnerable group."""
    return _loss_bars(
        [g.replace("_", " ") for g in by_group.index],
        by_group["asset_loss_per_person"],
        by_group["wellbeing_loss_per_person"],
        horizontal=True,
        value_title="expected per person per year (PPP $)",
        height=420,
        left=180,
        legend_y=1.08,
    )


def measures_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The appraisal table in report units (millions of PPP $, people in millions)."""
    return pd.DataFrame(
        {
            "measure": [str(i).replace("_", " ") for i in table.index],
            "kind": [str(k).replace("_", " ") for k in table["kind"]],
            "people covered (m)": table["people_covered"].to_numpy() / 1e6,
            "cost PV (m $)": table["cost_pv"].to_numpy() / 1e6,
            "avoided asset loss / yr (m $)": table["avoided_asset_loss"].to_numpy() / 1e6,
            "avoided well-being loss / yr (m $)": table["avoided_wellbeing_loss"].to_numpy() / 1e6,
            "BCR assets": table["bcr_asset"].to_numpy(),
            "BCR well-being": table["bcr_wellbeing"].to_numpy(),
        }
    )


def groups_note(framework: Framework, groups: list[str]) -> str:
    """Who each group is: the framework's membership rules, the same ones the deprivation
    section counts with."""
    rules = framework.group_rules
    items = "".join(f"<li>{escape(g.replace('_', ' '))}: {escape(rule.describe())}</li>"
                    for g in groups if (rule := rules.get(g)) is not None)
    return ('<p class="note">Groups as the framework defines them (the same rules as the '
            f'deprivation section):</p><ul class="note">{items}</ul>')


def risk_text(risk: ShockRisk, summary: dict[str, float], by_group: pd.DataFrame) -> str:
    """The paragraph stating the demo's losses, resilience and poverty effects."""
    poor_res = float(by_group["resilience"].to_dict().get("people_in_poverty", float("nan")))
    s = summary
    m0 = ""
    if "eai_mpi_m0_change" in s:
        year20 = risk.year_at_return_period(20, "mpi_m0_change")
        m0 = (
            f" Counted the Alkire-Foster way, shocks add {s['eai_mpi_m0_change']:.3f} to the "
            f"multidimensional poverty index M0 in an average year (baseline "
            f"{s['baseline_mpi_m0']:.3f}) and "
            f"{float(risk.year['mpi_m0_change'].to_numpy()[year20]):.3f} in a 1-in-20 year."
        )
    return (
        f"<p>The demo country is exposed to coastal cyclones, regional droughts, an "
        f"insurgency in the north, epidemics and national food-price spikes, with droughts "
        f"raising the odds of conflict and price spikes. Over {RISK_YEARS} simulated years "
        f"on a synthetic survey of {RISK_HOUSEHOLDS:,} households (weighted to "
        f"{s['baseline_people'] / 1e6:.0f} million people), shocks destroy "
        f"{_millions(s['eai_asset_loss'])} million $ of assets a year on average, and "
        f"{_millions(s['asset_loss_rp100'])} million $ in a 1-in-100 year. The well-being "
        f"loss, valued as the consumption loss of an average household, is "
        f"{_millions(s['eai_wellbeing_loss'])} million $ a year: socio-economic resilience "
        f"(asset over well-being losses) is {s['resilience']:.0%}."
        + (
            f" For people in poverty it is only {poor_res:.0%}, because each "
            f"dollar lost costs them far more well-being."
            if np.isfinite(poor_res)
            else ""
        )
        + f" Each year about {s['eai_people_pushed_into_poverty'] / 1e3:,.0f} thousand "
        f"people fall below the poverty line for a while.{m0}</p>"
    )


@dataclass(frozen=True)
class ShocksSection:
    """Compound shocks on people and places: losses, resilience and measures."""

    id: str = "shocks"
    title: str = "Downside risk: compound shocks, well-being losses and measures"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("seed",)

    def render(self, context: ReportContext) -> RenderedSection:
        """Simulate the demo scenario and appraise the demo measures (report sizes); with a
        project, its own scenario, survey and measures."""
        if context.project is not None:
            from humsec.report.sections.project import project_shocks

            return project_shocks(context, self.id, self.title)
        from humsec.shocks import appraise_measures, demo_scenario, load_measures, simulate

        seed = context.seed
        scenario = demo_scenario(RISK_HOUSEHOLDS, seed)
        risk = simulate(scenario, RISK_YEARS, seed)
        s = risk.summary([20, 100])
        by_area = risk.by_area()
        by_group = risk.by_group()
        small = demo_scenario(APPRAISAL_HOUSEHOLDS, seed)
        measures = load_measures("demo", areas=small.exposure.areas)
        appraisal = appraise_measures(
            small,
            measures,
            n_years=APPRAISAL_YEARS,
            seed=seed,
            start_year=START_YEAR,
            end_year=END_YEAR,
            discount_rate=DISCOUNT_RATE,
        )
        intro = risk_text(risk, s, by_group)
        measures_text = (
            f"<p>Measures are appraised on the same simulated shocks (common random numbers) "
            f"over {START_YEAR}–{END_YEAR} at {DISCOUNT_RATE:.0%}, the first year undiscounted, "
            f"on {APPRAISAL_HOUSEHOLDS:,} households and {APPRAISAL_YEARS} years. Benefit-cost "
            f"ratios on assets alone miss what social protection, savings and insurance do: "
            f"they avoid well-being losses, not asset losses. The last row applies all measures "
            f"together; its avoided loss is less than the sum of the parts.</p>"
        )
        html = "".join(
            [
                intro,
                "<h3>How often losses of each size come</h3>",
                figure_html(exceedance_figure(risk), div_id="shocks-exceedance"),
                "<h3>Expected annual losses by area</h3>",
                figure_html(area_figure(by_area), div_id="shocks-areas"),
                "<h3>Well-being versus asset losses by group</h3>",
                figure_html(group_figure(by_group), div_id="shocks-groups"),
                groups_note(scenario.framework, list(by_group.index)),
                "<h3>Risk-reduction measures</h3>",
                measures_text,
                table_html(
                    measures_frame(appraisal.table),
                    caption="Measures, alone and combined",
                    table_id="shocks-measures",
                ),
                '<p class="note">Hazard frequencies, intensities and impact functions are '
                "documented assumptions for a Mozambique-like country (docs/shocks.md); "
                + escape("; ".join(risk.notes[:3]))
                + ".</p>",
            ]
        )
        return RenderedSection(
            id=self.id,
            title=self.title,
            html=html,
            attributions=[
                "Well-being losses and socio-economic resilience: Hallegatte, Vogt-Schilb, "
                "Bangalore and Rozenberg (2017), Unbreakable, World Bank.",
                "Risk metrics and cost-benefit: CLIMADA conventions (Aznar-Siguan and Bresch "
                "2019).",
            ],
        )


SHOCKS = ShocksSection()
"""The section instance listed in :data:`humsec.report.sections.SECTIONS`."""

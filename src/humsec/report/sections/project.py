"""Report sections on a project's own areas and data.

Every figure here comes from the tables of the project's analyses (``context.project_run``:
what ``humsec project run`` recorded in the store for the same inputs and seed), so the report
and the CLI show the same numbers. A section whose analysis the project cannot run says what
data would fill it and how to add it; it never substitutes the synthetic demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from humsec.report.area_maps import area_map
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import index_decimals, table_html

if TYPE_CHECKING:
    from humsec.project import Project
    from humsec.project.run import ProjectRun


def project_run(context: ReportContext) -> ProjectRun:
    """The project's analysis tables: as given, or computed in memory (no store)."""
    from humsec.project.run import run_project

    assert context.project is not None
    if context.project_run is None:
        # Frozen dataclass: cache the computed run on the context object itself.
        object.__setattr__(context, "project_run", run_project(context.project, None))
    assert context.project_run is not None
    return context.project_run


def needs_html(project: Project, analysis: str) -> str:
    """What data would fill a section, and how to add it."""
    from humsec.project import analysis as find

    needs = find(analysis).needs(project)
    items = "".join(f"<li>{escape(n)}</li>" for n in needs)
    return (
        '<div class="needs"><p><strong>No data for this section yet.</strong> This project '
        f"lacks what the analysis needs:</p><ul>{items}</ul><p>Then run "
        "<code>humsec project run DIR</code> and <code>humsec project report DIR</code> "
        "again.</p></div>"
    )


def _synthetic(project: Project, role: str) -> bool:
    d = project.dataset(role)
    return d is not None and "SYNTHETIC" in (d.source or "").upper()


def _fmt_pm(value: float, error: float, digits: int = 2) -> str:
    if error is None or not np.isfinite(error):
        return f"{value:,.{digits}f}"
    return f"{value:,.{digits}f} ± {error:,.{digits}f}"


def _attributions(project: Project) -> list[str]:
    return list(project.config.attribution)


@dataclass(frozen=True)
class AreasSection:
    """The project's areas: the area risk index on a map, with the national context."""

    id: str = "areas"
    title: str = "Areas: where threats pile up"

    def render(self, context: ReportContext) -> RenderedSection:
        """Map and table of the area index; the national INFORM values as context."""
        project = context.project
        if project is None:
            return RenderedSection(
                self.id,
                self.title,
                "<p>This section needs a project (<code>humsec project report DIR</code>).</p>",
            )
        run = project_run(context)
        intro = (
            f"<p>{escape(project.name)}: {len(project.pcodes)} areas of "
            f"{escape(project.country)} at admin level {project.main_level}, from the "
            "project's own boundaries and data.</p>"
        )
        if "area_index" not in run.tables:
            return RenderedSection(
                self.id,
                self.title,
                intro + needs_html(project, "area_index"),
                _attributions(project),
            )
        tables = run.tables["area_index"]
        scores = tables["scores"]
        spec = project.index_spec()
        root = spec.root if spec is not None else "risk"
        year = int(scores["year"].iloc[0])
        national = tables["national"]
        context_text = ""
        if not national.empty:
            row = national.iloc[0]
            context_text = (
                f"<p>National context: INFORM Risk {int(row['year'])} for "
                f"{escape(project.country)} is {row['inform_risk']:.1f} "
                f"({escape(str(row['risk_class']))}; hazard & "
                f"exposure {row['hazard_exposure']:.1f}, vulnerability "
                f"{row['vulnerability']:.1f}, "
                f"lack of coping capacity {row['lack_of_coping_capacity']:.1f}). The area index "
                "below is scaled across the project's areas, so it ranks areas within the "
                "country; it is not on INFORM's global scale.</p>"
            )
        top = scores.sort_values(root, ascending=False).head(5)
        top_text = ", ".join(
            f"{escape(str(n))} ({v:.1f})" for n, v in zip(top["name"], top[root], strict=True)
        )
        body = (
            intro
            + f"<p>{escape(spec.name or spec.code) if spec else 'Area index'} for {year}: the "
            f"highest scores are in {top_text}. Indicators are min-max scaled to 0–10 across "
            "areas, averaged within components, and the three dimensions combined by a "
            "geometric mean (offset by 1, so that an area without recorded conflict keeps a "
            "score ordered by its vulnerability).</p>"
            + context_text
            + area_map(
                scores["pcode"],
                scores[root],
                names=scores["name"],
                title=root,
                div_id="areas-index-map",
                hover_format=".1f",
            )
            + table_html(
                scores.drop(columns=["year"]),
                decimals=index_decimals(spec, scores.columns) if spec is not None else None,
                caption=f"Area index scores, {year}",
                table_id="areas-index-table",
                download=scores,
                download_name="area_index.csv",
            )
            + "<h3>Coverage of the indicators</h3>"
            + table_html(
                tables["missing"],
                caption="Areas without a value, per indicator",
                table_id="areas-missing",
                download=tables["missing"],
                download_name="area_index_missing.csv",
            )
        )
        return RenderedSection(self.id, self.title, body, _attributions(project))


def project_deprivation(context: ReportContext, section_id: str, title: str) -> RenderedSection:
    """Deprivation by area from the project's survey (or what it needs)."""
    project = context.project
    assert project is not None
    run = project_run(context)
    if "deprivation" not in run.tables:
        return RenderedSection(section_id, title, needs_html(project, "deprivation"))
    tables = run.tables["deprivation"]
    by_area = tables["by_area"]
    national = tables["national"].iloc[0]
    s = project.config.settings
    few = by_area[by_area["few_psus"]]
    d = project.dataset("survey")
    assert d is not None
    synthetic = (
        '<p class="note"><strong>Synthetic survey.</strong> No open household microdata '
        f"exists for this country: the survey is generated on the project's real areas "
        f"({escape(d.source or '')}). Replace it with your own: "
        "<code>humsec project add DIR survey.dta --role survey --year YYYY</code>.</p>"
        if _synthetic(project, "survey")
        else ""
    )
    shown = by_area[["pcode", "name", "M0", "M0_se", "H", "A", "n_psu", "few_psus"]].copy()
    shown["M0 95% CI"] = [
        "—" if pd.isna(lo) else f"{lo:.3f}–{hi:.3f}"
        for lo, hi in zip(by_area["M0_ci_low"], by_area["M0_ci_high"], strict=True)
    ]
    shown["few_psus"] = np.where(shown["few_psus"], "too few PSUs", "no")
    body = (
        synthetic + f"<p>Alkire–Foster adjusted headcount ratio M0 by area at k = {s.k:.0%} on the "
        f"{d.year} survey ({int(national['n_people']):,} people in {int(national['n_psu'])} "
        f"PSUs): nationally M0 = {national['M0']:.3f} (SE {national['M0_se']:.4f}), "
        f"H = {100 * national['H']:.1f}%, A = {100 * national['A']:.1f}%. Standard errors "
        "follow the survey design, with areas as domains. "
        f"{len(few)} area(s) have fewer than {s.min_psus} PSUs: their standard errors rest on "
        "too few clusters to be reliable and are flagged.</p>"
        + area_map(
            by_area["pcode"],
            by_area["M0"],
            names=by_area["name"],
            title="M0",
            div_id="deprivation-area-map",
            colorscale="YlOrRd",
            hover_format=".3f",
        )
        + table_html(
            shown,
            caption="Deprivation by area (M0, its SE and 95% CI, H, A)",
            table_id="deprivation-by-area",
            download=by_area,
            download_name="deprivation_by_area.csv",
        )
    )
    return RenderedSection(
        section_id,
        title,
        body,
        [
            "Alkire–Foster measures: Alkire and Foster (2011), J. Public Economics 95; "
            "design-based standard errors as in R's survey package (Lumley 2004).",
        ],
    )


def project_shocks(context: ReportContext, section_id: str, title: str) -> RenderedSection:
    """Shock losses by area and measures from the project's scenario (or what it needs)."""
    project = context.project
    assert project is not None
    run = project_run(context)
    if "shocks" not in run.tables:
        return RenderedSection(section_id, title, needs_html(project, "shocks"))
    tables = run.tables["shocks"]
    summary = tables["summary"].set_index("metric")
    s = project.config.settings

    values = summary["value"].astype(float).to_dict()
    errors = summary["mc_se"].astype(float).to_dict()

    def val(key: str) -> tuple[float, float]:
        return values[key], errors[key]

    asset, asset_se = val("eai_asset_loss")
    wellbeing, wellbeing_se = val("eai_wellbeing_loss")
    pushed, pushed_se = val("eai_people_pushed_into_poverty")
    by_area = tables["by_area"]
    per_person = by_area["eai_wellbeing_loss"] / by_area["people"]
    body = (
        (
            '<p class="note">Exposure from the synthetic survey on the real areas; hazard '
            "frequencies are the scenario's documented assumptions.</p>"
            if _synthetic(project, "survey")
            else ""
        )
        + f"<p>Over {s.n_years} simulated years (seed {s.seed}) on the project's survey "
        f"households, shocks destroy {_fmt_pm(asset / 1e6, 1.96 * asset_se / 1e6, 0)} million "
        f"$ of assets a year and cost {_fmt_pm(wellbeing / 1e6, 1.96 * wellbeing_se / 1e6, 0)} "
        f"million $ of well-being; about {_fmt_pm(pushed / 1e3, 1.96 * pushed_se / 1e3, 0)} "
        "thousand people a year fall below the poverty line for a while. The ± figures are "
        "95% Monte Carlo intervals (1.96 × sd over simulated years / √N): more years narrow "
        "them (<code>settings: n_years</code> in humsec.yaml).</p>"
        + area_map(
            by_area["pcode"],
            per_person,
            names=by_area["name"],
            title="well-being loss per person per year ($)",
            div_id="shocks-area-map",
            colorscale="Reds",
            hover_format=",.0f",
        )
        + table_html(
            by_area,
            caption="Expected annual losses by area (with Monte Carlo SE)",
            table_id="shocks-by-area",
            download=by_area,
            download_name="shocks_by_area.csv",
        )
    )
    if "measures" in run.tables:
        measures = run.tables["measures"]["measures"]
        shown = pd.DataFrame(
            {
                "measure": measures["measure"].str.replace("_", " "),
                "cost PV (m $)": measures["cost_pv"] / 1e6,
                "avoided well-being loss / yr (m $)": measures["avoided_wellbeing_loss"] / 1e6,
                "BCR assets": [
                    _fmt_pm(b, 1.96 * e)
                    for b, e in zip(measures["bcr_asset"], measures["bcr_asset_se"], strict=True)
                ],
                "BCR well-being": [
                    _fmt_pm(b, 1.96 * e)
                    for b, e in zip(
                        measures["bcr_wellbeing"], measures["bcr_wellbeing_se"], strict=True
                    )
                ],
            }
        )
        body += (
            "<h3>Risk-reduction measures</h3>"
            f"<p>Appraised on the same simulated years (common random numbers) over "
            f"{s.start_year}–{s.end_year} at {s.discount_rate:.0%}; BCRs with 95% Monte Carlo "
            "intervals.</p>"
            + table_html(
                shown,
                caption="Measures, alone and combined",
                table_id="shocks-measures",
                download=measures,
                download_name="measures.csv",
            )
        )
    else:
        body += "<h3>Risk-reduction measures</h3>" + needs_html(project, "measures")
    return RenderedSection(
        section_id,
        title,
        body,
        [
            "Well-being losses and socio-economic resilience: Hallegatte et al. (2017), "
            "Unbreakable, World Bank; risk metrics: CLIMADA conventions (Aznar-Siguan and Bresch "
            "2019).",
        ],
    )


def _conflict_table(project: Project, run: ProjectRun) -> tuple[pd.DataFrame | None, str]:
    if "events" in run.tables:
        table = run.tables["events"]["by_area_year"]
        return table.rename(columns={"weight": "fatalities"}), "the project's point events"
    long = project.area_indicators
    keep = long[long["indicator"].isin(["conflict_events", "conflict_fatalities"])]
    if keep.empty:
        return None, ""
    wide = keep.pivot_table(index=["pcode", "year"], columns="indicator", values="value")
    wide = wide.rename(columns={"conflict_events": "events", "conflict_fatalities": "fatalities"})
    source = ", ".join(sorted(set(keep["dataset"])))
    return wide.reset_index(), f"the area-year counts in dataset {source}"


@dataclass(frozen=True)
class ConflictSection:
    """Conflict events by area and year (point in polygon, or registered counts)."""

    id: str = "conflict"
    title: str = "Conflict events by area"

    def render(self, context: ReportContext) -> RenderedSection:
        """Map of recent events per area and the area-year table."""
        project = context.project
        if project is None:
            return RenderedSection(self.id, self.title, "<p>This section needs a project.</p>")
        run = project_run(context)
        table, source = _conflict_table(project, run)
        if table is None:
            return RenderedSection(self.id, self.title, needs_html(project, "events"))
        last = int(table["year"].max())
        recent = table[table["year"] > last - 5]
        per_area = recent.groupby("pcode")[["events", "fatalities"]].sum()
        per_area = per_area.reindex(project.level_pcodes(project.main_level)).fillna(0)
        names = project.areas.set_index("pcode")["name"].reindex(per_area.index)
        body = (
            f"<p>Events recorded in {last - 4}–{last}, from {escape(source)} "
            f"({int(per_area['events'].sum())} events, {int(per_area['fatalities'].sum())} "
            "deaths, best estimate). An area with no event shows 0: none was recorded.</p>"
            + area_map(
                per_area.index,
                per_area["events"],
                names=names,
                title="events",
                div_id="conflict-area-map",
                colorscale="Reds",
                hover_format=".0f",
            )
            + table_html(
                per_area.assign(name=names).reset_index()[
                    ["pcode", "name", "events", "fatalities"]
                ],
                caption=f"Events and deaths per area, {last - 4}–{last}",
                table_id="conflict-by-area",
                download=table,
                download_name="conflict_events_by_area_year.csv",
            )
        )
        return RenderedSection(self.id, self.title, body, _attributions(project))


AREAS = AreasSection()
CONFLICT = ConflictSection()

"""Report section: one country's profile across fear and want."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from humsec.report.country import DEFAULT_COUNTRY, country_label
from humsec.report.figures import figure_html
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.snapshot import country_standing, report_panel, threat_standing, year_span
from humsec.report.sparkline import sparkline_svg
from humsec.report.tables import format_number, table_html

TREND_INDICATORS: tuple[str, ...] = (
    "hdi",
    "life_expectancy",
    "expected_years_schooling",
    "mean_years_schooling",
    "gni_per_capita",
    "conflict_count",
    "conflict_intensity",
    "political_stability",
)
"""Indicators drawn as trend panels: the HDI and its components, then conflict."""

HEADLINE_INDICATORS: tuple[str, ...] = (
    "hdi",
    "inform_risk",
    "conflict_intensity",
    "life_expectancy",
    "gni_per_capita",
    "political_stability",
)
"""Indicators shown as cards at the top of the profile."""

TREND_START = 1990
"""First year of the trend panels and sparklines (the start of the HDR series)."""

TOP_THREATS = 3
"""How many of the country's highest threats the interlinkage table follows."""

_INTENSITY = {0: "no conflict", 1: "minor conflict", 2: "war"}


def trend_figure(
    panel: pd.DataFrame,
    iso3: str,
    names: dict[str, str],
    codes: list[str],
    *,
    max_year: int | None = None,
    region: tuple[str, list[str]] | None = None,
) -> go.Figure:
    """Small multiples of ``codes`` over time for ``iso3``, with the median of all countries.

    The median line is the cross-country median in each year among countries with a value,
    for context; with ``region = (name, member ISO3 codes)`` a second line gives the median
    of the region's countries. Years before :data:`TREND_START` or after ``max_year`` are
    left out. Conflict counts are bars and conflict intensity a step line.
    """
    from plotly.subplots import make_subplots  # 0.2 s: only when a profile renders

    years = panel.index.get_level_values("year")
    keep = years >= TREND_START
    if max_year is not None:
        keep &= years <= max_year
    frame = panel[keep]
    own = frame.xs(iso3, level="iso3")
    median = frame.groupby(level="year").median()
    regional = None
    if region is not None:
        members = frame.index.get_level_values("iso3").isin(region[1])
        regional = frame[members].groupby(level="year").median()
    columns = 4
    rows = int(np.ceil(len(codes) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=["<br>".join(textwrap.wrap(names.get(c, c), 34)) for c in codes],
        horizontal_spacing=0.06,
        vertical_spacing=0.16,
    )
    for k, code in enumerate(codes):
        row, col = k // columns + 1, k % columns + 1
        series = own[code].dropna()
        world = median[code].dropna()
        world = world[(world.index >= series.index.min()) & (world.index <= series.index.max())]
        fig.add_trace(
            go.Scatter(
                x=world.index.tolist(),
                y=world.round(4).tolist(),
                mode="lines",
                line={"color": "#9aa3b2", "dash": "dot", "width": 1.5},
                name="median of countries",
                legendgroup="median",
                showlegend=k == 0,
                hovertemplate="median %{x}: %{y:,.3~r}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        if regional is not None and region is not None:
            near = regional[code].dropna()
            near = near[(near.index >= series.index.min()) & (near.index <= series.index.max())]
            fig.add_trace(
                go.Scatter(
                    x=near.index.tolist(),
                    y=near.round(4).tolist(),
                    mode="lines",
                    line={"color": "#c9a227", "dash": "dash", "width": 1.5},
                    name=f"median of {region[0]}",
                    legendgroup="region",
                    showlegend=k == 0,
                    hovertemplate=f"{escape(region[0])} median %{{x}}: %{{y:,.3~r}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        trace_kw = {
            "x": series.index.tolist(),
            "y": series.round(4).tolist(),
            "name": iso3,
            "legendgroup": "country",
            "showlegend": k == 0,
            "marker": {"color": "#b4462f" if code.startswith("conflict") else "#3b5b92"},
            "hovertemplate": f"{iso3} %{{x}}: %{{y:,.3~r}}<extra></extra>",
        }
        if code == "conflict_count":
            trace: go.Bar | go.Scatter = go.Bar(**trace_kw)
        else:
            # Intensity is a level (0/1/2) held through the year: draw it as steps.
            shape = "hv" if code == "conflict_intensity" else "linear"
            trace = go.Scatter(mode="lines", line={"shape": shape}, **trace_kw)
        fig.add_trace(trace, row=row, col=col)
    fig.update_layout(
        height=260 * rows,
        margin={"l": 40, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "y": -0.08},
        plot_bgcolor="#ffffff",
        font={"size": 11},
    )
    fig.update_annotations(font_size=12)
    fig.update_xaxes(showgrid=False, tickformat="d")
    fig.update_yaxes(gridcolor="#eef0f4")
    return fig


def threat_bar_figure(
    by_threat: pd.DataFrame, names: dict[str, str], pillars: dict[str, str]
) -> go.Figure:
    """Horizontal bars of the country's mean percentile per threat, coloured by pillar.

    Threats without indicators are left out of the chart (they are listed in the table).
    """
    shown = by_threat.dropna(subset=["level"]).iloc[::-1]
    colours = {"fear": "#b4462f", "want": "#2f6db4"}
    fig = go.Figure(
        go.Bar(
            x=shown["level"].round(1).tolist(),
            y=[names[t] for t in shown["threat"]],
            orientation="h",
            marker_color=[colours[pillars[t]] for t in shown["threat"]],
            customdata=shown["n_indicators"].tolist(),
            hovertemplate="%{y}: %{x:.0f} (mean of %{customdata} indicators)<extra></extra>",
        )
    )
    fig.update_layout(
        height=40 + 26 * len(shown),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"range": [0, 100], "title": "mean percentile (100 = most threatened)"},
        yaxis={"automargin": True},
        plot_bgcolor="#ffffff",
        font={"size": 11},
    )
    fig.update_xaxes(gridcolor="#eef0f4")
    return fig


def _region(iso3: str) -> tuple[str, list[str]] | None:
    """The country's UN sub-region and its members, for the trend panels' regional median."""
    from humsec.data import countries

    table = countries()
    row = table[table["iso3"] == iso3]
    if row.empty or pd.isna(row["un_region"].iloc[0]):
        return None
    name = str(row["un_region"].iloc[0])
    return name, table.loc[table["un_region"] == name, "iso3"].astype(str).tolist()


def _span_label(values: pd.Series) -> str:
    span = year_span(values)
    return f"{span[0]}–{span[1]}" if span else ""


def _cards(standing: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Headline cards: value, year and rank of each :data:`HEADLINE_INDICATORS` with data."""
    records = {str(r["code"]): r for r in standing.to_dict("records")}
    cards = []
    for code in HEADLINE_INDICATORS:
        row = records.get(code)
        if row is None or pd.isna(row["value"]):
            continue
        value = (
            _INTENSITY.get(int(row["value"]), format_number(row["value"]))
            if code == "conflict_intensity"
            else format_number(row["value"])
        )
        detail = (
            f"{int(row['year'])} · rank {int(row['rank'])} of {int(row['n_countries'])} "
            "(1 = most threatened)"
        )
        cards.append(_card(names[code], value, detail))
    return cards


def _country_series(panel: pd.DataFrame, iso3: str, max_year: int | None) -> pd.DataFrame:
    """The country's rows of the panel (year × indicator) from :data:`TREND_START` to the cap."""
    own = pd.DataFrame(panel.xs(iso3, level="iso3"))
    own = own[own.index >= TREND_START]
    return own if max_year is None else own[own.index <= max_year]


def _indicator_table(
    own: pd.DataFrame, standing: pd.DataFrame, registry: pd.DataFrame
) -> pd.DataFrame:
    """One row per indicator (fear first, then want; most threatened first within each),
    with a sparkline of the country's series ``own`` (year × indicator)."""
    years = own.index.to_numpy(dtype=float).tolist()
    # Sparklines need a series: indicators published once or twice (INFORM) get none; gaps
    # inside a series stay gaps.
    sparks = [
        sparkline_svg(years, own[code].astype(float).tolist(), label=_span_label(own[code]))
        if own[code].notna().sum() >= 3
        else ""
        for code in standing["code"]
    ]
    info = registry.loc[standing["code"]]
    table = pd.DataFrame(
        {
            "indicator": info["name"].to_numpy(),
            "pillar": [f'<span class="pill {p}">{p}</span>' for p in info["pillar"]],
            "year": standing["year"],
            "value": standing["value"],
            "unit": info["unit"].to_numpy(),
            "rank": standing["rank"],
            "of": standing["n_countries"],
            "percentile": standing["percentile"].round(0),
            "trend": sparks,
        }
    )
    order = np.lexsort(
        (-table["percentile"].fillna(-1).to_numpy(), (info["pillar"] == "want").to_numpy())
    )
    return table.iloc[order].reset_index(drop=True)


def _card(label: str, value: str, detail: str) -> str:
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="note">{escape(detail)}</div></div>'
    )


@dataclass(frozen=True)
class CountryProfileSection:
    """The focus country (``ReportContext.country``, default Kenya) across every registered
    indicator: its latest value, rank and percentile among countries in the same year
    (:func:`humsec.report.snapshot.country_standing`), a sparkline per indicator, trend panels
    for the HDI components and conflict, its highest threats by mean percentile
    (:func:`humsec.report.snapshot.threat_standing`) and the framework interlinkages that
    start or end at those threats.
    """

    id: str = "profile"
    title: str = "Country profile"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("country", "year")

    def render(self, context: ReportContext) -> RenderedSection:
        """Profile ``context.country`` with data up to ``context.year``."""
        from humsec.data import dataset, indicator_registry
        from humsec.framework import default_framework

        iso3 = context.country or DEFAULT_COUNTRY
        framework = default_framework()
        registry = indicator_registry()
        reg = registry.to_frame().set_index("code")
        panel = report_panel()
        directions = reg["direction"]
        label = country_label(iso3)
        if iso3 not in panel.index.get_level_values("iso3"):
            return self._note(f"{label} has no value on any registered indicator.")
        standing = country_standing(panel, directions, iso3, max_year=context.year)
        if standing["value"].isna().all():
            return self._note(f"{label} has no data up to {context.year}; use a later --year.")
        threats = pd.Series({i.code: list(i.threats) for i in registry.indicators})
        by_threat = threat_standing(standing, threats)
        names = {str(k): str(v) for k, v in reg["name"].items()}
        own = _country_series(panel, iso3, context.year)
        cards = _cards(standing, names)
        table = _indicator_table(own, standing, reg)
        n_missing = int(standing["value"].isna().sum())

        # Threats without any indicator stay in the table, last, as explicit gaps.
        gaps = [t for t in framework.threat_ids if t not in set(by_threat["threat"])]
        by_threat = pd.concat(
            [by_threat, pd.DataFrame({"threat": gaps, "level": np.nan, "n_indicators": 0})],
            ignore_index=True,
        )
        top = by_threat.dropna(subset=["level"]).head(TOP_THREATS)
        top_ids = list(top["threat"])
        # Fear and want side by side: the mean level of each pillar's measured threats.
        pillar_of = by_threat["threat"].map(framework.pillar_of)
        for pillar in ("fear", "want"):
            levels = by_threat.loc[pillar_of == pillar, "level"].dropna()
            if len(levels):
                cards.append(
                    _card(
                        f"{pillar.capitalize()} threats",
                        f"{levels.mean():.0f}",
                        f"mean percentile over {len(levels)} measured {pillar} threats "
                        "(100 = most threatened)",
                    )
                )
        threat_rows = pd.DataFrame(
            {
                "threat": [framework.threat(t).name for t in by_threat["threat"]],
                "pillar": [
                    f'<span class="pill {framework.pillar_of(t)}">{framework.pillar_of(t)}</span>'
                    for t in by_threat["threat"]
                ],
                "mean percentile": by_threat["level"].round(0),
                "indicators with data": by_threat["n_indicators"],
            }
        )
        links = [
            link
            for link in framework.interlinkages
            if link.source in top_ids or link.target in top_ids
        ]
        link_rows = pd.DataFrame(
            {
                "from": [framework.threat(x.source).name for x in links],
                "to": [framework.threat(x.target).name for x in links],
                "direction": [
                    f"{framework.pillar_of(x.source)} → {framework.pillar_of(x.target)}"
                    for x in links
                ],
                "effect": ["raises" if x.sign > 0 else "lowers" for x in links],
                "why": [x.rationale for x in links],
            }
        )
        trend_codes = [
            c for c in TREND_INDICATORS if c in own.columns and own[c].notna().sum() >= 2
        ]
        trend_html = (
            figure_html(
                trend_figure(
                    panel, iso3, names, trend_codes, max_year=context.year, region=_region(iso3)
                ),
                div_id="profile-trends",
            )
            if trend_codes
            else f'<p class="note">No indicator has two or more years of data since '
            f"{TREND_START} for this country.</p>"
        )
        top_names = ", ".join(framework.threat(t).name.lower() for t in top_ids)
        html = (
            f'<p class="lead">{escape(label)} on every registered fear and want indicator. Rank '
            "1 is the most threatened country among those with a value in the same year; the "
            "percentile is the share of the other countries that are better off (100 = worst). "
            f"Highest threats by mean percentile: <strong>{escape(top_names)}</strong>.</p>"
            f'<div class="cards" id="profile-cards">{"".join(cards)}</div>'
            "<h3>Trends</h3>"
            f'<div class="figure">{trend_html}</div>'
            "<h3>Threats ranked for this country</h3>"
            + '<div class="figure">'
            + figure_html(
                threat_bar_figure(
                    by_threat,
                    {t.id: t.name for t in framework.threats},
                    {t.id: t.pillar for t in framework.threats},
                ),
                div_id="profile-threat-bars",
            )
            + "</div>"
            + '<p class="note">Bars: <span class="pill fear">fear</span> and '
            '<span class="pill want">want</span> threats; threats without any indicator '
            "are listed in the table below, not drawn.</p>"
            + table_html(
                threat_rows,
                html_columns=["pillar"],
                caption="mean percentile over the threat's indicators with data",
                table_id="profile-threats",
            )
            + "<h3>How its highest threats feed other threats</h3>"
            + (
                table_html(
                    link_rows,
                    caption=f"framework interlinkages from or to: {top_names}",
                    table_id="profile-links",
                )
                if len(link_rows)
                else '<p class="note">The framework lists no interlinkage for these threats.</p>'
            )
            + "<h3>All indicators</h3>"
            + (
                f'<p class="note">{n_missing} indicator(s) have no value for {escape(iso3)} '
                "and are shown with —.</p>"
                if n_missing
                else ""
            )
            + table_html(
                table,
                html_columns=["pillar", "trend"],
                # one row per indicator, each in its own unit: 3 significant digits per value
                formatters={"year": str, "rank": str, "of": str, "value": format_number},
                table_id="profile-indicators",
                download=standing.assign(
                    iso3=iso3,
                    name=[names[c] for c in standing["code"]],
                    unit=reg.loc[standing["code"], "unit"].to_numpy(),
                    direction=reg.loc[standing["code"], "direction"].to_numpy(),
                ),
                download_name=f"profile_{iso3}.csv",
            )
        )
        used = sorted({s.dataset for i in registry.indicators for s in i.sources})
        attributions = [
            f"{dataset(n).title}: {dataset(n).attribution} ({dataset(n).licence})" for n in used
        ]
        return RenderedSection(
            id=self.id, title=f"{self.title}: {label}", html=html, attributions=attributions
        )

    def _note(self, text: str) -> RenderedSection:
        """A profile that says why there is nothing to show (never an empty section)."""
        return RenderedSection(
            id=self.id, title=self.title, html=f'<p class="callout warn">{escape(text)}</p>'
        )


COUNTRY_PROFILE = CountryProfileSection()

"""Report section: the Human Security Index (fear, want, dignity) with its uncertainty.

It builds the ``hsi`` preset on the bundled country panel (the latest year with near-best
coverage, or ``context.year``), and shows a world map of the index, the fear x want scatter
with its quadrants ("compound insecurity" where both pillars are high), the most insecure
countries with their rank intervals from a modest uncertainty analysis (300 replications
seeded from ``context.seed``), and the indicators that drive ``context.country``'s score.
The same numbers come from ``humsec index build hsi``, ``humsec index uncertainty hsi --n 300
--seed SEED --vary weights,normalisation,aggregation,imputation`` and
``humsec index explain hsi --unit ISO3``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from humsec.report.cache import kept_part
from humsec.report.figures import (
    EMPTY_GEOJSON,
    figure_html,
    share_world_geometry,
    style_offline_geo,
    with_geojson,
    world_outlines,
)
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

if TYPE_CHECKING:  # the index engine loads when the section renders
    from humsec.index import IndexResult, UncertaintyResult

REPLICATIONS = 300
VARY = ("weights", "normalisation", "aggregation", "imputation")
RANKED_ROWS = 30
MIN_SCORED = 10  # fewer scored countries than this: a note instead of rankings
DRIVER_ROWS = 12
QUADRANT_COLOURS = {
    "compound insecurity": "#b2182b",
    "fear-driven": "#ef8a62",
    "want-driven": "#f4a582",
    "lower insecurity": "#67a9cf",
}
DATASETS = ("hdr", "inform2020", "wdi", "ucdp_country_year", "world")


def hsi_map_figure(
    result: IndexResult, geojson: dict[str, Any], names: dict[str, str]
) -> dict[str, Any]:
    """World choropleth of the HSI from the bundled outlines (no CDN basemap)."""
    features = [f for f in geojson["features"] if f["id"] != "ATA"]
    locations = [str(f["id"]) for f in features]
    scores = result.scores.reindex(locations)
    z = [None if np.isnan(v) else round(float(v), 3) for v in scores[result.spec.root]]
    pillars = scores[["fear", "want", "dignity"]].round(1).astype("string").fillna("n/a")
    custom = np.column_stack(
        [[names.get(iso, iso) for iso in locations], pillars.to_numpy(dtype=object)]
    ).tolist()
    fig = go.Figure(
        go.Choropleth(
            geojson=EMPTY_GEOJSON,
            featureidkey="id",
            locations=locations,
            z=z,
            zmin=0,
            zmax=10,
            customdata=custom,
            colorscale="YlOrRd",
            colorbar={"title": {"text": "HSI 0-10"}, "thickness": 14, "len": 0.75},
            hovertemplate="<b>%{customdata[0]}</b><br>HSI %{z:.2f}<br>fear %{customdata[1]}, "
            "want %{customdata[2]}, dignity %{customdata[3]}<extra></extra>",
            marker={"line": {"color": "#ffffff", "width": 0.3}},
        )
    )
    style_offline_geo(fig)
    fig.update_layout(height=460, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    # the outlines are the page's one shared copy, not this figure's own
    return share_world_geometry(with_geojson(fig, {0: EMPTY_GEOJSON}), [0])


def quadrant_figure(
    q: pd.DataFrame, threshold: float, names: dict[str, str], focus: str | None
) -> go.Figure:
    """Fear (x) against want (y), coloured by quadrant, with the threshold lines."""
    fig = go.Figure()
    shown = q.dropna(subset=["fear", "want"])
    for label, colour in QUADRANT_COLOURS.items():
        part = shown[shown["quadrant"] == label]
        fig.add_trace(
            go.Scatter(
                x=part["fear"],
                y=part["want"],
                mode="markers",
                name=f"{label} ({len(part)})",
                marker={"color": colour, "size": 8, "line": {"color": "#ffffff", "width": 0.5}},
                text=[names.get(str(i), str(i)) for i in part.index],
                hovertemplate="<b>%{text}</b><br>fear %{x:.2f}<br>want %{y:.2f}<extra></extra>",
            )
        )
    if focus and focus in shown.index:
        row = shown.loc[focus]
        fig.add_trace(
            go.Scatter(
                x=[row["fear"]],
                y=[row["want"]],
                mode="markers+text",
                name=focus,
                text=[names.get(focus, focus)],
                textposition="top center",
                marker={
                    "color": "rgba(0,0,0,0)",
                    "size": 16,
                    "line": {"color": "#222222", "width": 2},
                },
                hoverinfo="skip",
            )
        )
    for axis in ("x", "y"):
        line: dict[str, Any] = {
            "type": "line",
            "line": {"color": "#555555", "dash": "dash", "width": 1},
        }
        ends = (threshold, threshold, 0, 10) if axis == "x" else (0, 10, threshold, threshold)
        fig.add_shape(line, x0=ends[0], x1=ends[1], y0=ends[2], y1=ends[3])
    fig.add_annotation(
        x=9.8,
        y=9.8,
        text="compound insecurity",
        showarrow=False,
        xanchor="right",
        font={"color": QUADRANT_COLOURS["compound insecurity"]},
    )
    fig.update_layout(
        xaxis={"title": "freedom from fear: insecurity (0-10)", "range": [0, 10]},
        yaxis={"title": "freedom from want: deprivation (0-10)", "range": [0, 10]},
        height=480,
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "y": -0.18},
    )
    return fig


def rank_interval_figure(summary: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Nominal rank and the median and 5-95 % interval of ranks across replications."""
    rows = summary.dropna(subset=["rank"]).sort_values("rank").head(RANKED_ROWS)
    labels = [names.get(str(i), str(i)) for i in rows.index]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=rows["rank_median"],
            y=labels,
            mode="markers",
            name="median rank",
            marker={"color": "#b2182b", "size": 8},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows["rank_p95"] - rows["rank_median"],
                "arrayminus": rows["rank_median"] - rows["rank_p05"],
                "color": "#b2182b",
                "thickness": 1.5,
            },
            hovertemplate="<b>%{y}</b><br>median rank %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=rows["rank"],
            y=labels,
            mode="markers",
            name="nominal rank",
            marker={"color": "#222222", "symbol": "diamond-open", "size": 9},
        )
    )
    fig.update_layout(
        xaxis={"title": "rank (1 = most insecure)"},
        yaxis={"autorange": "reversed"},
        height=max(360, 18 * len(rows) + 80),
        margin={"l": 170, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "y": 1.04},
    )
    return fig


def driver_figure(indicators: pd.DataFrame) -> go.Figure:
    """The indicators with the largest share of one country's HSI."""
    top = indicators.head(DRIVER_ROWS).iloc[::-1]
    colours = [
        "#e45756"
        if str(p).startswith("fear")
        else "#f58518"
        if str(p).startswith("want")
        else "#72b7b2"
        for p in top["path"]
    ]
    fig = go.Figure(
        go.Bar(
            x=top["points"],
            y=top["name"],
            orientation="h",
            marker_color=colours,
            customdata=np.stack([top["normalised"], top["share"] * 100], axis=-1),
            hovertemplate="<b>%{y}</b><br>%{x:.2f} points (%{customdata[1]:.1f} % of the score)"
            "<br>normalised value %{customdata[0]:.2f} / 10<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": "points of the HSI (share x score)"},
        height=60 + 26 * len(top),
        margin={"l": 330, "r": 20, "t": 10, "b": 50},
    )
    return fig


def _year(context: ReportContext, spec: Any, panel: pd.DataFrame) -> tuple[int | None, str]:
    """The year to build and a warning for the headline ("" when none).

    Without ``context.year``: the latest well-covered year (as
    :func:`humsec.index.default_year`). With it: that year itself (``--year`` applies to the
    HSI like every section), or the panel's latest year before it when the panel stops
    earlier. The warning says when the year's indicator coverage is below 95 % of the
    best-covered year's, or when the panel stops before the year asked for.
    """
    from humsec.index import coverage_by_year

    share = coverage_by_year(spec, panel)
    good = share[share >= 0.95 * share.max()]
    best_year = int(good.index.max())  # the latest well-covered year, the default
    if context.year is None:
        return best_year, ""
    earlier = share[share.index <= context.year]
    if earlier.empty:
        return None, (
            f"The HSI panel has no data up to {context.year}; use a --year from "
            f"{int(share.index.min())} to {int(share.index.max())}."
        )
    year = int(earlier.index.max())
    warning = coverage_warning(year, float(share[year]), best_year, float(share[best_year]))
    if year != context.year:
        warning = (
            f"The panel has no data for {context.year}; the index is shown for {year}, "
            f"its latest year. " + warning
        ).strip()
    return year, warning


def coverage_warning(year: int, share: float, best_year: int, best: float) -> str:
    """The headline warning for a year whose coverage is below 95 % of ``best``, the
    coverage of ``best_year`` (the latest well-covered year)."""
    if share >= 0.95 * best:
        return ""
    return (
        f"Coverage in {year} is low: {share:.0%} of the indicator values are available "
        f"(after carrying values forward up to three years), against {best:.0%} in "
        f"{best_year}. Scores for {year} rest on fewer indicators than usual; read them "
        f"with care, or use --year {best_year}."
    )


@dataclass(frozen=True)
class IndexSection:
    """The Human Security Index: map, fear x want quadrants, rank intervals, drivers."""

    id: str = "hsi"
    title: str = "Human Security Index: fear, want and dignity"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("country", "year", "seed")

    def render(self, context: ReportContext) -> RenderedSection:
        """Build the HSI, run a 300-replication uncertainty analysis, explain one country."""
        from humsec.data import attribution, catalog, countries
        from humsec.index import (
            build,
            bundled_data,
            explain,
            load_preset,
            quadrant_settings,
            quadrants,
            threat_coverage,
        )

        spec = load_preset("hsi")
        panel = bundled_data("hsi")
        year, warning = _year(context, spec, panel)
        if year is None:
            return RenderedSection(
                id=self.id, title=self.title, html=f'<p class="note">{escape(warning)}</p>'
            )
        result = build(spec, panel, year=year)
        if result.root.notna().sum() < MIN_SCORED:
            return RenderedSection(
                id=self.id,
                title=self.title,
                html=f'<p class="note">The HSI scores only {int(result.root.notna().sum())} '
                f"countries for {year}, too few to rank. {escape(warning)}</p>",
            )
        names_table = countries()
        names = dict(
            zip(names_table["iso3"].astype(str), names_table["name"].astype(str), strict=True)
        )
        _, _, threshold = quadrant_settings(spec)
        q = quadrants(result)
        ranks = kept_part(
            "ranks",
            {"year": year, "seed": context.seed},
            lambda: _ranks_html(spec, panel, result, q, names, year, context.seed),
        )
        scored = result.scores[spec.root].dropna()
        focus = str(context.country) if context.country in scored.index else str(scored.idxmax())

        counts = q["quadrant"].value_counts()
        gaps = [c for c in threat_coverage(spec) if not c.indicators]
        intro = (
            (
                f'<div class="callout warn"><strong>{escape(warning)}</strong></div>'
                if warning
                else ""
            )
            + f"<p>The Human Security Index scores {len(scored)} countries for {year} on 0-10 "
            "(higher = more insecure) from 23 indicators of the bundled panel, grouped under "
            "the framework's threats: a <strong>freedom-from-fear</strong> pillar, a "
            "<strong>freedom-from-want</strong> pillar and a <strong>dignity</strong> pillar. "
            "Each threat averages its indicators; each pillar combines its threats with "
            "INFORM's inverted geometric mean, so one severe threat is not averaged away; the "
            "index is the geometric mean of the pillars. Values older than the year are "
            "carried forward up to three years. Method and references: "
            "<code>docs/methodology/hsi.md</code>.</p>"
            f"<p><strong>{int(counts.get('compound insecurity', 0))} countries</strong> are in "
            f"<em>compound insecurity</em>: both fear and want at or above {threshold:g}, the "
            "overlap the human-security approach calls downside risk, where a shock hits "
            "people who are already deprived.</p>"
        )
        gap_html = (
            '<div class="callout warn"><strong>Threats not in the score.</strong><ul>'
            + "".join(
                f"<li><code>{escape(g.threat)}</code>: {escape(str(g.gap))}</li>" for g in gaps
            )
            + "</ul></div>"
            if gaps
            else ""
        )
        e = explain(result, focus)
        nodes = e.nodes[e.nodes["level"] <= 1].copy()
        node_table = pd.DataFrame(
            {
                "pillar": nodes["name"].to_numpy(),
                "score (0-10)": nodes["score"].round(2).to_numpy(),
                "rank": nodes["rank"].astype("Int64").to_numpy(),
                "share of the HSI (%)": (100 * nodes["share"]).round(1).to_numpy(),
            }
        )
        focus_name = names.get(focus, focus)
        html = (
            intro
            + gap_html
            + "<h3>Where human security is weakest</h3>"
            + figure_html(hsi_map_figure(result, world_outlines(), names), div_id="hsi-map")
            + "<h3>Fear and want together</h3>"
            + figure_html(quadrant_figure(q, threshold, names, focus), div_id="hsi-quadrants")
            + ranks
            + f"<h3>What drives the score: {escape(focus_name)}</h3>"
            + f"<p>{escape(focus_name)}: HSI {e.score:.2f}, rank {e.rank:.0f} of "
            f"{len(scored)}, quadrant <em>{escape(str(q.loc[focus, 'quadrant']))}</em>. "
            "Shares split each node among its children (w x for means, log-shares for "
            "geometric means, INFORM-style shares for the inverted geometric mean) and "
            "multiply down the tree. Bars: red fear, orange want, teal dignity. The pillars "
            "have equal weights and dignity has only two indicators, so each of them carries "
            "a large share.</p>"
            + table_html(
                node_table,
                decimals={
                    "score (0-10)": spec.display_decimals(spec.root),
                    "share of the HSI (%)": 1,
                },
                table_id="hsi-pillars",
            )
            + figure_html(driver_figure(e.indicators), div_id="hsi-drivers")
        )
        wanted = {d.name: d.title for d in catalog() if d.name in DATASETS}
        attributions = [
            line
            for line in attribution()
            if any(line.startswith(title) for title in wanted.values())
        ]
        return RenderedSection(id=self.id, title=self.title, html=html, attributions=attributions)


def _ranks_html(
    spec: Any,
    panel: pd.DataFrame,
    result: IndexResult,
    q: pd.DataFrame,
    names: dict[str, str],
    year: int,
    seed: int,
) -> str:
    """The rank uncertainty: the 300 replications (seeded), rank intervals, the top-20 table and
    the sensitivity indices. It depends on the year and the seed, not on the focus country, so
    a report on another country reuses it (:func:`humsec.report.cache.kept_part`)."""
    from humsec.index import UncertaintySettings, compound_probability, uncertainty

    unc = uncertainty(
        spec,
        panel,
        n=REPLICATIONS,
        seed=seed,
        vary=VARY,
        year=year,
        settings=UncertaintySettings(sobol_n=64),
        nominal=result,
        record=("fear", "want"),
    )
    p_compound = compound_probability(unc)
    summary = unc.summary()
    ranking = summary.dropna(subset=["rank"]).sort_values("rank").head(20)
    rank_table = pd.DataFrame(
        {
            "country": [names.get(str(i), str(i)) for i in ranking.index],
            "HSI": ranking["score"].round(2).to_numpy(),
            "rank": ranking["rank"].astype(int).to_numpy(),
            "median rank": ranking["rank_median"].to_numpy(),
            "5-95 % rank interval": [
                f"{a:.0f}-{b:.0f}"
                for a, b in zip(ranking["rank_p05"], ranking["rank_p95"], strict=True)
            ],
            "quadrant": q["quadrant"].reindex(ranking.index).astype("string").to_numpy(),
            "runs in compound insecurity (%)": (100 * p_compound.reindex(ranking.index))
            .round(0)
            .to_numpy(),
        }
    )
    sensitivity = _sensitivity_html(unc)
    return (
        "<h3>How sure are the ranks?</h3>"
        + f"<p>{REPLICATIONS} replications (seed {seed}) redraw the weights "
        "(Dirichlet around the nominal ones), switch the normalisation (goalposts, "
        "min-max, percentile ranks), the aggregation (as specified, arithmetic, "
        "geometric) and the handling of remaining gaps (none, mean). Bars show the 5-95 % "
        "interval of each country's rank; the table also gives the share of runs in which "
        "the country is in compound insecurity.</p>"
        + figure_html(rank_interval_figure(summary, names), div_id="hsi-rank-intervals")
        + table_html(
            rank_table,
            decimals={"HSI": spec.display_decimals(spec.root)},
            table_id="hsi-ranking",
        )
        + sensitivity
    )


def _sensitivity_html(unc: UncertaintyResult) -> str:
    if unc.sensitivity is None:
        return ""
    table = unc.sensitivity.reset_index()
    table = pd.DataFrame(
        {
            "choice": table["factor"],
            "first-order S1": table["S1"].round(2),
            "total ST": table["ST"].round(2),
        }
    )
    return (
        "<p>Which choice moves the ranks most: Sobol sensitivity indices of the mean "
        f"absolute rank shift ({unc.sobol_runs} runs; SALib). ST is the share of the "
        "variance a choice explains alone and with others.</p>"
        + table_html(
            table, decimals={"first-order S1": 2, "total ST": 2}, table_id="hsi-sensitivity"
        )
    )


INDEX_SECTION = IndexSection()

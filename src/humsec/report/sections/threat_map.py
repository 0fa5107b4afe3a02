"""Report section: who is threatened by what, where (world map and indicator table)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from humsec.errors import DataError
from humsec.report.figures import (
    EMPTY_GEOJSON,
    figure_html,
    share_world_geometry,
    style_offline_geo,
    with_geojson,
    world_outlines,
)
from humsec.report.section import RenderedSection, ReportContext
from humsec.report.snapshot import (
    SEVERE_PERCENTILE,
    IndicatorSnapshot,
    indicator_snapshot,
    report_panel,
    threat_overlap,
)
from humsec.report.tables import csv_link, table_html

DEFAULT_MAP_INDICATOR = "inform_risk"
"""Indicator the map opens on (the dropdown switches to any other registered indicator)."""

NO_DATA_COLOUR = "#d5d9e0"
COMPOUND_PILLAR = "fear and want"
"""Menu group of layers derived from both pillars (the severe-threat count)."""
SEVERE_LAYER = "severe_threats"
PILE_UP_ROWS = 15
"""How many countries the "where threats pile up" table lists."""
# Antarctica has no country data and stretches the fitted map frame.
_LEFT_OFF_MAP = frozenset({"ATA"})
_CLIP_QUANTILES = (0.02, 0.98)


def colour_range(values: pd.Series) -> tuple[float, float]:
    """Colour-scale bounds: the 2nd and 98th percentiles, or the full range for ≤ 5 levels.

    Clipping keeps a few extreme countries (e.g. maternal mortality, GNI per capita) from
    washing out the contrast among all the others; indicators with few distinct levels (0/1
    conflict flags, intensity 0/1/2) use their full range so that each level keeps its colour.
    """
    observed = values.dropna()
    if observed.empty:
        return (0.0, 1.0)
    if observed.nunique() <= 5:
        lo, hi = float(observed.min()), float(observed.max())
    else:
        lo, hi = (float(q) for q in observed.quantile(list(_CLIP_QUANTILES)))
    if hi <= lo:
        hi = lo + 1.0
    return (lo, hi)


def _z(values: pd.Series, locations: list[str]) -> list[float | None]:
    aligned = values.reindex(locations)
    return [None if np.isnan(v) else round(float(v), 6) for v in aligned.to_numpy(dtype=float)]


def threat_map_figure(
    snapshot: IndicatorSnapshot,
    registry_frame: pd.DataFrame,
    geojson: dict[str, Any],
    country_names: dict[str, str],
    *,
    initial: str = DEFAULT_MAP_INDICATOR,
) -> ThreatMap:
    """A world choropleth with a dropdown over every indicator that has data.

    Two traces share the map: a grey layer under every country that lacks data for at least
    one indicator, and the coloured indicator layer on top, whose ``z`` is missing where the
    selected indicator has no value, so those countries show grey ("no data") instead of
    disappearing. Red always means more threatened: the scale is reversed for indicators where
    higher is better. The indicator menu restyles only the coloured layer, so the GeoJSON
    outlines are embedded once per layer, never once per indicator.
    """
    features = [f for f in geojson["features"] if f["id"] not in _LEFT_OFF_MAP]
    locations = [str(f["id"]) for f in features]
    names = [country_names.get(iso, iso) for iso in locations]
    codes = [c for c in registry_frame["code"] if pd.notna(snapshot.years.get(c))]
    if not codes:
        raise DataError(
            "no registered indicator has data in the years asked for",
            location="world map",
            hint="use a later --year",
        )
    if initial not in codes:
        initial = codes[0]
    info = registry_frame.set_index("code")

    def style(code: str) -> dict[str, Any]:
        values = snapshot.values[code]
        lo, hi = colour_range(values)
        row = info.loc[code]
        year = period(code)
        return {
            "z": _z(values, locations),
            "zmin": lo,
            "zmax": hi,
            "reversescale": row["direction"] == "higher_is_better",
            "hovertemplate": (
                "<b>%{customdata}</b><br>"
                + escape(str(row["name"]))
                + ": %{z:,.3~r} "
                + escape(str(row["unit"]))
                + f"<br>{year}<extra></extra>"
            ),
            "colorbar.title.text": escape(str(row["unit"])),
        }

    def period(code: str) -> str:
        # Derived layers (e.g. the severe-threat count) state their own period.
        note = info.loc[code].get("period") if "period" in info.columns else None
        return str(note) if isinstance(note, str) and note else str(int(snapshot.years[code]))

    def title(code: str) -> str:
        row = info.loc[code]
        return (
            f"{escape(str(row['name']))} ({row['pillar']}, {escape(period(code))}, "
            f"{int(snapshot.coverage[code])} countries)"
        )

    complete = snapshot.values[codes].notna().all(axis=1)
    lacking = set(locations) - set(complete.index[complete])
    grey_features = [f for f in features if f["id"] in lacking]
    grey = go.Choropleth(
        geojson=EMPTY_GEOJSON,
        featureidkey="id",
        locations=[f["id"] for f in grey_features],
        z=[0] * len(grey_features),
        customdata=[country_names.get(str(f["id"]), str(f["id"])) for f in grey_features],
        colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        showscale=False,
        hovertemplate="<b>%{customdata}</b><br>no data for this indicator<extra></extra>",
        marker={"line": {"color": "#ffffff", "width": 0.3}},
        name="no data",
    )
    first = style(initial)
    coloured = go.Choropleth(
        geojson=EMPTY_GEOJSON,
        featureidkey="id",
        locations=locations,
        customdata=names,
        z=first["z"],
        zmin=first["zmin"],
        zmax=first["zmax"],
        colorscale="YlOrRd",
        reversescale=first["reversescale"],
        hovertemplate=first["hovertemplate"],
        colorbar={"title": {"text": first["colorbar.title.text"]}, "thickness": 14, "len": 0.75},
        marker={"line": {"color": "#ffffff", "width": 0.3}},
        name="indicator",
    )
    styles = {
        code: {
            "trace": {key: [value] for key, value in style(code).items()},
            "layout": {"title.text": title(code)},
        }
        for code in codes
    }
    fig = go.Figure([grey, coloured])
    style_offline_geo(fig)
    fig.update_layout(
        title={
            "text": title(initial),
            "x": 0.01,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": 14},
        },
        height=440,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
    )
    figure = with_geojson(
        fig,
        {
            0: {"type": "FeatureCollection", "features": grey_features},
            1: {"type": "FeatureCollection", "features": features},
        },
    )
    options = [(code, str(info.loc[code, "pillar"]), str(info.loc[code, "name"])) for code in codes]
    return ThreatMap(figure=figure, styles=styles, options=options, initial=initial)


@dataclass(frozen=True)
class ThreatMap:
    """The world map and what its indicator menu switches between.

    ``figure`` is the Plotly figure dict (trace 0 the grey no-data layer, trace 1 the coloured
    layer); ``styles[code]`` holds the ``Plotly.update`` arguments that show indicator
    ``code``; ``options`` lists (code, pillar, name) in menu order.
    """

    figure: dict[str, Any]
    styles: dict[str, dict[str, Any]]
    options: list[tuple[str, str, str]]
    initial: str

    def to_html(self, div_id: str = "threat-map") -> str:
        """A native ``<select>`` (grouped by pillar) above the map, wired with a few lines of
        inline JavaScript to ``Plotly.update``; the styles travel as inline JSON."""
        groups = []
        for pillar in ("fear", "want", COMPOUND_PILLAR):
            items = "".join(
                f'<option value="{escape(code)}"{" selected" if code == self.initial else ""}>'
                f"{escape(name)}</option>"
                for code, p, name in self.options
                if p == pillar
            )
            if items:
                groups.append(f'<optgroup label="{escape(pillar.capitalize())}">{items}</optgroup>')
        styles = json.dumps(self.styles, separators=(",", ":")).replace("</", "<\\/")
        shared = share_world_geometry(self.figure, [0, 1])  # one copy of the outlines per page
        script = (
            "(function () {"
            f"var styles = JSON.parse(document.getElementById('{div_id}-styles').textContent);"
            f"var menu = document.getElementById('{div_id}-indicator');"
            "menu.addEventListener('change', function () {"
            "var s = styles[menu.value];"
            f"Plotly.update('{div_id}', s.trace, s.layout, [1]);"
            "});"
            "})();"
        )
        return (
            f'<label class="map-menu" for="{div_id}-indicator">Indicator '
            f'<select id="{div_id}-indicator">{"".join(groups)}</select></label>'
            f'<div class="figure">{figure_html(shared, div_id=div_id)}</div>'
            f'<script type="application/json" id="{div_id}-styles">{styles}</script>'
            f"<script>{script}</script>"
        )


def with_severe_layer(
    snapshot: IndicatorSnapshot, registry_frame: pd.DataFrame, overlap: pd.DataFrame
) -> tuple[IndicatorSnapshot, pd.DataFrame]:
    """Add the severe-threat count (:func:`humsec.report.snapshot.threat_overlap`) as one more
    map layer. Countries with no measured threat get a missing count, not zero."""
    total = overlap["total"].where(overlap["measured"] > 0).astype(float)
    values = snapshot.values.join(total.rename(SEVERE_LAYER))
    years = pd.concat(
        [snapshot.years, pd.Series({SEVERE_LAYER: snapshot.years.max()}, dtype="Int64")]
    )
    coverage = pd.concat(
        [snapshot.coverage, pd.Series({SEVERE_LAYER: int(values[SEVERE_LAYER].notna().sum())})]
    )
    row = pd.DataFrame(
        {
            "code": [SEVERE_LAYER],
            "name": ["Severe threats: worst quarter of countries"],
            "pillar": [COMPOUND_PILLAR],
            "unit": ["threats"],
            "direction": ["higher_is_worse"],
            "period": ["each indicator's mapped year"],
        }
    )
    frame = pd.concat([registry_frame.assign(period=""), row], ignore_index=True)
    return IndicatorSnapshot(years=years, values=values, coverage=coverage), frame


def _focus_line(overlap: pd.DataFrame, iso3: str | None, names: dict[str, str]) -> str:
    """Where the focus country stands in the severe-threat count (rank 1 = most severe)."""
    if iso3 is None or iso3 not in overlap.index:
        return ""
    counts = overlap.loc[[iso3], ["fear", "want", "total", "measured"]].astype(int)
    row = {str(k): int(v) for k, v in counts.iloc[0].to_dict().items()}
    if row["measured"] == 0:
        return ""
    counted = overlap[overlap["measured"] > 0]
    rank = int((counted["total"] > row["total"]).sum()) + 1
    return (
        f'<p class="note" id="pile-up-focus">{escape(names.get(iso3, iso3))}: '
        f"{row['total']} severe threats ({row['fear']} fear, {row['want']} want) of "
        f"{row['measured']} measured; rank {rank} of {len(counted)} countries "
        "(ties share a rank).</p>"
    )


def _no_data_note(text: str) -> str:
    return f'<p class="callout warn">{escape(text)} Choose a later year with --year.</p>'


def _pill(pillar: str) -> str:
    return f'<span class="pill {escape(pillar)}">{escape(pillar)}</span>'


@dataclass(frozen=True)
class ThreatMapSection:
    """The section *who is threatened by what, where*.

    A world map of every fear and want indicator in the registry (latest well-covered year of
    each, see :func:`humsec.report.snapshot.indicator_snapshot`), the countries where severe
    threats pile up (:func:`humsec.report.snapshot.threat_overlap`), the threats with their
    indicators and the coverage gaps (threats no bundled indicator measures), and the
    indicator table with its coverage.
    """

    id: str = "threats"
    title: str = "Who is threatened by what, where"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ("country", "year")

    def render(self, context: ReportContext) -> RenderedSection:
        """Map, indicator table and coverage gaps, using data up to ``context.year``."""
        from humsec.data import countries, indicator_registry
        from humsec.framework import default_framework

        framework = default_framework()
        registry = indicator_registry()
        registry_frame = registry.to_frame()
        panel = report_panel()
        snapshot = indicator_snapshot(panel, max_year=context.year)
        if snapshot.years.isna().all():
            return RenderedSection(
                id=self.id,
                title=self.title,
                html=_no_data_note(f"No registered indicator has data up to {context.year}."),
            )
        names_table = countries()
        names = dict(
            zip(names_table["iso3"].astype(str), names_table["name"].astype(str), strict=True)
        )
        directions = registry_frame.set_index("code")["direction"]
        threats = pd.Series({i.code: list(i.threats) for i in registry.indicators})
        pillars = {t.id: t.pillar for t in framework.threats}
        overlap = threat_overlap(snapshot, directions, threats, pillars)
        map_snapshot, map_registry = with_severe_layer(snapshot, registry_frame, overlap)
        world_map = threat_map_figure(map_snapshot, map_registry, world_outlines(), names)
        pile_up = overlap[overlap["measured"] > 0].head(PILE_UP_ROWS)
        pile_table = pd.DataFrame(
            {
                "country": [names.get(str(i), str(i)) for i in pile_up.index],
                "iso3": pile_up.index.astype(str),
                "severe fear threats": pile_up["fear"].to_numpy(),
                "severe want threats": pile_up["want"].to_numpy(),
                "severe in all": pile_up["total"].to_numpy(),
                "threats measured": pile_up["measured"].to_numpy(),
                "mean percentile": pile_up["mean_level"].round(0).to_numpy(),
            }
        )

        years = snapshot.years.reindex(registry_frame["code"]).to_numpy()
        table = pd.DataFrame(
            {
                "code": registry_frame["code"],
                "name": registry_frame["name"],
                "pillar": [_pill(p) for p in registry_frame["pillar"]],
                "threats": registry_frame["threats"],
                "unit": registry_frame["unit"],
                "direction": registry_frame["direction"].str.replace("_", " "),
                "year": pd.array(years, dtype="Int64"),
                "countries": snapshot.coverage.reindex(registry_frame["code"]).to_numpy(),
                "source": registry_frame["source"],
            }
        ).sort_values(["pillar", "code"], kind="stable")
        coverage = registry.coverage(framework)
        threat_rows = pd.DataFrame(
            {
                "threat": [t.name for t in framework.threats],
                "pillar": [_pill(t.pillar) for t in framework.threats],
                "HDR 1994 security": [t.hdr_security for t in framework.threats],
                "indicators": [len(coverage.covered.get(t.id, [])) for t in framework.threats],
                "codes": [
                    ", ".join(coverage.covered.get(t.id, [])) or "—" for t in framework.threats
                ],
            }
        )
        gap_names = [framework.threat(t).name for t in coverage.gaps]
        if gap_names:
            gaps = (
                '<div class="callout warn"><strong>Coverage gaps.</strong> No bundled indicator '
                'measures: <ul class="gap-list" id="coverage-gaps">'
                + "".join(
                    f"<li>{escape(name)} (<code>{escape(code)}</code>)</li>"
                    for name, code in zip(gap_names, coverage.gaps, strict=True)
                )
                + "</ul>Treat these threats as unmeasured here, not as absent; bring your own "
                "data with <code>humsec data import</code>.</div>"
            )
        else:
            gaps = '<p id="coverage-gaps">Every framework threat has at least one indicator.</p>'
        cap = f" up to {context.year}" if context.year else ""
        n_fear = int((registry_frame["pillar"] == "fear").sum())
        n_want = int((registry_frame["pillar"] == "want").sum())
        html = (
            f'<p class="lead">{len(registry_frame)} registered indicators ({n_fear} fear, '
            f"{n_want} want) on {panel.index.get_level_values('iso3').nunique()} countries and "
            "territories. "
            "Pick an indicator in the menu above the map; red always means more threatened. "
            f"Each indicator is mapped in its latest well-covered year{cap} (the latest year "
            "with at least 80 % of its best year's country count), stated in the map title; "
            "grey countries have no value in that year.</p>"
            + world_map.to_html("threat-map")
            + '<p class="note">Colours are clipped at the 2nd and 98th percentiles so that a few '
            "extreme countries do not flatten the contrast; the hover shows the exact value.</p>"
            "<h3>Where threats pile up</h3>"
            f"<p>A threat is <em>severe</em> for a country when the mean percentile of its "
            f"indicators is at least {SEVERE_PERCENTILE:.0f}: the country is among the worst "
            "quarter of countries on it. Countries with the most severe threats, fear and want "
            "together (the map menu's last entry shows the count for every country):</p>"
            + table_html(
                pile_table,
                table_id="pile-up",
                download=overlap.rename_axis("iso3").reset_index(),
                download_name="severe_threats_by_country.csv",
            )
            + _focus_line(overlap, context.country, names)
            + "<h3>Threats and the indicators that measure them</h3>"
            + gaps
            + table_html(threat_rows, html_columns=["pillar"], table_id="threat-coverage")
            + "<h3>Fear and want indicators</h3>"
            + table_html(
                table,
                caption="year: the year mapped; countries: how many have a value in it",
                html_columns=["pillar"],
                formatters={"year": str},
                table_id="indicator-table",
                download=registry_frame.assign(
                    year=snapshot.years.reindex(registry_frame["code"]).to_numpy(),
                    countries=snapshot.coverage.reindex(registry_frame["code"]).to_numpy(),
                ),
                download_name="indicators.csv",
            )
            + '<p class="note">The values on the map, one row per country and one column per '
            "indicator (each in its mapped year): "
            + csv_link(
                snapshot.values.rename_axis("iso3").reset_index(), "mapped_indicator_values.csv"
            )
            + "</p>"
        )
        sources = sorted({s.dataset for i in registry.indicators for s in i.sources})
        attributions = _attributions(sources)
        return RenderedSection(id=self.id, title=self.title, html=html, attributions=attributions)


def _attributions(dataset_names: list[str]) -> list[str]:
    from humsec.data import dataset

    lines = []
    for name in [*dataset_names, "world"]:
        entry = dataset(name)
        lines.append(f"{entry.title}: {entry.attribution} ({entry.licence})")
    return lines


THREAT_MAP = ThreatMapSection()

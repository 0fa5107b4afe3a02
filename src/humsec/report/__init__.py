"""Self-contained, offline HTML reports (Jinja2 + Plotly).

Build the whole report in Python with :func:`build_report` (returns HTML text) or
:func:`write_report` (writes it atomically). A report is an ordered list of sections
(:data:`SECTIONS`); each capability contributes a :class:`Section` whose ``render(context)``
returns a :class:`RenderedSection`. Figures are embedded with :func:`figure_html`.
A :class:`SectionCache` keeps national sections between identical reports (``humsec report``
uses one; ``--no-cache`` renders afresh).
"""

from humsec.report.builder import (
    ProgressCallback,
    build_report,
    ordered_sections,
    select_sections,
    write_report,
)
from humsec.report.cache import SectionCache
from humsec.report.country import DEFAULT_COUNTRY, country_label, resolve_country
from humsec.report.figures import (
    EMPTY_GEOJSON,
    PLOTLY_CONFIG,
    PLOTLY_TRACES,
    figure_html,
    plotly_bundle_path,
    plotly_js,
    style_offline_geo,
    with_geojson,
)
from humsec.report.section import RenderedSection, ReportContext, Section
from humsec.report.sections import SECTIONS
from humsec.report.sections.threat_network import PortfolioSection, ThreatNetworkSection
from humsec.report.sparkline import sparkline_svg
from humsec.report.tables import csv_link, table_html

__all__ = [
    "DEFAULT_COUNTRY",
    "EMPTY_GEOJSON",
    "PLOTLY_CONFIG",
    "PLOTLY_TRACES",
    "SECTIONS",
    "PortfolioSection",
    "ProgressCallback",
    "RenderedSection",
    "ReportContext",
    "Section",
    "SectionCache",
    "ThreatNetworkSection",
    "build_report",
    "country_label",
    "csv_link",
    "figure_html",
    "ordered_sections",
    "plotly_bundle_path",
    "plotly_js",
    "resolve_country",
    "select_sections",
    "sparkline_svg",
    "style_offline_geo",
    "table_html",
    "with_geojson",
    "write_report",
]

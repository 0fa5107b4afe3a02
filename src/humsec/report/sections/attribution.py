"""Report section: where every number comes from (datasets, licences, methods)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import ClassVar

import pandas as pd

from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html

METHOD_REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "Human security concept",
        "UN General Assembly resolution 66/290 (2012) on the common understanding of human "
        "security; UNDP Human Development Report 1994, chapter 2 (the seven securities).",
    ),
    (
        "Human Development Index",
        "UNDP Human Development Report Office, Technical notes of the Human Development "
        "Report 2023/2024 (dimension indices with goalposts, geometric mean).",
    ),
    (
        "INFORM Risk",
        "European Commission Joint Research Centre, INFORM Risk methodology and concept "
        "(0–10 scores, inverted geometric mean, weight renormalisation for missing components).",
    ),
    (
        "WorldRiskIndex and ND-GAIN",
        "Bündnis Entwicklung Hilft and IFHV Ruhr-University Bochum, WorldRiskReport 2022 "
        "(revised WorldRiskIndex method); Chen, Noble, Hellmann et al. (2015/2024) University "
        "of Notre Dame Global Adaptation Initiative country index, technical report.",
    ),
    (
        "Composite indicators",
        "OECD/JRC (2008) Handbook on Constructing Composite Indicators; Becker, Benavente, "
        "Dominguez Torreiro et al., COINr: an R package for composite indicators (JRC).",
    ),
    (
        "Multidimensional poverty",
        "Alkire, S. and Foster, J. (2011) Counting and multidimensional poverty measurement, "
        "Journal of Public Economics 95(7–8); Suppa, N. mpitb, a toolbox for multidimensional "
        "poverty indices (OPHI).",
    ),
    (
        "Survey standard errors",
        "Lumley, T. (2004) Analysis of complex survey samples, Journal of Statistical Software "
        "9(8), and the R package survey (Taylor linearisation, logit confidence intervals).",
    ),
    (
        "Risk metrics",
        "Aznar-Siguan, G. and Bresch, D. N. (2019) CLIMADA v1: a global weather and climate "
        "risk assessment platform, Geoscientific Model Development 12 (expected annual impact, "
        "exceedance curves, cost-benefit of measures).",
    ),
    (
        "Well-being losses and resilience",
        "Hallegatte, S., Vogt-Schilb, A., Bangalore, M. and Rozenberg, J. (2017) Unbreakable: "
        "building the resilience of the poor in the face of natural disasters, World Bank.",
    ),
    (
        "Country outlines",
        "Natural Earth via the world-atlas TopoJSON (M. Bostock); decoded to GeoJSON by humsec.",
    ),
)
"""Methods the report's sections implement, with the publication to cite for each."""


@dataclass(frozen=True)
class AttributionSection:
    """Every bundled dataset's provenance (source, licence, version, attribution) and the
    method references, from :func:`humsec.data.catalog`.

    It is a *closing* section: the report builder always places it last and keeps it when the
    user picks sections, because the datasets' licences (CC BY) require the attribution to
    accompany anything made from them.
    """

    id: str = "attribution"
    title: str = "Sources, licences and methods"
    # a national report's HTML depends on these context fields (and code and bundled data)
    depends_on: ClassVar[tuple[str, ...]] = ()
    closing: bool = True

    def render(self, context: ReportContext) -> RenderedSection:
        """List the catalog (one row per dataset) and the method references."""
        from humsec.data import catalog

        entries = catalog()
        rows = pd.DataFrame(
            {
                "dataset": [e.name for e in entries],
                "title": [e.title for e in entries],
                "source": [e.source for e in entries],
                "version": [e.version for e in entries],
                "licence": [e.licence for e in entries],
                "raw sha256": [", ".join(r.sha256[:12] for r in e.raw_files) for e in entries],
            }
        )
        attribution_items = "".join(
            f"<li><strong>{escape(e.title)}</strong>: {escape(e.attribution)} "
            f'Licence: {escape(e.licence)}. <a href="{escape(e.url)}">{escape(e.url)}</a></li>'
            for e in entries
        )
        methods = "".join(
            f"<li><strong>{escape(topic)}</strong>: {escape(ref)}</li>"
            for topic, ref in METHOD_REFERENCES
        )
        html = (
            '<p class="lead">Every figure in this report is computed from the datasets below, '
            "which ship inside humsec in processed form. The checksums identify the exact raw "
            "files they were built from (<code>scripts/build_bundled_data.py</code>).</p>"
            + table_html(rows, caption=f"{len(entries)} bundled datasets", table_id="catalog")
            + "<h3>Attribution</h3>"
            + f'<ul class="attribution-list">{attribution_items}</ul>'
            + "<h3>Methods</h3>"
            + f'<ul class="method-list">{methods}</ul>'
            + '<p class="note">Datasets whose licence is unclear or non-commercial (ND-GAIN, '
            "Fragile States Index, IDMC, EM-DAT via Our World in Data) are not bundled; humsec "
            "reads a copy you download yourself.</p>"
        )
        return RenderedSection(id=self.id, title=self.title, html=html)


ATTRIBUTION = AttributionSection()

"""humsec's partial plotly.js bundle: the version the locked plotly package embeds, with only
the trace types humsec draws, its licence beside it, and every report figure within it."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from humsec.report import PLOTLY_TRACES, plotly_bundle_path, plotly_js

from .conftest import BuiltReport, figure_data, shared_world


def _banner_version(text: str) -> str:
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:400])
    assert match, "no plotly.js version banner"
    return match.group(1)


def test_bundle_is_the_embedded_plotly_js_version_with_licence_and_provenance() -> None:
    bundle = plotly_bundle_path()
    text = bundle.read_text(encoding="utf-8")
    full = resources.files("plotly") / "package_data" / "plotly.min.js"
    with full.open("r", encoding="utf-8") as handle:
        embedded = _banner_version(handle.read(400))
    assert _banner_version(text) == embedded
    assert f"traces: {', '.join(PLOTLY_TRACES)}" in text[:400]
    # a third of the 4.8 MB full bundle, or less
    assert bundle.stat().st_size < 1_700_000
    licence = (bundle.parent / "plotly.LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Plotly" in licence
    provenance = (bundle.parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() in provenance
    assert f"`plotly.js` {embedded}" in provenance


def test_inline_bundle_cannot_close_its_script_element() -> None:
    assert "</script" not in plotly_js()


def report_trace_types(html: str) -> set[str]:
    """The trace types of every figure in a report page (from the Plotly.newPlot arguments)."""
    ids = re.findall(r'Plotly\.newPlot\(\s*"([^"]+)"', html)
    assert ids, "no figures in the page"
    return {str(trace.get("type", "scatter")) for i in ids for trace in figure_data(html, i)[0]}


def test_every_trace_in_the_national_report_is_in_the_bundle(built_report: BuiltReport) -> None:
    # a trace type outside the bundle would not draw (the browser test sees that too)
    types = report_trace_types(built_report.html)
    assert {"choropleth", "scatter", "bar"} <= types
    assert types <= set(PLOTLY_TRACES), types - set(PLOTLY_TRACES)


def test_world_maps_share_one_copy_of_the_outlines(built_report: BuiltReport) -> None:
    html = built_report.html
    assert html.count("window.humsecWorld = ") == 1
    world = shared_world(html)
    assert len(world) > 1_000_000  # the outlines, once
    assert html.count('"type":"FeatureCollection"') == world.count('"type":"FeatureCollection"')
    # both world maps draw from it, and the page stays within issue 13's 4 MB
    for div in ("threat-map", "hsi-map"):
        start = re.search(r'Plotly\.newPlot\(\s*"' + div + '"', html)
        assert start is not None, div
        assert "window.humsecWorld" in html[start.end() : html.index("</script>", start.end())]
    assert len(html.encode("utf-8")) <= 4_000_000

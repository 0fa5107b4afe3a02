"""The report opened from disk in headless Debian Chromium, with the network blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import BuiltReport

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def test_report_renders_offline_in_chromium(built_report: BuiltReport, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    external: list[str] = []
    errors: list[str] = []
    shot = tmp_path / "report.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # a 7 MB page with inline plotly.js can take a while on a busy two-core runner
            page.set_default_timeout(120_000)

            def guard(route: sync_api.Route) -> None:
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:  # record and block anything that would leave the machine
                    external.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(built_report.path.as_uri(), wait_until="load")
            page.wait_for_selector("#threat-map .main-svg", timeout=120_000)
            page.wait_for_selector("#profile-trends .main-svg", timeout=120_000)
            # every figure of every section rendered
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".every(d => d.querySelector('.main-svg'))",
                timeout=120_000,
            )
            n_figures = page.locator(".plotly-graph-div").count()
            # the map drew country shapes from the bundled GeoJSON, not a downloaded basemap
            shapes = page.locator("#threat-map path.choroplethlocation").count()
            wanted = os.environ.get("HUMSEC_SCREENSHOT")
            if wanted:  # the README's picture: the page as it opens
                page.screenshot(path=wanted)
            # switch the map to another indicator through its menu
            page.select_option("#threat-map-indicator", "hdi")
            page.wait_for_function(
                "document.querySelector('#threat-map .gtitle').textContent"
                ".includes('Human Development Index')",
                timeout=60_000,
            )
            title = page.locator("#threat-map .gtitle").text_content() or ""
            page.select_option("#threat-map-indicator", "severe_threats")
            page.wait_for_function(
                "document.querySelector('#threat-map .gtitle').textContent"
                ".includes('Severe threats')",
                timeout=60_000,
            )
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert external == []
    assert errors == []
    assert shapes >= 180
    assert n_figures == built_report.html.count("Plotly.newPlot(")
    assert "Human Development Index" in title
    assert shot.stat().st_size > 10_000


# Every figure drew: its traces are the types it asked for (a type outside humsec's partial
# plotly.js bundle falls back or is dropped) and each has SVG or image marks on the page.
_FIGURES_DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
    id: d.id,
    svg: !!d.querySelector('.main-svg'),
    asked: (d.data || []).map(t => t.type || 'scatter'),
    drawn: (d._fullData || []).map(t => t.type),
    marks: d.querySelectorAll('g.trace, g.hm, path.choroplethlocation').length,
}))"""


# Elements reaching past the right edge of their section's card, unless a scrolling box
# (the tables' wrapper) holds them.
_PAST_THE_CARD = """() => {
    const out = [];
    for (const card of document.querySelectorAll('section.report-section')) {
        const edge = card.getBoundingClientRect().right;
        for (const el of card.querySelectorAll('table, td, th, div, p')) {
            if (el.getBoundingClientRect().right <= edge + 1) continue;
            let box = el.parentElement, held = false;
            while (box && box !== card) {
                if (getComputedStyle(box).overflowX !== 'visible') { held = true; break; }
                box = box.parentElement;
            }
            if (!held) out.push(card.id + ' ' + el.tagName);
        }
    }
    return out;
}"""


def test_demo_project_report_draws_every_figure_offline(
    demo_report: BuiltReport, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    external: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)

            def guard(route: sync_api.Route) -> None:
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: errors.append(message.text) if message.type == "error" else None,
            )
            page.goto(demo_report.path.as_uri(), wait_until="load")
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".every(d => d.querySelector('.main-svg') && d._fullData)",
                timeout=120_000,
            )
            figures = page.evaluate(_FIGURES_DRAWN)
            # wide tables scroll inside their card instead of running past its right edge
            page.set_viewport_size({"width": 900, "height": 900})
            overflow = page.evaluate(_PAST_THE_CARD)
        finally:
            browser.close()
    assert external == []
    assert errors == []
    assert overflow == []
    assert len(figures) == demo_report.html.count("Plotly.newPlot(") >= 8
    for figure in figures:
        assert figure["svg"], figure["id"]
        assert figure["drawn"] == figure["asked"], figure["id"]
        assert figure["marks"] >= len(figure["asked"]) > 0, figure["id"]

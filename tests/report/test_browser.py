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

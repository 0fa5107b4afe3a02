"""One real report, built once per test session through the CLI and shared by the tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from humsec.cli import app


@dataclass(frozen=True)
class BuiltReport:
    path: Path
    html: str
    output: str


@pytest.fixture(scope="session")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    out = tmp_path_factory.mktemp("report") / "humsec-report.html"
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return BuiltReport(out, out.read_text(encoding="utf-8"), result.output)


def shared_world(html: str) -> str:
    """The JSON of the page's one shared copy of the world outlines ("" if none)."""
    match = re.search(r"<script>window\.humsecWorld = (.*?);</script>", html, re.S)
    return match.group(1) if match else ""


def figure_data(html: str, div_id: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The traces and layout passed to Plotly.newPlot for the figure with this div id (the
    shared world outlines put back where a trace refers to them)."""
    match = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', html)
    assert match, f"no figure {div_id!r} in the report"
    if "window.humsecWorld" in html[match.end() : match.end() + 5_000_000]:
        end = html.index("</script>", match.end())
        call = html[match.end() : end].replace("window.humsecWorld", shared_world(html))
        html = html[: match.end()] + call + html[end:]
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(html, match.end())
    rest = html[end:].lstrip()
    assert rest.startswith(",")
    layout, _ = decoder.raw_decode(html[end:].lstrip()[1:].lstrip())
    return data, layout


def map_styles(html: str, div_id: str = "threat-map") -> dict[str, Any]:
    """The per-indicator Plotly.update arguments stored as inline JSON next to the map."""
    match = re.search(
        r'<script type="application/json" id="' + re.escape(div_id) + r'-styles">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "no map styles in the report"
    styles: dict[str, Any] = json.loads(match.group(1))
    return styles


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    """The bundled demo project's report with every section, as `make demo` builds it."""
    folder = tmp_path_factory.mktemp("demo-project") / "demo"
    out = folder / "reports" / "humsec-demo-report.html"
    runner = CliRunner()
    output = ""
    for args in (
        ["project", "init", str(folder), "--demo"],
        ["project", "run", str(folder)],
        ["project", "report", str(folder), "--out", str(out)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        output = result.output
    return BuiltReport(out, out.read_text(encoding="utf-8"), output)

"""Unit tests of the report builder with small stand-in sections (no engine calls)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import pytest

from humsec.errors import HumsecError, SpecError
from humsec.report import (
    RenderedSection,
    ReportContext,
    build_report,
    figure_html,
    select_sections,
    write_report,
)

FIXED = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


@dataclass
class Stub:
    id: str
    title: str
    body: str = "<p>body</p>"
    attributions: list[str] = field(default_factory=list)
    closing: bool = False
    calls: list[ReportContext] = field(default_factory=list)

    def render(self, context: ReportContext) -> RenderedSection:
        self.calls.append(context)
        return RenderedSection(self.id, self.title, self.body, list(self.attributions))


@dataclass
class Broken:
    id: str = "broken"
    title: str = "Broken"

    def render(self, context: ReportContext) -> RenderedSection:
        raise ZeroDivisionError("boom")


def _chart() -> str:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    return figure_html(fig, div_id="chart-one")


def _build(sections: list[object], **kw: object) -> str:
    return build_report(
        ReportContext(country="KEN"),
        sections,  # type: ignore[arg-type]
        generated=FIXED,
        data_label="test data",
        **kw,  # type: ignore[arg-type]
    )


def test_sections_appear_in_order_with_nav_and_closing_last() -> None:
    sections = [
        Stub("sources", "Sources", closing=True),
        Stub("alpha", "Alpha"),
        Stub("beta", "Beta"),
    ]
    html = _build(sections)
    nav = re.search(r'<nav class="report-nav".*?</nav>', html, re.S)
    assert nav is not None
    assert re.findall(r'href="#([a-z-]+)"', nav.group(0)) == ["alpha", "beta", "sources"]
    ids = re.findall(r'<section class="report-section" id="([a-z-]+)"', html)
    assert ids == ["alpha", "beta", "sources"]
    assert "Kenya (KEN)" in html
    assert "test data" in html and "2026-01-02 03:04 UTC" in html


def test_plotly_js_embedded_exactly_once_and_no_script_src() -> None:
    sections = [Stub("a", "A", body=_chart()), Stub("b", "B", body=_chart().replace("one", "two"))]
    html = _build(sections)
    assert html.count("plotly.js v") == 1
    assert "<script src" not in html.lower()
    assert 'id="chart-one"' in html and 'id="chart-two"' in html
    # the empty basemap is registered before plotly.js, so no TopoJSON is fetched
    assert html.index("PlotlyGeoAssets") < html.index("plotly.js v")


def test_page_without_figures_skips_plotly() -> None:
    html = _build([Stub("a", "A")])
    assert "plotly.js v" not in html


def test_attributions_are_collected_once_in_footer() -> None:
    sections = [
        Stub("a", "A", attributions=["UNDP HDR, CC BY 3.0 IGO"]),
        Stub("b", "B", attributions=["UNDP HDR, CC BY 3.0 IGO", "UCDP, CC BY 4.0"]),
    ]
    html = _build(sections)
    footer = html[html.index("<footer") :]
    assert footer.count("UNDP HDR, CC BY 3.0 IGO") == 1
    assert "UCDP, CC BY 4.0" in footer


def test_progress_called_once_per_section() -> None:
    seen: list[tuple[int, int, str]] = []
    _build([Stub("a", "A"), Stub("b", "B")], progress=lambda d, t, s: seen.append((d, t, s)))
    assert seen == [(1, 2, "A"), (2, 2, "B")]


def test_country_name_is_normalised_before_sections_run() -> None:
    stub = Stub("a", "A")
    build_report(ReportContext(country="kenya"), [stub], generated=FIXED, data_label="x")
    assert stub.calls[0].country == "KEN"


def test_default_country_is_kenya() -> None:
    stub = Stub("a", "A")
    build_report(None, [stub], generated=FIXED, data_label="x")
    assert stub.calls[0].country == "KEN"


def test_unknown_country_suggests_close_codes() -> None:
    with pytest.raises(HumsecError, match="unknown country 'KEM'") as info:
        build_report(ReportContext(country="KEM"), [Stub("a", "A")], data_label="x")
    assert "KEN" in str(info.value)


def test_duplicate_and_malformed_section_ids_are_spec_errors() -> None:
    with pytest.raises(SpecError, match="share the id 'a'"):
        _build([Stub("a", "A"), Stub("a", "Again")])
    with pytest.raises(SpecError, match="not a lowercase html id"):
        _build([Stub("Bad Id", "A")])
    with pytest.raises(SpecError, match="not a report section"):
        _build(["not a section"])


def test_section_errors_keep_their_type_and_name_the_section() -> None:
    with pytest.raises(ZeroDivisionError) as info:
        _build([Stub("a", "A"), Broken()])
    assert "while rendering report section 'broken'" in info.value.__notes__


def test_select_sections_keeps_closing_and_rejects_unknown() -> None:
    sections = [Stub("world", "W"), Stub("profile", "P"), Stub("attribution", "S", closing=True)]
    picked = select_sections(["profile"], sections)  # type: ignore[arg-type]
    assert [s.id for s in picked] == ["profile", "attribution"]
    with pytest.raises(SpecError, match="did you mean 'profile'"):
        select_sections(["profil"], sections)  # type: ignore[arg-type]


def test_write_report_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_report(target, ReportContext(), [Stub("a", "A")], data_label="x")  # type: ignore[list-item]
    first = target.read_text(encoding="utf-8")
    assert first.startswith("<!DOCTYPE html>")
    with pytest.raises(ZeroDivisionError):
        write_report(target, ReportContext(), [Broken()], data_label="x")  # type: ignore[list-item]
    assert target.read_text(encoding="utf-8") == first
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_report_rejects_directory_and_unwritable_target(tmp_path: Path) -> None:
    stub = [Stub("a", "A")]
    with pytest.raises(HumsecError, match="will not write over a folder"):
        write_report(tmp_path, ReportContext(), stub, data_label="x")  # type: ignore[arg-type]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HumsecError, match="is a file, not a folder") as info:
        write_report(blocker / "r.html", ReportContext(), stub, data_label="x")  # type: ignore[arg-type]
    assert info.value.location == str(blocker / "r.html")

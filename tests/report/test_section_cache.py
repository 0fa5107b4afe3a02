"""Sections kept between national reports: same HTML, rendered once, never across inputs."""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.report import RenderedSection, ReportContext, SectionCache, build_report
from humsec.report.cache import MAX_ENTRIES, kept_part
from humsec.report.sections import FRAMEWORK, SECTIONS

RENDERS: list[tuple[str, int]] = []
WHEN = datetime(2026, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class CountingSection:
    """A section whose HTML is its seed squared (it depends on the seed and, for the test, on
    the country); every render is recorded."""

    id: str = "counting"
    title: str = "Counting"
    depends_on: ClassVar[tuple[str, ...]] = ("country", "seed")

    def render(self, context: ReportContext) -> RenderedSection:
        RENDERS.append((str(context.country), context.seed))
        return RenderedSection(self.id, self.title, f"<p>{context.seed**2}</p>", ["a source"])


@dataclass(frozen=True)
class ImpureSection:
    """No ``depends_on``: never kept."""

    id: str = "impure"
    title: str = "Impure"

    def render(self, context: ReportContext) -> RenderedSection:
        RENDERS.append((str(context.country), context.seed))
        return RenderedSection(self.id, self.title, f"<p>{context.seed**2}</p>", ["a source"])


def _build(cache: SectionCache, seed: int = 3, country: str = "KEN") -> str:
    context = ReportContext(country=country, seed=seed)
    sections = [CountingSection(), ImpureSection()]
    return build_report(context, sections, generated=WHEN, data_label="d", cache=cache)


def test_a_pure_section_is_rendered_once_and_read_back_unchanged(tmp_path: Path) -> None:
    RENDERS.clear()
    first = _build(SectionCache(tmp_path))
    again = SectionCache(tmp_path)
    second = _build(again)
    assert second == first
    assert "<p>9</p>" in second
    # the pure section rendered once, the impure one twice; the kept file holds the HTML
    assert RENDERS == [("KEN", 3), ("KEN", 3), ("KEN", 3)]
    assert (again.hits, again.misses) == (1, 0)
    (kept,) = (tmp_path / "report-sections").glob("*.json")
    assert json.loads(kept.read_text(encoding="utf-8"))["html"] == "<p>9</p>"


def test_another_seed_country_or_package_is_another_entry(tmp_path: Path) -> None:
    RENDERS.clear()
    cache = SectionCache(tmp_path)
    _build(cache, seed=3)
    _build(cache, seed=4)
    _build(cache, seed=3, country="GHA")
    assert "<p>16</p>" in _build(cache, seed=4)  # kept, not rendered again
    assert RENDERS.count(("KEN", 4)) == 3  # 1 pure + 2 impure renders
    changed = SectionCache(tmp_path, _identity="another installed package")
    _build(changed, seed=3)
    assert (changed.hits, changed.misses) == (0, 1)


def test_project_reports_and_default_reprs_are_never_kept(tmp_path: Path) -> None:
    cache = SectionCache(tmp_path)

    class Plain:  # a section object without a dataclass repr
        id = "plain"
        title = "Plain"
        depends_on = ()

        def render(self, context: ReportContext) -> RenderedSection:
            return RenderedSection(self.id, self.title, "<p>x</p>")

    context = ReportContext(country="KEN")
    assert cache.key(Plain(), context) is None
    assert cache.key(CountingSection(), context) is not None
    project_context = ReportContext(country="KEN", project=object())  # type: ignore[arg-type]
    assert cache.key(CountingSection(), project_context) is None


def test_an_unreadable_entry_is_rendered_again_and_the_folder_is_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SectionCache(tmp_path)
    context = ReportContext(country="KEN", seed=3)
    key = cache.key(CountingSection(), context)
    folder = tmp_path / "report-sections"
    folder.mkdir()
    (folder / f"{key}.json").write_text("{not json", encoding="utf-8")
    assert cache.get(CountingSection(), context) is None
    monkeypatch.setattr("humsec.report.cache.MAX_ENTRIES", 2)
    for seed in range(4):
        cache.put(
            CountingSection(),
            ReportContext(country="KEN", seed=seed),
            RenderedSection("counting", "Counting", f"<p>{seed}</p>"),
        )
    assert len(list(folder.glob("*.json"))) == 2
    assert MAX_ENTRIES == 512


def test_the_command_reuses_kept_sections_and_no_cache_renders_afresh(tmp_path: Path) -> None:
    args = ["report", "--sections", FRAMEWORK.id]
    first, second, fresh = (tmp_path / n for n in ("a.html", "b.html", "c.html"))
    runner = CliRunner()
    done = runner.invoke(app, [*args, "--out", str(first)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, [*args, "--out", str(second)])
    assert "2 of 2 sections reused" in again.output
    afresh = runner.invoke(app, [*args, "--out", str(fresh), "--no-cache"])
    assert afresh.exit_code == 0 and "reused" not in afresh.output

    def body(path: Path) -> str:  # the page without its "generated" time stamps
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", path.read_text(encoding="utf-8"))

    assert body(second) == body(first) == body(fresh)


@dataclass(frozen=True)
class SeedOnly:
    id: str = "seed-only"
    title: str = "Seed only"
    depends_on: ClassVar[tuple[str, ...]] = ("seed",)

    def render(self, context: ReportContext) -> RenderedSection:
        RENDERS.append((str(context.country), context.seed))
        return RenderedSection(self.id, self.title, f"<p>{context.seed}</p>")


def test_a_section_independent_of_the_country_is_reused_for_another_country(
    tmp_path: Path,
) -> None:
    RENDERS.clear()
    cache = SectionCache(tmp_path)
    for country in ("KEN", "GHA", "AFG"):
        build_report(ReportContext(country=country, seed=5), [SeedOnly()], cache=cache)
    assert RENDERS == [("KEN", 5)]
    assert cache.hits == 2


def _context_fields(module: Path) -> set[str]:
    """Every ``context.<name>`` a module reads."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "context"
    }


def test_built_in_sections_declare_every_context_field_they_read() -> None:
    # a field read but not declared would let a kept section answer for another context
    import humsec.report.sections as package

    for section in SECTIONS:
        declared = getattr(section, "depends_on", None)
        if declared is None:
            continue
        module = Path(sys.modules[type(section).__module__].__file__ or "")
        read = _context_fields(module) - {"project", "project_run"}  # never kept with a project
        assert read <= set(declared), (section.id, read, declared)
    assert package.THREAT_NETWORK.depends_on == ("year", "seed")


def test_a_cache_that_cannot_be_touched_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SectionCache(tmp_path)
    context = ReportContext(country="KEN", seed=2)
    cache.put(CountingSection(), context, RenderedSection("counting", "Counting", "<p>4</p>"))

    def refused(*args: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr("humsec.report.cache.os.utime", refused)
    kept = cache.get(CountingSection(), context)
    assert kept is not None and kept.html == "<p>4</p>"


PARTS: list[int] = []


def _costly_part(seed: int) -> str:
    PARTS.append(seed)
    return f"<p>part {seed}</p>"


@dataclass(frozen=True)
class WithPart:
    """Depends on the country, but its costly part only on the seed."""

    id: str = "with-part"
    title: str = "With part"
    depends_on: ClassVar[tuple[str, ...]] = ("country", "seed")

    def render(self, context: ReportContext) -> RenderedSection:
        part = kept_part("costly", {"seed": context.seed}, lambda: _costly_part(context.seed))
        return RenderedSection(self.id, self.title, f"<p>{context.country}</p>{part}")


def test_a_kept_part_is_computed_once_for_every_country(tmp_path: Path) -> None:
    PARTS.clear()
    cache = SectionCache(tmp_path)
    pages = {
        c: build_report(
            ReportContext(country=c, seed=7),
            [WithPart()],
            generated=WHEN,
            data_label="d",
            cache=cache,
        )
        for c in ("KEN", "GHA")
    }
    assert PARTS == [7]
    assert cache.part_hits == 1
    assert "<p>GHA</p><p>part 7</p>" in pages["GHA"]
    fresh = build_report(
        ReportContext(country="GHA", seed=7), [WithPart()], generated=WHEN, data_label="d"
    )
    assert fresh == pages["GHA"]
    assert PARTS == [7, 7]  # without a cache the part is computed

"""Assemble report sections into one self-contained, offline HTML page.

The page holds inline CSS, Plotly's JavaScript embedded once in the head, a navigation bar
listing the sections, a header (humsec version, data date, focus country) and a footer with
the sources the sections cite. :func:`build_report` is pure (it returns text);
:func:`write_report` writes that text atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from humsec import __version__
from humsec.data import check_output_target, write_text
from humsec.errors import HumsecError, SpecError, did_you_mean
from humsec.report.cache import SectionCache
from humsec.report.country import DEFAULT_COUNTRY, country_label, resolve_country
from humsec.report.figures import offline_geo_assets_js, plotly_js
from humsec.report.section import RenderedSection, ReportContext, Section

ProgressCallback = Callable[[int, int, str], None]
"""Called after each section as ``progress(done, total, section_title)``."""

REPORT_TITLE = "Human security report"
_SECTION_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
# plotly.js figures call Plotly.newPlot; a page without any can skip the 1.5 MB bundle.
_PLOTLY_MARKER = "Plotly.newPlot"
# Reference tables without a data year of their own.
_NOT_DATED = frozenset({"countries", "world", "hdr_aggregates"})


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("humsec.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    return resources.files("humsec.report").joinpath("templates/report.css").read_text("utf-8")


def ordered_sections(sections: Sequence[Section]) -> list[Section]:
    """Sections in display order: as listed, except that closing sections come last.

    A section marks itself as closing with a true ``closing`` attribute (the attribution
    section does), so that capabilities appending to ``SECTIONS`` still land before it.
    """
    body = [s for s in sections if not getattr(s, "closing", False)]
    closing = [s for s in sections if getattr(s, "closing", False)]
    return body + closing


def select_sections(ids: Sequence[str], sections: Sequence[Section]) -> list[Section]:
    """Pick the sections whose ``id`` is in ``ids`` (kept in report order).

    Closing sections (attribution) are always kept: the bundled data's licences require the
    attribution to travel with any figure made from it. Unknown ids raise :class:`SpecError`
    with close matches.
    """
    known = {s.id: s for s in sections}
    wanted = [i.strip() for i in ids if i.strip()]
    unknown = [i for i in wanted if i not in known]
    if unknown:
        hints = [did_you_mean(u, known) for u in unknown]
        raise SpecError(
            f"unknown report section(s): {', '.join(repr(u) for u in unknown)}",
            location="--sections",
            hint=" ".join(h for h in hints if h) or f"available sections: {', '.join(known)}",
        )
    return [s for s in sections if s.id in wanted or getattr(s, "closing", False)]


def _check_sections(sections: Sequence[Section]) -> None:
    seen: set[str] = set()
    for position, section in enumerate(sections):
        where = f"report section #{position + 1}"
        if not isinstance(section, Section):
            raise SpecError(
                f"{type(section).__name__} is not a report section",
                location=where,
                hint="a section needs `id`, `title` and `render(context)`",
            )
        if not isinstance(section.id, str) or not _SECTION_ID.match(section.id):
            raise SpecError(
                f"section id {section.id!r} is not a lowercase html id",
                location=where,
                hint="use lowercase letters, digits, '-' and '_', starting with a letter",
            )
        if section.id in seen:
            raise SpecError(
                f"two report sections share the id {section.id!r}",
                location=where,
                hint="give each section in SECTIONS a distinct id",
            )
        seen.add(section.id)


def data_date() -> tuple[str, str]:
    """The data editions the report uses, as a short label and a full description.

    The label gives the latest year each bundled dataset covers (the last four-digit year in
    its catalog version, e.g. ``wdi 2023``); the description lists the full catalog versions.
    """
    from humsec.data import catalog

    entries = [e for e in catalog() if e.name not in _NOT_DATED]
    short = []
    for entry in entries:
        years = re.findall(r"(?:19|20)\d\d", entry.version)
        short.append(f"{entry.name} {years[-1]}" if years else entry.name)
    full = "; ".join(f"{e.name}: {e.version}" for e in entries)
    return " · ".join(short), full


def build_report(
    context: ReportContext | None = None,
    sections: Sequence[Section] | None = None,
    progress: ProgressCallback | None = None,
    *,
    generated: datetime | None = None,
    data_label: str | None = None,
    cache: SectionCache | None = None,
) -> str:
    """Render ``sections`` for ``context`` and return the full HTML page as text.

    ``sections`` defaults to :data:`humsec.report.sections.SECTIONS` (read at call time, so
    sections appended by capabilities are included). The focus country (default
    :data:`~humsec.report.country.DEFAULT_COUNTRY`, Kenya) is validated and normalised to ISO3
    first (names are accepted), so a typo fails before any section runs.
    ``generated`` fixes the timestamp shown (default: now, UTC) and ``data_label`` overrides
    the data editions shown in the header. Errors raised by a section keep their type and get a
    note naming the section. With a ``cache`` (:class:`~humsec.report.cache.SectionCache`),
    a section of a national report already rendered for the same context fields it depends
    on (its ``depends_on``), code and data is read back instead of rendered (the same
    HTML), and a freshly rendered one is kept.
    """
    from humsec.report.sections import SECTIONS

    context = context or ReportContext()
    if context.project is not None:
        from humsec.report.sections import project_sections

        context = replace(
            context, country=context.project.country, seed=context.project.config.settings.seed
        )
        if sections is None:
            sections = project_sections()
    iso3 = resolve_country(context.country or DEFAULT_COUNTRY)
    if iso3 != context.country:
        context = replace(context, country=iso3)
    if context.year is not None and not 1900 <= context.year <= 2100:
        raise HumsecError(
            f"report year {context.year} is out of range",
            location="--year",
            hint="give a calendar year such as 2022",
        )
    chosen = ordered_sections(SECTIONS if sections is None else sections)
    _check_sections(chosen)
    rendered: list[RenderedSection] = []
    for done, section in enumerate(chosen, start=1):
        kept = cache.get(section, context) if cache is not None else None
        try:
            if kept is not None:
                result = kept
            elif cache is not None:
                with cache.rendering(section, context):
                    result = section.render(context)
            else:
                result = section.render(context)
        except Exception as error:
            error.add_note(f"while rendering report section {section.id!r}")
            raise
        if not isinstance(result, RenderedSection):
            raise SpecError(
                f"section {section.id!r} returned {type(result).__name__}, not RenderedSection",
                location=f"report section {section.id!r}",
                hint="return humsec.report.RenderedSection(id, title, html, attributions)",
            )
        if cache is not None and kept is None:
            cache.put(section, context, result)
        rendered.append(result)
        if progress is not None:
            progress(done, len(chosen), section.title)

    if context.project is not None and context.project.boundaries:
        rendered = _with_area_geometry(rendered, context)
    rendered = _with_world_geometry(rendered)
    label, detail = (data_label, data_label) if data_label is not None else data_date()
    attributions = list(dict.fromkeys(a for r in rendered for a in r.attributions))
    needs_plotly = any(_PLOTLY_MARKER in r.html for r in rendered)
    stamp = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=REPORT_TITLE,
        version=__version__,
        country_label=country_label(iso3),
        year=context.year,
        data_date=label,
        data_detail=detail,
        generated=stamp,
        css=Markup(_css()),
        needs_plotly=needs_plotly,
        geo_assets_js=Markup(offline_geo_assets_js()),
        plotly_js=Markup(plotly_js()) if needs_plotly else "",
        sections=[{"id": r.id, "title": r.title, "html": Markup(r.html)} for r in rendered],
        attributions=attributions,
    )


def _with_area_geometry(
    rendered: list[RenderedSection], context: ReportContext
) -> list[RenderedSection]:
    """Put the project's area geometry once, before the first section that maps areas."""
    from humsec.report.area_maps import AREAS_JS, area_geometry_script

    assert context.project is not None
    for i, section in enumerate(rendered):
        if AREAS_JS in section.html:
            first = replace(section, html=area_geometry_script(context.project) + section.html)
            return [*rendered[:i], first, *rendered[i + 1 :]]
    return rendered


def _with_world_geometry(rendered: list[RenderedSection]) -> list[RenderedSection]:
    """Put the world outlines once, before the first section with a world map."""
    from humsec.report.figures import WORLD_JS, world_geometry_script, world_outlines

    for i, section in enumerate(rendered):
        if WORLD_JS in section.html:
            script = world_geometry_script(world_outlines())
            first = replace(section, html=script + section.html)
            return [*rendered[:i], first, *rendered[i + 1 :]]
    return rendered


def write_report(
    path: str | os.PathLike[str],
    context: ReportContext | None = None,
    sections: Sequence[Section] | None = None,
    progress: ProgressCallback | None = None,
    *,
    generated: datetime | None = None,
    data_label: str | None = None,
    cache: SectionCache | None = None,
) -> Path:
    """Build the report (see :func:`build_report`) and write it atomically to ``path``.

    The page is rendered completely before anything is written, so a failing section leaves
    no file behind (and never overwrites a previous report).
    """
    target = check_output_target(path)  # refuse a folder, link or device before the work
    html = build_report(
        context, sections, progress, generated=generated, data_label=data_label, cache=cache
    )
    return write_text(target, html)

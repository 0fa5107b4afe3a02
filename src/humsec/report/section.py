"""The contract every report section follows.

A section is a small object with an ``id``, a ``title`` and a ``render(context)`` method that
calls engines and returns HTML fragments. Sections never write files; the report builder
assembles them into one page with Plotly's JavaScript embedded once.

Later capabilities add their own module under :mod:`humsec.report.sections` and append an
instance to :data:`humsec.report.sections.SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from humsec.project import Project
    from humsec.project.run import ProjectRun


@dataclass(frozen=True)
class ReportContext:
    """What the user asked for: a focus country, a newest year and a seed.

    ``country`` is an ISO3 code (``None``: the default, Kenya); :func:`humsec.report.build_report`
    validates it and hands sections the normalised ISO3 code. ``year`` caps the data sections
    show (``None``: latest available). ``seed`` drives every stochastic section.

    With ``project`` (a loaded :class:`humsec.project.Project`) every section uses the
    project's own data; ``project_run`` holds its analyses' tables (from the project store, as
    ``humsec project run`` computed them), and is computed in memory when left out. The
    project's country and seed then apply.
    """

    country: str | None = None
    year: int | None = None
    seed: int = 1
    project: Project | None = None
    project_run: ProjectRun | None = None


@dataclass
class RenderedSection:
    """A rendered section: an HTML body fragment plus the attributions it relies on.

    ``html`` may contain Plotly figure ``<div>`` fragments made with
    :func:`humsec.report.figures.figure_html` (no ``<script src>``; the page embeds plotly.js).
    """

    id: str
    title: str
    html: str
    attributions: list[str] = field(default_factory=list)


@runtime_checkable
class Section(Protocol):
    """A report section: a lowercase html ``id``, a ``title`` for the navigation bar, and
    ``render``. Plain attributes, properties and frozen dataclass fields all satisfy it.

    A section may also set ``closing = True`` to be placed after all other sections (the
    attribution section does).
    """

    @property
    def id(self) -> str:
        """Lowercase html id (letters, digits, ``-``, ``_``), unique in the report."""
        ...

    @property
    def title(self) -> str:
        """Heading and navigation label."""
        ...

    def render(self, context: ReportContext) -> RenderedSection:
        """Call engines for ``context`` and return the section's HTML."""
        ...

"""Sections kept from earlier national reports, so that an identical section is not computed
twice.

A national report's section is a pure function of what it is asked for (some of country, year
and seed), of humsec's code and of the data bundled with it: the threat network's 7
fixed-effects regressions with 200 bootstrap draws, the HSI's uncertainty analysis or the
downside-risk simulation give the same HTML every time for the same inputs. A section says
which context fields its HTML depends on in a ``depends_on`` attribute (the threat network:
``("year", "seed")``, so a report on another country reuses it). :class:`SectionCache` keeps
each rendered section in a folder, under the sha256 of

    (cache format, humsec version, the installed package's identity, the section's type and
    fields, the values of the context fields it depends on)

and answers the same section again from that file. A costly part of a section that depends on
fewer fields than the section is kept on its own with :func:`kept_part` (the HSI's rank
uncertainty under the year and the seed, while its drivers follow the focus country). The
package identity
(:func:`humsec.project.package_identity`) covers every file of the installed humsec package,
code and bundled data alike, so an upgrade, new bundled data or an edit in a development
checkout never returns an old section.

Only sections that declare ``depends_on`` are kept (a section without it may depend on
anything), and only in national reports: a project report has its own
kept copy, keyed by the project's inputs (:mod:`humsec.project.warm`). A folder that cannot be
written makes the cache a no-op (the report is built in full); kept files are JSON text, never
executed or unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from humsec import __version__
from humsec.report.section import RenderedSection, ReportContext, Section

CACHE_ENV = "HUMSEC_CACHE_DIR"
"""Environment variable naming the cache folder (default: ``$XDG_CACHE_HOME/humsec`` or
``~/.cache/humsec``)."""
CACHE_FORMAT = 1
MAX_ENTRIES = 512
"""Kept sections beyond this many are removed, least recently used first."""
_SUBFOLDER = "report-sections"


def default_cache_dir() -> Path:
    """``$HUMSEC_CACHE_DIR``, else ``$XDG_CACHE_HOME/humsec``, else ``~/.cache/humsec``."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "humsec"


@dataclass
class SectionCache:
    """Rendered national-report sections kept as JSON files under ``folder / report-sections``
    (see the module docstring); ``hits`` and ``misses`` count this cache's answers."""

    folder: Path = field(default_factory=default_cache_dir)
    hits: int = 0
    misses: int = 0
    part_hits: int = 0
    _identity: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)

    def _stable(self, section: Section) -> str | None:
        """The section's type and fields, or None when its repr does not describe them."""
        described = repr(section)
        if " at 0x" in described:  # a default object repr: not a description of its fields
            return None
        return f"{type(section).__module__}.{type(section).__qualname__}: {described}"

    def _digest(self, payload: dict[str, object]) -> str:
        if self._identity is None:
            from humsec.project import package_identity

            self._identity = package_identity()
        full = {"format": CACHE_FORMAT, "humsec": __version__, "package": self._identity}
        full.update(payload)
        return hashlib.sha256(json.dumps(full, sort_keys=True).encode()).hexdigest()

    def key(self, section: Section, context: ReportContext) -> str | None:
        """sha256 of everything the section's HTML depends on, or None when it cannot be kept
        (a project report, a section without ``depends_on`` or without a stable repr)."""
        fields = getattr(section, "depends_on", None)
        described = self._stable(section)
        if context.project is not None or fields is None or described is None:
            return None
        context_fields = {name: getattr(context, name) for name in sorted(fields)}
        return self._digest({"section": described, "context": context_fields})

    def _path(self, key: str) -> Path:
        return self.folder / _SUBFOLDER / f"{key}.json"

    def _read(self, key: str) -> dict[str, object] | None:
        path = self._path(key)
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(kept, dict):
            return None
        with contextlib.suppress(OSError):  # a read-only cache still answers
            os.utime(path)  # recently used: pruned last
        return kept

    def _write(self, key: str, payload: dict[str, object]) -> None:
        """Atomically; silently skipped when the folder cannot be written; then prune."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(payload))
            os.replace(temporary, path)
            self._prune(path.parent)
        except OSError:
            Path(temporary).unlink(missing_ok=True)

    def get(self, section: Section, context: ReportContext) -> RenderedSection | None:
        """The section kept for this context, or None (then render it and :meth:`put` it)."""
        key = self.key(section, context)
        if key is None:
            return None
        kept = self._read(key)
        fields = ("id", "title", "html", "attributions")
        if kept is None or not all(f in kept for f in fields):
            self.misses += 1
            return None
        attributions = kept["attributions"]
        rendered = RenderedSection(
            str(kept["id"]),
            str(kept["title"]),
            str(kept["html"]),
            [str(a) for a in attributions] if isinstance(attributions, list) else [],
        )
        self.hits += 1
        return rendered

    def put(self, section: Section, context: ReportContext, rendered: RenderedSection) -> None:
        """Keep a freshly rendered section (silently skipped when the folder cannot be
        written), then prune to :data:`MAX_ENTRIES`."""
        key = self.key(section, context)
        if key is not None:
            self._write(
                key,
                {
                    "id": rendered.id,
                    "title": rendered.title,
                    "html": rendered.html,
                    "attributions": list(rendered.attributions),
                },
            )

    @contextlib.contextmanager
    def rendering(self, section: Section, context: ReportContext) -> Iterator[None]:
        """While ``section`` renders for a national report, :func:`kept_part` answers from
        this cache."""
        active = context.project is None and self._stable(section) is not None
        token = _ACTIVE.set((self, section) if active else None)
        try:
            yield
        finally:
            _ACTIVE.reset(token)

    def part(
        self, section: Section, name: str, inputs: Mapping[str, object], compute: Callable[[], str]
    ) -> str:
        """The HTML of part ``name`` of ``section`` for ``inputs``, kept or computed."""
        described = self._stable(section)
        if described is None:
            return compute()
        key = self._digest(
            {"section": described, "part": name, "inputs": {k: inputs[k] for k in sorted(inputs)}}
        )
        kept = self._read(key)
        if kept is not None and isinstance(kept.get("html"), str):
            self.part_hits += 1
            return str(kept["html"])
        html = compute()
        self._write(key, {"html": html})
        return html

    @staticmethod
    def _prune(folder: Path) -> None:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[: max(len(entries) - MAX_ENTRIES, 0)]:
            old.unlink(missing_ok=True)


_ACTIVE: ContextVar[tuple[SectionCache, Section] | None] = ContextVar(
    "humsec_report_section_cache", default=None
)


def kept_part(name: str, inputs: Mapping[str, object], compute: Callable[[], str]) -> str:
    """HTML for one part of the section being rendered, kept between reports under
    ``inputs``: a costly part that depends on fewer context fields than its section (the
    HSI's rank uncertainty depends on the year and the seed, not on the focus country) is
    computed once. ``compute`` must depend only on ``inputs``, humsec's code and bundled data.
    Outside :meth:`SectionCache.rendering` (no cache, a project report) it just computes."""
    active = _ACTIVE.get()
    if active is None:
        return compute()
    cache, section = active
    return cache.part(section, name, inputs, compute)


__all__ = ["CACHE_ENV", "MAX_ENTRIES", "SectionCache", "default_cache_dir", "kept_part"]

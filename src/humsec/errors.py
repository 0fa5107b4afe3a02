"""One exception hierarchy for everything humsec raises on bad input.

Every error carries a *location* (file, column, row or spec node) and a *hint* that tells
the user how to fix the problem. The CLI prints ``str(error)`` and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches


class HumsecError(Exception):
    """Base class of every error humsec raises because of the user's input.

    Parameters
    ----------
    message:
        What is wrong, in one sentence.
    location:
        Where: a file path, ``file:column``, ``row 12``, or a spec node such as
        ``index spec node 'vulnerability'``.
    hint:
        What to do about it.
    """

    exit_code = 2

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = self.message
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text}\n  hint: {self.hint}"
        return text


class DataError(HumsecError):
    """A data file or table cannot be used: unreadable, malformed, empty or wrong types."""


class ColumnError(DataError):
    """A column that is needed is missing or holds unusable values."""


class CountryMatchError(DataError):
    """Country names or codes could not be matched to ISO3."""

    def __init__(self, unmatched: Iterable[str], *, location: str | None = None):
        self.unmatched = sorted({str(u) for u in unmatched})
        shown = ", ".join(repr(u) for u in self.unmatched[:20])
        more = "" if len(self.unmatched) <= 20 else f" (and {len(self.unmatched) - 20} more)"
        super().__init__(
            f"{len(self.unmatched)} country name(s) could not be matched to ISO3: {shown}{more}",
            location=location,
            hint="use ISO3 codes, fix the spelling, or pass unmatched='keep' to keep them "
            "with iso3 missing",
        )


class OutputError(DataError):
    """A result cannot be written: the target is a folder, link or device, the disk is full,
    read-only or not writable."""


class WorkloadError(HumsecError):
    """A request would need absurd memory or time (see :mod:`humsec.workload`)."""


class SpecError(HumsecError):
    """A specification (framework, index, deprivation, shocks, measures) is invalid."""


class FrameworkError(SpecError):
    """The human-security framework file is invalid (duplicate ids, unknown references)."""


class ProjectError(HumsecError):
    """A project folder (``humsec.yaml``, its areas, boundaries, datasets or specs) is invalid.

    ``problems`` holds every problem found, each as ``(location, message, hint)``; the text
    lists them all, so that one run of ``humsec project validate`` shows everything to fix.
    """

    def __init__(
        self, problems: Iterable[tuple[str, str, str | None]], *, location: str | None = None
    ):
        self.problems = list(problems)
        lines = []
        for where, message, hint in self.problems:
            lines.append(f"- {where}: {message}" + (f" (hint: {hint})" if hint else ""))
        n = len(self.problems)
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in the project:\n" + "\n".join(lines),
            location=location,
        )


class DatasetNotFoundError(HumsecError):
    """A bundled dataset or preset name is unknown."""


class StoreError(HumsecError):
    """The project store (DuckDB file or PostgreSQL database) cannot be opened, read or
    written."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB store's single-writer lock."""


class StoreVersionError(StoreError):
    """The store's schema is newer than this humsec, or older and cannot be migrated here."""


class RunNotFoundError(StoreError):
    """A run id (or dataset name/version) is not in the store."""


class StoreUnreachableError(StoreError):
    """The PostgreSQL server of the store cannot be reached."""


def did_you_mean(name: str, candidates: Iterable[str], n: int = 3) -> str:
    """Return a ``"did you mean …?"`` phrase listing close matches of ``name``, or ``""``."""
    matches = get_close_matches(name, list(candidates), n=n, cutoff=0.5)
    if not matches:
        return ""
    return "did you mean " + ", ".join(repr(m) for m in matches) + "?"


class HumsecWarning(UserWarning):
    """A result was computed, but something about the input deserves the user's attention
    (for example missing values treated as non-deprived, or weights renormalised)."""

"""Collect every problem a project has, then raise them together.

Validating a project should tell the analyst everything to fix in one pass, not the first
problem only. Each check appends ``(location, message, hint)`` to a :class:`Problems` list;
:meth:`Problems.raise_if_any` raises one :class:`~humsec.errors.ProjectError` listing them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from difflib import get_close_matches

from humsec.errors import HumsecError, ProjectError


class Problems:
    """An ordered list of ``(location, message, hint)`` found while checking a project."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str | None]] = []

    def add(self, location: str, message: str, hint: str | None = None) -> None:
        """Record one problem."""
        self.items.append((location, message, hint))

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @contextmanager
    def collect(self, location: str) -> Iterator[None]:
        """Turn a :class:`HumsecError` raised inside the block into a recorded problem."""
        try:
            yield
        except ProjectError as error:
            self.items.extend(error.problems)
        except HumsecError as error:
            self.add(error.location or location, error.message, error.hint)

    def raise_if_any(self, location: str | None = None) -> None:
        """Raise :class:`ProjectError` listing every recorded problem, if there is one."""
        if self.items:
            raise ProjectError(self.items, location=location)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest single-character insertions, deletions and
    substitutions that turn ``a`` into ``b`` (Wagner-Fischer dynamic programme)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def closest(value: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates closest to ``value``, best first.

    Candidates are those difflib finds similar (ratio >= 0.5, case-insensitive), ranked by
    edit distance, ties kept in the candidates' order.
    """
    pool = list(dict.fromkeys(str(c) for c in candidates))
    lowered = {c.lower(): c for c in pool}
    similar = get_close_matches(str(value).lower(), list(lowered), n=len(pool), cutoff=0.5)
    order = {c: i for i, c in enumerate(pool)}
    ranked = sorted(
        (lowered[s] for s in similar),
        key=lambda c: (edit_distance(str(value).lower(), c.lower()), order[c]),
    )
    return ranked[:n]


def unknown_codes_text(unknown: Iterable[str], known: Iterable[str], limit: int = 10) -> str:
    """``'KE48' (closest: KE048, KE043), 'X' (no close p-code)`` for unknown area codes."""
    known_list = list(known)
    parts = []
    codes = sorted({str(u) for u in unknown})
    for code in codes[:limit]:
        near = closest(code, known_list)
        parts.append(
            f"{code!r} (closest: {', '.join(near)})" if near else f"{code!r} (no close p-code)"
        )
    more = f" and {len(codes) - limit} more" if len(codes) > limit else ""
    return ", ".join(parts) + more

"""Framework threat ids a shock may carry, and vulnerable-group ids losses are reported by.

The ids come from the bundled human-security framework (:func:`humsec.framework.default_framework`,
the foundation layer), so the shocks engine and the framework cannot drift apart: a threat or group
added to the framework file is accepted here without a code change. There is no fallback copy; the
bundled framework always loads (its own tests guard it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator

from humsec.errors import SpecError, did_you_mean
from humsec.framework import default_framework

__all__ = [
    "GroupIds",
    "check_threat",
    "fear_threats",
    "group_ids",
    "threat_ids",
    "unknown_groups_message",
]


def threat_ids() -> tuple[str, ...]:
    """All framework threat ids (fear and want), in the framework's order."""
    return default_framework().threat_ids


def fear_threats() -> tuple[str, ...]:
    """Threat ids on the freedom-from-fear side: the shocks of downside risk."""
    return tuple(t.id for t in default_framework().threats_by_pillar("fear"))


def group_ids() -> tuple[str, ...]:
    """Vulnerable-group ids, in the framework's order (results by group follow this order)."""
    return default_framework().group_ids


def check_threat(threat: str, *, location: str) -> str:
    """Return ``threat`` if it is a framework threat id, else raise :class:`SpecError`."""
    known = threat_ids()
    if threat not in known:
        raise SpecError(
            f"unknown threat id {threat!r}",
            location=location,
            hint=did_you_mean(threat, known)
            or f"use a framework threat id such as {', '.join(fear_threats()[:4])}",
        )
    return threat


def unknown_groups_message(groups: Iterable[str]) -> str | None:
    """A message naming the ids in ``groups`` that are not framework groups (``None`` if all are).

    Each unknown id carries its close matches; pydantic validators raise it as ``ValueError`` so
    that :func:`humsec.shocks.spec.parse_spec` reports it with its spec node.
    """
    known = group_ids()
    bad = [g for g in groups if g not in known]
    if not bad:
        return None
    guesses = "; ".join(f"{g!r}: {did_you_mean(g, known)}" for g in bad if did_you_mean(g, known))
    return (f"unknown group id(s) {bad}" + (f" ({guesses})" if guesses else "")
            + f"; framework groups: {list(known)}")



def _framework_groups(groups: list[str]) -> list[str]:
    message = unknown_groups_message(groups)
    if message is not None:
        raise ValueError(message)
    return groups


#: A list of framework vulnerable-group ids (a pydantic field type; unknown ids get suggestions).
GroupIds = Annotated[list[str], AfterValidator(_framework_groups)]

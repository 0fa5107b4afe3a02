"""Threat and vulnerable-group ids, checked against the framework in use.

The framework is a parameter (issue 9): a user framework that says ``extends: default`` and adds
a threat or a group is accepted wherever the shocks engine takes ids, and one that removes a
group rejects it. Every function here takes ``framework`` (``None`` means the bundled
:func:`humsec.framework.default_framework`). The pydantic field types (:data:`GroupIds`, and
:func:`check_threat` in the hazard models) read the framework from the validation context
(``parse_spec(..., framework=fw)`` puts it there); a :class:`~humsec.shocks.model.Scenario`
checks every id of its parts again against its own ``framework``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo

from humsec.errors import SpecError, did_you_mean
from humsec.framework import Framework, default_framework

__all__ = [
    "GroupIds",
    "check_groups",
    "check_threat",
    "context_framework",
    "fear_threats",
    "group_ids",
    "threat_ids",
    "unknown_groups_message",
]


def _in_use(framework: Framework | None) -> Framework:
    return default_framework() if framework is None else framework


def context_framework(info: ValidationInfo | None) -> Framework | None:
    """The framework a pydantic validation runs against (``context={"framework": fw}``)."""
    context: Any = None if info is None else info.context
    if isinstance(context, dict) and isinstance(context.get("framework"), Framework):
        return context["framework"]
    return None


def threat_ids(framework: Framework | None = None) -> tuple[str, ...]:
    """All threat ids (fear and want) of ``framework``, in its order."""
    return _in_use(framework).threat_ids


def fear_threats(framework: Framework | None = None) -> tuple[str, ...]:
    """Threat ids on the freedom-from-fear side: the shocks of downside risk."""
    return tuple(t.id for t in _in_use(framework).threats_by_pillar("fear"))


def group_ids(framework: Framework | None = None) -> tuple[str, ...]:
    """Vulnerable-group ids of ``framework`` in its order (results by group follow it)."""
    return _in_use(framework).group_ids


def check_threat(threat: str, *, location: str, framework: Framework | None = None) -> str:
    """Return ``threat`` if it is a threat id of ``framework``, else raise :class:`SpecError`."""
    known = threat_ids(framework)
    if threat not in known:
        raise SpecError(
            f"unknown threat id {threat!r}",
            location=location,
            hint=did_you_mean(threat, known)
            or f"use a framework threat id such as {', '.join(fear_threats(framework)[:4])}",
        )
    return threat


def unknown_groups_message(groups: Iterable[str], framework: Framework | None = None
                           ) -> str | None:
    """A message naming the ids in ``groups`` that are not groups of ``framework`` (``None`` if
    all are).

    Each unknown id carries its close matches; pydantic validators raise it as ``ValueError`` so
    that :func:`humsec.shocks.spec.parse_spec` reports it with its spec node.
    """
    known = group_ids(framework)
    bad = [g for g in groups if g not in known]
    if not bad:
        return None
    guesses = "; ".join(f"{g!r}: {did_you_mean(g, known)}" for g in bad if did_you_mean(g, known))
    return (f"unknown group id(s) {bad}" + (f" ({guesses})" if guesses else "")
            + f"; framework groups: {list(known)}")


def check_groups(groups: Iterable[str], *, location: str, framework: Framework | None = None
                 ) -> None:
    """Raise :class:`SpecError` at ``location`` when a group id is not in ``framework``."""
    message = unknown_groups_message(groups, framework)
    if message is not None:
        raise SpecError(message, location=location,
                        hint="use the group ids of the framework in use "
                        "(`humsec framework show --section groups --file FILE` lists them)")


def _framework_groups(groups: list[str], info: ValidationInfo) -> list[str]:
    message = unknown_groups_message(groups, context_framework(info))
    if message is not None:
        raise ValueError(message)
    return groups


#: A list of framework vulnerable-group ids (a pydantic field type; unknown ids get suggestions).
GroupIds = Annotated[list[str], AfterValidator(_framework_groups)]

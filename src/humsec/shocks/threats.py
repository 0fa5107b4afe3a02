"""Framework threat ids a shock may carry, and vulnerable-group ids losses are reported by.

The ids are the shared human-security vocabulary (``humsec.framework``). When the framework file
loads, its threats are used, so a user who extends the framework can add threats; when it cannot
be loaded the agreed default vocabulary below is used.
"""

from __future__ import annotations

from functools import lru_cache

from humsec.errors import HumsecError, SpecError, did_you_mean

__all__ = ["FEAR_THREATS", "GROUP_IDS", "WANT_THREATS", "check_threat", "known_threats"]

#: Threats of fear (the shared vocabulary): the shocks of downside risk.
FEAR_THREATS: tuple[str, ...] = (
    "armed_conflict",
    "terrorism",
    "crime",
    "disasters",
    "environmental_degradation",
    "infectious_disease",
    "economic_crisis",
    "political_repression",
)
#: Threats of want.
WANT_THREATS: tuple[str, ...] = (
    "poverty",
    "hunger",
    "lack_of_education",
    "lack_of_health_care",
    "lack_of_basic_infrastructure",
)
#: Vulnerable groups, in the framework's order.
GROUP_IDS: tuple[str, ...] = (
    "people_in_poverty",
    "persons_with_disabilities",
    "indigenous_peoples",
    "ethnic_minorities",
    "older_people",
    "women",
    "children",
    "refugees",
    "internally_displaced",
    "returnees",
    "people_in_remote_areas",
)


@lru_cache(maxsize=1)
def known_threats() -> tuple[str, ...]:
    """Threat ids accepted on events: the framework's threats, else the shared vocabulary."""
    ids = set(FEAR_THREATS) | set(WANT_THREATS)
    try:
        from humsec.framework import default_framework

        ids |= {t.id for t in default_framework().threats}
    except (HumsecError, ImportError, AttributeError):
        # The framework file is optional here: the shared vocabulary is always valid.
        pass
    return tuple(sorted(ids))


def check_threat(threat: str, *, location: str) -> str:
    """Return ``threat`` if it is a framework threat id, else raise :class:`SpecError`."""
    if threat not in known_threats():
        raise SpecError(
            f"unknown threat id {threat!r}",
            location=location,
            hint=did_you_mean(threat, known_threats())
            or f"use a framework threat id such as {', '.join(FEAR_THREATS[:4])}",
        )
    return threat

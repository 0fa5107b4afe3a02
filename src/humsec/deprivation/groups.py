"""Vulnerable-group membership from survey attributes, in the framework's group ids.

The human-security approach asks whether benefits reach vulnerable people. This module turns
the attributes of a household survey (as in :func:`humsec.data.synthetic_survey`) into 0/1
membership columns named by the framework's vulnerable-group ids, ready for
:func:`humsec.deprivation.compound.left_behind` or as ``by`` subgroups.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from humsec.errors import ColumnError

__all__ = ["POVERTY_LINE_2021_PPP", "VULNERABLE_GROUPS", "vulnerable_groups"]

#: International poverty line, 3.00 $ a day in 2021 PPP (World Bank, June 2025), per year.
POVERTY_LINE_2021_PPP = 3.00 * 365

#: Framework group id -> (columns needed, membership rule).
VULNERABLE_GROUPS: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame, float], pd.Series]]] = {
    "people_in_poverty": (("consumption",), lambda f, line: f["consumption"] < line),
    "persons_with_disabilities": (("disability",), lambda f, _: f["disability"] == 1),
    "ethnic_minorities": (("minority",), lambda f, _: f["minority"] == 1),
    "older_people": (("age",), lambda f, _: f["age"] >= 60),
    "women": (("sex", "age"), lambda f, _: (f["sex"] == "female") & (f["age"] >= 18)),
    "children": (("age",), lambda f, _: f["age"] < 18),
    "refugees": (("displacement",), lambda f, _: f["displacement"] == "refugee"),
    "internally_displaced": (("displacement",), lambda f, _: f["displacement"] == "idp"),
    "returnees": (("displacement",), lambda f, _: f["displacement"] == "returnee"),
    "people_in_remote_areas": (("remote",), lambda f, _: f["remote"] == 1),
}


def vulnerable_groups(
    frame: pd.DataFrame,
    *,
    groups: list[str] | None = None,
    prefix: str = "grp_",
    poverty_line: float = POVERTY_LINE_2021_PPP,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Add 0/1 membership columns ``<prefix><group id>`` and return (frame, {id: column}).

    Rules: people in poverty = consumption per capita below ``poverty_line`` (default
    3.00 $/day, 2021 PPP); women = females aged 18+; children = under 18; older people = 60+;
    displacement groups from ``displacement``; remote from ``remote``. Missing attributes give
    missing membership (never silently 0). Groups whose columns are absent are an error when
    requested explicitly and skipped otherwise.
    """
    wanted = groups or list(VULNERABLE_GROUPS)
    out = frame.copy()
    mapping: dict[str, str] = {}
    for group in wanted:
        if group not in VULNERABLE_GROUPS:
            raise ColumnError(
                f"unknown vulnerable group {group!r}",
                location="groups",
                hint=f"use one of {', '.join(VULNERABLE_GROUPS)}",
            )
        needed, rule = VULNERABLE_GROUPS[group]
        absent = [c for c in needed if c not in frame.columns]
        if absent:
            if groups is not None:
                raise ColumnError(
                    f"group {group!r} needs column(s) {absent}",
                    location=f"data column '{absent[0]}'",
                )
            continue
        member = rule(frame, poverty_line).astype(np.float64)
        missing = frame[list(needed)].isna().any(axis=1)
        column = f"{prefix}{group}"
        out[column] = member.where(~missing, np.nan)
        mapping[group] = column
    return out, mapping

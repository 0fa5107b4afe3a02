"""Vulnerable-group membership from survey attributes, by the framework's own group rules.

The human-security approach asks whether benefits reach vulnerable people. This module turns
the person attributes of a household survey (as in :func:`humsec.data.synthetic_survey`) into
0/1 membership columns named by the framework's vulnerable-group ids, ready for
:func:`humsec.deprivation.compound.left_behind` or as ``by`` subgroups. Who belongs to a group
is not decided here: each group's ``rule`` in the framework in use
(:mod:`humsec.framework.group_rules`) is the one definition that the shocks engine and the
report use too.
"""

from __future__ import annotations

import pandas as pd

from humsec.errors import ColumnError, did_you_mean
from humsec.framework import Framework, default_framework, group_membership

__all__ = ["POVERTY_LINE_2021_PPP", "vulnerable_groups"]

#: International poverty line, 3.00 $ a day in 2021 PPP (World Bank, June 2025), per year.
POVERTY_LINE_2021_PPP = 3.00 * 365


def vulnerable_groups(
    frame: pd.DataFrame,
    *,
    groups: list[str] | None = None,
    prefix: str = "grp_",
    poverty_line: float = POVERTY_LINE_2021_PPP,
    framework: Framework | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Add 0/1 membership columns ``<prefix><group id>`` and return (frame, {id: column}).

    Membership follows each group's rule in ``framework`` (default: the bundled one, where
    women and girls are females of all ages, children are under 18, older people 60+, people
    in poverty have consumption per capita below ``poverty_line``, default 3.00 $/day 2021 PPP;
    ``humsec framework show --section groups`` prints every rule). Values in rules may be labels
    or codes (Stata/SPSS value labels in ``frame.attrs["value_labels"]``). A person with a missing
    attribute gets a missing membership (never silently 0). Groups whose columns are absent
    are an error when requested explicitly and skipped otherwise; the frame's
    ``attrs["group_notes"]`` names them and counts the missing memberships.
    """
    fw = default_framework() if framework is None else framework
    rules = fw.group_rules
    for group in groups or []:
        if group not in rules:
            raise ColumnError(
                f"unknown vulnerable group {group!r}",
                location="groups",
                hint=did_you_mean(group, rules) or f"use one of {', '.join(rules)}",
            )
    wanted = groups or list(rules)
    membership = group_membership(frame, {g: rules[g] for g in wanted},
                                  poverty_line=poverty_line, required=groups or (),
                                  location="data")
    out = frame.copy()
    mapping: dict[str, str] = {}
    for group in membership.members.columns:
        column = f"{prefix}{group}"
        out[column] = membership.members[group]
        mapping[str(group)] = column
    out.attrs["group_notes"] = membership.notes()
    return out, mapping

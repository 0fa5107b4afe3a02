"""Who belongs to a vulnerable group: one rule per group, written in the framework file.

Each group of the framework carries a ``rule`` over person attributes, so that deprivation,
shocks and the report count the same people (issue 8: "women" were females 18+ in one engine
and all females in another). A rule states its age scope and, optionally, attribute values and
the poverty line::

    rule:
      ages: all                      # or {at_least: 60}, {below: 18}, {at_least: 18, below: 60}
      where: {sex: [female, f]}      # attribute -> accepted values (labels or codes)

    rule: {ages: all, below_poverty_line: consumption}

A person is a member when every condition holds: ``at_least <= age < below`` (the ``age``
attribute, or ``ages.attribute``), each ``where`` attribute equal to one of its values, and
``attribute < poverty line``. A person with a missing attribute that the rule needs has a
missing membership (never silently 0 or 1).

Values may be value labels or codes. On a Stata/SPSS table (``frame.attrs["value_labels"]``,
as :func:`humsec.data.read_table` keeps them) a value matches the label (case-insensitive) or the
code, resolved by :func:`humsec.categories.match_categories` exactly as deprivation cutoffs are;
text matches case-insensitively. When none of a condition's values can match (labels the
column does not have, or text against a numeric column without labels) it is an error listing
the valid labels, so a rule never gives a silent 0 % (``sex`` coded 1/2 against ``female``); a
group that nobody in the data matches is named in the notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from humsec.categories import match_categories
from humsec.errors import ColumnError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AgeScope",
    "GroupMembership",
    "GroupRule",
    "group_membership",
]

RuleValue = str | int | float | bool


class AgeScope(BaseModel):
    """Ages a group covers: ``at_least <= age < below`` on the ``attribute`` column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribute: str = "age"
    at_least: float | None = Field(default=None, ge=0)
    below: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _bounded(self) -> AgeScope:
        if self.at_least is None and self.below is None:
            raise ValueError("give at_least and/or below, or write `ages: all`")
        if self.at_least is not None and self.below is not None and self.below <= self.at_least:
            raise ValueError(f"below ({self.below:g}) must exceed at_least ({self.at_least:g})")
        return self

    def describe(self) -> str:
        """``"60+"``, ``"under 18"`` or ``"18-59"`` (whole years)."""
        if self.below is None:
            return f"{self.at_least:g}+"
        if self.at_least is None:
            return f"under {self.below:g}"
        return f"{self.at_least:g}-{self.below - 1:g}"


class GroupRule(BaseModel):
    """Membership of one vulnerable group as a rule over person attributes (module docstring).

    ``ages`` must be stated (``all`` or an :class:`AgeScope`), so that e.g. "women" is never
    18+ in one place and all ages in another without anyone saying so.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ages: Literal["all"] | AgeScope
    where: dict[str, tuple[RuleValue, ...]] = Field(default_factory=dict)
    below_poverty_line: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_values(cls, data: Any) -> Any:
        # `where: {sex: female}` means `where: {sex: [female]}`.
        if isinstance(data, dict) and isinstance(data.get("where"), dict):
            data = {**data, "where": {k: v if isinstance(v, (list, tuple)) else [v]
                                      for k, v in data["where"].items()}}
        return data

    @model_validator(mode="after")
    def _non_empty(self) -> GroupRule:
        empty = [k for k, v in self.where.items() if not v]
        if empty:
            raise ValueError(f"where.{empty[0]} lists no values")
        return self

    @property
    def attributes(self) -> tuple[str, ...]:
        """The person attributes (columns) the rule reads, in a fixed order."""
        out = [] if self.ages == "all" else [self.ages.attribute]
        out += list(self.where)
        if self.below_poverty_line:
            out.append(self.below_poverty_line)
        return tuple(dict.fromkeys(out))

    def describe(self) -> str:
        """The rule in words, e.g. ``"sex in [female, f]; all ages"``."""
        parts = [f"{k} in [{', '.join(map(str, v))}]" for k, v in self.where.items()]
        if self.below_poverty_line:
            parts.append(f"{self.below_poverty_line} below the poverty line")
        parts.append("all ages" if self.ages == "all" else f"ages {self.ages.describe()}")
        return "; ".join(parts)


@dataclass(frozen=True)
class GroupMembership:
    """0/1 membership per person and group (NaN where an attribute the rule needs is missing).

    ``members`` has one column per group that could be evaluated, in framework order;
    ``absent`` maps each group left out to why (no rule, or the attribute columns missing);
    ``missing`` counts persons with a missing membership per group.
    """

    members: pd.DataFrame
    rules: dict[str, GroupRule]
    absent: dict[str, str] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """Plain-language notes: groups left out, groups nobody matches, persons with missing
        membership."""
        out = [f"group {g!r} not counted: {why}" for g, why in self.absent.items()]
        out += [f"group {g!r}: nobody in the data matches its rule ({self.rules[g].describe()})"
                for g in self.members.columns if not (self.members[g] > 0).any()]
        out += [f"group {g!r}: {n} person(s) with a missing attribute counted in no group"
                for g, n in self.missing.items() if n]
        return out


def group_membership(frame: pd.DataFrame, rules: Mapping[str, GroupRule | None], *,
                     poverty_line: float | None = None, required: Iterable[str] = (),
                     location: str = "data") -> GroupMembership:
    """Evaluate ``rules`` (group id -> rule, in framework order) on person rows of ``frame``.

    Groups whose rule is missing or whose attribute columns are absent are left out and named
    in ``absent``, unless they are in ``required`` (then :class:`ColumnError`). A rule with
    ``below_poverty_line`` needs ``poverty_line``. Formulas: module docstring.
    """
    import pandas as pd

    required = set(required)
    labels_of: Mapping[str, Mapping[Any, str]] = frame.attrs.get("value_labels") or {}
    members: dict[str, np.ndarray] = {}
    absent: dict[str, str] = {}
    missing: dict[str, int] = {}
    used: dict[str, GroupRule] = {}
    for group, rule in rules.items():
        if rule is None:
            why = "the framework gives it no membership rule"
        else:
            lacking = [c for c in rule.attributes if c not in frame.columns]
            why = f"no column {lacking} in the data" if lacking else ""
        if why:
            if group in required:
                raise ColumnError(f"group {group!r} cannot be counted: {why}",
                                  location=location,
                                  hint="add the column, or give the group a rule on columns "
                                  "the data has (groups: - id: ... rule: in a framework file)")
            absent[group] = why
            continue
        assert rule is not None
        value, unknown = _evaluate(frame, rule, labels_of, poverty_line,
                                   f"{location}, group {group!r}")
        members[group] = np.where(unknown, np.nan, value.astype(float))
        missing[group] = int(unknown.sum())
        used[group] = rule
    return GroupMembership(pd.DataFrame(members, index=frame.index), used, absent, missing)


def _evaluate(frame: pd.DataFrame, rule: GroupRule, labels_of: Mapping[str, Mapping[Any, str]],
              poverty_line: float | None, location: str) -> tuple[np.ndarray, np.ndarray]:
    """``(member, unknown)`` masks of one rule; unknown where a needed attribute is missing."""
    n = len(frame)
    member = np.ones(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    if rule.ages != "all":
        ages = rule.ages
        age = _numeric(frame[ages.attribute], f"{location}, column {ages.attribute!r}")
        unknown |= np.isnan(age)
        if ages.at_least is not None:
            member &= age >= ages.at_least
        if ages.below is not None:
            member &= age < ages.below
    for attribute, values in rule.where.items():
        column = frame[attribute]
        unknown |= column.isna().to_numpy()
        member &= match_categories(column, values, labels=labels_of.get(attribute),
                                   location=f"{location}, column {attribute!r}",
                                   hint="write the value labels or codes the data uses in the "
                                   "group rule (override it in your framework file: groups: - "
                                   "id: ... rule:)")
    if rule.below_poverty_line:
        if poverty_line is None:
            raise ColumnError("the rule compares with the poverty line, but none was given",
                              location=location, hint="pass poverty_line=")
        value = _numeric(frame[rule.below_poverty_line],
                         f"{location}, column {rule.below_poverty_line!r}")
        unknown |= np.isnan(value)
        member &= value < poverty_line
    return member & ~unknown, unknown


def _numeric(column: pd.Series, location: str) -> np.ndarray:
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~column.isna().to_numpy() & np.isnan(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ColumnError(f"{int(bad.sum())} non-numeric value(s), e.g. {column.iloc[row]!r}",
                          location=f"{location}, row {row}",
                          hint="the rule needs numbers in this column")
    return values

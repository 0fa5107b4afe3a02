"""The appraisal rubric as data: a versioned YAML file of criteria, levels and a marker rule.

Each criterion is a framework id (a practice policy, key approach or principle). Its levels
1-4 hold conditions ``field op number`` over :data:`~humsec.programme.evidence.EVIDENCE_FIELDS`;
levels are cumulative, so the score is the highest ``L`` for which every condition of levels
``1..L`` holds (0 when level 1 fails). The bundled rubric is ``humsec/programme/rubric.yaml``.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from humsec.errors import SpecError, did_you_mean
from humsec.framework import Framework
from humsec.programme.evidence import EVIDENCE_FIELDS
from humsec.specs import decode_spec_bytes, load_yaml, validate_spec

SCALE_LEVELS = (0, 1, 2, 3, 4)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
    "==": operator.eq, "!=": operator.ne,
}
_CONDITION = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


class Condition(BaseModel):
    """``field op threshold``, e.g. ``sectors >= 3``."""

    model_config = ConfigDict(frozen=True)

    field: str
    op: str
    threshold: float

    @classmethod
    def parse(cls, text: str) -> Condition:
        """Parse ``"sectors >= 3"``; raises ValueError on other shapes."""
        match = _CONDITION.match(str(text))
        if match is None:
            raise ValueError(f"cannot read condition {text!r}; write 'field >= number' "
                             f"(operators {', '.join(_OPS)})")
        return cls(field=match.group(1), op=match.group(2), threshold=float(match.group(3)))

    def holds(self, value: float) -> bool:
        """Whether ``value op threshold``."""
        return _OPS[self.op](value, self.threshold)

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.threshold:g}"


class ScaleLevel(BaseModel):
    """One level of the 0-4 scale, defined in words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: int
    label: str = Field(min_length=1)
    meaning: str = Field(min_length=1)


class MarkerBand(BaseModel):
    """A marker band: mean score at least ``mean_at_least`` and at least ``policies_count``
    practice policies scoring ``policies_at_least`` or more."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mean_at_least: float
    policies_at_least: int = 0
    policies_count: int = 0


class MarkerRule(BaseModel):
    """The overall marker in DAC policy-marker style, stated in words and as two bands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1)
    principal: MarkerBand
    significant: MarkerBand


class Criterion(BaseModel):
    """A criterion: a framework id, its question and the conditions of levels 1-4."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str = ""
    levels: dict[int, tuple[Condition, ...]]

    @field_validator("levels", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("levels must map 1..4 to lists of conditions")
        out: dict[int, tuple[Condition, ...]] = {}
        for key, conditions in value.items():
            level = int(key)
            if level not in (1, 2, 3, 4):
                raise ValueError(f"level {key!r} is not one of 1, 2, 3, 4")
            items = conditions if isinstance(conditions, list) else [conditions]
            out[level] = tuple(c if isinstance(c, Condition) else Condition.parse(c)
                               for c in items)
        missing = [lv for lv in (1, 2, 3, 4) if lv not in out]
        if missing:
            raise ValueError(f"levels {missing} have no conditions; give each of 1-4 a list")
        return out


class Rubric(BaseModel):
    """A versioned appraisal rubric (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rubric: str
    version: str
    scale: tuple[ScaleLevel, ...]
    marker: MarkerRule
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    source: str = Field(default="", exclude=True)

    def level(self, score: int) -> ScaleLevel:
        """The scale level with this number."""
        return next(s for s in self.scale if s.level == score)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise SpecError(f"the rubric has no criterion {criterion_id!r}",
                        hint=did_you_mean(criterion_id, [c.id for c in self.criteria]))

    def check(self, framework: Framework) -> None:
        """Criteria must be framework policies, approaches or principles and rules must use
        known evidence fields; the scale must define every level 0-4 once."""
        problems: list[str] = []
        levels = sorted(s.level for s in self.scale)
        if levels != list(SCALE_LEVELS):
            problems.append(f"scale: define each level 0, 1, 2, 3, 4 once (found {levels})")
        ids = criterion_sections(framework)
        seen: set[str] = set()
        for i, c in enumerate(self.criteria):
            node = f"criteria[{i}]"
            if c.id in seen:
                problems.append(f"{node}.id: duplicate criterion {c.id!r}")
            seen.add(c.id)
            if c.id not in ids:
                hint = did_you_mean(c.id, ids)
                problems.append(f"{node}.id: {c.id!r} is not a practice policy, key approach or "
                                f"principle of the framework" + (f"; {hint}" if hint else ""))
            for level, conditions in c.levels.items():
                for j, cond in enumerate(conditions):
                    if cond.field not in EVIDENCE_FIELDS:
                        hint = did_you_mean(cond.field, EVIDENCE_FIELDS)
                        problems.append(f"{node}.levels.{level}[{j}]: unknown evidence field "
                                        f"{cond.field!r}" + (f"; {hint}" if hint else ""))
        if problems:
            raise SpecError(
                f"{len(problems)} problem(s) in the rubric:\n  " + "\n  ".join(problems),
                location=self.source or "rubric",
                hint="evidence fields are listed in docs/programme.md (and by "
                "humsec.programme.EVIDENCE_FIELDS); criteria ids come from the framework",
            )


def criterion_sections(framework: Framework) -> dict[str, str]:
    """``{id: section}`` of every framework entry a criterion may score; a principle sharing an
    id with a practice policy is the policy, scored once."""
    out: dict[str, str] = {}
    for section in ("policies", "approaches", "principles"):
        for entry in getattr(framework, section):
            out.setdefault(entry.id, section)
    return out


def load_rubric(path: str | os.PathLike[str] | None = None,
                framework: Framework | None = None) -> Rubric:
    """The bundled rubric, or a user's copy; checked against ``framework`` when given."""
    rubric = _bundled_rubric() if path is None else _read_rubric(Path(path))
    if framework is not None:
        rubric.check(framework)
    return rubric


@cache
def _bundled_rubric() -> Rubric:
    # parsed once: rubrics are frozen models
    text = resources.files("humsec.programme").joinpath("rubric.yaml").read_text("utf-8")
    return _parse_rubric(text, "humsec/programme/rubric.yaml")


def _read_rubric(file: Path) -> Rubric:
    if True:
        if not file.is_file():
            raise SpecError("rubric file not found", location=str(file),
                            hint="copy humsec/programme/rubric.yaml and edit it")
        text, source = decode_spec_bytes(file.read_bytes(), source=str(file)), str(file)
    return _parse_rubric(text, source)


def _parse_rubric(text: str, source: str) -> Rubric:
    data = load_yaml(text, source=source)
    if not isinstance(data, dict):
        raise SpecError("a rubric must be a mapping", location=source,
                        hint="keys: rubric, version, scale, marker, criteria")
    rubric = validate_spec(Rubric, {**data, "source": source}, kind="rubric", location=source,
                           hint="compare with humsec/programme/rubric.yaml")
    return rubric


__all__ = [
    "SCALE_LEVELS",
    "Condition",
    "Criterion",
    "MarkerBand",
    "MarkerRule",
    "Rubric",
    "ScaleLevel",
    "criterion_sections",
    "load_rubric",
]

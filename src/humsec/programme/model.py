"""The programme format: a development programme as structured evidence for appraisal.

A programme file is YAML with two keys::

    programme: {id, name, country: ISO3, areas: [p-codes or ISO3], start, end, budget, currency}
    components:
      - id, name
        sector: OECD DAC 5-digit purpose code
        threats: [framework threat ids]
        target_groups: [framework group ids]
        beneficiaries: {total, by_group: {group: n}, by_area: {area: n}}
        mode: protection | empowerment | both
        level: national | local | community
        actors: [{name, type, role}]
        risk_measures: [shocks measure ids, or free text]
        cost
        indicators: [{name, baseline, target, actual}]

Ids are checked against the framework passed in (a project's extended framework; the bundled
one by default), sectors against the DAC purpose codes, areas against the areas passed in (a
project's p-codes) or, without them, against the country's ISO2 prefix. Every problem is
reported at once, naming its node (``components[1].threats[0]``) and the closest valid ids.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from humsec.errors import SpecError, did_you_mean
from humsec.framework import Framework, default_framework
from humsec.programme.codelists import codelist_keys
from humsec.specs import check_spec, decode_spec_bytes, format_problems, load_yaml

Mode = Literal["protection", "empowerment", "both"]
Level = Literal["national", "local", "community"]
ActorType = Literal[
    "government",
    "local_government",
    "international_org",
    "ngo",
    "community",
    "private",
    "academia",
]
ActorRole = Literal["funding", "accountable", "extending", "implementing"]
ACTOR_TYPES: tuple[str, ...] = (
    "government",
    "local_government",
    "international_org",
    "ngo",
    "community",
    "private",
    "academia",
)
ACTOR_ROLES: tuple[str, ...] = ("funding", "accountable", "extending", "implementing")
MODES: tuple[str, ...] = ("protection", "empowerment", "both")
LEVELS: tuple[str, ...] = ("national", "local", "community")


class _Node(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True
    )


class ProgrammeInfo(_Node):
    """The programme header: who, where, when and how much."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    country: str = Field(min_length=3, max_length=3)
    areas: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    budget: float | None = None
    currency: str = "USD"


class Beneficiaries(_Node):
    """People a component reaches: a total, and by vulnerable group and by area."""

    total: int | None = None
    by_group: dict[str, int] = Field(default_factory=dict)
    by_area: dict[str, int] = Field(default_factory=dict)


class Actor(_Node):
    """An organisation taking part, by IATI-style role."""

    name: str = Field(min_length=1)
    type: ActorType
    role: ActorRole = "implementing"


class Indicator(_Node):
    """A results indicator with its baseline, target and latest actual value."""

    name: str = Field(min_length=1)
    baseline: float | None = None
    target: float | None = None
    actual: float | None = None


class Component(_Node):
    """One component (output, project or sector line) of a programme."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    sector: str | None = None
    threats: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    beneficiaries: Beneficiaries = Field(default_factory=Beneficiaries)
    mode: Mode | None = None
    level: Level | None = None
    actors: tuple[Actor, ...] = ()
    risk_measures: tuple[str, ...] = ()
    cost: float | None = None
    indicators: tuple[Indicator, ...] = ()


class Programme(_Node):
    """A programme: its header and its components, validated against a framework.

    ``source`` is the file it was read from and ``provenance`` maps a node path
    (``components[0].threats``) to where the value came from (a YAML line, an IATI XPath or an
    Excel cell); the appraisal cites both as the evidence trail.
    """

    programme: ProgrammeInfo
    components: tuple[Component, ...] = Field(min_length=1)
    source: str | None = Field(default=None, exclude=True)
    provenance: dict[str, str] = Field(default_factory=dict, exclude=True)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        framework: Framework | None = None,
        areas: Iterable[str] | None = None,
        source: str | None = None,
        provenance: dict[str, str] | None = None,
    ) -> Programme:
        """Validate a programme held in a plain dict (as read from YAML).

        ``framework`` is the framework the ids are checked against (default: the bundled one);
        ``areas`` the valid area codes (a project's p-codes; default: checked by the country's
        ISO2 prefix). All problems raise one :class:`~humsec.errors.SpecError` naming each node.
        """
        fw = framework or default_framework()
        location = source or "programme"
        if not isinstance(data, dict):
            raise SpecError(
                f"a programme must be a mapping with keys programme: and components:, got "
                f"{type(data).__name__}",
                location=location,
                hint="start the file with 'programme:' then 'components:'",
            )
        programme, problems = check_spec(
            cls, {**data, "source": source, "provenance": provenance or {}}
        )
        if programme is None:
            raise SpecError(format_problems(problems, "programme"), location=location,
                            hint=_HINT)  # fmt: skip
        problems = programme_problems(programme, fw, areas)
        if problems:
            raise SpecError(format_problems(problems, "programme"), location=location, hint=_HINT)
        return programme

    @classmethod
    def from_yaml(
        cls,
        path: str | os.PathLike[str],
        *,
        framework: Framework | None = None,
        areas: Iterable[str] | None = None,
    ) -> Programme:
        """Read and validate a programme YAML file (see the module docstring for the keys).

        Each node's line is kept in ``provenance`` (``"file.yaml:12"``) for the evidence trail.
        """
        file = Path(path)
        if not file.is_file():
            raise SpecError(
                "programme file not found",
                location=str(file),
                hint="check the path; `humsec programme template` writes a start",
            )
        text = decode_spec_bytes(file.read_bytes(), source=str(file))
        data = load_yaml(text, source=str(file))  # bounded: depth and aliases checked
        try:
            lines = _node_lines(yaml.compose(text))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(file)
            raise SpecError(
                f"cannot parse the YAML: {getattr(error, 'problem', None) or error}",
                location=where,
                hint="fix the syntax there (indentation, quotes, brackets)",
            ) from None
        provenance = {node: f"{file.name}:{line}" for node, line in lines.items()}
        return cls.from_dict(
            data, framework=framework, areas=areas, source=str(file), provenance=provenance
        )

    def to_dict(self) -> dict[str, Any]:
        """The programme as plain YAML-ready data; ``Programme.from_dict(p.to_dict())`` equals
        ``p`` (defaults and empty lists are left out)."""
        data: dict[str, Any] = self.model_dump(
            mode="json", exclude_none=True, exclude_defaults=True
        )
        data["programme"] = self.programme.model_dump(mode="json", exclude_none=True)
        return data

    def to_yaml(self) -> str:
        """The programme as YAML text, keys in the format's order."""
        text: str = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)
        return text

    # --- lookups ------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The programme id."""
        return self.programme.id

    def where(self, node: str) -> str:
        """Where a node's value came from: ``"file.yaml:12"``, an XPath or a cell, else the
        file and node path."""
        if node in self.provenance:
            return f"{self.provenance[node]} ({node})"
        # the nearest recorded parent node
        parts = node
        while "." in parts or "[" in parts:
            cut = max(parts.rfind("."), parts.rfind("["))
            parts = parts[:cut]
            if parts in self.provenance:
                return f"{self.provenance[parts]} ({node})"
        return f"{self.source or 'programme'} ({node})"

    @property
    def threats(self) -> tuple[str, ...]:
        """Distinct threat ids over all components, in first-seen order."""
        return tuple(dict.fromkeys(t for c in self.components for t in c.threats))

    @property
    def target_groups(self) -> tuple[str, ...]:
        """Distinct target-group ids over all components."""
        return tuple(dict.fromkeys(g for c in self.components for g in c.target_groups))


_HINT = (
    "fix the listed nodes; ids come from the framework (`humsec framework show`), sectors "
    "are OECD DAC 5-digit purpose codes, areas are the project's p-codes"
)


def programme_problems(
    programme: Programme, framework: Framework, areas: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Semantic checks of a structurally valid programme, as ``(node, message)`` pairs.

    Checks: known country, currency and area codes; end not before start; no negative budget,
    cost or count; component costs within the budget; each group's beneficiaries and the sum
    over areas not above the total; by-area keys among the programme's areas; known threat,
    group and DAC sector ids; unique component ids.
    """
    problems: list[tuple[str, str]] = []
    info = programme.programme
    iso3, iso2 = _country_codes()
    if info.country.upper() not in iso3:
        problems.append(("programme.country", _unknown(info.country, sorted(iso3), "ISO3 country")))
    currencies = codelist_keys("currency")
    if info.currency.upper() not in currencies:
        problems.append(("programme.currency", _unknown(info.currency, currencies, "currency")))
    if info.start and info.end and info.end < info.start:
        problems.append(
            ("programme.end", f"the end date {info.end} is before the start date {info.start}")
        )
    if info.budget is not None and info.budget < 0:
        problems.append(("programme.budget", f"the budget is negative ({info.budget:g})"))
    valid_areas = set(areas) if areas is not None else None
    prefix = str(iso2.get(info.country.upper()) or "").upper()
    for i, area in enumerate(info.areas):
        node = f"programme.areas[{i}]"
        if valid_areas is not None:
            if area not in valid_areas:
                problems.append((node, _unknown(area, sorted(valid_areas), "area")))
        elif area.upper() not in iso3 and not (prefix and area.upper().startswith(prefix)):
            problems.append(
                (
                    node,
                    f"area {area!r} is neither an ISO3 code nor a p-code of "
                    f"{info.country} (p-codes start with {prefix or '?'!r})",
                )
            )
    threat_ids, group_ids = framework.threat_ids, framework.group_ids
    sectors = codelist_keys("sector")
    seen: dict[str, int] = {}
    total_cost = 0.0
    for c, comp in enumerate(programme.components):
        base = f"components[{c}]"
        if comp.id in seen:
            problems.append(
                (
                    f"{base}.id",
                    f"duplicate component id {comp.id!r} (first at components[{seen[comp.id]}])",
                )
            )
        seen.setdefault(comp.id, c)
        if comp.sector is not None and comp.sector not in sectors:
            problems.append((f"{base}.sector", _unknown(comp.sector, sectors, "DAC purpose code")))
        for j, threat in enumerate(comp.threats):
            if threat not in threat_ids:
                problems.append((f"{base}.threats[{j}]", _unknown(threat, threat_ids, "threat")))
        for j, group in enumerate(comp.target_groups):
            if group not in group_ids:
                problems.append((f"{base}.target_groups[{j}]", _unknown(group, group_ids, "group")))
        if comp.cost is not None:
            if comp.cost < 0:
                problems.append((f"{base}.cost", f"the cost is negative ({comp.cost:g})"))
            else:
                total_cost += comp.cost
        problems += _beneficiary_problems(
            comp.beneficiaries, f"{base}.beneficiaries", group_ids, info.areas
        )
    if info.budget is not None and info.budget >= 0 and total_cost > info.budget * (1 + 1e-9):
        problems.append(
            (
                "components[*].cost",
                f"the component costs add up to {total_cost:,.0f}, more than the "
                f"budget {info.budget:,.0f} {info.currency}",
            )
        )
    return problems


@cache
def _country_codes() -> tuple[frozenset[str], dict[str, str]]:
    """ISO3 codes and ISO3 -> ISO2 from the bundled country table (read once)."""
    from humsec.data import countries

    table = countries()
    iso3 = [str(c) for c in table["iso3"].tolist()]
    iso2 = [str(c) if isinstance(c, str) else "" for c in table["iso2"].tolist()]
    return frozenset(iso3), dict(zip(iso3, iso2, strict=True))


def _beneficiary_problems(
    b: Beneficiaries, base: str, group_ids: Iterable[str], areas: Iterable[str]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    groups, area_list = tuple(group_ids), tuple(areas)
    if b.total is not None and b.total < 0:
        problems.append((f"{base}.total", f"the total is negative ({b.total})"))
    for key, count in b.by_group.items():
        node = f"{base}.by_group.{key}"
        if key not in groups:
            problems.append((node, _unknown(key, groups, "group")))
        if count < 0:
            problems.append((node, f"the count is negative ({count})"))
        elif b.total is not None and count > b.total:
            problems.append((node, f"{count:,} people in the group exceed the total {b.total:,}"))
    for key, count in b.by_area.items():
        node = f"{base}.by_area.{key}"
        if area_list and key not in area_list:
            problems.append((node, _unknown(key, area_list, "programme area")))
        if count < 0:
            problems.append((node, f"the count is negative ({count})"))
    area_sum = sum(v for v in b.by_area.values() if v > 0)
    if b.total is not None and b.total >= 0 and area_sum > b.total:
        problems.append(
            (
                f"{base}.by_area",
                f"the areas add up to {area_sum:,}, more than the total {b.total:,}",
            )
        )
    return problems


def _unknown(ref: str, known: Iterable[str], kind: str) -> str:
    suggestion = did_you_mean(str(ref), list(known))
    return f"unknown {kind} {ref!r}" + (f"; {suggestion}" if suggestion else "")




def _node_lines(root: yaml.Node | None, path: str = "") -> dict[str, int]:
    """``{node path: 1-based line}`` for every mapping key and list item of a YAML tree."""
    out: dict[str, int] = {}
    if root is None:
        return out
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            name = str(key.value)
            child = f"{path}.{name}" if path else name
            out[child] = key.start_mark.line + 1
            out.update(_node_lines(value, child))
    elif isinstance(root, yaml.SequenceNode):
        for i, item in enumerate(root.value):
            child = f"{path}[{i}]"
            out[child] = item.start_mark.line + 1
            out.update(_node_lines(item, child))
    return out


__all__ = [
    "ACTOR_ROLES",
    "ACTOR_TYPES",
    "LEVELS",
    "MODES",
    "Actor",
    "Beneficiaries",
    "Component",
    "Indicator",
    "Programme",
    "ProgrammeInfo",
    "programme_problems",
]

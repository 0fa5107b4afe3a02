"""Pydantic models of the human-security framework: threats, groups, risks, policies, links.

The structure follows the 1994 UNDP Human Development Report (seven securities), the
Commission on Human Security's pairing of freedom from fear and freedom from want,
UN General Assembly resolution 66/290 (the five elements of a common understanding) and
JICA's four practice policies and four key approaches. Integrity rules (unique ids, known
references) are checked when a :class:`Framework` is built, so an invalid framework never
exists in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from humsec.errors import FrameworkError, did_you_mean
from humsec.framework.group_rules import GroupRule
from humsec.specs import format_problems, validate_spec

if TYPE_CHECKING:
    import pandas as pd

Pillar = Literal["fear", "want"]
HdrSecurity = Literal[
    "economic", "food", "health", "environmental", "personal", "community", "political"
]
HDR_SECURITIES: tuple[str, ...] = (
    "economic",
    "food",
    "health",
    "environmental",
    "personal",
    "community",
    "political",
)
PILLARS: tuple[str, ...] = ("fear", "want")
SCHEMA_VERSION = 2

EntryId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]

# Sections holding entries keyed by ``id``, in the order they appear in files and tables.
ID_SECTIONS: tuple[str, ...] = (
    "securities",
    "threats",
    "groups",
    "global_risks",
    "policies",
    "approaches",
    "principles",
)
SECTIONS: tuple[str, ...] = (*ID_SECTIONS, "interlinkages")


class _Entry(BaseModel):
    """Common shape of a framework entry: a snake_case id, a display name, a description."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: EntryId
    name: str = Field(min_length=1)
    description: str = ""


class Security(_Entry):
    """One of the seven securities of the 1994 Human Development Report."""

    id: HdrSecurity


class Threat(_Entry):
    """A threat to the vital core of people's lives, on the fear or the want side."""

    pillar: Pillar
    hdr_security: HdrSecurity
    cross_border: bool = False


class VulnerableGroup(_Entry):
    """A population group whose exposure the approach asks programmes to track.

    ``rule`` defines who belongs to it from person attributes (:mod:`humsec.framework.group_rules`);
    every engine counts the group's members with this one rule. A group without a rule can only
    be given as precomputed member counts.
    """

    threats: tuple[EntryId, ...] = ()
    rule: GroupRule | None = None


class GlobalRisk(_Entry):
    """A risk that crosses borders, with the fields in which countries cooperate against it."""

    fields_of_cooperation: tuple[str, ...] = Field(min_length=1)
    threats: tuple[EntryId, ...] = ()


class PracticePolicy(_Entry):
    """One of the four practice policies, with questions a programme appraisal asks."""

    number: int = Field(ge=1)
    checks: tuple[str, ...] = ()


class KeyApproach(_Entry):
    """One of the four key approaches, with questions a programme appraisal asks."""

    number: int = Field(ge=1)
    checks: tuple[str, ...] = ()


class Principle(_Entry):
    """An element of the common understanding of human security (UN GA resolution 66/290)."""


class Interlinkage(BaseModel):
    """A directed link between two threats.

    ``sign = +1`` means more of ``source`` raises ``target``; ``-1`` means it lowers it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source: EntryId
    target: EntryId
    sign: Literal[1, -1]
    rationale: str = Field(min_length=1, max_length=200)

    @field_validator("sign", mode="before")
    @classmethod
    def _sign_words(cls, value: Any) -> Any:
        # YAML authors write "+", "-", "+1" or "-1"; all mean the same two signs.
        if isinstance(value, str):
            return {"+": 1, "+1": 1, "1": 1, "-": -1, "-1": -1}.get(value.strip(), value)
        if isinstance(value, float) and value in (1.0, -1.0):
            return int(value)
        return value

    @field_validator("rationale")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("the rationale must be one line (no line breaks)")
        return value

    @property
    def key(self) -> tuple[str, str]:
        """``(source, target)``: interlinkages are identified by their two ends."""
        return (self.source, self.target)


def _origin(origins: dict[str, list[str]] | None, section: str, index: int) -> str:
    if origins and section in origins and index < len(origins[section]):
        return origins[section][index]
    return f"{section}[{index}]"


class Framework(BaseModel):
    """The whole human-security framework, validated for unique ids and known references.

    Build it with :func:`humsec.framework.default_framework`,
    :func:`humsec.framework.load_framework` or :meth:`Framework.from_dict`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    schema_version: int = SCHEMA_VERSION
    name: str = "human-security framework"
    securities: tuple[Security, ...]
    threats: tuple[Threat, ...] = Field(min_length=1)
    groups: tuple[VulnerableGroup, ...] = ()
    global_risks: tuple[GlobalRisk, ...] = ()
    policies: tuple[PracticePolicy, ...] = ()
    approaches: tuple[KeyApproach, ...] = ()
    principles: tuple[Principle, ...] = ()
    interlinkages: tuple[Interlinkage, ...] = ()

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is newer than this humsec understands "
                f"({SCHEMA_VERSION}); upgrade humsec or write schema_version: {SCHEMA_VERSION}"
            )
        return value

    @model_validator(mode="after")
    def _integrity(self, info: ValidationInfo) -> Framework:
        context = info.context if isinstance(info.context, dict) else {}
        problems = self.integrity_problems(context.get("origins"))
        if problems:
            raise FrameworkError(
                format_problems(problems, "framework"),
                location=context.get("location"),
                hint="fix the listed nodes; ids are snake_case and references must name an "
                "existing entry (run `humsec framework show` to list ids)",
            )
        return self

    # --- construction and export -------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        location: str | None = None,
        origins: dict[str, list[str]] | None = None,
    ) -> Framework:
        """Validate a complete framework held in a plain dict (as read from YAML or JSON).

        Any problem raises :class:`~humsec.errors.FrameworkError` naming the node, e.g.
        ``interlinkages[3].target``.
        """
        if not isinstance(data, dict):
            raise FrameworkError(
                f"a framework must be a mapping of sections, got {type(data).__name__}",
                location=location,
                hint=f"start the file with keys such as version:, {', '.join(SECTIONS)}",
            )
        return validate_spec(
            cls,
            data,
            kind="framework",
            location=location,
            hint="compare with `humsec framework export --format yaml`, which shows a valid file",
            error=FrameworkError,
            context={"origins": origins, "location": location},
            node_name=lambda loc: _node_name(loc, origins),
            more_problems=lambda: integrity_problems(data, origins),
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-compatible dict; ``Framework.from_dict(f.to_dict()) == f``."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return data

    def to_json(self, indent: int = 2) -> str:
        """The framework as JSON text."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        """The framework as YAML text, sections in their canonical order."""
        import yaml

        text: str = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)
        return text

    def to_frame(self, section: str = "threats") -> pd.DataFrame:
        """One section as a table, one row per entry, columns in model order.

        List fields (a group's threats, a risk's fields of cooperation) stay lists. The
        ``interlinkages`` table adds ``source_pillar`` and ``target_pillar``.
        """
        import pandas as pd

        if section not in SECTIONS:
            raise FrameworkError(
                f"unknown section {section!r}",
                hint=(
                    did_you_mean(section, SECTIONS) + " " if did_you_mean(section, SECTIONS) else ""
                )
                + f"sections: {', '.join(SECTIONS)}",
            )
        entries = getattr(self, section)
        fields = list(type(entries[0]).model_fields) if entries else []
        frame = pd.DataFrame([e.model_dump(mode="python") for e in entries], columns=fields or None)
        if section == "interlinkages" and len(frame):
            frame["source_pillar"] = [self.pillar_of(s) for s in frame["source"]]
            frame["target_pillar"] = [self.pillar_of(s) for s in frame["target"]]
        return frame

    # --- lookups ------------------------------------------------------------------------------
    @property
    def threat_ids(self) -> tuple[str, ...]:
        """All threat ids, in file order."""
        return tuple(t.id for t in self.threats)

    @property
    def group_ids(self) -> tuple[str, ...]:
        """All vulnerable-group ids in file order."""
        return tuple(g.id for g in self.groups)

    @property
    def group_rules(self) -> dict[str, GroupRule | None]:
        """Group id -> membership rule (``None`` where the group has none), in file order."""
        return {g.id: g.rule for g in self.groups}

    def threat(self, threat_id: str) -> Threat:
        """The threat with this id; unknown ids raise FrameworkError with close matches."""
        return _lookup(self.threats, threat_id, "threat")

    def group(self, group_id: str) -> VulnerableGroup:
        """The vulnerable group with this id."""
        return _lookup(self.groups, group_id, "vulnerable group")

    def global_risk(self, risk_id: str) -> GlobalRisk:
        """The global risk with this id."""
        return _lookup(self.global_risks, risk_id, "global risk")

    def policy(self, policy_id: str) -> PracticePolicy:
        """The practice policy with this id."""
        return _lookup(self.policies, policy_id, "practice policy")

    def approach(self, approach_id: str) -> KeyApproach:
        """The key approach with this id."""
        return _lookup(self.approaches, approach_id, "key approach")

    def principle(self, principle_id: str) -> Principle:
        """The principle with this id."""
        return _lookup(self.principles, principle_id, "principle")

    def security(self, security_id: str) -> Security:
        """The HDR 1994 security with this id."""
        return _lookup(self.securities, security_id, "security")

    def threats_by_pillar(self, pillar: str) -> tuple[Threat, ...]:
        """Threats on one side: ``"fear"`` or ``"want"``."""
        if pillar not in PILLARS:
            raise FrameworkError(
                f"unknown pillar {pillar!r}",
                hint="use 'fear' or 'want'. " + did_you_mean(pillar, PILLARS),
            )
        return tuple(t for t in self.threats if t.pillar == pillar)

    def threats_by_security(self, security: str) -> tuple[Threat, ...]:
        """Threats belonging to one of the seven HDR securities."""
        self.security(security)
        return tuple(t for t in self.threats if t.hdr_security == security)

    def cross_border_threats(self) -> tuple[Threat, ...]:
        """Threats flagged as crossing borders (the fourth practice policy's concern)."""
        return tuple(t for t in self.threats if t.cross_border)

    def pillar_of(self, threat_id: str) -> str:
        """``"fear"`` or ``"want"`` for a threat id."""
        return self.threat(threat_id).pillar

    def interlinkage_graph(self) -> dict[str, dict[str, int]]:
        """Signed adjacency: ``graph[source][target] = sign`` for every threat (all keys present).

        Threats without outgoing links map to an empty dict, so ``graph.keys()`` is the
        node set.
        """
        graph: dict[str, dict[str, int]] = {t.id: {} for t in self.threats}
        for link in self.interlinkages:
            graph[link.source][link.target] = link.sign
        return graph

    def interlinkage_matrix(self) -> pd.DataFrame:
        """Signed adjacency matrix A (rows = source, columns = target, A[s, t] ∈ {-1, 0, 1})."""
        import pandas as pd

        ids = list(self.threat_ids)
        matrix = pd.DataFrame(
            0,
            index=pd.Index(ids, name="source"),
            columns=pd.Index(ids, name="target"),
            dtype="int64",
        )
        for link in self.interlinkages:
            matrix.loc[link.source, link.target] = link.sign
        return matrix

    def downstream(self, threat_id: str, max_steps: int | None = None) -> dict[str, int]:
        """Threats reachable from ``threat_id`` along interlinkages, with the fewest links needed.

        A breadth-first search over the directed graph (signs ignored): the cascade a shock
        to one threat can set off, which is what makes overlapping threats a downside risk.
        The start threat itself is not included.
        """
        self.threat(threat_id)
        graph = self.interlinkage_graph()
        steps: dict[str, int] = {threat_id: 0}
        frontier = [threat_id]
        depth = 0
        while frontier and (max_steps is None or depth < max_steps):
            depth += 1
            frontier = [
                target for source in frontier for target in graph[source] if target not in steps
            ]
            frontier = list(dict.fromkeys(frontier))
            steps.update({target: depth for target in frontier})
        del steps[threat_id]
        return steps

    def cascade(self, threat_id: str, max_steps: int | None = None) -> pd.DataFrame:
        """How a shock to one threat spreads: one shortest path to every reachable threat.

        Breadth-first search from ``threat_id`` (links followed in file order, so the result
        is deterministic). Columns: ``threat``, ``pillar``, ``steps`` (links on the path),
        ``path`` (``"disasters -> poverty -> crime"``) and ``sign``, the product of the link
        signs along the path: +1 if the shock raises that threat, -1 if it lowers it. The
        sign belongs to that path; a longer path may push the other way (an economic crisis
        lowers environmental degradation directly but raises it through poverty).
        """
        import pandas as pd

        self.threat(threat_id)
        graph = self.interlinkage_graph()
        parent: dict[str, str | None] = {threat_id: None}
        order: list[str] = []
        frontier = [threat_id]
        depth = 0
        while frontier and (max_steps is None or depth < max_steps):
            depth += 1
            next_frontier: list[str] = []
            for source in frontier:
                for target in graph[source]:
                    if target not in parent:
                        parent[target] = source
                        next_frontier.append(target)
            order += next_frontier
            frontier = next_frontier
        rows = []
        for target in order:
            path = [target]
            sign = 1
            step: str | None = parent[target]
            while step is not None:
                sign *= graph[step][path[-1]]
                path.append(step)
                step = parent[step]
            path.reverse()
            rows.append(
                {
                    "threat": target,
                    "pillar": self.pillar_of(target),
                    "steps": len(path) - 1,
                    "path": " -> ".join(path),
                    "sign": sign,
                }
            )
        return pd.DataFrame(rows, columns=["threat", "pillar", "steps", "path", "sign"])

    def interlinkages_from(self, threat_id: str) -> tuple[Interlinkage, ...]:
        """Links leaving a threat."""
        self.threat(threat_id)
        return tuple(link for link in self.interlinkages if link.source == threat_id)

    def interlinkages_to(self, threat_id: str) -> tuple[Interlinkage, ...]:
        """Links arriving at a threat."""
        self.threat(threat_id)
        return tuple(link for link in self.interlinkages if link.target == threat_id)

    # --- integrity ----------------------------------------------------------------------------
    def integrity_problems(
        self, origins: dict[str, list[str]] | None = None
    ) -> list[tuple[str, str]]:
        """Every broken rule as ``(node, message)``: duplicate ids and unknown references."""
        return integrity_problems(self.to_dict(), origins)


def _entries(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(section)
    if not isinstance(value, (list, tuple)):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)]


def integrity_problems(
    data: dict[str, Any], origins: dict[str, list[str]] | None = None
) -> list[tuple[str, str]]:
    """Cross-entry rules on a plain framework dict, as ``(node, message)`` pairs.

    Works on unvalidated input too (entries of the wrong type are skipped), so that a file
    with both a bad field and a dangling reference gets both reported at once.
    """
    problems: list[tuple[str, str]] = []
    for section in ID_SECTIONS:
        seen: dict[Any, int] = {}
        for i, entry in _entries(data, section):
            key = entry.get("id")
            if key is None or not isinstance(key, str):
                continue
            if key in seen:
                first = _origin(origins, section, seen[key])
                problems.append(
                    (
                        f"{_origin(origins, section, i)}.id",
                        f"duplicate id {key!r} (first defined at {first})",
                    )
                )
            else:
                seen[key] = i
    threat_ids: list[str] = [
        e["id"] for _, e in _entries(data, "threats") if isinstance(e.get("id"), str)
    ]
    security_ids = {
        e["id"] for _, e in _entries(data, "securities") if isinstance(e.get("id"), str)
    }
    for i, threat in _entries(data, "threats"):
        security = threat.get("hdr_security")
        if security in HDR_SECURITIES and security not in security_ids:
            problems.append(
                (
                    f"{_origin(origins, 'threats', i)}.hdr_security",
                    f"security {security!r} is not listed under securities",
                )
            )
    for section in ("groups", "global_risks"):
        for i, entry in _entries(data, section):
            refs = entry.get("threats") or []
            for j, ref in enumerate(refs if isinstance(refs, (list, tuple)) else []):
                if isinstance(ref, str) and ref not in threat_ids:
                    problems.append(
                        (
                            f"{_origin(origins, section, i)}.threats[{j}]",
                            _unknown(ref, threat_ids, "threat"),
                        )
                    )
    seen_links: dict[tuple[Any, Any], int] = {}
    for i, link in _entries(data, "interlinkages"):
        node = _origin(origins, "interlinkages", i)
        for end in ("source", "target"):
            ref = link.get(end)
            if isinstance(ref, str) and ref not in threat_ids:
                problems.append((f"{node}.{end}", _unknown(ref, threat_ids, "threat")))
        source, target = link.get("source"), link.get("target")
        if not (isinstance(source, str) and isinstance(target, str)):
            continue  # a missing or non-text end is reported by field validation
        if source == target:
            problems.append((node, f"a threat cannot link to itself ({source!r})"))
        if (source, target) in seen_links:
            first = _origin(origins, "interlinkages", seen_links[(source, target)])
            problems.append((node, f"duplicate link {source} -> {target} (first at {first})"))
        else:
            seen_links[(source, target)] = i
    for section in ("policies", "approaches"):
        numbers: dict[Any, int] = {}
        for i, entry in _entries(data, section):
            number = entry.get("number")
            if not isinstance(number, int):
                continue
            if number in numbers:
                problems.append(
                    (
                        f"{_origin(origins, section, i)}.number",
                        f"number {number} is already used by "
                        f"{_origin(origins, section, numbers[number])}",
                    )
                )
            else:
                numbers[number] = i
    return problems


def _lookup(entries: Sequence[Any], wanted: str, kind: str) -> Any:
    for entry in entries:
        if entry.id == wanted:
            return entry
    ids = [e.id for e in entries]
    raise FrameworkError(
        _unknown(wanted, ids, kind),
        hint=f"known {kind} ids: {', '.join(ids)}",
    )


def _unknown(ref: str, known: Iterable[str], kind: str) -> str:
    suggestion = did_you_mean(str(ref), known)
    return f"unknown {kind} id {ref!r}" + (f"; {suggestion}" if suggestion else "")


def _node_name(loc: tuple[int | str, ...], origins: dict[str, list[str]] | None) -> str:
    """A pydantic location as a framework node, ``threats[3].pillar``; items that came from an
    extending file are named by their origin there."""
    parts = list(loc)
    node = ""
    if len(parts) >= 2 and isinstance(parts[0], str) and isinstance(parts[1], int):
        node = _origin(origins, parts[0], parts[1])
        parts = parts[2:]
    for part in parts:
        node += f"[{part}]" if isinstance(part, int) else (f".{part}" if node else str(part))
    return node



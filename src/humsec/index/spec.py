"""The index specification: a tree of indicators and aggregate nodes, loadable from YAML.

An :class:`IndexSpec` describes a composite indicator the way the OECD/JRC *Handbook on
Constructing Composite Indicators* (2008) lays out the steps, and the way COINr stores an
index framework: raw columns are optionally divided by a denominator, transformed, imputed,
treated for outliers and normalised into *indicators*; indicators and lower-level nodes are
aggregated into *nodes* up to a single root.

The tree is written as two flat lists (``indicators`` and ``nodes``) whose nodes name their
``children`` by code. Validation checks what a hand-written YAML file typically gets wrong:
duplicate codes, children that do not exist, a child with two parents, cycles, nodes that are
not reachable from the root, negative or all-zero weights, and a missing ``direction``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from humsec.errors import SpecError, did_you_mean
from humsec.index.expression import parse_expression
from humsec.specs import read_spec_mapping, validate_spec

Direction = Literal["higher_is_worse", "higher_is_better"]
Transform = Literal["none", "log", "log1p"]
Clip = Literal["none", "lower", "upper", "both"]
AggregationMethod = Literal[
    "arithmetic",
    "geometric",
    "harmonic",
    "generalised",
    "min",
    "max",
    "product",
    "inverted_geometric",
    "custom",
]
NormalisationMethod = Literal[
    "none",
    "minmax",
    "zscore",
    "rank",
    "percentile",
    "distance_to_reference",
    "distance_to_target",
    "goalposts",
]
TreatmentMethod = Literal["none", "winsorise", "percentile_caps"]
#: The construction choices an uncertainty analysis can vary (``humsec.index.uncertainty``); kept
#: here, with the spec they vary, so the command line can list them without loading the engine.
FACTORS = ("weights", "normalisation", "aggregation", "imputation", "drop_one")
ImputationMethod = Literal[
    "none", "mean", "median", "group_mean", "group_median", "latest", "regression"
]


class _Strict(BaseModel):
    # allow_inf_nan=False: an infinite or NaN weight, bound, range or offset is a spec error
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Normalisation(_Strict):
    """How an indicator is put on a common scale (see :mod:`humsec.index.normalisation`).

    Bounds (``minimum``, ``maximum``, ``lower``, ``upper``, ``reference``, ``target``, ``worst``)
    are written in the indicator's *raw* units; the indicator's transform (log, log1p) is
    applied to them too, so the HDI income goalposts read 100 and 75,000 dollars.
    """

    method: NormalisationMethod = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    minimum: float | None = None
    maximum: float | None = None
    lower: float | None = None
    upper: float | None = None
    clip: Clip = "both"
    mean: float = 0.0
    sd: float = 1.0
    reference: float | None = None
    target: float | None = None
    worst: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Normalisation:
        lo, hi = self.range
        if not hi > lo:
            raise ValueError(f"range must be increasing, got {list(self.range)}")
        if not math.isfinite(hi - lo):
            raise ValueError(f"range {list(self.range)} is too wide: its span overflows")
        if self.method == "goalposts" and (self.lower is None or self.upper is None):
            raise ValueError("goalposts need both 'lower' and 'upper'")
        if self.method == "goalposts" and not self.upper > self.lower:  # type: ignore[operator]
            raise ValueError(f"goalposts need lower < upper, got {self.lower}, {self.upper}")
        if self.method == "distance_to_reference" and not self.reference:
            raise ValueError("distance_to_reference needs a non-zero 'reference'")
        if self.method == "distance_to_target" and self.target is None:
            raise ValueError("distance_to_target needs a 'target'")
        if self.sd <= 0:
            raise ValueError("z-score 'sd' must be positive")
        return self


class Treatment(_Strict):
    """Outlier treatment (see :mod:`humsec.index.outlier_treatment`)."""

    method: TreatmentMethod = "none"
    winmax: int = Field(5, ge=0)
    skew_threshold: float = Field(2.0, gt=0)
    kurtosis_threshold: float = 3.5
    fallback: Literal["log", "none"] = "log"
    lower_percentile: float = Field(0.05, ge=0, le=1)
    upper_percentile: float = Field(0.95, ge=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> Treatment:
        if self.lower_percentile >= self.upper_percentile:
            raise ValueError("lower_percentile must be below upper_percentile")
        return self


class Imputation(_Strict):
    """Missing-value imputation (see :mod:`humsec.index.imputation`).

    With ``method: latest`` a ``fallback`` (mean, median, group mean/median) can fill what is
    still missing after carrying values forward.
    """

    method: ImputationMethod = "none"
    by: str | None = None
    lag: int = Field(3, ge=0)
    predictors: list[str] = Field(default_factory=list)
    fallback: Literal["none", "mean", "median", "group_mean", "group_median"] = "none"

    @model_validator(mode="after")
    def _check(self) -> Imputation:
        if self.fallback != "none" and self.method != "latest":
            raise ValueError("'fallback' applies only after method 'latest'")
        grouped = ("group_mean", "group_median")
        if (self.method in grouped or self.fallback in grouped) and not self.by:
            raise ValueError(f"imputation {self.method!r} needs 'by' (the grouping column)")
        if self.method == "regression" and not self.predictors:
            raise ValueError("regression imputation needs 'predictors' (other indicator codes)")
        return self


class IndicatorSpec(_Strict):
    """One indicator: a data column turned into a normalised score.

    ``direction`` is required: ``higher_is_worse`` or ``higher_is_better``. It is compared with
    the index ``orientation``; where they differ, normalisation reverses the scale.
    """

    code: str
    name: str | None = None
    column: str | None = None
    direction: Direction
    unit: str | None = None
    denominator: str | None = None
    denominator_scale: float = 1.0
    transform: Transform = "none"
    treatment: Treatment = Field(default_factory=Treatment)
    imputation: Imputation = Field(default_factory=Imputation)
    normalisation: Normalisation = Field(default_factory=lambda: Normalisation(method="none"))
    weight: float = 1.0
    threats: list[str] = Field(default_factory=list)

    @property
    def source_column(self) -> str:
        """The data column read for this indicator (``column``, else the code)."""
        return self.column or self.code


class NodeSpec(_Strict):
    """An aggregate node: a weighted combination of its children (indicators or nodes).

    ``min_coverage`` is the share of children (by count) that must be present; below it the
    node is missing rather than computed from too little. ``missing`` says what happens to a
    missing child: ``renormalise`` (INFORM's rule: drop it and rescale the other weights) or
    ``propagate`` (the node is missing). ``nonpositive`` says what a geometric-type mean does
    with a value <= 0: ``error`` (default), ``offset`` (add ``offset`` before, subtract after)
    or ``zero`` (a zero child gives exactly 0, the product's own value). ``undefined`` says
    what a custom expression that divides by zero or overflows gives for a unit: an ``error``
    (default) or ``missing`` (counted in the build's notes). ``decimals`` overrides the
    index's display decimals for this node (ND-GAIN shows GAIN to 1 decimal, its pillars to 3).
    """

    code: str
    name: str | None = None
    children: list[str]
    method: AggregationMethod = "arithmetic"
    weights: dict[str, float] | None = None
    weight: float = 1.0
    p: float | None = None
    expression: str | None = None
    ceiling: float | None = None
    min_coverage: float = Field(0.0, ge=0, le=1)
    missing: Literal["renormalise", "propagate"] = "renormalise"
    nonpositive: Literal["error", "offset", "zero"] = "error"
    offset: float = 1.0
    round: int | None = None
    undefined: Literal["error", "missing"] = "error"
    decimals: int | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _check(self) -> NodeSpec:
        if not self.children:
            raise ValueError("a node needs at least one child")
        if self.method == "generalised" and self.p is None:
            raise ValueError("a generalised mean needs the power 'p'")
        if self.method == "custom" and not self.expression:
            raise ValueError("a custom node needs an 'expression'")
        return self


class ClassBins(_Strict):
    """Classes for one node: left-closed bins ``breaks[i-1] <= x < breaks[i]`` (INFORM's)."""

    node: str | None = None
    breaks: list[float]
    labels: list[str]

    @model_validator(mode="after")
    def _check(self) -> ClassBins:
        if len(self.labels) != len(self.breaks) + 1:
            raise ValueError(
                f"{len(self.breaks)} breaks need {len(self.breaks) + 1} labels, "
                f"got {len(self.labels)}"
            )
        if any(b2 <= b1 for b1, b2 in zip(self.breaks, self.breaks[1:], strict=False)):
            raise ValueError(f"breaks must be increasing, got {self.breaks}")
        return self


class IndexSpec(_Strict):
    """A composite index: indicators, aggregate nodes, a root, orientation, scale and classes.

    ``orientation`` says what a high root score means (``higher_is_worse`` for a risk index
    such as INFORM, ``higher_is_better`` for the HDI). ``scale`` is the nominal range of
    normalised scores, used by the inverted geometric mean (ceiling = scale max + 1) and by
    the alternative normalisations of the uncertainty analysis. ``unit`` and ``time`` name the
    unit and year columns (or index levels) of panel data. ``nonfinite`` says what an infinite
    data value is: an ``error`` (default) or ``missing`` (counted in ``result.missing``).
    ``decimals`` is how many decimals the index's scores are shown with in tables (INFORM
    publishes 1, the HDI 3); the computed values are never rounded by it.
    """

    code: str
    name: str | None = None
    description: str | None = None
    source: str | None = None
    orientation: Direction = "higher_is_worse"
    scale: tuple[float, float] = (0.0, 100.0)
    root: str
    indicators: list[IndicatorSpec]
    nodes: list[NodeSpec]
    classes: list[ClassBins] = Field(default_factory=list)
    unit: str = "iso3"
    time: str = "year"
    nonfinite: Literal["error", "missing"] = "error"
    decimals: int = Field(2, ge=0, le=10)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("indicators")
    @classmethod
    def _some_indicators(cls, value: list[IndicatorSpec]) -> list[IndicatorSpec]:
        if not value:
            raise ValueError("an index needs at least one indicator")
        return value

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "index spec") -> IndexSpec:
        """Validate a mapping (e.g. parsed YAML) into a spec; errors become :class:`SpecError`."""
        spec = validate_spec(
            cls, data, kind="index spec", location=source,
            hint="see docs/index-engine.md for the spec fields",
        )  # fmt: skip
        spec.check_tree(source=source)
        return spec

    @classmethod
    def from_yaml(cls, path: str | Path) -> IndexSpec:
        """Load and validate a spec from a YAML file."""
        data = read_spec_mapping(
            path,
            kind="index spec",
            hint="give the path of a YAML spec, or a preset name (humsec index presets)",
        )
        return cls.from_dict(data, source=str(path))

    def to_yaml(self) -> str:
        """The spec as YAML text (a user can copy a preset this way and edit it)."""
        return yaml.safe_dump(self.model_dump(mode="json", exclude_defaults=True), sort_keys=False)

    # -- tree checks ----------------------------------------------------------------------

    def check_tree(self, *, source: str = "index spec") -> None:
        """Raise :class:`SpecError` for duplicate codes, unknown children, second parents,
        cycles, unreachable nodes, bad weights and unknown expression names."""
        codes: dict[str, str] = {}
        for kind, items in (("indicator", self.indicators), ("node", self.nodes)):
            for item in items:
                if item.code in codes:
                    raise SpecError(
                        f"duplicate code {item.code!r} (used by an {codes[item.code]} and "
                        f"a {kind})",
                        location=f"{source}: {kind} {item.code!r}",
                        hint="every indicator and node needs its own code",
                    )
                codes[item.code] = kind
        if self.root not in codes or codes[self.root] != "node":
            raise SpecError(
                f"root {self.root!r} is not one of the nodes",
                location=f"{source}: root",
                hint=did_you_mean(self.root, [n.code for n in self.nodes])
                or "name an aggregate node as root",
            )
        parent: dict[str, str] = {}
        for node in self.nodes:
            if len(set(node.children)) != len(node.children):
                raise SpecError(
                    "a child is listed twice",
                    location=f"{source}: node {node.code!r}",
                    hint="list each child once; use weights to count it more",
                )
            for child in node.children:
                if child not in codes:
                    raise SpecError(
                        f"child {child!r} is neither an indicator nor a node",
                        location=f"{source}: node {node.code!r}",
                        hint=did_you_mean(child, codes) or "add it under indicators or nodes",
                    )
                if child in parent:
                    raise SpecError(
                        f"{child!r} has two parents ({parent[child]!r} and {node.code!r})",
                        location=f"{source}: node {node.code!r}",
                        hint="an index is a tree: each indicator or node belongs to one parent",
                    )
                parent[child] = node.code
            self._check_weights(node, source)
        # cycles: walk up from every node; a tree never comes back to where it started
        for code in codes:
            seen = [code]
            current = code
            while current in parent:
                current = parent[current]
                if current in seen:
                    cycle = " -> ".join([*seen[seen.index(current) :], current])
                    raise SpecError(
                        f"the tree has a cycle: {cycle}",
                        location=f"{source}: node {current!r}",
                        hint="a node cannot be its own descendant",
                    )
                seen.append(current)
        if self.root in parent:
            raise SpecError(
                f"root {self.root!r} is also a child of {parent[self.root]!r}",
                location=f"{source}: root",
            )
        unreachable = [c for c in codes if c != self.root and c not in parent]
        if unreachable:
            raise SpecError(
                f"not reachable from root {self.root!r}: {', '.join(unreachable)}",
                location=f"{source}: nodes",
                hint="list them as children of a node, or remove them",
            )
        for bins in self.classes:
            if bins.node is not None and bins.node not in codes:
                raise SpecError(
                    f"classes refer to unknown node {bins.node!r}",
                    location=f"{source}: classes",
                    hint=did_you_mean(bins.node, codes),
                )
        for indicator in self.indicators:
            for name in indicator.imputation.predictors:
                if name not in codes or codes[name] != "indicator" or name == indicator.code:
                    raise SpecError(
                        f"regression predictor {name!r} is not another indicator",
                        location=f"{source}: indicator {indicator.code!r}",
                        hint=did_you_mean(name, [i.code for i in self.indicators]),
                    )
            if indicator.weight < 0:
                raise SpecError(
                    f"negative weight {indicator.weight}",
                    location=f"{source}: indicator {indicator.code!r}",
                    hint="weights must be >= 0",
                )
        for node in self.nodes:
            if node.method == "custom":
                parse_expression(
                    node.expression or "", node.children, location=f"{source}: node {node.code!r}"
                )

    def _check_weights(self, node: NodeSpec, source: str) -> None:
        if node.weights is not None:
            unknown = set(node.weights) - set(node.children)
            if unknown:
                name = sorted(unknown)[0]
                raise SpecError(
                    f"weight given for {name!r}, which is not a child",
                    location=f"{source}: node {node.code!r} weights",
                    hint=did_you_mean(name, node.children) or f"children: {node.children}",
                )
        weights = self.child_weights(node)
        bad = {k: w for k, w in weights.items() if w < 0}
        if bad:
            raise SpecError(
                f"negative weight(s): {bad}",
                location=f"{source}: node {node.code!r} weights",
                hint="weights must be >= 0",
            )
        if not math.isfinite(sum(weights.values())):
            raise SpecError(
                "the weights sum to more than the largest floating-point number",
                location=f"{source}: node {node.code!r} weights",
                hint="use relative weights of a sensible size, e.g. 1, 2, 0.5",
            )
        if node.method != "custom" and sum(weights.values()) <= 0:
            raise SpecError(
                "all weights are zero",
                location=f"{source}: node {node.code!r} weights",
                hint="give at least one child a positive weight",
            )

    # -- queries -------------------------------------------------------------------------

    def child_weights(self, node: NodeSpec) -> dict[str, float]:
        """Nominal weights of a node's children: ``node.weights`` overrides each child's own
        ``weight`` field (default 1)."""
        own = {i.code: i.weight for i in self.indicators} | {n.code: n.weight for n in self.nodes}
        given = node.weights or {}
        return {c: float(given.get(c, own.get(c, 1.0))) for c in node.children}

    @property
    def indicator_codes(self) -> list[str]:
        """Indicator codes in spec order."""
        return [i.code for i in self.indicators]

    def indicator(self, code: str) -> IndicatorSpec:
        """The indicator with this code."""
        for item in self.indicators:
            if item.code == code:
                return item
        raise SpecError(
            f"no indicator {code!r}",
            location=f"index spec {self.code!r}",
            hint=did_you_mean(code, self.indicator_codes),
        )

    def node(self, code: str) -> NodeSpec:
        """The aggregate node with this code."""
        for item in self.nodes:
            if item.code == code:
                return item
        raise SpecError(
            f"no node {code!r}",
            location=f"index spec {self.code!r}",
            hint=did_you_mean(code, [n.code for n in self.nodes]),
        )

    def is_indicator(self, code: str) -> bool:
        """True if ``code`` is an indicator (a leaf)."""
        return any(i.code == code for i in self.indicators)

    def bottom_up(self) -> list[NodeSpec]:
        """Aggregate nodes ordered so that every node comes after all of its child nodes."""
        ordered: list[NodeSpec] = []
        done: set[str] = set(self.indicator_codes)

        def visit(code: str) -> None:
            if code in done:
                return
            node = self.node(code)
            for child in node.children:
                visit(child)
            done.add(code)
            ordered.append(node)

        visit(self.root)
        return ordered

    def top_down(self) -> list[NodeSpec]:
        """Aggregate nodes from the root down, level by level (breadth first)."""
        ordered: list[NodeSpec] = []
        queue = [self.root]
        while queue:
            code = queue.pop(0)
            if self.is_indicator(code):
                continue
            node = self.node(code)
            ordered.append(node)
            queue.extend(node.children)
        return ordered

    def leaves_under(self, code: str) -> list[str]:
        """Indicator codes below ``code`` (itself if it is an indicator)."""
        if self.is_indicator(code):
            return [code]
        out: list[str] = []
        for child in self.node(code).children:
            out.extend(self.leaves_under(child))
        return out

    def path_to(self, code: str) -> list[str]:
        """Codes from the root down to ``code``."""
        parents = {c: n.code for n in self.nodes for c in n.children}
        path = [code]
        while path[-1] in parents:
            path.append(parents[path[-1]])
        return list(reversed(path))

    def level_of(self, code: str) -> int:
        """Depth below the root (root = 0)."""
        return len(self.path_to(code)) - 1

    def display_decimals(self, code: str) -> int:
        """Decimals to show ``code``'s scores with: the node's ``decimals``, else the
        index's (indicators: the index's)."""
        for node in self.nodes:
            if node.code == code and node.decimals is not None:
                return node.decimals
        return self.decimals

    def iter_classes(self) -> Iterator[tuple[str, ClassBins]]:
        """(node code, bins) for every class definition; the default node is the root."""
        for bins in self.classes:
            yield (bins.node or self.root), bins



"""The deprivation measure specification and the survey design, as data.

A :class:`DeprivationSpec` says which indicators count, how each raw variable is turned into a
0/1 deprivation (its *deprivation cutoff*), the indicator weights (nested equal by default:
each dimension gets 1/D and shares it equally among its indicators, as the global MPI does),
whether an indicator measures fear or want (and which framework threat), and the poverty
cutoff(s) ``k``. A person is poor when the weighted deprivation score ``c >= k`` (compared with
a 1e-9 tolerance, Alkire and Foster 2011; OPHI mpitb conventions).

A :class:`SurveyDesign` names the weight, stratum and PSU columns of a stratified cluster
design with PSUs drawn with replacement (R ``svydesign(id=~psu, strata=~stratum,
weights=~w)``), and how single-PSU strata are treated (R ``options(survey.lonely.psu=...)``).
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from humsec.errors import HumsecWarning, SpecError
from humsec.specs import SpecModel, load_yaml, read_spec_mapping

__all__ = ["Cutoff", "DeprivationSpec", "Indicator", "SurveyDesign", "parse_k"]

#: Tolerance of the poverty comparison c >= k - TOLERANCE (floating sums such as 1/6 + 1/6).
TOLERANCE = 1e-9

_OPS = ("<", "<=", ">", ">=", "==", "!=")
_CUTOFF_RE = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(-?[0-9.eE+-]+)\s*$")


class Cutoff(BaseModel):
    """A deprivation cutoff on a raw variable.

    Either a comparison (``op`` and ``value``: the person is deprived when ``x op value``, e.g.
    ``years_schooling < 6``) or a set of categories (``categories``: deprived when ``x`` is one
    of them, e.g. unimproved water sources). ``Cutoff.parse("< 6")`` reads the short form.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    op: Literal["<", "<=", ">", ">=", "==", "!="] | None = None
    value: float | None = None
    categories: list[str | int | float] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Cutoff:
        comparison = self.op is not None or self.value is not None
        if comparison and self.categories is not None:
            raise ValueError("give either op/value or categories, not both")
        if comparison and (self.op is None or self.value is None):
            raise ValueError("a comparison cutoff needs both op and value, e.g. '< 6'")
        if not comparison and not self.categories:
            raise ValueError("a cutoff needs op/value (e.g. '< 6') or a non-empty categories list")
        return self

    @classmethod
    def parse(cls, text: str) -> Cutoff:
        """Read ``"< 6"``, ``">= 2"``, ``"== 1"`` and similar."""
        match = _CUTOFF_RE.match(text)
        if not match:
            raise ValueError(
                f"cannot read cutoff {text!r}; write e.g. '< 6' or give categories: [..]"
            )
        return cls(op=match.group(1), value=float(match.group(2)))

    def describe(self) -> str:
        """Human-readable form, e.g. ``< 6`` or ``in {'river', 'pond'}``."""
        if self.categories is not None:
            return "in {" + ", ".join(repr(c) for c in self.categories) + "}"
        return f"{self.op} {self.value:g}"


class Indicator(BaseModel):
    """One deprivation indicator.

    ``column`` is the data column (defaults to ``name``); with no ``cutoff`` the column must
    already hold 0/1 deprivations. ``weight`` is optional: missing weights are filled nested-equal.
    ``pillar`` is ``"want"`` or ``"fear"``; ``threat`` is a framework threat id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    column: str | None = None
    weight: float | None = Field(default=None, gt=0)
    dimension: str | None = None
    pillar: Literal["want", "fear"] = "want"
    threat: str | None = None
    cutoff: Cutoff | None = None
    label: str | None = None

    @field_validator("cutoff", mode="before")
    @classmethod
    def _parse_cutoff(cls, value: Any) -> Any:
        if isinstance(value, str):
            return Cutoff.parse(value)
        if isinstance(value, list):
            return Cutoff(categories=value)
        return value

    @property
    def source(self) -> str:
        """The data column read for this indicator."""
        return self.column or self.name


def parse_k(value: float | str) -> float:
    """Read a poverty cutoff given as a fraction in (0, 1] or as a whole percent, as mpitb's
    ``klist`` states it.

    The two forms are told apart without guessing: a number in (0, 1] is a fraction
    (``parse_k(0.33) == 0.33``, ``parse_k(1) == 1.0``); a whole number from 2 to 100, or any
    whole number followed by ``%``, is a percent (``parse_k(33) == parse_k("33%") == 0.33``).
    Everything else (``1.5``, ``0``, ``-1``, ``250``, ``33.5``, NaN) is a :class:`SpecError`
    naming both forms, so that ``1.5`` never silently means 1.5 %.
    """
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        number = math.nan
    fraction = not percent and 0 < number <= 1
    whole = math.isfinite(number) and number == round(number)
    if fraction:
        return number
    if whole and 0 < number <= 100 and (percent or number > 1):
        return number / 100.0
    raise SpecError(
        f"poverty cutoff k={value!r} is outside (0, 1] and is not a whole percent in 1..100",
        location="k",
        hint="give k as a fraction in (0, 1] such as 0.33, or as a whole percent such as 33 "
        "(or '33%'); 1/3 is the global-MPI cutoff",
    )


class DeprivationSpec(SpecModel):
    """An Alkire-Foster deprivation measure: indicators, weights, cutoffs k, subgroups.

    Build it in Python, ``DeprivationSpec(indicators={"d_nutr": 1/6, ...}, k=0.33)``, from a
    list of :class:`Indicator` (or dicts), or from YAML with :meth:`from_yaml`.

    Weights (Alkire and Foster 2011): the deprivation score of person i is
    ``c_i = sum_j w_j * g_ij`` with ``sum_j w_j = 1``. Missing weights are nested equal:
    ``w_j = 1 / (D * n_d)`` for indicator j in dimension d of D dimensions with n_d indicators
    (equal ``1/J`` when no dimensions are named). Given weights that do not sum to 1 are an
    error, unless ``normalise_weights=True`` (then they are rescaled with a warning).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = "deprivation"
    description: str = ""
    indicators: list[Indicator]
    k: list[float] = Field(default_factory=lambda: [1 / 3])
    by: list[str] = Field(default_factory=list)
    missing: Literal["listwise", "nondeprived"] = "listwise"
    normalise_weights: bool = False
    want_k: float | None = None
    fear_k: float | None = None

    spec_kind: ClassVar[str] = "deprivation spec"
    spec_hint: ClassVar[str | None] = "see docs/deprivation.md for the spec fields"

    @field_validator("indicators", mode="before")
    @classmethod
    def _indicators_from_mapping(cls, value: Any) -> Any:
        if isinstance(value, dict):
            out = []
            for name, item in value.items():
                if isinstance(item, dict):
                    out.append({"name": name, **item})
                else:
                    out.append({"name": name, "weight": item})
            return out
        return value

    @field_validator("k", mode="before")
    @classmethod
    def _k_list(cls, value: Any) -> Any:
        # One rule for the CLI's --k, YAML and Python: fractions in (0, 1] or whole percents.
        values = value if isinstance(value, list | tuple) else [value]
        out = []
        for v in values:
            try:
                out.append(parse_k(v))
            except SpecError as exc:
                raise ValueError(f"{exc.message}; {exc.hint}") from None
        return out

    @field_validator("want_k", "fear_k")
    @classmethod
    def _pillar_k(cls, value: float | None) -> float | None:
        if value is None:
            return None
        try:
            return parse_k(value)
        except SpecError as exc:
            raise ValueError(f"pillar {exc.message}; {exc.hint}") from None

    @model_validator(mode="after")
    def _weights(self) -> DeprivationSpec:
        if not self.indicators:
            raise ValueError("a deprivation spec needs at least one indicator")
        names = [i.name for i in self.indicators]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"indicator names must be unique; repeated: {dupes}")
        given = [i.weight for i in self.indicators]
        if all(w is None for w in given):
            self.indicators = _nested_equal(self.indicators)
        elif any(w is None for w in given):
            raise ValueError(
                "either give a weight to every indicator or to none (then they are nested equal)"
            )
        total = sum(float(i.weight or 0.0) for i in self.indicators)
        if abs(total - 1.0) > 1e-6:
            if not self.normalise_weights:
                raise ValueError(
                    f"indicator weights sum to {total:.6g}, not 1; fix them, or set "
                    "normalise_weights: true to rescale them"
                )
            warnings.warn(
                f"indicator weights summed to {total:.6g}; rescaled to sum to 1",
                HumsecWarning,
                stacklevel=2,
            )
            self.indicators = [
                i.model_copy(update={"weight": float(i.weight or 0.0) / total})
                for i in self.indicators
            ]
        return self

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, source: str | Path) -> DeprivationSpec:
        """Load a spec from a YAML file path or YAML text.

        The YAML holds the same fields as the constructor; ``indicators`` is a list of mappings
        (``name, column, weight, dimension, pillar, threat, cutoff``) or a mapping name -> weight.
        """
        is_path = isinstance(source, Path) or (
            "\n" not in source and source.strip().endswith((".yaml", ".yml"))
        )
        hint = "check the path, or start from the bundled humsec/deprivation/specs/*.yaml"
        if is_path:
            location = str(source)
            raw = read_spec_mapping(source, kind="deprivation spec", hint=hint)
        else:
            location = "deprivation spec"
            raw = load_yaml(str(source), source=location)
            if not isinstance(raw, dict):
                raise SpecError(
                    "a deprivation spec must be a YAML mapping with an 'indicators' key",
                    location=location,
                    hint=hint,
                )
        try:
            return cls(**raw)
        except SpecError as exc:
            raise SpecError(exc.message, location=location, hint=exc.hint) from None

    # -- views ----------------------------------------------------------------------------------
    @property
    def weights(self) -> dict[str, float]:
        """Indicator name -> weight (summing to 1)."""
        return {i.name: float(i.weight or 0.0) for i in self.indicators}

    @property
    def names(self) -> list[str]:
        """Indicator names in spec order."""
        return [i.name for i in self.indicators]

    def pillar_indicators(self, pillar: Literal["want", "fear"]) -> list[Indicator]:
        """The indicators tagged with ``pillar``."""
        return [i for i in self.indicators if i.pillar == pillar]

    def with_k(self, k: float | list[float]) -> DeprivationSpec:
        """A copy with other poverty cutoff(s)."""
        return DeprivationSpec(**{**self.model_dump(), "k": k})


def _nested_equal(indicators: list[Indicator]) -> list[Indicator]:
    dims: dict[str, int] = {}
    for ind in indicators:
        key = ind.dimension or ind.name if any(i.dimension for i in indicators) else ""
        dims[key] = dims.get(key, 0) + 1
    n_dims = len(dims)
    out = []
    for ind in indicators:
        key = ind.dimension or ind.name if any(i.dimension for i in indicators) else ""
        out.append(ind.model_copy(update={"weight": 1.0 / (n_dims * dims[key])}))
    return out


class SurveyDesign(SpecModel):
    """A stratified cluster design, PSUs with replacement (R ``svydesign(id=~psu, strata=~s,
    weights=~w)``; Stata ``svyset psu [pw=w], strata(s)``).

    Any part may be omitted: no ``psu`` means every row is its own PSU, no ``strata`` one stratum,
    no ``weight`` equal weights. ``lonely_psu`` follows R's ``survey.lonely.psu``: ``fail`` (the
    default, an error), ``certainty`` or ``remove`` (the stratum adds no variance; R tells them
    apart only in multistage designs), ``adjust`` (centre the lone PSU at the grand mean of PSU
    totals) or ``average`` (scale the variance up by H_d / (H_d - L_d), the strata holding the
    estimate's domain and the lonely ones among them, as R's ``svyby``). ``nest=True`` treats
    PSU ids as labels within strata (R's ``nest=TRUE``); otherwise a PSU id that appears in two
    strata is an error.
    ``id`` names the column (or the columns together, e.g. ``["hhid", "line"]``) that
    identify one row, a person or a household: duplicate ids are then an error naming the rows.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    spec_kind: ClassVar[str] = "survey design"
    spec_hint: ClassVar[str | None] = (
        "name the design columns (weight, strata, psu) and a lonely_psu rule"
    )

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    lonely_psu: Literal["fail", "certainty", "remove", "adjust", "average"] = "fail"
    nest: bool = False
    id: str | list[str] | None = None

    @property
    def columns(self) -> list[str]:
        """The design columns named (weight, strata, PSU)."""
        return [c for c in (self.weight, self.strata, self.psu) if c is not None]

    @property
    def id_columns(self) -> list[str]:
        """The columns that identify a row (empty: no id given)."""
        if self.id is None:
            return []
        return [self.id] if isinstance(self.id, str) else list(self.id)

"""The portfolio plan's options, defined once for every way in.

``humsec programme plan`` (its flags), ``humsec.yaml``'s ``plan:`` section and the API's
``POST /portfolio-plans`` body all validate :class:`PlanOptions` and solve it with
:func:`solve_portfolio`, so the same options give the same plan whichever way they come, and a
bad option gets the same message, named as the user wrote it (``plan.gap`` in humsec.yaml,
``body.gap`` in the API, ``--gap`` in the CLI): every option's check raises its own message
(``must be a number from 0 to 0.5 …; got -1``), never a library's.

Defaults, and why:

- ``gap = 1e-4``: HiGHS's own default ``mip_rel_gap`` (1e-4). A planner defending a budget
  wants the optimum, and a plan solved with the solver's default equals what any HiGHS-based
  tool returns on the same model; a looser gap (0.01) is a choice to make explicitly for very
  large problems (the 2,000-candidate benchmark sets it). ``time_limit`` (60 s) bounds the
  search either way, and the plan reports the bound and gap it reached.
- ``alternatives = 3``, ``min_difference = 2``: near-optimal but different portfolios are what
  planners negotiate with (issue 11), so a few come by default.
- ``frontier = 6``: the efficient frontier is solved at total amounts. Both forms are useful,
  in one field: a **count** ``n`` (an interface's slider, a quick look) gives ``n`` amounts
  evenly spaced from ``1.5/n`` to 1.5 times the total budget (6: 25 %, 50 %, …, 150 %), the
  range a budget discussion moves in; a **list** gives the total amounts a planner asks about
  (``[2e7, 4e7]``). ``0`` or ``[]``: no frontier.
- ``aversion = 0`` (the plain weighted sum; up to 10, beyond which Atkinson's welfare is
  practically maximin), every constraint off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from humsec.errors import DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

    from humsec.framework import Framework
    from humsec.programme.plan import Budget, Plan

#: The CLI flag of each option (``humsec programme plan``).
OPTION_FLAGS: dict[str, str] = {
    "budget": "--budget",
    "budgets": "--budget",
    "one_per_area": "--one-per-area",
    "aversion": "--aversion",
    "cover_fear_and_want": "--cover-fear-and-want",
    "min_empowerment_share": "--min-empowerment-share",
    "high_risk_areas": "--high-risk-areas",
    "gap": "--gap",
    "time_limit": "--time-limit",
    "alternatives": "--alternatives",
    "min_difference": "--min-difference",
    "frontier": "--frontier",
}
FRONTIER_SPAN = 1.5
"""A frontier count spans up to this multiple of the total budget."""


def _invalid(text: str, value: Any) -> PydanticCustomError:
    # type "value_error": the message is shown as written, in every interface; a number is
    # shown as %g so that -1 from YAML or JSON and -1.0 from a CLI flag read the same
    shown = (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else repr(value)
    )
    return PydanticCustomError("value_error", "{message}", {"message": f"{text}; got {shown}"})


def _real(value: Any, text: str) -> float:
    if isinstance(value, bool):
        raise _invalid(text, value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _invalid(text, value) from None
    if not math.isfinite(number):
        raise _invalid(text, value)
    return number


def _number(
    low: float, high: float | None, meaning: str, *, above: bool = False, whole: bool = False
) -> Callable[[Any], Any]:
    """A check that the value is a number in ``[low, high]`` (``(low, high]`` if ``above``)."""
    kind = "a whole number" if whole else "a number"
    if above:
        span = f"above {low:g}" + (f" and at most {high:g}" if high is not None else "")
    else:
        span = f"from {low:g}" + (f" to {high:g}" if high is not None else " up")
    text = f"must be {kind} {span} ({meaning})"

    def check(value: Any) -> Any:
        if value is None:
            return None
        number = _real(value, text)
        if whole and number != int(number):
            raise _invalid(text, value)
        if number < low or (above and number == low) or (high is not None and number > high):
            raise _invalid(text, value)
        return int(number) if whole else number

    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _invalid("must be true or false", value)
    return value


def _areas(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _invalid("must be a list of area p-codes", value)
    items = list(value)
    if not all(isinstance(a, str) and a.strip() for a in items):
        raise _invalid("must be a list of area p-codes", value)
    return [a.strip() for a in items]


def _frontier(value: Any) -> int | list[float]:
    text = (
        "must be a count of points from 0 to 100 (spanning up to 1.5 times the total "
        "budget) or a list of at most 100 positive total amounts"
    )
    if isinstance(value, bool) or value is None:
        raise _invalid(text, value)
    if isinstance(value, int | float):
        if not math.isfinite(value) or value != int(value) or not 0 <= value <= 100:
            raise _invalid(text, value)
        return int(value)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _invalid(text, value)
    amounts = list(value)
    if len(amounts) > 100:
        raise _invalid(text, f"{len(amounts)} amounts")
    out = []
    for amount in amounts:
        number = _real(amount, text)
        if number <= 0:
            raise _invalid(text, value)
        out.append(number)
    return out


Amount = Annotated[
    float, BeforeValidator(_number(0, None, "an amount of money", above=True)), Field(gt=0)
]
Flag = Annotated[bool, BeforeValidator(_flag)]


def _restated(error: ValidationError) -> ValidationError:
    """``error`` with each unknown key said in the plan's words (``unknown option 'gapp'
    (did you mean 'gap'?); the options are …``), the same in humsec.yaml and the API; every
    other message kept as it is."""
    details: list[InitErrorDetails] = []
    for item in error.errors():
        message = str(item.get("msg", "invalid value"))
        kind = str(item.get("type", "value_error"))
        loc = tuple(item.get("loc", ()))
        if kind == "extra_forbidden" and loc:
            inner = PlanBudget if "budgets" in loc[:-1] else PlanOptions
            allowed = list(inner.model_fields)
            tip = did_you_mean(str(loc[-1]), allowed)
            what = "budget field" if inner is PlanBudget else "option"
            message = (
                f"unknown {what} {str(loc[-1])!r}"
                + (f" ({tip})" if tip else "")
                + f"; the {what}s are {', '.join(allowed)}"
            )
            kind = "value_error"
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(kind, "{message}", {"message": message}),
                loc=loc,
                input=item.get("input"),
            )
        )
    return ValidationError.from_exception_data(error.title, details)


class PlanBudget(BaseModel):
    """A fund of the plan: its ``amount``, the areas it may pay for (every area if left out),
    as earmarked funds are, and an optional ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Amount
    areas: Annotated[list[str] | None, BeforeValidator(_areas)] = None
    name: str | None = Field(None, max_length=100)


class PlanOptions(BaseModel):
    """The options of :func:`humsec.programme.plan` with its frontier and alternatives, for
    every interface (module docstring: the defaults and why).

    ``budget`` is one fund for every area, ``budgets`` several (earmarked) funds; both may be
    given (the single one comes first).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: Annotated[
        Annotated[float, Field(gt=0)] | None,
        BeforeValidator(_number(0, None, "an amount of money", above=True)),
        Field(description="one fund for every area"),
    ] = None
    budgets: list[PlanBudget] = Field(
        default_factory=list, max_length=50, description="funds, each with the areas it may pay for"
    )
    one_per_area: Flag = Field(False, description="at most one package per area")
    aversion: Annotated[
        float,
        BeforeValidator(_number(0, 10, "inequality aversion; 0 is the plain sum of benefits")),
    ] = Field(0.0, ge=0, le=10, description="inequality aversion (0: plain sum)")
    cover_fear_and_want: Flag = Field(False, description="address fear and want both")
    min_empowerment_share: Annotated[
        Annotated[float, Field(ge=0, le=1)] | None,
        BeforeValidator(_number(0, 1, "the share of spend on empowerment")),
    ] = Field(None, description="the minimum share of spend on empowerment")
    high_risk_areas: Annotated[list[str], BeforeValidator(_areas)] = Field(
        default_factory=list, description="areas where risk reduction is required"
    )
    gap: Annotated[
        float,
        BeforeValidator(
            _number(0, 0.5, "the relative MIP gap at which HiGHS stops; its default is 1e-4")
        ),
    ] = Field(1e-4, ge=0, le=0.5, description="relative MIP gap to stop at")
    time_limit: Annotated[
        float, BeforeValidator(_number(0, 3600, "seconds for each solve", above=True))
    ] = Field(60.0, gt=0, le=3600)
    alternatives: Annotated[
        int, BeforeValidator(_number(0, 20, "near-optimal alternatives to find", whole=True))
    ] = Field(3, ge=0, le=20)
    min_difference: Annotated[
        int, BeforeValidator(_number(1, 100, "choices each alternative must change", whole=True))
    ] = Field(2, ge=1, le=100)
    frontier: Annotated[int | list[float], BeforeValidator(_frontier)] = Field(
        6,
        description="frontier points spanning up to 1.5 x the total budget, or the total "
        "amounts to solve at",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _plan_words(cls, data: Any, handler: ModelWrapValidatorHandler[PlanOptions]) -> PlanOptions:
        try:
            return handler(data)
        except ValidationError as error:
            raise _restated(error) from None

    def funds(self) -> list[PlanBudget]:
        """Every budget: ``budget`` (if set) as a fund named ``budget``, then ``budgets``."""
        single = [PlanBudget(amount=self.budget, name="budget")] if self.budget else []
        return [*single, *self.budgets]

    def solver_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`humsec.programme.plan` these options set (the
        objective, constraints and HiGHS stopping rules; not the funds, frontier or
        alternatives)."""
        return {
            "one_per_area": self.one_per_area,
            "aversion": self.aversion,
            "cover_fear_and_want": self.cover_fear_and_want,
            "min_empowerment_share": self.min_empowerment_share,
            "high_risk_areas": self.high_risk_areas,
            "gap": self.gap,
            "time_limit": self.time_limit,
        }

    def frontier_amounts(self, total: float) -> list[float]:
        """The total amounts of the frontier for a total budget ``total``: the listed ones,
        or ``n`` points ``k · 1.5 · total / n`` (k = 1 … n)."""
        if isinstance(self.frontier, list):
            return list(self.frontier)
        n = self.frontier
        return [FRONTIER_SPAN * total * k / n for k in range(1, n + 1)]


def plan_option_problems(
    error: ValidationError, name: Callable[[str], str]
) -> list[tuple[str, str]]:
    """``(option as the user wrote it, message)`` for each problem; ``name`` turns an option
    (``"gap"``, ``"budgets[0].amount"``) into the interface's word for it."""
    out = []
    for item in error.errors():
        loc = [str(p) if not isinstance(p, int) else f"[{p}]" for p in item.get("loc", ())]
        key = ".".join(loc).replace(".[", "[")
        out.append((name(key), str(item.get("msg", "invalid value"))))
    return out


def plan_options(
    data: Mapping[str, Any], name: Callable[[str], str] = str, location: str | None = None
) -> PlanOptions:
    """Validate ``data`` as :class:`PlanOptions`; raises :class:`~humsec.errors.DataError`
    listing every bad option as ``name(option): message``."""
    try:
        return PlanOptions.model_validate(dict(data))
    except ValidationError as error:
        problems = plan_option_problems(error, name)
        raise DataError(
            "; ".join(f"{where}: {message}" for where, message in problems),
            location=location,
            hint="see `humsec programme plan --help` or docs/planning.md for the plan options",
        ) from None


@dataclass(frozen=True)
class Portfolio:
    """A solved plan with its efficient frontier and near-optimal alternatives."""

    plan: Plan
    frontier: pd.DataFrame
    alternatives: list[Plan]
    budgets: list[Budget]


def solve_portfolio(
    candidates: pd.DataFrame,
    options: PlanOptions,
    *,
    areas: Iterable[str] | None = None,
    framework: Framework | None = None,
    budgets: list[Budget] | None = None,
) -> Portfolio:
    """:func:`humsec.programme.plan` with ``options``, then the frontier at
    :meth:`PlanOptions.frontier_amounts` and ``options.alternatives`` alternatives differing
    in at least ``min_difference`` choices. ``budgets`` replaces the options' funds."""
    import pandas as pd

    from humsec.programme.plan import Budget, plan

    funds = (
        budgets
        if budgets is not None
        else [
            Budget(b.amount, areas=tuple(b.areas) if b.areas else None, name=b.name or f"budget{k}")
            for k, b in enumerate(options.funds(), start=1)
        ]
    )
    if not funds:
        raise DataError(
            "no budget given",
            location="plan options: budget / budgets",
            hint="--budget 5e6 in the CLI, `plan: {budget: 5000000}` in humsec.yaml, or "
            '"budgets": [{"amount": 5000000}] in the API',
        )
    best = plan(
        candidates,
        funds,
        areas=None if areas is None else list(areas),
        framework=framework,
        **options.solver_options(),
    )
    amounts = options.frontier_amounts(sum(f.amount for f in funds))
    frontier = (
        best.frontier(amounts)
        if amounts
        else pd.DataFrame(
            columns=[
                "amount",
                "status",
                "objective",
                "bound",
                "gap",
                "benefit",
                "spend",
                "n_chosen",
            ]
        )
    )
    others = (
        best.alternatives(options.alternatives, options.min_difference)
        if options.alternatives
        else []
    )
    return Portfolio(plan=best, frontier=frontier, alternatives=others, budgets=list(funds))

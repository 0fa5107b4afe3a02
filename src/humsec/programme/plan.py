"""Portfolio optimisation: which packages, in which areas, do the most for human security.

A mixed-integer programme solved with HiGHS (Huangfu & Hall 2018) through highspy. Each
candidate c (an ``area``, a ``package``, a ``cost`` and a ``benefit``) gets a binary choice
``x_c``; each budget b with its allowed areas pays ``y_cb ≥ 0`` of it:

- payment: ``Σ_b y_cb = cost_c · x_c``, ``y_cb = 0`` unless c's area is one b may fund;
  ``Σ_c y_cb ≤ amount_b`` (earmarked funds);
- ``one_per_area``: ``Σ_{c∈a} x_c ≤ 1`` (intervention-package models);
- fear and want covered: ``Σ_{c fear} x_c ≥ 1`` and ``Σ_{c want} x_c ≥ 1``;
- empowerment share: ``Σ_c cost_c (e_c − s) x_c ≥ 0`` (``e_c`` = 1 for empowerment);
- risk reduction where hazard risk is high: in each listed area, ``x_d ≤ Σ_{c risk-reducing}
  x_c`` for every other candidate d;
- per-area caps ``Σ_{c∈a} cost_c x_c ≤ cap_a``; precedence ``x_b ≤ x_a``; exclusion
  ``x_a + x_b ≤ 1``.

Objective, maximised:

- ``aversion = 0``: the weighted sum ``Σ_c w_c benefit_c x_c``;
- ``aversion = ε > 0`` (prioritarian, Adler 2012): ``Σ_u [φ(base_u + G_u/S) − φ(base_u)]``
  over equity units u (areas, or a group column), ``G_u`` the weighted gain of u, S the mean
  attainable gain per unit (so that gains are in comparable units), ``base_u`` the unit's
  well-being before the programme (default 1) and the Atkinson utility
  ``φ(w) = (w^{1−ε} − 1)/(1 − ε)`` (``log w`` for ε = 1). φ is concave, so its secants over
  ``segments`` equal pieces give a piecewise-linear objective with no extra binaries;
- ``shock_losses`` (optional, years × candidates: how much well-being loss a chosen
  candidate avoids in each simulated year, with ``baseline_loss`` per year): minus
  ``λ · CVaR_α`` of the well-being loss ``L_s = baseline_s − Σ_c r_sc x_c``, linearised as in
  Rockafellar & Uryasev (2000): ``CVaR_α = min_η η + Σ_s z_s / ((1−α)S)``, ``z_s ≥ L_s − η``,
  ``z_s ≥ 0``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from humsec.data import require_numeric
from humsec.errors import ColumnError, DataError, SpecError, did_you_mean
from humsec.framework import Framework, default_framework
from humsec.programme.plan_model import INF, PlanModel, Row, Solution, conflicting_groups, solve


class PlanInfeasibleError(SpecError):
    """No portfolio satisfies every constraint; the message names the conflicting ones."""


@dataclass(frozen=True)
class Budget:
    """A fund: its ``amount`` and the areas it may pay for (``None``: every area)."""

    amount: float
    areas: tuple[str, ...] | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if not np.isfinite(self.amount) or self.amount <= 0:
            raise DataError(
                f"budget {self.name or ''} amount must be a positive number, got {self.amount}",
                location="Budget(amount=...)",
            )
        if self.areas is not None:
            object.__setattr__(self, "areas", tuple(str(a) for a in self.areas))


def atkinson(w: np.ndarray | float, aversion: float) -> np.ndarray:
    """``φ(w) = (w^{1−ε} − 1)/(1 − ε)``, ``log w`` when ε = 1 (Atkinson 1970)."""
    w = np.asarray(w, dtype=np.float64)
    if aversion == 1.0:
        return np.log(w)
    return np.asarray((w ** (1.0 - aversion) - 1.0) / (1.0 - aversion))


@dataclass(frozen=True)
class _Problem:
    candidates: pd.DataFrame
    ids: list[str]
    budgets: list[Budget]
    budget_names: list[str]
    model: PlanModel
    x: np.ndarray
    pay: dict[tuple[int, int], int]
    budget_rows: list[int]
    user_groups: list[str]
    time_limit: float
    gap: float
    options: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """A solved portfolio.

    ``chosen`` holds the chosen candidate rows; ``objective``, ``bound`` (HiGHS' dual bound)
    and ``gap`` say how good it is; ``spend`` is the spend per budget; ``payments`` which
    budget pays how much of each chosen candidate; ``benefit`` the plain weighted benefit.
    """

    chosen: pd.DataFrame
    objective: float
    bound: float
    gap: float
    status: str
    spend: pd.Series
    payments: pd.DataFrame
    benefit: float
    cvar: float | None
    problem: _Problem = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The chosen candidates with their spend per budget (one column per budget)."""
        wide = self.payments.pivot_table(
            index="candidate", columns="budget", values="amount", aggfunc="sum", fill_value=0.0
        )
        frame = self.chosen.copy()
        for name in self.problem.budget_names:
            frame[f"paid_by_{name}"] = (
                wide[name].reindex(frame["candidate"]).fillna(0.0).to_numpy()
                if name in wide.columns
                else 0.0
            )
        return frame.reset_index(drop=True)

    def marginal_values(self, step: float | None = None) -> pd.Series:
        """Objective gained per extra unit of money in each budget: re-solve with the budget
        raised by ``step`` (default: the median candidate cost) and divide the change by it.
        A MILP has no duals; this finite difference is what the next tranche would buy."""
        costs = self.problem.candidates["cost"]
        delta = float(step) if step is not None else float(costs.median())
        out = {}
        for k, name in enumerate(self.problem.budget_names):
            row = self.problem.budget_rows[k]
            raised = self.problem.budgets[k].amount + delta
            solution = solve(
                self.problem.model,
                upper_override={row: raised},
                time_limit=self.problem.time_limit,
                gap=self.problem.gap,
            )
            out[name] = (solution.objective - self.objective) / delta
        return pd.Series(out, name="marginal_value", dtype=float)

    def frontier(self, amounts: Iterable[float]) -> pd.DataFrame:
        """The efficient frontier: the best objective for each total amount, every budget
        scaled in proportion. Columns amount, status, objective, bound, gap, benefit, spend,
        n_chosen (an infeasible amount has status "Infeasible" and a missing objective)."""
        total = sum(b.amount for b in self.problem.budgets)
        rows = []
        for amount in amounts:
            factor = float(amount) / total
            override = {
                row: b.amount * factor
                for row, b in zip(self.problem.budget_rows, self.problem.budgets, strict=True)
            }
            solution = solve(
                self.problem.model,
                upper_override=override,
                time_limit=self.problem.time_limit,
                gap=self.problem.gap,
            )
            chosen = _chosen_mask(self.problem, solution)
            rows.append(
                {
                    "amount": float(amount),
                    "status": solution.status,
                    "objective": solution.objective,
                    "bound": solution.bound,
                    "gap": solution.gap,
                    "benefit": _benefit(self.problem, chosen),
                    "spend": float(self.problem.candidates.loc[chosen, "cost"].sum()),
                    "n_chosen": int(chosen.sum()),
                }
            )
        return pd.DataFrame(rows)

    def alternatives(self, k: int = 3, min_difference: int = 2) -> list[Plan]:
        """Up to ``k`` further portfolios, each differing from this one and from every earlier
        alternative in at least ``min_difference`` choices (no-good cuts, Balas & Jeroslow
        1972: ``Σ_{c∈S}(1 − x_c) + Σ_{c∉S} x_c ≥ d``), best first. Fewer come back when no
        more exist."""
        if min_difference < 1:
            raise DataError("min_difference must be at least 1", location="alternatives()")
        cuts: list[Row] = []
        found: list[Plan] = []
        previous = _chosen_mask(self.problem, None, self.chosen)
        for _ in range(k):
            cuts.append(_no_good(self.problem, previous, min_difference))
            solution = solve(
                self.problem.model,
                extra=cuts,
                time_limit=self.problem.time_limit,
                gap=self.problem.gap,
            )
            if not solution.feasible:
                break
            alternative = _plan_from(self.problem, solution)
            found.append(alternative)
            previous = _chosen_mask(self.problem, solution)
        return found


def _no_good(problem: _Problem, chosen: np.ndarray, difference: int) -> Row:
    signs = np.where(chosen, -1.0, 1.0)
    return Row("alternative", problem.x.astype(np.int32), signs, difference - chosen.sum(), INF)


def _chosen_mask(
    problem: _Problem, solution: Solution | None, chosen: pd.DataFrame | None = None
) -> np.ndarray:
    if chosen is not None:
        return np.asarray(np.isin(problem.ids, chosen["candidate"]))
    assert solution is not None
    if not solution.feasible:
        return np.zeros(len(problem.ids), dtype=bool)
    return np.asarray(solution.values[problem.x] > 0.5)


def _benefit(problem: _Problem, chosen: np.ndarray) -> float:
    frame = problem.candidates
    return float((frame["benefit"] * frame["weight"])[chosen].sum())


def _plan_from(problem: _Problem, solution: Solution) -> Plan:
    chosen = _chosen_mask(problem, solution)
    payments = [
        {
            "candidate": problem.ids[c],
            "budget": problem.budget_names[b],
            "amount": float(solution.values[col]),
        }
        for (c, b), col in problem.pay.items()
        if chosen[c] and solution.values[col] > 1e-9
    ]
    pay = pd.DataFrame(payments, columns=["candidate", "budget", "amount"])
    spend = pay.groupby("budget")["amount"].sum().reindex(problem.budget_names, fill_value=0.0)
    cvar_col = problem.options.get("cvar_columns")
    cvar = None
    if cvar_col is not None:
        eta, z, scale = cvar_col
        cvar = float(solution.values[eta] + solution.values[z].sum() * scale)
    return Plan(
        chosen=problem.candidates.loc[chosen].reset_index(drop=True),
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        status=solution.status,
        spend=spend.rename("spend"),
        payments=pay,
        benefit=_benefit(problem, chosen),
        cvar=cvar,
        problem=problem,
    )


# --- input ---------------------------------------------------------------------------------
def _read_candidates(
    candidates: pd.DataFrame, areas: Sequence[str] | None, weight: str | None
) -> pd.DataFrame:
    if not isinstance(candidates, pd.DataFrame):
        raise DataError(f"candidates must be a DataFrame, got {type(candidates).__name__}")
    needed = ["area", "package", "cost", "benefit"]
    missing = [c for c in needed if c not in candidates.columns]
    if missing:
        raise ColumnError(
            f"the candidate table lacks column(s) {missing}",
            location="candidates",
            hint="columns area, package, cost and benefit are required; optional: threats, "
            "groups, mode, risk_reduction, weight",
        )
    # The shared validator: text, empty and infinite costs or benefits are listed by row
    # (file lines for a table read from a file) with how to fix them.
    checked = require_numeric(candidates, ["cost", "benefit"],
                              location=candidates.attrs.get("source", "candidates"),
                              allow_missing=False, finite=True)  # fmt: skip
    frame = checked.reset_index(drop=True).copy()
    frame["area"] = frame["area"].astype(str)
    for column in ("cost", "benefit"):
        frame[column] = frame[column].astype(np.float64)
    negative = np.flatnonzero(frame["cost"] < 0)
    if len(negative):
        raise DataError(
            f"negative costs in rows {(negative + 1).tolist()[:10]} "
            f"(e.g. {frame.loc[negative[0], 'package']!r} in {frame.loc[negative[0], 'area']!r}"
            f": {frame.loc[negative[0], 'cost']:g})",
            location="candidates:cost",
            hint="costs are money spent and cannot be negative; enter savings as benefit",
        )
    if "candidate" not in frame.columns:
        frame["candidate"] = frame["area"] + ":" + frame["package"].astype(str)
    frame["candidate"] = frame["candidate"].astype(str)
    duplicated = frame["candidate"][frame["candidate"].duplicated()].tolist()
    if duplicated:
        raise DataError(
            f"candidate ids repeat: {duplicated[:5]}",
            location="candidates:candidate",
            hint="give each (area, package) once, or add a unique 'candidate' column",
        )
    if areas is not None:
        known = [str(a) for a in areas]
        unknown = sorted(set(frame["area"]) - set(known))
        if unknown:
            raise DataError(
                f"candidate area(s) {unknown[:10]} are not among the project's areas",
                location="candidates:area",
                hint=did_you_mean(unknown[0], known) or "use the project's p-codes",
            )
    frame["weight"] = pd.to_numeric(frame[weight], errors="raise").astype(float) if weight else 1.0
    return frame


def _budgets(budgets: float | Budget | Sequence[float | Budget]) -> list[Budget]:
    items = budgets if isinstance(budgets, Sequence) else [budgets]
    out = []
    for k, item in enumerate(items):
        budget = item if isinstance(item, Budget) else Budget(float(item))
        out.append(budget if budget.name else replace(budget, name=f"budget{k + 1}"))
    if not out:
        raise DataError("no budget given", location="budgets")
    return out


def _eligible(frame: pd.DataFrame, budgets: list[Budget], areas: Sequence[str] | None) -> None:
    known = None if areas is None else {str(a) for a in areas}
    for budget in budgets:
        if budget.areas is not None and known is not None:
            unknown = sorted(set(budget.areas) - known)
            if unknown:
                raise DataError(
                    f"budget {budget.name!r} names area(s) {unknown[:10]} that are not in the "
                    "area list",
                    location=f"Budget {budget.name}",
                )
        fits = frame if budget.areas is None else frame[frame["area"].isin(budget.areas)]
        if fits.empty:
            raise DataError(
                f"no candidate fits budget {budget.name!r}: none is in its areas "
                f"{list(budget.areas or [])[:10]}",
                location=f"Budget {budget.name}",
                hint="widen the budget's areas or add candidates there",
            )
    cheapest = float(frame["cost"].min())
    total = sum(b.amount for b in budgets)
    if cheapest > total:
        raise DataError(
            f"no candidate fits the budgets: the cheapest costs {cheapest:,.0f}, the budgets "
            f"total {total:,.0f}",
            location="budgets",
        )


def _pillars(frame: pd.DataFrame, framework: Framework) -> tuple[np.ndarray, np.ndarray]:
    """Whether each candidate addresses a fear threat and a want threat (``threats`` column)."""
    fear = np.zeros(len(frame), dtype=bool)
    want = np.zeros(len(frame), dtype=bool)
    if "threats" not in frame.columns:
        return fear, want
    for k, text in enumerate(frame["threats"].fillna("").astype(str)):
        for threat in [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]:
            pillar = framework.pillar_of(threat)
            fear[k] |= pillar == "fear"
            want[k] |= pillar == "want"
    return fear, want


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    values = frame[column]
    if values.dtype == bool:
        return values.to_numpy()
    text = values.fillna("").astype(str).str.strip().str.lower()
    return text.isin(["1", "true", "yes", "y"]).to_numpy()


# --- model ---------------------------------------------------------------------------------
def _equity_rows(
    model: PlanModel,
    frame: pd.DataFrame,
    x: np.ndarray,
    by: str,
    aversion: float,
    baseline: Mapping[str, float] | None,
    segments: int,
) -> None:
    gain = (frame["benefit"] * frame["weight"]).to_numpy()
    if (gain < 0).any():
        raise DataError(
            "the prioritarian objective needs non-negative weighted benefits",
            location="candidates:benefit",
        )
    units = frame[by].astype(str).to_numpy()
    names = list(dict.fromkeys(units))
    attainable = {u: float(gain[units == u].sum()) for u in names}
    scale = float(np.mean(list(attainable.values()))) or 1.0
    for unit in names:
        members = np.flatnonzero(units == unit)
        base = float((baseline or {}).get(unit, 1.0))
        if not base > 0:
            raise DataError(f"baseline well-being of {unit!r} must be positive, got {base}")
        top = attainable[unit] / scale
        points = np.linspace(0.0, max(top, 1e-12), segments + 1)
        values = atkinson(base + points, aversion) - atkinson(base, aversion)
        t = model.add_columns(1, 0.0, float(values[-1]), 1.0)[0]
        for k in range(segments):
            slope = (values[k + 1] - values[k]) / (points[k + 1] - points[k])
            # t ≤ v_k + slope (G/S − p_k)  ⇔  t − slope/S Σ g_c x_c ≤ v_k − slope p_k
            model.add_row(
                "objective:prioritarian",
                [t, *x[members]],
                [1.0, *(-slope / scale * gain[members])],
                -INF,
                float(values[k] - slope * points[k]),
            )


def _cvar_rows(
    model: PlanModel,
    frame: pd.DataFrame,
    x: np.ndarray,
    losses: pd.DataFrame,
    baseline_loss: Sequence[float] | None,
    alpha: float,
    weight: float,
) -> tuple[int, np.ndarray, float]:
    unknown = [c for c in losses.columns if c not in set(frame["candidate"])]
    if unknown:
        raise ColumnError(
            f"shock_losses has columns {unknown[:5]} that are not candidate ids",
            location="shock_losses",
            hint="columns are candidate ids (area:package), rows simulated years",
        )
    if not 0 < alpha < 1:
        raise DataError(f"cvar_alpha must be between 0 and 1, got {alpha}", location="cvar_alpha")
    years = len(losses)
    base = np.zeros(years) if baseline_loss is None else np.asarray(baseline_loss, float)
    reduction = losses.reindex(columns=frame["candidate"], fill_value=0.0).to_numpy(float)
    scale = 1.0 / ((1.0 - alpha) * years)
    eta = model.add_columns(1, -INF, INF, -weight)[0]
    z = model.add_columns(years, 0.0, INF, -weight * scale)
    for s in range(years):
        nonzero = np.flatnonzero(reduction[s])
        # z_s ≥ base_s − Σ r_sc x_c − η  ⇔  z_s + Σ r_sc x_c + η ≥ base_s
        model.add_row(
            "objective:cvar",
            [z[s], *x[nonzero], eta],
            [1.0, *reduction[s, nonzero], 1.0],
            float(base[s]),
            INF,
        )
    return int(eta), z, scale


def plan(
    candidates: pd.DataFrame,
    budgets: float | Budget | Sequence[float | Budget],
    *,
    areas: Sequence[str] | None = None,
    one_per_area: bool = False,
    weight: str | None = None,
    aversion: float = 0.0,
    equity_by: str = "area",
    baseline: Mapping[str, float] | None = None,
    segments: int = 8,
    shock_losses: pd.DataFrame | None = None,
    baseline_loss: Sequence[float] | None = None,
    cvar_alpha: float = 0.95,
    cvar_weight: float = 1.0,
    cover_fear_and_want: bool = False,
    min_empowerment_share: float | None = None,
    high_risk_areas: Iterable[str] = (),
    area_caps: float | Mapping[str, float] | None = None,
    precedence: Iterable[tuple[str, str]] = (),
    exclusive: Iterable[tuple[str, str]] = (),
    framework: Framework | None = None,
    time_limit: float = 60.0,
    gap: float = 1e-4,
) -> Plan:
    """Choose the portfolio that maximises the objective under every constraint.

    See the module docstring for the model. ``budgets`` is a number, a :class:`Budget` or a
    list of them; ``areas`` (the project's areas) rejects unknown candidate areas; ``weight``
    names an equity-weight column (e.g. from deprivation by group); ``precedence`` pairs
    ``(first, then)`` of candidate ids mean *then* only with *first*; ``exclusive`` pairs never
    go together. ``time_limit`` (seconds) and ``gap`` (relative MIP gap) stop the search; the
    plan reports the bound and gap reached. An infeasible problem raises
    :class:`PlanInfeasibleError` naming a minimal set of conflicting constraints.
    """
    framework = default_framework() if framework is None else framework
    frame = _read_candidates(candidates, areas, weight)
    funds = _budgets(budgets)
    _eligible(frame, funds, areas)
    ids = frame["candidate"].tolist()
    position = {c: k for k, c in enumerate(ids)}
    model = PlanModel()
    gain = (frame["benefit"] * frame["weight"]).to_numpy()
    x = model.add_columns(len(frame), 0.0, 1.0, gain if aversion == 0 else 0.0, binary=True)
    pay: dict[tuple[int, int], int] = {}
    cost = frame["cost"].to_numpy()
    area = frame["area"].to_numpy()
    paid_by: dict[int, list[int]] = {c: [] for c in range(len(frame))}
    for b, fund in enumerate(funds):
        allowed = np.ones(len(frame), bool) if fund.areas is None else np.isin(area, fund.areas)
        for eligible in np.flatnonzero(allowed).tolist():
            pay[(eligible, b)] = int(model.add_columns(1, 0.0, INF)[0])
            paid_by[eligible].append(pay[(eligible, b)])
    for c in range(len(frame)):
        cols = paid_by[c]
        if not cols:
            model.add_row("payment", [x[c]], [1.0], 0.0, 0.0)  # no budget may pay for it
            continue
        model.add_row("payment", [*cols, x[c]], [*([1.0] * len(cols)), -cost[c]], 0.0, 0.0)
    budget_rows = []
    for b, fund in enumerate(funds):
        cols = [col for (_, bb), col in pay.items() if bb == b]
        budget_rows.append(len(model.rows))
        model.add_row(
            f"budget {fund.name} ({fund.amount:,.0f})", cols, [1.0] * len(cols), -INF, fund.amount
        )
    user_groups = [r.group for r in model.rows if r.group.startswith("budget")]
    if one_per_area:
        for name in dict.fromkeys(area):
            members = np.flatnonzero(area == name)
            if len(members) > 1:
                model.add_row("one package per area", x[members], [1.0] * len(members), -INF, 1)
        user_groups.append("one package per area")
    if cover_fear_and_want:
        fear, want = _pillars(frame, framework)
        for label, mask in (("fear", fear), ("want", want)):
            group = f"cover {label} (at least one candidate addressing a {label} threat)"
            model.add_row(group, x[mask], [1.0] * int(mask.sum()), 1.0, INF)
            user_groups.append(group)
    if min_empowerment_share is not None:
        share = float(min_empowerment_share)
        if not 0 <= share <= 1:
            raise DataError(f"min_empowerment_share must be in [0, 1], got {share}")
        mode = frame.get("mode", pd.Series("", index=frame.index)).fillna("").astype(str)
        empowering = mode.str.lower().isin(["empowerment", "both"]).to_numpy()
        group = f"empowerment share ≥ {share:.0%} of spend"
        model.add_row(group, x, cost * (empowering.astype(float) - share), 0.0, INF)
        user_groups.append(group)
    reducing = _flag(frame, "risk_reduction")
    for name in high_risk_areas:
        members = np.flatnonzero(area == str(name))
        rr, others = members[reducing[members]], members[~reducing[members]]
        group = f"risk reduction required in high-risk area {name}"
        for d in others:
            model.add_row(group, [x[d], *x[rr]], [1.0, *([-1.0] * len(rr))], -INF, 0.0)
        if len(others):
            user_groups.append(group)
    if area_caps is not None:
        caps = (
            {a: float(area_caps) for a in dict.fromkeys(area)}
            if isinstance(area_caps, int | float)
            else {str(k): float(v) for k, v in area_caps.items()}
        )
        for name, cap in caps.items():
            members = np.flatnonzero(area == name)
            group = f"cap on spend in area {name} ({cap:,.0f})"
            model.add_row(group, x[members], cost[members], -INF, cap)
            user_groups.append(group)
    for first, then in precedence:
        for cid in (first, then):
            _known_candidate(cid, position)
        group = f"precedence: {then} needs {first}"
        model.add_row(group, [x[position[then]], x[position[first]]], [1.0, -1.0], -INF, 0.0)
        user_groups.append(group)
    for one, other in exclusive:
        for cid in (one, other):
            _known_candidate(cid, position)
        group = f"exclusion: {one} or {other}"
        model.add_row(group, [x[position[one]], x[position[other]]], [1.0, 1.0], -INF, 1.0)
        user_groups.append(group)
    if aversion < 0:
        raise DataError(f"aversion must be ≥ 0, got {aversion}", location="aversion")
    if aversion > 0:
        if equity_by not in frame.columns:
            raise ColumnError(f"equity_by column {equity_by!r} is not in the candidates")
        _equity_rows(model, frame, x, equity_by, aversion, baseline, segments)
    options: dict[str, Any] = {"aversion": aversion}
    if shock_losses is not None:
        options["cvar_columns"] = _cvar_rows(
            model, frame, x, shock_losses, baseline_loss, cvar_alpha, cvar_weight
        )
    problem = _Problem(
        frame,
        ids,
        funds,
        [f.name or "" for f in funds],
        model,
        x,
        pay,
        budget_rows,
        user_groups,
        time_limit,
        gap,
        options,
    )
    solution = solve(model, time_limit=time_limit, gap=gap)
    if not solution.feasible:
        if solution.status != "Infeasible":
            raise PlanInfeasibleError(
                f"HiGHS found no portfolio within the time limit ({solution.status})",
                hint="raise time_limit or loosen the gap",
            )
        conflict = conflicting_groups(model, user_groups, time_limit)
        raise PlanInfeasibleError(
            "no portfolio satisfies every constraint; these conflict: " + "; ".join(conflict),
            location="plan(...)",
            hint="loosen or drop one of the listed constraints",
        )
    return _plan_from(problem, solution)


def _known_candidate(cid: str, position: Mapping[str, int]) -> None:
    if cid not in position:
        raise DataError(
            f"unknown candidate {cid!r} in precedence/exclusion",
            location="plan(precedence=..., exclusive=...)",
            hint=did_you_mean(cid, position) or "candidate ids are 'area:package'",
        )

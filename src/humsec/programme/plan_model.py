"""The portfolio MILP as data: columns, rows in named constraint groups, and a HiGHS solve.

Keeping every row in a named group lets the planner re-solve the same model with budgets
changed (frontier, marginal values), with no-good cuts added (alternatives), or with groups
left out (the deletion filter that names conflicting constraints, Chinneck & Dravnieks 1991).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

INF = float("inf")


@dataclass
class Row:
    """One linear row ``lower ≤ Σ values·x[indices] ≤ upper`` in constraint group ``group``."""

    group: str
    indices: np.ndarray
    values: np.ndarray
    lower: float
    upper: float


@dataclass
class PlanModel:
    """Columns (bounds, objective coefficients, which are binary) and grouped rows."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    binary: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def add_columns(
        self,
        count: int,
        lower: float,
        upper: float,
        cost: Iterable[float] | float = 0.0,
        binary: bool = False,
    ) -> np.ndarray:
        """Append ``count`` columns; returns their indices."""
        start = len(self.lower)
        costs = [float(cost)] * count if isinstance(cost, int | float) else [float(c) for c in cost]
        self.lower += [lower] * count
        self.upper += [upper] * count
        self.cost += costs
        if binary:
            self.binary += list(range(start, start + count))
        return np.arange(start, start + count)

    def add_row(
        self,
        group: str,
        indices: Iterable[int],
        values: Iterable[float],
        lower: float,
        upper: float,
    ) -> None:
        """Append one row to ``group``."""
        self.rows.append(
            Row(
                group,
                np.asarray(list(indices), dtype=np.int32),
                np.asarray(list(values), dtype=np.float64),
                lower,
                upper,
            )
        )

    @property
    def groups(self) -> list[str]:
        """Constraint group names in first-use order."""
        return list(dict.fromkeys(r.group for r in self.rows))


@dataclass(frozen=True)
class Solution:
    """What HiGHS returned: status text, column values, objective, dual bound and gap."""

    status: str
    values: np.ndarray
    objective: float
    bound: float
    gap: float

    @property
    def feasible(self) -> bool:
        """A solution (optimal or stopped at a limit) with column values."""
        return self.values.size > 0


def _quiet_highs() -> Any:
    """A HiGHS instance with logging off. HiGHS writes a banner to the process's standard
    output (file descriptor 1) when the first instance is built, before any option can be
    set; an engine prints nothing, so that descriptor is pointed at the null device while
    the instance is built."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    return highs


def solve(
    model: PlanModel,
    *,
    skip: set[str] | None = None,
    extra: list[Row] | None = None,
    upper_override: dict[int, float] | None = None,
    time_limit: float = 60.0,
    gap: float = 1e-4,
    feasibility_only: bool = False,
) -> Solution:
    """Maximise the model with HiGHS (branch and cut; Huangfu & Hall 2018), leaving out the
    row groups in ``skip``, adding ``extra`` rows and replacing row upper bounds by row
    position in ``upper_override``."""
    import highspy

    highs = _quiet_highs()
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(gap))
    highs.setOptionValue("threads", 1)
    n = len(model.lower)
    highs.addVars(n, np.asarray(model.lower), np.asarray(model.upper))
    if not feasibility_only:
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(model.cost))
    if model.binary:
        index = np.asarray(model.binary, dtype=np.int32)
        highs.changeColsIntegrality(
            len(index), index, np.array([highspy.HighsVarType.kInteger] * len(index))
        )
    overrides = upper_override or {}
    rows = [
        (r, overrides.get(k, r.upper))
        for k, r in enumerate(model.rows)
        if not skip or r.group not in skip
    ] + [(r, r.upper) for r in (extra or [])]
    if rows:
        starts = np.cumsum([0] + [len(r.indices) for r, _ in rows[:-1]]).astype(np.int32)
        indices = np.concatenate([r.indices for r, _ in rows]).astype(np.int32)
        values = np.concatenate([r.values for r, _ in rows])
        highs.addRows(
            len(rows),
            np.array([r.lower for r, _ in rows]),
            np.array([u for _, u in rows]),
            len(indices),
            starts,
            indices,
            values,
        )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(highs.getSolution().col_value) if has_solution else np.zeros(0)
    objective = float(info.objective_function_value) if has_solution else float("nan")
    bound = float(info.mip_dual_bound) if model.binary else objective
    mip_gap = float(info.mip_gap) if model.binary else 0.0
    return Solution(status, values, objective, bound, mip_gap)


def conflicting_groups(model: PlanModel, candidates: list[str], time_limit: float) -> list[str]:
    """Deletion filter over ``candidates`` groups: a minimal set that is infeasible together
    (each group in it is needed for the conflict; Chinneck & Dravnieks 1991)."""
    kept = list(candidates)
    for group in list(candidates):
        trial = [g for g in kept if g != group]
        skip = set(candidates) - set(trial)  # structural groups (not candidates) always stay
        result = solve(model, skip=skip, time_limit=time_limit, feasibility_only=True)
        if result.status == "Infeasible":
            kept = trial
    return kept

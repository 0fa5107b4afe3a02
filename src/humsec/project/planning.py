"""Portfolio planning from a project (issue 11 §3-4): the ``candidates`` dataset, benefits
derived from the project's results, and the plan of ``humsec.yaml``'s ``plan:`` section.

A candidate table names, per area, a package, its cost and, optionally, its benefit. When the
benefit is left out it is derived (:func:`humsec.programme.derive_benefits`) as

    benefit_c = people_c · w_a · (1 − e_a) · Σ_t [M d_c]_t

with the project's own numbers:

* ``w_a = H_a / H`` the equity weight: the area's Alkire-Foster headcount ratio over the
  national one (the ``deprivation`` run); 1 where the area has no estimate;
* ``e_a = EAI_wb,a / C_a`` the expected erosion: the area's expected annual well-being loss
  (equivalent consumption, the ``shocks`` run) over its annual consumption ``C_a = Σ w_i c_i``
  of the survey households, the share a gain proportional to consumption loses in an average
  year; 0 without a scenario;
* ``M = (I − Aᵀ)⁻¹`` the multiplier of the threat network estimated on the project's area
  panel (:func:`humsec.threats.estimate_network`, no bootstrap), identity when it cannot be
  estimated or its spectral radius is 1 or more.

Each fallback is written to the plan's ``notes`` table. The plan is
:func:`humsec.programme.solve_portfolio` with the options of ``plan:``
(:class:`humsec.programme.PlanOptions`, shared with the CLI and the API) and the project's
areas and framework; its tables are the candidates (with the benefit's parts), the chosen
portfolio with the spend per budget, the efficient frontier and the near-optimal alternatives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from humsec.errors import DataError, HumsecError
from humsec.project.inputs import survey_frame
from humsec.project.project import Project

Tables = Mapping[str, Mapping[str, pd.DataFrame]]
CANDIDATE_FIELDS = (
    "area",
    "package",
    "cost",
    "benefit",
    "threats",
    "groups",
    "mode",
    "reduces_risk",
    "reduction",
    "people",
)


def candidate_table(project: Project) -> pd.DataFrame:
    """The project's (latest) candidates dataset with its columns renamed to the field names
    (``area, package, cost`` and the optional ones); ``reduces_risk`` becomes the plan's
    ``risk_reduction``."""
    d = project.dataset("candidates")
    if d is None:
        raise DataError(
            "the project has no candidates",
            location=str(project.root),
            hint="humsec project add DIR candidates.csv --role candidates",
        )
    frame = project.table(d.name)
    mapping = project.mappings[d.name]
    out = pd.DataFrame({f: frame[mapping[f]] for f in CANDIDATE_FIELDS if f in mapping})
    out["area"] = out["area"].astype(str).str.strip()
    if "reduces_risk" in out.columns:
        out = out.rename(columns={"reduces_risk": "risk_reduction"})
    out.attrs["source"] = d.file
    return out


def equity_weights(
    project: Project, deprivation: Mapping[str, pd.DataFrame] | None, areas: list[str]
) -> tuple[dict[str, float], list[str]]:
    """``w_a = H_a / H`` from the deprivation run (module docstring), 1 where missing."""
    if deprivation is None:
        return {a: 1.0 for a in areas}, [
            "equity weights are 1: the project has no deprivation run (survey + deprivation spec)"
        ]
    by_area = deprivation["by_area"].set_index("pcode")
    national = float(deprivation["national"]["H"].iloc[0])
    heads = pd.to_numeric(by_area["H"], errors="coerce") if "H" in by_area.columns else None
    weights: dict[str, float] = {}
    lacking = []
    for area in areas:
        value = float(heads.get(area, np.nan)) if heads is not None else np.nan
        if np.isfinite(value) and national > 0:
            weights[area] = value / national
        else:
            weights[area] = 1.0
            lacking.append(area)
    notes = (
        [f"equity weight 1 (no deprivation estimate) for {', '.join(lacking)}"] if lacking else []
    )
    return weights, notes


def erosion_shares(
    project: Project, shocks: Mapping[str, pd.DataFrame] | None, areas: list[str]
) -> tuple[dict[str, float], list[str]]:
    """``e_a = EAI_wb,a / C_a`` (module docstring), 0 without a shocks run."""
    if shocks is None:
        return {a: 0.0 for a in areas}, [
            "no erosion by shocks: the project has no shocks run (survey + scenario)"
        ]
    survey = survey_frame(project)
    if "consumption" not in survey.columns:
        return {a: 0.0 for a in areas}, [
            "no erosion by shocks: the survey has no consumption column"
        ]
    consumption = (survey["weight"] * survey["consumption"]).groupby(survey["area"]).sum()
    loss = shocks["by_area"].set_index("pcode")["eai_wellbeing_loss"]
    shares: dict[str, float] = {}
    for area in areas:
        base = float(consumption.get(area, 0.0))
        value = float(loss.get(area, 0.0)) / base if base > 0 else 0.0
        shares[area] = min(max(value, 0.0), 1.0)
    return shares, []


def network_multiplier(project: Project) -> tuple[pd.DataFrame | None, list[str]]:
    """The multiplier of the threat network on the project's area panel (no bootstrap), or
    ``None`` with the reason."""
    from humsec.threats import estimate_network, registry_from_table

    try:
        network = estimate_network(
            project.indicator_wide(),
            bootstrap=0,
            seed=project.config.settings.seed,
            framework=project.framework,
            registry=registry_from_table(project.area_indicators),
        )
    except HumsecError as error:
        return None, [f"no ripple effects: the threat network cannot be estimated ({error})"]
    if network.multiplier is None:
        return None, [f"no ripple effects: {network.multiplier_message}"]
    return network.multiplier, [
        f"ripple effects through the network of {', '.join(network.threats)} "
        f"(spectral radius {network.spectral_radius:.3f})"
    ]


def project_candidates(project: Project, tables: Tables) -> tuple[pd.DataFrame, list[str]]:
    """The candidates with their benefit: as given, or derived from the project (module
    docstring). Returns the table and notes on how the benefit was made."""
    from humsec.programme import derive_benefits

    frame = candidate_table(project)
    if "benefit" in frame.columns:
        return frame, [f"benefits as given in {frame.attrs['source']}"]
    areas = sorted(set(frame["area"]))
    weights, notes = equity_weights(project, tables.get("deprivation"), areas)
    erosion, more = erosion_shares(project, tables.get("shocks"), areas)
    multiplier, ripple = network_multiplier(project)
    derived = derive_benefits(frame, multiplier=multiplier, equity_weights=weights, erosion=erosion)
    derived.attrs["source"] = frame.attrs["source"]
    return derived, [
        f"benefits derived from the project for {frame.attrs['source']}",
        *notes,
        *more,
        *ripple,
    ]


def plan_needs(project: Project) -> list[str]:
    """What the plan still needs: candidates and a ``plan:`` budget."""
    out = []
    if not project.datasets("candidates"):
        out.append(
            "candidate packages per area (area, package, cost [, benefit, threats, reduction]): "
            "`humsec project add DIR candidates.csv --role candidates`"
        )
    plan = project.config.plan
    if plan is None or not plan.funds():
        out.append("a budget: `plan: {budget: 5000000}` in humsec.yaml")
    return out


def project_plan_budgets(project: Project) -> list[Any]:
    """The budgets of ``plan:`` as :class:`humsec.programme.Budget` (empty without a plan)."""
    from humsec.programme import Budget

    settings = project.config.plan
    if settings is None:
        return []
    return [
        Budget(b.amount, areas=tuple(b.areas) if b.areas else None, name=b.name or f"budget{k}")
        for k, b in enumerate(settings.funds(), start=1)
    ]


def run_plan(project: Project, tables: Tables) -> dict[str, pd.DataFrame]:
    """Solve the project's plan (module docstring); ``tables`` are the earlier analyses' ones
    (``deprivation``, ``shocks``) for derived benefits."""
    from humsec.programme import solve_portfolio

    settings = project.config.plan
    assert settings is not None
    candidates, notes = project_candidates(project, tables)
    funds = project_plan_budgets(project)
    portfolio = solve_portfolio(
        candidates, settings, areas=project.pcodes, framework=project.framework, budgets=funds
    )
    result, frontier, alternatives = portfolio.plan, portfolio.frontier, portfolio.alternatives
    total = sum(b.amount for b in funds)
    rows: list[dict[str, Any]] = [
        {
            "portfolio": "optimum",
            "objective": result.objective,
            "benefit": result.benefit,
            "spend": float(result.chosen["cost"].sum()),
            "n_chosen": len(result.chosen),
            "candidates": ", ".join(result.chosen["candidate"]),
        }
    ] + [
        {
            "portfolio": f"alternative {k}",
            "objective": p.objective,
            "benefit": p.benefit,
            "spend": float(p.chosen["cost"].sum()),
            "n_chosen": len(p.chosen),
            "candidates": ", ".join(p.chosen["candidate"]),
        }
        for k, p in enumerate(alternatives, start=1)
    ]
    summary = pd.DataFrame(
        {
            "metric": ["objective", "bound", "gap", "benefit", "spend", "budget_total"],
            "value": [
                result.objective,
                result.bound,
                result.gap,
                result.benefit,
                float(result.chosen["cost"].sum()),
                total,
            ],
        }
    )
    summary["status"] = result.status
    spend = result.spend.rename("spend").rename_axis("budget").reset_index()
    spend["amount"] = [b.amount for b in funds]
    for column in candidates.columns:
        if candidates[column].dtype == object:
            candidates[column] = candidates[column].astype("string")
    return {
        "candidates": candidates.reset_index(drop=True),
        "chosen": result.to_frame(),
        "spend": spend,
        "summary": summary,
        "frontier": frontier,
        "alternatives": pd.DataFrame(rows),
        "notes": pd.DataFrame({"note": notes}, dtype="string"),
    }


__all__ = [
    "CANDIDATE_FIELDS",
    "candidate_table",
    "equity_weights",
    "erosion_shares",
    "network_multiplier",
    "plan_needs",
    "project_candidates",
    "project_plan_budgets",
    "run_plan",
]

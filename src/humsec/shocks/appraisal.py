"""Appraisal of risk-reduction measures: avoided losses, NPV, benefit-cost ratios, who benefits.

Every scenario (baseline, each measure alone, all measures together) is simulated on the *same*
shock occurrences with the same seed (common random numbers), so differences come from the
measures, not from sampling noise. Benefits are the avoided expected annual asset loss and the
avoided expected annual well-being loss (equivalent consumption, Hallegatte et al. 2017), turned
into NPVs over ``start_year..end_year`` with the first year undiscounted
(:func:`~humsec.shocks.cost_benefit.cost_benefit`). Costs are the upfront cost plus the NPV of
annual costs, including the expected extra transfers and loaded insurance claims a measure
pays. The combined row shows that effects do not add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from humsec.errors import SpecError
from humsec.framework import Framework
from humsec.shocks.cost_benefit import annuity_factor, cost_benefit
from humsec.shocks.engine import simulate
from humsec.shocks.hazards import simulate_occurrences
from humsec.shocks.measures import Measure, apply_measures
from humsec.shocks.model import Scenario
from humsec.shocks.risk import ShockRisk
from humsec.shocks.spec import parse_spec, read_yaml

__all__ = ["Appraisal", "appraise_measures", "load_measures"]

COMBINED = "all measures combined"


@dataclass(frozen=True)
class Appraisal:
    """Result of :func:`appraise_measures`.

    ``table`` has one row per measure plus the combined package; ``beneficiaries`` is long
    (measure, by, key, avoided asset and well-being loss per year, per person); ``risks`` maps
    each scenario name to its :class:`ShockRisk`.
    """

    table: pd.DataFrame
    beneficiaries: pd.DataFrame
    risks: dict[str, ShockRisk] = field(repr=False)
    settings: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The measures table."""
        return self.table.copy()


def load_measures(source: str | list[dict[str, Any]], *,
                  areas: Sequence[str] | None = None,
                  framework: Framework | None = None) -> list[Measure]:
    """Measures from a YAML file (``measures:`` list), ``"demo"``, or a list of mappings.

    Target group ids are checked against ``framework`` (the framework in use; default: the
    bundled one).

    With ``areas``, target areas outside ``areas`` are dropped (for a small survey sample that
    misses some areas); otherwise an unknown target area is an error when the measure is applied.
    """
    if isinstance(source, str):
        if source == "demo":
            from importlib import resources

            import yaml

            data = yaml.safe_load(resources.files("humsec.shocks").joinpath(
                "scenarios/demo_measures.yaml").read_text(encoding="utf-8"))
        else:
            data = read_yaml(source)
        items = data.get("measures") if isinstance(data, dict) else None
        where = source
    else:
        items, where = source, "measures"
    if not isinstance(items, list) or not items:
        raise SpecError("no measures found", location=where,
                        hint="the file needs a 'measures:' list with at least one measure")
    if areas is not None:
        keep = set(areas)
        items = [
            {**m, "target": {**m["target"], "areas": [a for a in m["target"]["areas"]
                                                       if a in keep]}}
            if isinstance(m, dict) and isinstance(m.get("target"), dict)
            and isinstance(m["target"].get("areas"), list) else m
            for m in items
        ]
    return [parse_spec(Measure, m, location=f"{where}: measures[{i}]", framework=framework)
            for i, m in enumerate(items)]


def appraise_measures(
    scenario: Scenario,
    measures: Sequence[Measure],
    *,
    n_years: int = 1000,
    seed: int = 1,
    start_year: int = 2025,
    end_year: int = 2044,
    discount_rate: float = 0.05,
    combined: bool = True,
    backend: Literal["numpy", "threads", "dask"] = "numpy",
    workers: int = 2,
) -> Appraisal:
    """Appraise ``measures`` one by one and together against ``scenario`` (module docstring).

    ``benefit = (EAI_without - EAI_with) * sum_{t=0}^{end-start} (1 + r)^(-t)`` on the asset and
    on the well-being basis, ``BCR = benefit / cost PV``; all scenarios share one simulation of
    shocks (common random numbers).

    Table columns: kind, units and people covered, upfront and annual cost, cost PV, avoided
    EAI of asset and well-being losses, avoided people pushed into poverty and poverty
    person-years per year, NPV of each benefit, BCRs on the asset and on the well-being basis,
    and resilience with the measure.
    """
    measures = list(measures)
    if not measures:
        raise SpecError("no measures to appraise", location="appraise_measures(measures=...)")
    annuity = annuity_factor(start_year, end_year, discount_rate)
    apply_measures(scenario, measures, seed)  # validates names, targets and hazards up front
    occ = simulate_occurrences(scenario.hazards, scenario.exposure.areas, n_years, seed)
    kw: dict[str, Any] = {"occurrences": occ, "seed": seed, "backend": backend,
                          "workers": workers}
    base = simulate(scenario, **kw)
    risks = {"baseline": base}
    rows = []
    ben_rows = []
    packages: list[tuple[str, list[Measure]]] = [(m.name, [m]) for m in measures]
    if combined and len(measures) > 1:
        packages.append((COMBINED, measures))
    b_eai = base.summary()
    for name, package in packages:
        risk = simulate(apply_measures(scenario, package, seed), **kw)
        risks[name] = risk
        rows.append({"measure": name, **_package_row(
            scenario, package, b_eai, risk.summary(), seed=seed, annuity=annuity,
            start_year=start_year, end_year=end_year, discount_rate=discount_rate)})
        ben_rows += [_beneficiaries(name, base, risk, by) for by in ("group", "area")]
    table = pd.DataFrame(rows).set_index("measure")
    if combined and len(measures) > 1:
        singles = table.drop(index=COMBINED)
        table["sum_of_individual_avoided_wellbeing_loss"] = np.nan
        table.loc[COMBINED, "sum_of_individual_avoided_wellbeing_loss"] = float(
            singles["avoided_wellbeing_loss"].sum())
    return Appraisal(
        table=table,
        beneficiaries=pd.concat(ben_rows, ignore_index=True),
        risks=risks,
        settings={"n_years": n_years, "seed": seed, "start_year": start_year,
                  "end_year": end_year, "discount_rate": discount_rate,
                  "baseline_eai_asset_loss": b_eai["eai_asset_loss"],
                  "baseline_eai_wellbeing_loss": b_eai["eai_wellbeing_loss"]},
    )


def _package_row(scenario: Scenario, package: list[Measure], b_eai: dict[str, float],
                 s: dict[str, float], *, seed: int, annuity: float, start_year: int,
                 end_year: int, discount_rate: float) -> dict[str, Any]:
    """Costs, avoided losses, NPVs and BCRs of one package against the baseline EAIs.

    ``cost PV = upfront + annual * A`` with the annuity factor ``A`` of the horizon; the annual
    cost adds the extra transfers and ``(1 + claims_loading)`` times the extra insurance
    claims the package causes; ``BCR = NPV(avoided EAI) / cost PV`` on each loss basis.
    """
    upfront = annual = 0.0
    covered = np.zeros(len(scenario.exposure), dtype=bool)
    for m in package:
        u, a = m.costs(scenario, seed)
        upfront += u
        annual += a
        covered |= m.covered(scenario, seed)
    loading = max((m.claims_loading for m in package), default=0.0)
    extra_transfers = max(0.0, s["eai_transfers_paid"] - b_eai["eai_transfers_paid"])
    extra_claims = max(0.0, s["eai_insurance_payouts"] - b_eai["eai_insurance_payouts"])
    annual_total = annual + extra_transfers + (1.0 + loading) * extra_claims
    cost_pv = upfront + annual_total * annuity
    cb_asset = cost_benefit(b_eai["eai_asset_loss"], s["eai_asset_loss"], cost_pv,
                            start_year, end_year, discount_rate)
    cb_wb = cost_benefit(b_eai["eai_wellbeing_loss"], s["eai_wellbeing_loss"], cost_pv,
                         start_year, end_year, discount_rate)
    w = scenario.exposure.column("weight") * covered
    return {
        "kind": package[0].kind if len(package) == 1 else "package",
        "units_covered": float(w.sum()),
        "people_covered": float(np.sum(w * scenario.exposure.column("population"))),
        "upfront_cost": upfront,
        "annual_cost": annual_total,
        "cost_pv": cost_pv,
        "avoided_asset_loss": cb_asset.annual_benefit,
        "avoided_wellbeing_loss": cb_wb.annual_benefit,
        "avoided_pushed_into_poverty": b_eai["eai_people_pushed_into_poverty"]
        - s["eai_people_pushed_into_poverty"],
        "avoided_poverty_person_years": b_eai["eai_poverty_person_years"]
        - s["eai_poverty_person_years"],
        "benefit_asset_npv": cb_asset.benefit,
        "benefit_wellbeing_npv": cb_wb.benefit,
        "bcr_asset": cb_asset.bcr,
        "bcr_wellbeing": cb_wb.bcr,
        "resilience": s["resilience"],
    }


def _beneficiaries(name: str, base: ShockRisk, risk: ShockRisk, by: Literal["group", "area"]
                   ) -> pd.DataFrame:
    """Avoided EAIs by group or area (``EAI_baseline - EAI_with``), also per person."""
    a0, a1 = base.eai("asset_loss", by), risk.eai("asset_loss", by)
    w0, w1 = base.eai("wellbeing_loss", by), risk.eai("wellbeing_loss", by)
    people = base.group_people if by == "group" else base.area_people
    frame = pd.DataFrame({
        "measure": name, "by": by, "key": a0.index,
        "avoided_asset_loss": (a0 - a1).to_numpy(),
        "avoided_wellbeing_loss": (w0 - w1).to_numpy(),
        "people": people.reindex(a0.index).to_numpy(),
    })
    frame["avoided_wellbeing_loss_per_person"] = (
        frame["avoided_wellbeing_loss"] / frame["people"].where(frame["people"] > 0))
    return frame

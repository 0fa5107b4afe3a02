"""The analyses a project runs, what each needs, and the tables each produces.

Each analysis is a pure function of the loaded project (its datasets, specs, framework and
settings) that returns named result tables; :mod:`humsec.project.run` records them in the
store. An analysis whose inputs the project lacks is skipped, and :func:`missing_inputs` says
what data would fill it and how to add it.

============== ===================================================== ========================
analysis       needs                                                  tables
============== ===================================================== ========================
area_index     ``specs.index`` + registered area indicators           scores, missing, national
deprivation    a survey + ``specs.deprivation``                        by_area, national
shocks         a survey + a scenario                                  summary, by_area,
                                                                      by_group, exceedance
measures       a survey + a scenario + measures                       measures
events         point events (lat, lon, year) + boundaries             by_area_year
============== ===================================================== ========================

Monte Carlo error: simulated years are independent draws, so the standard error of an
expected annual impact is ``sd(yearly impact) / sqrt(N)``; a measure's avoided loss uses the
same years with and without the measure (common random numbers), so its error is
``sd(yearly difference) / sqrt(N)``, and a benefit-cost ratio (benefits linear in the avoided
annual loss, costs fixed) has error ``BCR * se(avoided) / avoided``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humsec.project.inputs import (
    build_project_scenario,
    dataset_names,
    survey_frame,
)
from humsec.project.project import Project

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Analysis:
    """One analysis: its name, title, the project inputs it hashes, and how to run it."""

    name: str
    title: str
    run: Callable[[Project], Tables]
    inputs: Callable[[Project], list[str]]
    needs: Callable[[Project], list[str]]
    stochastic: bool = False
    uses: tuple[str, ...] = ()
    """Earlier analyses whose tables ``run_after`` reads (run first, when the project has
    their inputs)."""
    run_after: Callable[[Project, Mapping[str, Tables]], Tables] | None = None
    """Used instead of ``run`` when set: also given the tables of the ``uses`` analyses."""

    def execute(self, project: Project, done: Mapping[str, Tables]) -> Tables:
        """Run the analysis (with the earlier analyses' tables when it uses them)."""
        if self.run_after is not None:
            return self.run_after(project, {k: done[k] for k in self.uses if k in done})
        return self.run(project)

    def spec(self, project: Project) -> dict[str, Any]:
        """The settings that, with the inputs, identify a run (hashed by the store)."""
        s = project.config.settings
        base: dict[str, Any] = {
            "analysis": self.name,
            "country": project.country,
            "areas": project.pcodes,
        }
        if self.name == "area_index":
            base |= {"index": project.config.specs.index, "index_year": s.index_year}
        elif self.name in ("deprivation", "deprivation_groups"):
            base |= {
                "deprivation": project.config.specs.deprivation,
                "k": s.k,
                "min_psus": s.min_psus,
            }
        elif self.name == "appraisal":
            base |= {"n_years": s.n_years, "k": s.k, "index_year": s.index_year}
        elif self.name == "plan":
            plan = project.config.plan
            base |= {
                "plan": plan.model_dump(mode="json") if plan else None,
                "index_year": s.index_year,
                "k": s.k,
                "n_years": s.n_years,
            }
        elif self.name in ("shocks", "measures"):
            base |= {"n_years": s.n_years}
            if self.name == "measures":
                base |= {
                    "start_year": s.start_year,
                    "end_year": s.end_year,
                    "discount_rate": s.discount_rate,
                }
        return base


def _has(project: Project, role: str) -> bool:
    return bool(project.datasets(role))


# --- area index ---------------------------------------------------------------------------
def _index_needs(project: Project) -> list[str]:
    out = []
    if not project.config.specs.index:
        out.append(
            "an index spec: set `specs: {index: inform_subnational}` in humsec.yaml (or "
            "the path of your own index YAML)"
        )
    if not _has(project, "indicators"):
        out.append(
            "area indicators: `humsec project add DIR FILE --role indicators "
            "--indicator COLUMN:DIRECTION:PILLAR`"
        )
    return out


def run_area_index(project: Project) -> Tables:
    """Build the project's index spec on its area indicators (the unit is the p-code).

    The year is ``settings.index_year`` or the latest year with data; earlier years fill in
    through each indicator's ``latest`` imputation. The national INFORM values of the country
    (bundled INFORM Risk 2025) are returned as context.
    """
    from humsec.data import load
    from humsec.index import build

    spec = project.index_spec()
    assert spec is not None
    data = project.indicator_wide()
    year = project.config.settings.index_year or int(data.index.get_level_values("year").max())
    result = build(spec, data, year=year)
    scores = result.to_frame()
    scores.index.name = "pcode"
    names = project.areas.set_index("pcode")["name"]
    scores.insert(0, "name", names.reindex(scores.index).to_numpy())
    scores = scores.reset_index()
    scores.insert(2, "year", year)
    for column in scores.columns:
        if isinstance(scores[column].dtype, pd.CategoricalDtype):
            scores[column] = scores[column].astype("string")
    indicators = result.scores[spec.indicator_codes].reset_index(names="pcode")
    missing = result.missing.reset_index()
    inform = load("inform2025")
    national = inform[inform["iso3"] == project.country].reset_index(drop=True)
    return {"scores": scores, "indicators": indicators, "missing": missing, "national": national}


# --- deprivation ----------------------------------------------------------------------------
def _survey_needs(project: Project) -> list[str]:
    if _has(project, "survey"):
        return []
    return [
        "a household survey (person-level microdata with a p-code column and its design): "
        "`humsec project add DIR survey.dta --role survey --year YYYY`"
    ]


def _deprivation_needs(project: Project) -> list[str]:
    out = _survey_needs(project)
    if not project.config.specs.deprivation:
        out.append(
            "a deprivation spec: `specs: {deprivation: global_mpi}` in humsec.yaml (or "
            "the path of your own spec YAML)"
        )
    return out


def run_deprivation(project: Project) -> Tables:
    """Alkire-Foster M0, H and A by area, with design-based SEs (Taylor linearisation) and
    95% CIs; areas are estimation domains. ``n_psu`` counts the sampled PSUs in each area and
    ``few_psus`` flags areas with fewer than ``settings.min_psus``: their design SE rests on
    fewer than ``min_psus - 1`` degrees of freedom and is not reliable."""
    from humsec.deprivation import SurveyDesign, estimate

    spec = project.deprivation_spec()
    assert spec is not None
    s = project.config.settings
    spec = spec.with_k(s.k)
    survey = survey_frame(project)
    design = SurveyDesign(
        weight="weight", psu="psu", strata="stratum" if "stratum" in survey.columns else None
    )
    result = estimate(survey, spec, design, by=["area"])
    t = result.table
    rows = t[(t["measure"].isin(["M0", "H", "A"])) & (t["indicator"].fillna("") == "")]
    wide = rows.pivot_table(
        index=["subgroup", "level"],
        columns="measure",
        values=["value", "se", "ci_low", "ci_high"],
        aggfunc="first",
    )
    pairs = [(str(c[0]), str(c[1])) for c in wide.columns]
    wide.columns = pd.Index([m if stat == "value" else f"{m}_{stat}" for stat, m in pairs])
    wide = wide.reset_index()
    by_area = wide[wide["subgroup"] == "area"].drop(columns="subgroup")
    by_area = by_area.rename(columns={"level": "pcode"})
    psus = survey.groupby("area")["psu"].nunique()
    people = survey.groupby("area").size()
    names = project.areas.set_index("pcode")["name"]
    by_area.insert(1, "name", names.reindex(by_area["pcode"]).to_numpy())
    by_area["n_psu"] = psus.reindex(by_area["pcode"]).fillna(0).astype(int).to_numpy()
    by_area["n_people"] = people.reindex(by_area["pcode"]).fillna(0).astype(int).to_numpy()
    by_area["few_psus"] = by_area["n_psu"] < s.min_psus
    unsampled = sorted(set(project.level_pcodes(project.main_level)) - set(by_area["pcode"]))
    if unsampled:
        extra = pd.DataFrame(
            {
                "pcode": unsampled,
                "name": names.reindex(unsampled).to_numpy(),
                "n_psu": 0,
                "n_people": 0,
                "few_psus": True,
            }
        )
        by_area = pd.concat([by_area, extra], ignore_index=True)
    national = wide[wide["subgroup"] == "total"].drop(columns=["subgroup", "level"])
    national.insert(0, "n_psu", result.n_psu)
    national.insert(1, "n_people", int(result.n_used))
    return {"by_area": by_area.reset_index(drop=True), "national": national.reset_index(drop=True)}


# --- deprivation by vulnerable group and area ----------------------------------------------
def run_deprivation_groups(project: Project) -> Tables:
    """Deprived people per area x vulnerable group: the Alkire-Foster headcount ratio H of the
    people of group g in area a (design-based SE, areas x membership as estimation domains)
    times their number, ``deprived = H_ag · N_ag`` with ``N_ag = Σ w_i`` over the survey
    persons of the cell. Membership follows the project framework's group rules
    (:func:`humsec.deprivation.vulnerable_groups`); group ``all`` is everyone in the area. A
    person whose membership is missing is left out of that group's cells; groups the survey
    cannot tell are listed in ``notes``."""
    from humsec.deprivation import SurveyDesign, estimate, vulnerable_groups

    spec = project.deprivation_spec()
    assert spec is not None
    s = project.config.settings
    survey = survey_frame(project)
    marked, columns = vulnerable_groups(survey, framework=project.framework)
    by = ["area"]
    for group, column in columns.items():
        member = marked[column]
        marked[f"cell:{group}"] = (marked["area"] + "|" + member.map({1.0: "1", 0.0: "0"})).where(
            member.notna()
        )
        by.append(f"cell:{group}")
    design = SurveyDesign(
        weight="weight", psu="psu", strata="stratum" if "stratum" in marked.columns else None
    )
    table = estimate(marked, spec.with_k(s.k), design, by=by).table
    heads = table[(table["measure"] == "H") & (table["indicator"].fillna("") == "")]
    rows = []
    for column, group in [("area", "all"), *[(f"cell:{g}", g) for g in columns]]:
        cells = heads[heads["subgroup"] == column]
        key = marked[column]
        people = marked.groupby(key)["weight"].sum()
        sampled = marked.groupby(key).size()
        for record in cells.to_dict("records"):
            level = str(record["level"])
            cell_area, _, is_member = level.partition("|")
            if group != "all" and is_member != "1":
                continue
            n = float(people.get(level, 0.0))
            rows.append(
                {
                    "area": cell_area,
                    "group": group,
                    "people": n,
                    "n_sampled": int(sampled.get(level, 0)),
                    "H": float(record["value"]),
                    "H_se": float(record["se"]),
                    "deprived": float(record["value"]) * n,
                }
            )
    out = pd.DataFrame(rows, columns=["area", "group", "people", "n_sampled", "H", "H_se",
                                      "deprived"])  # fmt: skip
    notes = pd.DataFrame({"note": list(marked.attrs.get("group_notes", []))}, dtype="string")
    return {"by_group_area": out.sort_values(["area", "group"], ignore_index=True),
            "notes": notes}  # fmt: skip


# --- shocks and measures --------------------------------------------------------------------
def _scenario_needs(project: Project) -> list[str]:
    out = _survey_needs(project)
    if not _has(project, "scenario"):
        out.append(
            "a hazard scenario by area (p-codes): `humsec project add DIR scenario.yaml "
            "--role scenario`"
        )
    return out


def _measures_needs(project: Project) -> list[str]:
    out = _scenario_needs(project)
    if not _has(project, "measures"):
        out.append(
            "risk-reduction measures: `humsec project add DIR measures.yaml --role measures`"
        )
    return out


def mc_error(values: np.ndarray) -> np.ndarray:
    """Monte Carlo standard error of the mean over simulated years (axis 0):
    ``sd(values, ddof=1) / sqrt(N)``."""
    n = values.shape[0]
    return np.asarray(values.std(axis=0, ddof=1) / np.sqrt(n))


def run_shocks(project: Project) -> Tables:
    """Simulate the project's scenario on its survey households for ``settings.n_years``
    years (seed ``settings.seed``): summary with Monte Carlo errors, losses by area and group,
    and the exceedance curves."""
    from humsec.shocks import simulate

    s = project.config.settings
    scenario = build_project_scenario(project)
    risk = simulate(scenario, s.n_years, s.seed)
    summary = risk.summary([20, 100])
    year = risk.year
    se = {
        "eai_asset_loss": float(mc_error(year[["asset_loss"]].to_numpy())[0]),
        "eai_wellbeing_loss": float(mc_error(year[["wellbeing_loss"]].to_numpy())[0]),
        "eai_people_pushed_into_poverty": float(
            mc_error(year[["people_pushed_into_poverty"]].to_numpy())[0]
        ),
    }
    summary_table = pd.DataFrame(
        {
            "metric": list(summary),
            "value": [float(v) for v in summary.values()],
            "mc_se": [se.get(k, np.nan) for k in summary],
        }
    )
    by_area = risk.by_area().reset_index(names="pcode")
    for metric in ("asset_loss", "wellbeing_loss"):
        values = risk.area_year[metric]
        errors = pd.Series(mc_error(values), index=list(risk.areas))
        by_area[f"eai_{metric}_se"] = errors.reindex(by_area["pcode"]).to_numpy()
    names = project.areas.set_index("pcode")["name"]
    by_area.insert(1, "name", names.reindex(by_area["pcode"]).to_numpy())
    exceedance = []
    for metric in ("asset_loss", "wellbeing_loss"):
        curve = risk.exceedance(metric)
        keep = np.isfinite(curve.return_period)
        exceedance.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "return_period": curve.return_period[keep],
                    "impact": curve.impact[keep],
                }
            )
        )
    notes = pd.DataFrame({"note": list(risk.notes)})
    return {
        "summary": summary_table,
        "by_area": by_area,
        "by_group": risk.by_group().reset_index(names="group"),
        "by_hazard": risk.by_hazard().reset_index(names="hazard"),
        "by_area_hazard": risk.by_area_hazard(),
        "exceedance": pd.concat(exceedance, ignore_index=True),
        "notes": notes,
    }


def run_measures(project: Project) -> Tables:
    """Appraise the project's measures one by one and combined on the same simulated years
    (common random numbers), with the Monte Carlo error of avoided losses and BCRs."""
    from humsec.project.resolve import resolve_measures
    from humsec.shocks import appraise_measures, load_measures

    s = project.config.settings
    scenario = build_project_scenario(project)
    d = project.dataset("measures")
    assert d is not None
    items = resolve_measures(d.file, project.root)
    measures = load_measures(items, areas=scenario.exposure.areas, framework=project.framework)
    appraisal = appraise_measures(
        scenario,
        measures,
        n_years=s.n_years,
        seed=s.seed,
        start_year=s.start_year,
        end_year=s.end_year,
        discount_rate=s.discount_rate,
    )
    table = appraisal.table.reset_index(names="measure")
    base = appraisal.risks["baseline"].year
    for metric, bcr in (("asset_loss", "bcr_asset"), ("wellbeing_loss", "bcr_wellbeing")):
        errors = []
        for name in table["measure"]:
            diff = base[metric].to_numpy() - appraisal.risks[name].year[metric].to_numpy()
            errors.append(float(mc_error(diff[:, None])[0]))
        table[f"avoided_{metric}_se"] = errors
        avoided = table[f"avoided_{metric}"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[f"{bcr}_se"] = (
                np.abs(table[bcr].to_numpy(dtype=float)) * np.asarray(errors) / np.abs(avoided)
            )
    return {"measures": table}


# --- point events ---------------------------------------------------------------------------
def _events_needs(project: Project) -> list[str]:
    out = []
    if not _has(project, "events"):
        out.append(
            "point events with coordinates (e.g. UCDP GED): `humsec project add DIR "
            "ged.csv --role events`"
        )
    if not project.boundaries:
        out.append("area boundaries (`boundaries:` in humsec.yaml)")
    return out


def run_events(project: Project) -> Tables:
    """Point events counted per area and year by point in polygon (all event datasets)."""
    from humsec.project.events import count_events

    layer = project.boundaries[max(project.boundaries)]
    tables = []
    outside = []
    for d in project.datasets("events"):
        mapping = project.mappings[d.name]
        counts = count_events(
            project.table(d.name),
            layer,
            lat=mapping["lat"],
            lon=mapping["lon"],
            year=mapping["year"],
            weight=mapping.get("weight"),
        )
        tables.append(counts.table.assign(dataset=d.name))
        outside.append(
            {"dataset": d.name, "events": len(counts.assigned), "outside_areas": counts.outside}
        )
    return {"by_area_year": pd.concat(tables, ignore_index=True), "coverage": pd.DataFrame(outside)}


ANALYSES: list[Analysis] = [
    Analysis(
        "area_index",
        "Area risk index",
        run_area_index,
        lambda p: [d.name for d in p.datasets("indicators")] + ["index_spec"],
        _index_needs,
    ),
    Analysis(
        "deprivation",
        "Deprivation by area",
        run_deprivation,
        lambda p: [*dataset_names(p, "survey"), "deprivation_spec"],
        _deprivation_needs,
    ),
    Analysis(
        "deprivation_groups",
        "Deprivation by vulnerable group and area",
        run_deprivation_groups,
        lambda p: [*dataset_names(p, "survey"), "deprivation_spec"],
        _deprivation_needs,
    ),
    Analysis(
        "shocks",
        "Shock exposure by area",
        run_shocks,
        lambda p: dataset_names(p, "survey", "scenario"),
        _scenario_needs,
        stochastic=True,
    ),
    Analysis(
        "measures",
        "Risk-reduction measures",
        run_measures,
        lambda p: dataset_names(p, "survey", "scenario", "measures"),
        _measures_needs,
        stochastic=True,
    ),
    Analysis(
        "events",
        "Point events by area and year",
        run_events,
        lambda p: [d.name for d in p.datasets("events")],
        _events_needs,
    ),
]


# --- analyses that read earlier ones: appraisal, plan, threat network -----------------------
CONTEXT_ANALYSES = ("area_index", "deprivation_groups", "shocks")
"""The analyses whose tables the appraisal context reads."""


def _programme_files(project: Project) -> list[str]:
    return [
        d.file for d in project.datasets("programme") if d.file.lower().endswith((".yaml", ".yml"))
    ]


def _appraisal_needs(project: Project) -> list[str]:
    if _programme_files(project):
        return []
    return ["a programme (YAML): `humsec project add DIR programme.yaml --role programme`"]


def _appraisal_inputs(project: Project) -> list[str]:
    roles = ("survey", "scenario", "measures", "3w")
    names = [d.name for d in project.datasets("programme")]
    names += [n for role in roles for n in dataset_names(project, role)]
    names += [d.name for d in project.datasets("indicators")]
    for spec, value in (
        ("index_spec", project.config.specs.index),
        ("deprivation_spec", project.config.specs.deprivation),
    ):
        if value:
            names.append(spec)
    return names


def _uses_alone(project: Project, names: tuple[str, ...]) -> dict[str, Tables]:
    """The analyses ``names`` run in memory, for an analysis run on its own (a service job)."""
    return {a.name: a.run(project) for a in ANALYSES if a.name in names and not a.needs(project)}


def _run_appraisal(project: Project, done: Mapping[str, Tables]) -> Tables:
    from humsec.project.appraisal import run_appraisal

    return run_appraisal(project, done)


def _plan_inputs(project: Project) -> list[str]:
    """The candidates, plus for derived benefits what the benefit reads: the survey,
    deprivation spec, scenario and area indicators."""
    names = dataset_names(project, "candidates")
    d = project.dataset("candidates")
    if d is not None and "benefit" not in project.mappings.get(d.name, {}):
        names += dataset_names(project, "survey", "scenario")
        names += [x.name for x in project.datasets("indicators")]
        if project.config.specs.deprivation:
            names.append("deprivation_spec")
    return names


def _plan_needs(project: Project) -> list[str]:
    from humsec.project.planning import plan_needs

    return plan_needs(project)


def _run_plan(project: Project, done: Mapping[str, Tables]) -> Tables:
    from humsec.project.planning import run_plan

    return run_plan(project, done)


#: Years an indicator must cover to give a threat series (``estimate_network(min_years=3)``).
NETWORK_MIN_YEARS = 3


def _network_needs(project: Project) -> list[str]:
    """Two threats' indicators with values in at least :data:`NETWORK_MIN_YEARS` years each."""
    long = project.area_indicators
    scored = long[long["threats"].fillna("") != ""].dropna(subset=["value"])
    years = scored.groupby("threats")["year"].nunique()
    if int((years >= NETWORK_MIN_YEARS).sum()) >= 2:
        return []
    return [
        f"area indicators of at least two threats, each over {NETWORK_MIN_YEARS}+ years: "
        "`humsec project add DIR FILE --role indicators --indicator "
        "COLUMN:DIRECTION:PILLAR:THREAT`"
    ]


def _run_network(project: Project) -> Tables:
    from humsec.project.threat_network import run_threat_network

    return run_threat_network(project)


ANALYSES += [
    Analysis(
        "appraisal",
        "Programme appraisal in the project's context",
        lambda p: _run_appraisal(p, _uses_alone(p, CONTEXT_ANALYSES)),
        _appraisal_inputs,
        _appraisal_needs,
        stochastic=True,
        uses=CONTEXT_ANALYSES,
        run_after=_run_appraisal,
    ),
    Analysis(
        "plan",
        "Portfolio plan",
        lambda p: _run_plan(p, _uses_alone(p, ("deprivation", "shocks"))),
        _plan_inputs,
        _plan_needs,
        stochastic=True,
        uses=("deprivation", "shocks"),
        run_after=_run_plan,
    ),
    Analysis(
        "threat_network",
        "Threat network of the area panel",
        _run_network,
        lambda p: [d.name for d in p.datasets("indicators")],
        _network_needs,
        stochastic=True,
    ),
]


def analysis(name: str) -> Analysis:
    """The analysis called ``name``."""
    for item in ANALYSES:
        if item.name == name:
            return item
    from humsec.errors import SpecError, did_you_mean

    raise SpecError(f"no analysis {name!r}", hint=did_you_mean(name, [a.name for a in ANALYSES]))


def missing_inputs(project: Project) -> dict[str, list[str]]:
    """``{analysis: [what data it still needs and how to add it]}`` for skipped analyses."""
    return {a.name: needs for a in ANALYSES if (needs := a.needs(project))}

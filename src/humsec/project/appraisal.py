"""The assessment context a programme is appraised in, built from a project's own data and
stored results (issue 10 §3): :func:`appraisal_context`.

Each part of :class:`humsec.programme.AppraisalContext` comes from one place:

============== ===================================================== ======================
part           from                                                  rule
============== ===================================================== ======================
top_threats    the ``area_index`` run (``indicators``: each          threats ranked by the
               indicator's 0-10 score per area, higher = worse) and  mean score of their
               the threats each area indicator is declared for       indicators, worst first
deprivation    the ``deprivation_groups`` run (``by_group_area``)    deprived people per
                                                                     area x group
presence       the project's 3W dataset through                      org, org_type, area
               :func:`humsec.actors.presence` (implementing orgs)
dominant       the ``shocks`` run (``by_area_hazard``: each hazard's     hazards ranked by
hazards        expected annual well-being loss in each area)          their loss in the
                                                                     area, largest first
scenario,      the project's scenario on its survey households and   erosion of gains
measures       its measures (simulated by the appraisal)
============== ===================================================== ======================

The shocks engine attributes each area-year's losses to the hazards that struck it
(:meth:`humsec.shocks.ShockRisk.by_area_hazard`), so an area's dominant hazard is the one with
the largest expected annual well-being loss there. Runs stored before that table existed keep
the older estimate, :func:`dominant_hazards_by_rate`: ``s_ha = r_ha · EAI_h / Σ_a' r_ha'``,
hazard h's project-wide expected loss apportioned to the areas by how often h strikes them
(for an event set given by return periods the annual rate is ``1 / min(return period)``).
The framework interlinkages of the top threats are the framework's own (the
appraisal reads them from the project's framework).

A part the project cannot give is left out, and :attr:`ProjectContext.notes` says which checks
that leaves out and what data would make them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from humsec.errors import DataError
from humsec.project.presence import project_presence
from humsec.project.project import Project

if TYPE_CHECKING:
    from humsec.programme import AppraisalContext
    from humsec.project.run import ProjectRun

Tables = Mapping[str, Mapping[str, pd.DataFrame]]


@dataclass(frozen=True)
class ProjectContext:
    """An appraisal context built from a project, and the checks it could not support."""

    context: AppraisalContext
    notes: tuple[str, ...]


def top_threats(project: Project, indicators: pd.DataFrame) -> dict[str, list[str]]:
    """``{area: [threat ids, worst first]}`` from the area index's indicator scores.

    ``indicators`` is the ``area_index`` run's ``indicators`` table (``pcode`` and one 0-10
    column per indicator, oriented so that higher is worse). A threat's score in an area is the
    mean score of the indicators declared for it (``threats:`` of the area indicators); missing
    scores are skipped, and a threat with none in an area is not ranked there. Ties go to the
    threat id in alphabetical order.
    """
    registry = project.area_indicators.drop_duplicates("indicator").set_index("indicator")
    frame = indicators.set_index("pcode")
    per_threat: dict[str, list[str]] = {}
    for code in frame.columns:
        if code not in registry.index:
            continue
        for threat in [t for t in str(registry.at[code, "threats"] or "").split(",") if t]:
            per_threat.setdefault(threat, []).append(str(code))
    scores = pd.DataFrame(
        {
            t: frame[codes].apply(pd.to_numeric, errors="coerce").mean(axis=1)
            for t, codes in per_threat.items()
        }
    )
    out: dict[str, list[str]] = {}
    for area, row in scores.iterrows():
        ranked = row.dropna().reset_index()
        ranked.columns = pd.Index(["threat", "score"])
        ranked = ranked.sort_values(["score", "threat"], ascending=[False, True])
        out[str(area)] = ranked["threat"].tolist()
    return out


def _hazard_rates(spec: Mapping[str, Any], pcodes: list[str]) -> pd.DataFrame:
    """Annual rate of each hazard in each area (areas x hazards) from a scenario spec."""
    hazards = spec.get("hazards") or {}
    rates: dict[str, dict[str, float]] = {}
    for item in hazards.get("area_hazards", []) or []:
        default = float(item.get("rate") or 0.0)
        named = {str(a): float(r) for a, r in dict(item.get("rates") or {}).items()}
        areas = item.get("areas", "all")
        allowed = set(pcodes) if areas in (None, "all") else {str(a) for a in areas}
        rates[str(item["hazard"])] = {
            a: (named.get(a, default) if a in allowed else 0.0) for a in pcodes
        }
    for item in hazards.get("event_sets_from_return_periods", []) or []:
        periods = [float(row[0]) for row in item.get("table") or [] if row]
        rate = 1.0 / min(periods) if periods else 0.0
        areas = item.get("areas", "all")
        allowed = set(pcodes) if areas in (None, "all") else {str(a) for a in areas}
        rates[str(item["hazard"])] = {a: rate if a in allowed else 0.0 for a in pcodes}
    return pd.DataFrame(rates, index=pcodes)


def dominant_hazards(by_area_hazard: pd.DataFrame) -> dict[str, list[str]]:
    """``{area: [hazards, largest expected annual well-being loss EAI_ah first]}``, from the
    shocks run's ``by_area_hazard`` table (``rank_in_area``: ties broken by hazard name).
    Hazards that caused no loss in an area are not listed there."""
    hit = by_area_hazard[by_area_hazard["eai_wellbeing_loss"].astype(float) > 0]
    hit = hit.sort_values(["area", "rank_in_area"])
    return {
        str(area): group["hazard"].astype(str).tolist()
        for area, group in hit.groupby("area", sort=True)
    }


def dominant_hazards_by_rate(
    project: Project, by_hazard: pd.DataFrame, scenario_spec: Mapping[str, Any]
) -> dict[str, list[str]]:
    """``{area: [hazards, largest apportioned expected loss first]}`` for runs stored without
    ``by_area_hazard`` (module docstring:
    ``s_ha = r_ha · EAI_h / Σ_a' r_ha'``, with ``EAI_h`` the ``eai_wellbeing_loss`` of the
    shocks run's ``by_hazard`` table). Hazards with no rate in an area are not listed there."""
    rates = _hazard_rates(scenario_spec, project.level_pcodes(project.main_level))
    loss = by_hazard.set_index("hazard")["eai_wellbeing_loss"].astype(float)
    out: dict[str, list[str]] = {}
    shares = rates / rates.sum(axis=0).where(rates.sum(axis=0) > 0)
    score = shares.mul(loss.reindex(rates.columns).fillna(0.0), axis=1)
    for area in score.index:
        row = score.loc[area]
        ranked = row[(rates.loc[area] > 0) & row.notna()]
        ranked = ranked.reset_index()
        ranked.columns = pd.Index(["hazard", "score"])
        ranked = ranked.sort_values(["score", "hazard"], ascending=[False, True])
        out[str(area)] = ranked["hazard"].tolist()
    return out


def appraisal_context(
    project: Project,
    run: ProjectRun | None = None,
    *,
    tables: Mapping[str, Any] | None = None,
    programme_gain: float = 0.1,
    n_years: int | None = None,
    seed: int | None = None,
) -> ProjectContext:
    """The :class:`~humsec.programme.AppraisalContext` of a project (module docstring), with
    notes naming the checks it cannot support and the data that would make them.

    ``run`` (a :class:`~humsec.project.ProjectRun`) or ``tables`` (``{analysis: {table:
    frame}}``, e.g. from :func:`humsec.project.context_tables`) supplies the analysis tables.
    The erosion of gains is simulated for
    ``n_years`` years (default ``settings.n_years``) with ``seed`` (default
    ``settings.seed``), the gain being ``programme_gain`` of consumption.
    """
    from humsec.programme import AppraisalContext

    if tables is None:
        if run is None:
            raise DataError(
                "the appraisal context needs the project's analysis tables",
                location="appraisal_context",
                hint="pass run= (humsec.project.run_project) or tables= "
                "(humsec.project.context_tables(project))",
            )
        tables = {**run.tables, "_records": run.records}
    records = tables.get("_records", {})
    settings = project.config.settings
    notes: list[str] = []
    sources: dict[str, str] = {}

    def source(analysis: str, table: str) -> str:
        record = records.get(analysis)
        where = f", run {record.source_run_id}" if record is not None else ""
        return f"project {project.name}: {analysis}.{table}{where}"

    threats: dict[str, list[str]] = {}
    if "area_index" in tables:
        threats = top_threats(project, tables["area_index"]["indicators"])
        sources["top_threats"] = source("area_index", "indicators")
    else:
        notes.append(
            "top threats of the areas: the project has no area index run (needs an "
            "index spec and area indicators)"
        )
    deprivation = None
    groups = tables.get("deprivation_groups", {}).get("by_group_area")
    if groups is not None:
        deprivation = groups[["area", "group", "deprived"]].dropna(subset=["deprived"])
        sources["deprivation"] = source("deprivation_groups", "by_group_area")
    else:
        notes.append(
            "reach by group and area against deprivation: the project has no survey "
            "with a deprivation spec"
        )
    presence = project_presence(project)
    if presence is not None:
        d = project.dataset("3w")
        assert d is not None
        sources["presence"] = f"project {project.name}: {d.file}"
        if d.source and "SYNTHETIC" in d.source.upper():
            sources["presence"] += " (SYNTHETIC)"
    else:
        notes.append(
            "actors already working in the areas: the project has no 3W table "
            "(humsec project add DIR 3w.csv --role 3w)"
        )
    hazards: dict[str, list[str]] = {}
    scenario = None
    measures: list[Any] = []
    shocks = tables.get("shocks", {})
    if "by_area_hazard" in shocks:
        hazards = dominant_hazards(shocks["by_area_hazard"])
        sources["dominant_hazards"] = source("shocks", "by_area_hazard")
    elif "by_hazard" in shocks and project.dataset("scenario") is not None:
        from humsec.project.resolve import resolve_scenario

        d = project.dataset("scenario")
        assert d is not None
        spec = resolve_scenario(d.file, project.root)
        hazards = dominant_hazards_by_rate(project, shocks["by_hazard"], spec)
        sources["dominant_hazards"] = source("shocks", "by_hazard")
    if project.dataset("scenario") is not None and project.dataset("survey") is not None:
        scenario, measures = _scenario_and_measures(project)
        sources["scenario"] = f"project {project.name}: {project.dataset('scenario').file}"  # type: ignore[union-attr]
    else:
        notes.append(
            "dominant hazards and the erosion of gains by shocks: the project needs a "
            "survey and a hazard scenario (--role scenario)"
        )
    context = AppraisalContext(
        top_threats=threats,
        deprivation=deprivation,
        presence=presence,
        dominant_hazards=hazards,
        scenario=scenario,
        measures=tuple(measures),
        programme_gain=programme_gain,
        n_years=n_years or settings.n_years,
        seed=settings.seed if seed is None else seed,
        sources=sources,
    )
    return ProjectContext(context, tuple(notes))


def project_programmes(project: Project) -> list[Any]:
    """The project's programmes (its ``programme`` datasets written as YAML), validated
    against its framework and areas."""
    from humsec.programme import Programme

    return [
        Programme.from_yaml(project.path(d.file), framework=project.framework, areas=project.pcodes)
        for d in project.datasets("programme")
        if d.file.lower().endswith((".yaml", ".yml"))
    ]


def run_appraisal(project: Project, done: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Appraise the project's programmes, one by one and as a portfolio, in the context built
    from ``done`` (the ``area_index``, ``deprivation_groups`` and ``shocks`` tables); the
    tables: ``scores`` (one row per programme x criterion, with its marker and mean),
    ``evidence`` (every evidence field per programme), the portfolio's ``coverage``,
    ``overlaps`` and ``gaps``, and ``notes`` (the checks the project cannot support)."""
    from humsec.programme import appraise_portfolio

    built = appraisal_context(project, tables=dict(done))
    portfolio = appraise_portfolio(
        project_programmes(project), built.context, None, project.framework
    )
    scores, evidence = [], []
    for a in portfolio.appraisals:
        frame = a.to_frame()
        frame.insert(1, "programme_name", a.name)
        frame["marker"] = a.marker
        frame["mean_score"] = a.mean_score
        scores.append(frame)
        evidence.append(a.evidence_frame().assign(programme=a.programme))
    out = {
        "scores": pd.concat(scores, ignore_index=True),
        "evidence": pd.concat(evidence, ignore_index=True),
        "coverage": portfolio.coverage.reset_index(drop=True),
        "overlaps": portfolio.overlaps.reset_index(drop=True),
        "gaps": portfolio.gaps.reset_index(drop=True),
        "notes": pd.DataFrame({"note": list(built.notes)}, dtype="string"),
    }
    for frame in out.values():
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].astype("string")
    return out


def _scenario_and_measures(project: Project) -> tuple[Any, list[Any]]:
    from humsec.project.inputs import build_project_scenario
    from humsec.project.resolve import resolve_measures
    from humsec.shocks import load_measures

    scenario = build_project_scenario(project)
    d = project.dataset("measures")
    if d is None:
        return scenario, []
    items = resolve_measures(d.file, project.root)
    return scenario, list(
        load_measures(items, areas=scenario.exposure.areas, framework=project.framework)
    )


__all__ = [
    "ProjectContext",
    "appraisal_context",
    "dominant_hazards",
    "project_programmes",
    "run_appraisal",
    "top_threats",
]

"""The computations the service runs on a project, one per engine resource.

Each kind is a pure function of the loaded project, its checked parameters and the uploaded
bytes it reads (a programme, a 3W table, an IATI file, a candidate table), returning named
result tables. It calls only the engines' public functions, on the inputs the project layer
resolves (its specs, area indicators, survey, framework and boundaries), so the same call in
Python gives the same tables. :func:`run_project_kind` is what a Dask worker runs: it loads
the project from its folder and returns each table as Parquet bytes.

===================== ====================================== =================================
kind                  engine call                            tables
===================== ====================================== =================================
index_build           ``humsec.index.build``                 scores, ranks, normalised,
                                                             coverage, missing, audit
index_uncertainty     ``humsec.index.uncertainty``           summary [, sensitivity]
deprivation           ``humsec.deprivation.estimate``        estimates, sample_sizes, missing
programme_appraisal   ``humsec.programme.appraise``          summary, scores, evidence, checks,
                                                             sources
iati_import           ``humsec.programme.read_iati``         activities, programmes, issues
threew_presence       ``humsec.actors.presence``             presence
threew_coverage       ``humsec.actors.coverage``             coverage, gaps, duplications,
                                                             localisation
threat_network        ``humsec.threats.estimate_network``    edges, leverage, matrix,
                                                             persistence, comparison, notes
portfolio_plan        ``humsec.programme.plan``              chosen, spend, frontier,
                                                             alternatives, summary
===================== ====================================== =================================
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from humsec.errors import DataError, SpecError, did_you_mean
from humsec.programme import PlanOptions
from humsec.project import Project, area_preset_names, resolve_index_spec, survey_frame

Report = Callable[[float, str], None]
Tables = dict[str, pd.DataFrame]
Uploads = Mapping[str, bytes]
Vary = Literal["weights", "normalisation", "aggregation"]
VARY: tuple[Vary, ...] = ("weights", "normalisation", "aggregation")
OrgRole = Literal["donor", "programme partner", "implementing"]
Seed = Field(1, ge=0, le=2**63 - 1, description="random seed (same seed, same numbers)")


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _upload(uploads: Uploads, stem: str, folder: Path) -> Path:
    """Write the upload named ``stem.<suffix>`` into ``folder``; its path (suffix kept, since
    the readers choose the format by it)."""
    for name, data in uploads.items():
        if Path(name).stem == stem:
            path = folder / name
            path.write_bytes(data)
            return path
    raise DataError(f"no uploaded {stem} file reached the computation", location=stem)


# --- index ------------------------------------------------------------------------------------
class IndexParams(BaseModel):
    """An index build: the project's index spec (or a bundled preset) on its area indicators."""

    model_config = ConfigDict(extra="forbid")

    spec: str | None = Field(
        None, description="a bundled index preset; default the project's own index spec"
    )
    year: int | None = Field(
        None, ge=1900, le=2100, description="default settings.index_year, else the latest year"
    )


class UncertaintyParams(IndexParams):
    """Monte Carlo uncertainty (and Sobol sensitivity) of the project's index build."""

    n: int = Field(200, ge=10, le=100_000, description="replications")
    seed: int = Seed
    vary: list[Vary] = Field(default_factory=lambda: list(VARY), min_length=1)
    sobol: bool = Field(True, description="also estimate Sobol sensitivity indices")


def index_spec(project: Project, name: str | None) -> Any:
    """The project's index spec, or the bundled preset ``name`` (never a path on the server)."""
    from humsec.index import list_presets

    if name is None:
        spec = project.index_spec()
        if spec is None:
            raise SpecError(
                "the project has no index spec",
                location="humsec.yaml: specs.index",
                hint="set `specs: {index: inform_subnational}` in humsec.yaml, or send "
                "spec: with a bundled preset name",
            )
        return spec
    presets = [*area_preset_names(), *list_presets()]
    if name not in presets:
        raise SpecError(
            f"no bundled index preset {name!r}",
            location="body: spec",
            hint=did_you_mean(name, presets) or f"presets: {', '.join(presets)}",
        )
    return resolve_index_spec(name)


def index_year(project: Project, data: pd.DataFrame, year: int | None) -> int:
    """The year an index is built for: the request's, else ``settings.index_year``, else the
    latest year with data."""
    if year is not None:
        return year
    return project.config.settings.index_year or int(data.index.get_level_values("year").max())


def _by_pcode(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(names="pcode")
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out


def build_index(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Build the index (``humsec.index.build``) for one year; the unit is the p-code."""
    from humsec.index import build

    p = IndexParams.model_validate(params)
    spec = index_spec(project, p.spec)
    data = project.indicator_wide()
    year = index_year(project, data, p.year)
    report(0.2, f"building {spec.name} for {year}")
    result = build(spec, data, year=year)
    scores = _by_pcode(result.to_frame())
    names = project.areas.set_index("pcode")["name"]
    scores.insert(1, "name", names.reindex(scores["pcode"]).to_numpy())
    return {
        "scores": scores,
        "ranks": _by_pcode(result.ranks),
        "normalised": _by_pcode(result.normalised),
        "coverage": _by_pcode(result.coverage),
        "missing": result.missing.reset_index(),
        "audit": result.audit.reset_index(drop=True),
    }


def index_uncertainty(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Monte Carlo uncertainty of the index build (``humsec.index.uncertainty``)."""
    from humsec.index import uncertainty

    p = UncertaintyParams.model_validate(params)
    spec = index_spec(project, p.spec)
    data = project.indicator_wide()
    year = index_year(project, data, p.year)
    report(0.1, f"{p.n:,} replications of {spec.name} for {year}")
    result = uncertainty(spec, data, n=p.n, seed=p.seed, vary=p.vary, year=year, sobol=p.sobol)
    tables = {"summary": result.summary().reset_index()}
    if result.sensitivity is not None:
        tables["sensitivity"] = result.sensitivity.reset_index()
    return tables


# --- deprivation --------------------------------------------------------------------------
class DeprivationParams(BaseModel):
    """Alkire-Foster estimates on the project's survey, with design-based standard errors."""

    model_config = ConfigDict(extra="forbid")

    by: list[str] = Field(
        default_factory=lambda: ["area"],
        max_length=4,
        description="survey columns to estimate by ('area' is the p-code; e.g. sex, urban)",
    )
    k: float | None = Field(None, gt=0, le=1, description="poverty cutoff; default settings.k")
    level: float = Field(0.95, gt=0.5, lt=1, description="confidence level of the intervals")
    spec: str | None = Field(
        None, description="a bundled deprivation spec; default the project's own"
    )
    mode: Literal["auto", "now", "job"] = Field(
        "auto", description="auto: at once for small surveys, as a job for large microdata"
    )


def deprivation_spec(project: Project, name: str | None) -> Any:
    """The project's deprivation spec, or the bundled spec ``name`` (never a path)."""
    from humsec.deprivation import bundled_spec
    from humsec.deprivation.specs import bundled_spec_names

    if name is None:
        spec = project.deprivation_spec()
        if spec is None:
            raise SpecError(
                "the project has no deprivation spec",
                location="humsec.yaml: specs.deprivation",
                hint="set `specs: {deprivation: global_mpi}` in humsec.yaml, or send spec:",
            )
        return spec
    names = bundled_spec_names()
    if name not in names:
        raise SpecError(
            f"no bundled deprivation spec {name!r}",
            location="body: spec",
            hint=did_you_mean(name, names) or f"bundled specs: {', '.join(names)}",
        )
    return bundled_spec(name)


def survey_design(survey: pd.DataFrame) -> Any:
    """The survey design of a project survey (columns renamed by ``survey_frame``)."""
    from humsec.deprivation import SurveyDesign

    strata = "stratum" if "stratum" in survey.columns else None
    return SurveyDesign(weight="weight", psu="psu", strata=strata)


def estimate_deprivation(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """M0, H, A and the censored headcounts by the requested groups, with Taylor-linearised
    design SEs and intervals (``humsec.deprivation.estimate``)."""
    from humsec.deprivation import estimate

    p = DeprivationParams.model_validate(params)
    spec = deprivation_spec(project, p.spec)
    k = p.k if p.k is not None else project.config.settings.k
    survey = survey_frame(project)
    unknown = [c for c in p.by if c not in survey.columns]
    if unknown:
        columns = [str(c) for c in survey.columns]
        raise DataError(
            f"the survey has no column {unknown[0]!r} to estimate by",
            location="body: by",
            hint=did_you_mean(unknown[0], columns) or f"columns: {', '.join(columns)}",
        )
    report(0.2, f"estimating on {len(survey):,} rows by {', '.join(p.by) or 'nothing'}")
    result = estimate(survey, spec.with_k(k), survey_design(survey), by=p.by, level=p.level)
    missing = pd.DataFrame(
        {"column": list(result.missing), "missing": [int(v) for v in result.missing.values()]}
    )
    return {
        "estimates": result.table.reset_index(drop=True),
        "sample_sizes": result.sample_sizes.reset_index(drop=True),
        "missing": missing,
    }


# --- programmes -----------------------------------------------------------------------------
class AppraisalParams(BaseModel):
    """A programme appraisal: in the project's assessment context (a job), or at once without
    it; optionally with actor presence from an uploaded 3W table."""

    model_config = ConfigDict(extra="forbid")

    context: bool = Field(
        True,
        description="appraise in the project's context (top threats, deprivation by group, "
        "presence, dominant hazards, erosion of gains), as a job; false: at once, without it",
    )
    threew: str | None = Field(
        None, description="an uploaded 3W table's name: who already works in the areas"
    )
    programme_gain: float = Field(0.1, gt=0, le=1, description="assumed relative gain")
    n_years: int | None = Field(
        None, ge=10, le=10_000, description="years simulated for the erosion of gains"
    )


def _programme(project: Project, path: Path) -> Any:
    from humsec.programme import Programme, read_excel

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel(path, framework=project.framework, areas=project.pcodes)
    return Programme.from_yaml(path, framework=project.framework, areas=project.pcodes)


def read_programme(project: Project, name: str, data: bytes) -> Any:
    """An uploaded programme (YAML or the Excel template), checked against the project's
    framework and areas."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return _programme(project, path)


def project_context(project: Project, p: AppraisalParams, report: Report) -> tuple[Any, list[str]]:
    """The project's assessment context (``humsec.project.appraisal_context``) on its context
    analyses computed in memory, and the checks it cannot support."""
    from humsec.project import CONTEXT_ANALYSES, appraisal_context, run_project

    report(0.1, f"running the context analyses ({', '.join(CONTEXT_ANALYSES)})")
    run = run_project(project, None, only=CONTEXT_ANALYSES)
    report(0.6, "building the assessment context")
    built = appraisal_context(project, run, programme_gain=p.programme_gain, n_years=p.n_years)
    return built.context, list(built.notes)


def appraise_programme(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Score the programme on the rubric (``humsec.programme.appraise``) in the project's
    context, or without it; an uploaded 3W table, when named, gives actor presence. The
    ``checks`` table lists every check that could not be made and why."""
    import dataclasses

    from humsec.actors import presence, read_3w
    from humsec.programme import AppraisalContext, appraise

    p = AppraisalParams.model_validate(params)
    notes: list[str] = []
    if p.context:
        context, notes = project_context(project, p, report)
    else:
        context = AppraisalContext()
        notes.append(
            "appraised without the project's context (context: false): top threats, "
            "deprivation by group, dominant hazards and the erosion of gains are not checked"
        )
    with tempfile.TemporaryDirectory() as tmp:
        programme = _programme(project, _upload(uploads, "programme", Path(tmp)))
        if any(Path(n).stem == "threew" for n in uploads):
            present = presence(read_3w(_upload(uploads, "threew", Path(tmp))))
            named = {**context.sources, "presence": f"3W table {p.threew} (project store)"}
            context = dataclasses.replace(context, presence=present, sources=named)
        elif context.presence is None:
            notes.append("no 3W table: actor presence in the programme's areas is not checked")
    report(0.8, "appraising")
    result = appraise(programme, context, framework=project.framework)
    checks = pd.DataFrame(
        [
            *({"kind": "not_checked", "detail": str(item)} for item in result.not_checked),
            *({"kind": "unscored", "detail": str(item)} for item in result.unscored),
            *({"kind": "note", "detail": str(item)} for item in (*result.notes, *notes)),
        ],
        columns=["kind", "detail"],
    )
    sources = pd.DataFrame(
        {"part": list(context.sources), "source": list(context.sources.values())},
        columns=["part", "source"],
    )
    summary = pd.DataFrame(
        [
            {
                "programme": result.programme,
                "name": result.name,
                "marker": result.marker,
                "mean_score": result.mean_score,
                "rubric_version": result.rubric_version,
                "with_context": result.with_context,
            }
        ]
    )
    return {
        "summary": summary,
        "scores": result.to_frame(),
        "evidence": result.evidence_frame(),
        "checks": checks,
        "sources": sources,
    }


def programmes_table(programmes: list[Any]) -> pd.DataFrame:
    """One row per programme: id, name, country, areas, components, threats, target groups."""
    return pd.DataFrame(
        [
            {
                "id": p.id,
                "name": p.programme.name,
                "country": p.programme.country,
                "areas": ",".join(p.programme.areas),
                "components": len(p.components),
                "threats": ",".join(p.threats),
                "target_groups": ",".join(p.target_groups),
                "budget": p.programme.budget,
                "currency": p.programme.currency,
            }
            for p in programmes
        ],
        columns=[
            "id",
            "name",
            "country",
            "areas",
            "components",
            "threats",
            "target_groups",
            "budget",
            "currency",
        ],
    )


def import_iati(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Read an IATI activity file (``humsec.programme.read_iati``): the activities (nested
    fields as JSON text), the programmes made of them and the data-quality flags."""
    from humsec.programme import read_iati

    with tempfile.TemporaryDirectory() as tmp:
        path = _upload(uploads, "iati", Path(tmp))
        report(0.1, "reading activities")
        result = read_iati(path, framework=project.framework)
    activities = result.activities.copy()
    for column in activities.columns:
        if activities[column].map(lambda v: isinstance(v, list | tuple | dict)).any():
            activities[column] = activities[column].map(
                lambda v: json.dumps(v, default=str, ensure_ascii=False)
            )
    notes = pd.DataFrame({"note": list(result.notes)}, columns=["note"])
    return {
        "activities": activities,
        "programmes": programmes_table(list(result.programmes)),
        "issues": result.issues.reset_index(drop=True),
        "notes": notes,
    }


class ImportParams(BaseModel):
    """An IATI import takes no parameters: the uploaded file is its input."""

    model_config = ConfigDict(extra="forbid")


# --- 3W -------------------------------------------------------------------------------------
class PresenceParams(BaseModel):
    """Who works where, from an uploaded 3W table."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["adm1", "adm2"] = "adm1"
    roles: list[OrgRole] = Field(
        default_factory=lambda: list[OrgRole](["implementing"]), min_length=1
    )


class Need(BaseModel):
    """People in need in one area (optionally one sector)."""

    model_config = ConfigDict(extra="forbid")

    area: str
    in_need: float = Field(ge=0)
    sector: str | None = None


class CoverageParams(BaseModel):
    """Presence against need: gaps, duplications and the localisation share."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["adm1", "adm2"] = "adm1"
    needs: list[Need] | None = Field(None, description="people in need by area [and sector]")
    indicator: str | None = Field(
        None, description="or a project indicator giving people in need (latest year)"
    )
    need_quantile: float = Field(0.5, ge=0, le=1)
    thin_orgs: int = Field(1, ge=0, le=100)
    many_orgs: int = Field(3, ge=1, le=1000)
    few_share: float = Field(0.1, ge=0, le=1)


def _threew(uploads: Uploads, folder: Path) -> Any:
    from humsec.actors import read_3w

    return read_3w(_upload(uploads, "threew", folder))


def threew_presence(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Organisations present per area (``humsec.actors.presence``)."""
    from humsec.actors import presence

    p = PresenceParams.model_validate(params)
    with tempfile.TemporaryDirectory() as tmp:
        threew = _threew(uploads, Path(tmp))
    return {"presence": presence(threew, p.level, tuple(p.roles)).reset_index(drop=True)}


def coverage_needs(project: Project, p: CoverageParams) -> pd.DataFrame:
    """The need table of a coverage request: the rows sent, or a project indicator's values
    in its latest year (area, in_need)."""
    if p.needs:
        return pd.DataFrame([n.model_dump(exclude_none=True) for n in p.needs])
    if p.indicator is None:
        raise DataError(
            "coverage needs the number of people in need per area",
            location="body: needs",
            hint="send needs: [{area, in_need}], or indicator: a project indicator code",
        )
    table = project.area_indicators
    codes = sorted(set(table["indicator"].astype(str))) if len(table) else []
    if p.indicator not in codes:
        raise DataError(
            f"the project has no indicator {p.indicator!r}",
            location="body: indicator",
            hint=did_you_mean(p.indicator, codes) or f"indicators: {', '.join(codes)}",
        )
    values = table[table["indicator"] == p.indicator]
    latest = values[values["year"] == values["year"].max()]
    return latest[["pcode", "value"]].set_axis(["area", "in_need"], axis=1).reset_index(drop=True)


def threew_coverage(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Presence against need (``humsec.actors.coverage``)."""
    from humsec.actors import coverage

    p = CoverageParams.model_validate(params)
    needs = coverage_needs(project, p)
    with tempfile.TemporaryDirectory() as tmp:
        threew = _threew(uploads, Path(tmp))
    result = coverage(
        threew,
        needs,
        level=p.level,
        need_quantile=p.need_quantile,
        thin_orgs=p.thin_orgs,
        many_orgs=p.many_orgs,
        few_share=p.few_share,
    )
    return {
        "coverage": result.table.reset_index(drop=True),
        "gaps": result.gaps.reset_index(drop=True),
        "duplications": result.duplications.reset_index(drop=True),
        "localisation": result.localisation.reset_index(drop=True),
    }


# --- threat network -------------------------------------------------------------------------
class NetworkParams(BaseModel):
    """The threat interlinkage network on the project's area panel."""

    model_config = ConfigDict(extra="forbid")

    threats: list[str] | None = Field(
        None, description="threat ids (default every threat with data)", min_length=2
    )
    lags: int = Field(1, ge=1, le=3)
    spatial: Literal["contiguity", "distance"] | None = None
    band_km: float = Field(1000.0, gt=0, le=20_000)
    bootstrap: int = Field(200, ge=0, le=5_000, description="area-block bootstrap draws")
    seed: int = Seed
    jackknife: bool = Field(False, description="half-panel jackknife bias correction")


def threat_network(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """Each threat regressed on the others' lags with area and year fixed effects, with
    bootstrap intervals, multiplier and leverage (``humsec.threats.estimate_network``)."""
    from humsec.threats import estimate_network, neighbours_from_geometry, registry_from_table

    p = NetworkParams.model_validate(params)
    panel = project.indicator_wide()
    registry = registry_from_table(project.area_indicators)
    neighbours = None
    if p.spatial is not None:
        layer = project.boundaries.get(project.main_level)
        if layer is None:
            raise DataError(
                "a spatial network needs the project's boundaries",
                location="body: spatial",
                hint="add boundaries to the project, or leave spatial out",
            )
        report(0.1, "finding neighbouring areas")
        frame = layer.frame.to_crs(4326)
        neighbours = neighbours_from_geometry(
            frame, frame["pcode"].astype(str).tolist(), p.spatial, p.band_km
        )
    report(0.2, f"estimating with {p.bootstrap} bootstrap draws")
    network = estimate_network(
        panel,
        threats=p.threats,
        lags=p.lags,
        spatial=p.spatial,
        bootstrap=p.bootstrap,
        seed=p.seed,
        framework=project.framework,
        registry=registry,
        bias_correction="jackknife" if p.jackknife else None,
        band_km=p.band_km,
        neighbours=neighbours,
    )
    notes = [
        *({"kind": "note", "detail": n} for n in network.notes),
        *({"kind": "gap", "detail": f"{t}: {why}"} for t, why in network.gaps.items()),
        {"kind": "multiplier", "detail": network.multiplier_message},
        {"kind": "wording", "detail": network.wording},
    ]
    tables = {
        "edges": network.edges.reset_index(drop=True),
        "matrix": network.matrix.reset_index(),
        "persistence": network.persistence.rename("persistence")
        .rename_axis("threat")
        .reset_index(),
        "comparison": network.comparison.reset_index(drop=True),
        "notes": pd.DataFrame(notes, columns=["kind", "detail"]),
    }
    if network.leverage is not None:
        tables["leverage"] = network.leverage.reset_index(drop=True)
    return tables


# --- portfolio plans ------------------------------------------------------------------------
class PlanParams(PlanOptions):
    """A portfolio plan: which candidates to fund under the budgets (MILP on HiGHS). The
    options are :class:`humsec.programme.PlanOptions`, shared with ``humsec.yaml``'s
    ``plan:`` section and ``humsec programme plan``; ``candidates`` names the uploaded
    table."""

    candidates: str = Field(description="the name of an uploaded candidate table")

    @model_validator(mode="after")
    def _has_budget(self) -> PlanParams:
        if not self.funds():
            raise PydanticCustomError(
                "value_error", "no budget given: set budget, or budgets with their amounts"
            )
        return self


def _candidates(uploads: Uploads, folder: Path) -> pd.DataFrame:
    from humsec.data import read_table

    return read_table(_upload(uploads, "candidates", folder))


def portfolio_plan(
    project: Project, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """The best portfolio under the budgets (``humsec.programme.plan``), its frontier over
    total budgets from a tenth to the whole cost, and near-optimal alternatives."""
    from humsec.programme import solve_portfolio

    p = PlanParams.model_validate(params)
    with tempfile.TemporaryDirectory() as tmp:
        candidates = _candidates(uploads, Path(tmp))
    report(0.1, f"solving over {len(candidates):,} candidates, then the frontier and alternatives")
    portfolio = solve_portfolio(candidates, p, areas=project.pcodes, framework=project.framework)
    best = portfolio.plan
    summary = pd.DataFrame(
        {
            "metric": ["objective", "bound", "gap", "benefit", "chosen", "candidates"],
            "value": [
                best.objective,
                best.bound,
                best.gap,
                best.benefit,
                float(len(best.chosen)),
                float(len(candidates)),
            ],
        }
    )
    summary["status"] = best.status
    tables = {
        "chosen": best.to_frame().reset_index(drop=True),
        "spend": best.spend.rename("spend").rename_axis("budget").reset_index(),
        "summary": summary,
    }
    tables["frontier"] = portfolio.frontier.reset_index(drop=True)
    rows = []
    for k, other in enumerate(portfolio.alternatives, start=1):
        chosen = other.to_frame().reset_index(drop=True)
        chosen.insert(0, "objective", other.objective)
        chosen.insert(0, "alternative", k)
        rows.append(chosen)
    columns = ["alternative", "objective", *best.to_frame().columns]
    tables["alternatives"] = (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    )
    return tables


# --- the registry -----------------------------------------------------------------------------
Compute = Callable[[Project, dict[str, Any], Uploads, Report], Tables]


@dataclass(frozen=True)
class ProjectKind:
    """One kind of project computation: its parameters, its engine call, the store analysis
    its runs are recorded under, and the uploads it reads (by stem)."""

    name: str
    analysis: str
    params: type[BaseModel]
    compute: Compute
    uploads: tuple[str, ...] = ()


PROJECT_KINDS: dict[str, ProjectKind] = {
    kind.name: kind
    for kind in (
        ProjectKind("index_build", "index.build", IndexParams, build_index),
        ProjectKind("index_uncertainty", "index.uncertainty", UncertaintyParams, index_uncertainty),
        ProjectKind("deprivation", "deprivation.estimate", DeprivationParams, estimate_deprivation),
        ProjectKind(
            "programme_appraisal",
            "programme.appraisal",
            AppraisalParams,
            appraise_programme,
            ("programme",),
        ),
        ProjectKind("iati_import", "programme.iati_import", ImportParams, import_iati, ("iati",)),
        ProjectKind(
            "threew_presence", "actors.presence", PresenceParams, threew_presence, ("threew",)
        ),
        ProjectKind(
            "threew_coverage", "actors.coverage", CoverageParams, threew_coverage, ("threew",)
        ),
        ProjectKind("threat_network", "threats.network", NetworkParams, threat_network),
        ProjectKind(
            "portfolio_plan", "programme.plan", PlanParams, portfolio_plan, ("candidates",)
        ),
    )
}


def compute_tables(
    project: Project, kind: str, params: dict[str, Any], uploads: Uploads, report: Report
) -> Tables:
    """The result tables of one computation on a loaded project."""
    return PROJECT_KINDS[kind].compute(project, params, uploads, report)


def run_project_kind(
    folder: str, kind: str, params: dict[str, Any], uploads: dict[str, bytes], report: Report
) -> dict[str, bytes]:
    """Run on a Dask worker: load the project in ``folder``, compute, return Parquet bytes."""
    report(0.05, "loading the project")
    project = Project.load(folder)
    tables = compute_tables(project, kind, params, uploads, report)
    report(0.95, "storing the results")
    return {name: _parquet(frame) for name, frame in tables.items()}

"""Appraise a programme (or a portfolio) against the human-security rubric.

``appraise(programme, context=None, rubric=None, framework=None)`` computes the evidence
fields (:mod:`humsec.programme.evidence`), scores every rubric criterion on the 0-4 scale
(levels are cumulative: the score is the highest level whose conditions, and those of every
lower level, hold), and gives for each criterion the level's meaning, the evidence used with
its provenance, what was missing and what would raise the score. The overall marker follows
the rubric's rule, in the style of the OECD DAC policy markers (not targeted / significant /
principal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from humsec.framework import Framework, default_framework
from humsec.programme.codelists import SectorThreats, load_sector_threats, sector_category
from humsec.programme.context import AppraisalContext
from humsec.programme.evidence import EVIDENCE_FIELDS, Evidence, collect_evidence
from humsec.programme.model import Programme
from humsec.programme.rubric import Condition, Rubric, criterion_sections, load_rubric

MARKERS = ("not targeted", "significant", "principal")


@dataclass(frozen=True)
class CriterionScore:
    """The score of one criterion with its evidence trail."""

    criterion: str
    section: str
    name: str
    score: int
    label: str
    meaning: str
    evidence: tuple[str, ...]
    missing: tuple[str, ...]
    to_raise: tuple[str, ...]
    not_checked: tuple[str, ...]


@dataclass(frozen=True)
class Appraisal:
    """A programme's appraisal: one :class:`CriterionScore` per rubric criterion."""

    programme: str
    name: str
    scores: tuple[CriterionScore, ...]
    evidence: dict[str, Evidence]
    marker: str
    mean_score: float
    rubric_version: str
    with_context: bool
    not_checked: tuple[str, ...]
    unscored: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion: section, score, level, meaning, evidence, missing, to raise."""
        rows = [
            {
                "programme": self.programme,
                "criterion": s.criterion,
                "section": s.section,
                "name": s.name,
                "score": s.score,
                "level": s.label,
                "meaning": s.meaning,
                "evidence": " | ".join(s.evidence),
                "missing": " | ".join(s.missing),
                "to_raise": " | ".join(s.to_raise),
                "not_checked": " | ".join(s.not_checked),
            }
            for s in self.scores
        ]
        return pd.DataFrame(rows)

    def score(self, criterion: str) -> int:
        """The score of one criterion."""
        for s in self.scores:
            if s.criterion == criterion:
                return s.score
        raise KeyError(criterion)

    def evidence_frame(self) -> pd.DataFrame:
        """Every evidence field: value, what was counted, provenance and why it is missing."""
        return pd.DataFrame(
            [
                {
                    "field": e.name,
                    "value": e.value,
                    "detail": e.detail,
                    "nodes": ", ".join(e.nodes),
                    "context": ", ".join(e.context),
                    "missing": e.missing,
                }
                for e in self.evidence.values()
            ]
        )


def appraise(
    programme: Programme,
    context: AppraisalContext | None = None,
    rubric: Rubric | str | None = None,
    framework: Framework | None = None,
    *,
    sector_threats: SectorThreats | None = None,
) -> Appraisal:
    """Score ``programme`` on every criterion of ``rubric`` (default: the bundled rubric).

    Criterion score ``s = max{L : every condition of levels 1..L holds}`` (0 if level 1 fails);
    a condition on a field the context lacks does not hold and is listed in ``not_checked``.
    Marker: *principal* when the mean score reaches the rubric's principal band and enough
    practice policies reach its policy level, else *significant* by the same test on the
    significant band, else *not targeted* (rubric ``marker``).
    """
    fw = framework or default_framework()
    rb = rubric if isinstance(rubric, Rubric) else load_rubric(rubric, fw)
    rb.check(fw)
    st = sector_threats or load_sector_threats()
    evidence = collect_evidence(programme, fw, context, st)
    sections = criterion_sections(fw)
    scores = tuple(
        _score(
            c.id, sections.get(c.id, ""), _entry_name(fw, c.id), c.levels, rb, evidence, programme
        )
        for c in rb.criteria
    )
    mean = sum(s.score for s in scores) / len(scores)
    unscored = tuple(i for i in sections if i not in {c.id for c in rb.criteria})
    not_checked = tuple(
        dict.fromkeys(
            f"{c.id}: {cond} ({evidence[cond.field].missing})"
            for c in rb.criteria
            for lv in sorted(c.levels)
            for cond in c.levels[lv]
            if evidence[cond.field].value is None
        )
    )
    return Appraisal(
        programme=programme.id,
        name=programme.programme.name,
        scores=scores,
        evidence=evidence,
        marker=_marker(rb, scores, mean),
        mean_score=mean,
        rubric_version=f"{rb.rubric} {rb.version}",
        with_context=context is not None,
        not_checked=not_checked,
        unscored=unscored,
        notes=tuple(
            f"framework entry {u!r} has no rule in the rubric and is not scored" for u in unscored
        ),
    )


def _entry_name(framework: Framework, entry_id: str) -> str:
    for section in ("policies", "approaches", "principles"):
        for entry in getattr(framework, section):
            if entry.id == entry_id:
                return str(entry.name)
    return entry_id


def _cite(ev: Evidence, programme: Programme) -> str:
    value = "n/a" if ev.value is None else f"{ev.value:g}"
    where = "; ".join(dict.fromkeys(programme.where(n) for n in ev.nodes[:3]))
    more = f" (+{len(ev.nodes) - 3} nodes)" if len(ev.nodes) > 3 else ""
    ctx = f"; context: {', '.join(ev.context)}" if ev.context else ""
    return f"{ev.name} = {value}: {ev.detail} [{where}{more}{ctx}]"


def _score(
    criterion: str,
    section: str,
    name: str,
    levels: dict[int, tuple[Condition, ...]],
    rubric: Rubric,
    evidence: dict[str, Evidence],
    programme: Programme,
) -> CriterionScore:
    score = 0
    blocking: list[tuple[Condition, Evidence]] = []
    for level in sorted(levels):
        failed = [
            (c, evidence[c.field])
            for c in levels[level]
            if evidence[c.field].value is None or not c.holds(float(evidence[c.field].value or 0.0))
        ]
        if failed:
            blocking = failed
            break
        score = level
    used_fields = [c.field for lv in sorted(levels) if lv <= score + 1 for c in levels[lv]]
    used = [
        _cite(evidence[f], programme)
        for f in dict.fromkeys(used_fields)
        if evidence[f].value is not None
    ]
    missing = [f"{ev.name}: {ev.missing}" for _, ev in blocking if ev.value is None]
    missing += _gaps(criterion, evidence)
    not_checked = [
        f"{c} ({EVIDENCE_FIELDS[c.field].description}): {ev.missing}"
        for c, ev in blocking
        if ev.value is None
    ]
    to_raise = [_advice(c, ev, evidence) for c, ev in blocking]
    reached = rubric.level(score)
    if score < 4 and blocking:
        to_raise = [
            f"to reach {score + 1} ({rubric.level(score + 1).label}): {t}" for t in to_raise
        ]
    return CriterionScore(
        criterion,
        section,
        name,
        score,
        reached.label,
        reached.meaning,
        tuple(used),
        tuple(dict.fromkeys(missing)),
        tuple(to_raise),
        tuple(not_checked),
    )


def _gaps(criterion: str, evidence: dict[str, Evidence]) -> list[str]:
    """What the programme's own data leaves out, for the criteria where it matters."""
    out: list[str] = []
    facts = {name: ev.facts for name, ev in evidence.items()}
    if criterion in ("vulnerable_groups", "people_centred"):
        if facts["groups_counted_share"].get("uncounted"):
            out.append(
                "no beneficiary count for " + ", ".join(facts["groups_counted_share"]["uncounted"])
            )
        if facts["components_with_groups_share"].get("without"):
            out.append(
                "components without target groups: "
                + ", ".join(facts["components_with_groups_share"]["without"])
            )
    if criterion in ("context_specific",) and facts["components_with_areas_share"].get("without"):
        out.append(
            "components without beneficiaries by area: "
            + ", ".join(facts["components_with_areas_share"]["without"])
        )
    if criterion == "multi_sector" and facts["sectors"].get("missing_sector"):
        out.append(
            "components without a DAC sector: " + ", ".join(facts["sectors"]["missing_sector"])
        )
    if criterion in ("downside_risk_management", "prevention_oriented") and facts[
        "components_with_risk_measures_share"
    ].get("without"):
        out.append(
            "components without risk measures: "
            + ", ".join(facts["components_with_risk_measures_share"]["without"])
        )
    return out


def _need(cond: Condition, value: float) -> str:
    gap = cond.threshold - value
    if cond.op in (">=", ">") and cond.threshold <= 1 and "share" in cond.field:
        return f"from {value:.0%} to at least {cond.threshold:.0%}"
    if cond.op in (">=", ">"):
        return f"{gap:g} more (now {value:g}, needs {cond.op} {cond.threshold:g})"
    return f"now {value:.2f}, needs {cond.op} {cond.threshold:g}"


def _advice(cond: Condition, ev: Evidence, evidence: dict[str, Evidence]) -> str:
    """Concrete text on what would make ``cond`` hold."""
    if ev.value is None:
        return (
            f"give the project context ({EVIDENCE_FIELDS[cond.field].needs}) so that "
            f"'{cond}' can be checked"
        )
    f, v, facts = cond.field, float(ev.value), ev.facts
    fear = evidence["components_fear_and_want"].facts.get("fear", [])
    want = evidence["components_fear_and_want"].facts.get("want", [])
    need = _need(cond, v)
    texts: dict[str, Callable[[], str]] = {
        "threats": lambda: f"name the framework threats each component works against ({need})",
        "fear_threats": lambda: (
            "add a component (or threat) of fear, e.g. disasters, armed_conflict "
            "or infectious_disease, where the areas face it"
        ),
        "want_threats": lambda: (
            "add a component working on a threat of want, e.g. poverty, hunger or "
            "lack_of_health_care"
        ),
        "fear_want_links": lambda: (
            f"address threats that feed each other across fear and want "
            f"(framework interlinkages; {need}); now fear: "
            f"{', '.join(fear) or 'none'}, want: {', '.join(want) or 'none'}"
        ),
        "components_fear_and_want": lambda: (
            "make at least one component work on a fear and a want "
            "threat together (e.g. drought risk reduction in a "
            "livelihood component)"
        ),
        "target_groups": lambda: "name the vulnerable groups each component serves",
        "components_with_groups_share": lambda: (
            "name target groups in " + ", ".join(facts.get("without", []))
        ),
        "groups_counted_share": lambda: (
            "count beneficiaries by group for " + ", ".join(facts.get("uncounted", [])[:8])
        ),
        "indicators_baselined_share": lambda: (
            "give every indicator a baseline and a target in " + ", ".join(facts.get("lacking", []))
        ),
        "mode_components": lambda: "state whether each component protects, empowers or both",
        "protection_components": lambda: (
            "add protection: build state or county capacity to protect "
            "people (e.g. early warning, services, rule of law)"
        ),
        "empowerment_components": lambda: (
            "add empowerment: build people's and communities' own "
            "capacity (e.g. savings groups, skills, user committees)"
        ),
        "mode_both_components": lambda: (
            "connect protection and empowerment in one component (mode: "
            "both), e.g. community committees linked to county services"
        ),
        "protection_empowerment_balance": lambda: (
            f"shift budget towards {facts.get('lighter', '')} ({need}); {ev.detail}"
        ),
        "cross_border_threats": lambda: (
            "address a threat that crosses borders (the framework marks "
            "armed_conflict, disasters, infectious_disease and others)"
        ),
        "global_risks": lambda: (
            "work in a field of cooperation of a global risk (e.g. disaster risk "
            "reduction, cross-border disease surveillance)"
        ),
        "international_actors": lambda: (
            "partner with a regional or international organisation (e.g. "
            "a regional economic community's early-warning mechanism)"
        ),
        "sectors": lambda: f"add components in other DAC sectors ({need})",
        "sectors_same_area": lambda: (
            f"bring more sectors to the same areas ({need}; now {ev.detail})"
        ),
        "areas": lambda: "name the areas (p-codes) the programme serves",
        "components_with_areas_share": lambda: (
            "count beneficiaries by area in " + ", ".join(facts.get("without", []))
        ),
        "levels": lambda: "state the level (national, local, community) of each component",
        "top_down": lambda: "work with national or county government at national or local level",
        "bottom_up": lambda: "work at community level or with community organisations",
        "top_down_bottom_up_components": lambda: (
            f"join a government and a community actor in the same component ({need})"
        ),
        "actor_types": lambda: f"bring in more kinds of actor ({need}; now {ev.detail})",
        "national_local_actor_types": lambda: (
            f"involve national and local actors: government, county "
            f"government, community groups ({need})"
        ),
        "risk_measures": lambda: "add measures against the shocks that could undo the gains",
        "components_with_risk_measures_share": lambda: (
            "add risk measures to " + ", ".join(facts.get("without", []))
        ),
        "shock_measures": lambda: (
            "use measures the shocks engine can quantify (early_warning, "
            "social_protection, savings, insurance, disaster_risk_reduction, "
            f"livelihood_diversification; {need})"
        ),
        "prevention_components": lambda: (
            "add prevention: disaster prevention and preparedness (DAC "
            "740, 43060), conflict prevention (15220), disease control "
            "(12250) or early warning"
        ),
        "top_threats_addressed_share": lambda: (
            "address the areas' top threats not yet covered: "
            + ", ".join(facts.get("missing_threats", []))
        ),
        "linked_threats_addressed_share": lambda: (
            "address the threats most linked to the top threats: "
            + ", ".join(facts.get("missing_threats", [])[:6])
        ),
        "reach_gap_max": lambda: (
            "reach under-served groups in proportion to their deprivation: "
            + ", ".join(
                f"{g} (gap {x:.2f})"
                for g, x in sorted(facts.get("gaps", {}).items(), key=lambda kv: -kv[1])[:4]
                if x > cond.threshold
            )
        ),
        "groups_reached_in_proportion_share": lambda: (
            "raise reach of " + ", ".join(g for g, x in facts.get("gaps", {}).items() if x > 0.25)
        ),
        "area_reach_gap_max": lambda: (
            "shift reach to under-served areas: "
            + ", ".join(
                f"{a} (gap {x:.2f})"
                for a, x in sorted(facts.get("gaps", {}).items(), key=lambda kv: -kv[1])[:4]
                if x > cond.threshold
            )
        ),
        "regional_actor_for_cross_border": lambda: (
            "address a cross-border top threat of the areas "
            "together with a regional or international actor"
        ),
        "new_actor_types": lambda: (
            "bring an actor type not yet working in the areas: "
            + ", ".join(facts.get("absent", []))
        ),
        "dominant_hazards_covered_share": lambda: (
            "add measures against " + ", ".join(facts.get("uncovered", []))
        ),
        "expected_erosion": lambda: f"cut the expected erosion ({need})",
        "erosion_rp20": lambda: f"cut the 1-in-20-year erosion ({need})",
        "erosion_cut": lambda: (
            f"carry measures the shocks scenario knows and that act on the areas' "
            f"hazards ({need}; now {ev.detail})"
        ),
        "components": lambda: f"add components ({need})",
        "indicators": lambda: f"add results indicators ({need})",
    }
    return texts[f]() if f in texts else f"raise {f} ({need})"


def _marker(rubric: Rubric, scores: Sequence[CriterionScore], mean: float) -> str:
    policies = [s.score for s in scores if s.section == "policies"]

    def meets(band: Any) -> bool:
        enough = sum(1 for p in policies if p >= band.policies_at_least)
        return bool(mean >= band.mean_at_least and enough >= band.policies_count)

    if meets(rubric.marker.principal):
        return "principal"
    if meets(rubric.marker.significant):
        return "significant"
    return "not targeted"


# --- portfolio ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PortfolioAppraisal:
    """Programmes appraised one by one and as a whole: coverage of threats x areas x groups,
    overlaps (several programmes on the same threat and area) and gaps."""

    appraisals: tuple[Appraisal, ...]
    coverage: pd.DataFrame
    overlaps: pd.DataFrame
    gaps: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Scores, one row per programme and one column per criterion, plus the marker."""
        rows = []
        for a in self.appraisals:
            row: dict[str, Any] = {
                "programme": a.programme,
                "marker": a.marker,
                "mean_score": a.mean_score,
            }
            row.update({s.criterion: s.score for s in a.scores})
            rows.append(row)
        return pd.DataFrame(rows)

    def matrix(self) -> pd.DataFrame:
        """Threats x areas: how many programmes address each threat in each area."""
        if self.coverage.empty:
            return pd.DataFrame()
        return (
            self.coverage.groupby(["threat", "area"])["programme"]
            .nunique()
            .unstack("area", fill_value=0)
            .sort_index()
        )


def portfolio_coverage(programmes: Sequence[Programme]) -> pd.DataFrame:
    """Long table ``programme, component, sector, threat, area, group, beneficiaries``.

    A component serves the areas of its ``by_area`` counts (with those counts), or else all the
    programme's areas (beneficiaries unknown per area: missing, not zero). A component without
    target groups appears with group ``"(not stated)"``.
    """
    rows = []
    for p in programmes:
        for c in p.components:
            areas = c.beneficiaries.by_area or dict.fromkeys(p.programme.areas)
            for t in c.threats:
                for a, n in areas.items():
                    for g in c.target_groups or ("(not stated)",):
                        rows.append(
                            {
                                "programme": p.id,
                                "component": c.id,
                                "sector": sector_category(c.sector) if c.sector else None,
                                "threat": t,
                                "area": a,
                                "group": g,
                                "beneficiaries": float(n) if n is not None else float("nan"),
                            }
                        )
    columns = ["programme", "component", "sector", "threat", "area", "group", "beneficiaries"]
    return pd.DataFrame(rows, columns=columns)


def appraise_portfolio(
    programmes: Sequence[Programme],
    context: AppraisalContext | None = None,
    rubric: Rubric | str | None = None,
    framework: Framework | None = None,
) -> PortfolioAppraisal:
    """Appraise each programme and the portfolio as a whole.

    Overlaps: (threat, area) pairs addressed by two or more programmes. Gaps: with context,
    each area's top threats that no programme addresses there; without, the framework threats
    no programme addresses in any of the portfolio's areas.
    """
    fw = framework or default_framework()
    rb = rubric if isinstance(rubric, Rubric) else load_rubric(rubric, fw)
    appraisals = tuple(appraise(p, context, rb, fw) for p in programmes)
    coverage = portfolio_coverage(programmes)
    counts = (
        coverage.groupby(["threat", "area"])
        .agg(
            programmes=("programme", lambda s: ", ".join(sorted(set(s)))),
            n_programmes=("programme", "nunique"),
        )
        .reset_index()
        if not coverage.empty
        else pd.DataFrame(columns=["threat", "area", "programmes", "n_programmes"])
    )
    overlaps = counts[counts["n_programmes"] >= 2].reset_index(drop=True)
    covered = set(zip(coverage["threat"], coverage["area"], strict=False))
    areas = list(dict.fromkeys(a for p in programmes for a in p.programme.areas))
    gap_rows = []
    if context is not None and context.has("top_threats"):
        for a in areas:
            for rank, t in enumerate(list(context.top_threats.get(a, ()))[:3], start=1):
                if (t, a) not in covered:
                    gap_rows.append(
                        {
                            "area": a,
                            "threat": t,
                            "rank": rank,
                            "basis": context.source("top_threats"),
                        }
                    )
    else:
        for t in fw.threat_ids:
            if not any((t, a) in covered for a in areas):
                gap_rows.append(
                    {
                        "area": "(all portfolio areas)",
                        "threat": t,
                        "rank": None,
                        "basis": "framework threats (no context)",
                    }
                )
    gaps = pd.DataFrame(gap_rows, columns=["area", "threat", "rank", "basis"])
    return PortfolioAppraisal(appraisals, coverage, overlaps, gaps)


__all__ = [
    "MARKERS",
    "Appraisal",
    "CriterionScore",
    "PortfolioAppraisal",
    "appraise",
    "appraise_portfolio",
    "portfolio_coverage",
]

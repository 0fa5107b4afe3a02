"""Evidence fields: the numbers a rubric's rules are written over.

Each field is computed from the programme's structured data (and, for some, from the
:class:`~humsec.programme.context.AppraisalContext`). A field carries its value, a one-line
account of what was counted, the programme nodes it used (resolved to file lines, XPaths or
cells by :meth:`Programme.where`) and, when it cannot be computed, why. The registry
:data:`EVIDENCE_FIELDS` is what a rubric may reference; an unknown name is an error.

Definitions (``P`` = the programme's threats, ``T`` = the top threats of its areas, ``L`` =
threats linked to ``T`` by a framework interlinkage and not in ``T``):

* ``fear_want_links`` = interlinkages between a fear and a want threat, both in ``P``;
* ``top_threats_addressed_share`` = |P ∩ T| / |T|; ``linked_threats_addressed_share`` =
  |P ∩ L| / |L|;
* reach gap of group g: with ``B`` beneficiaries and ``D`` deprived people in the programme's
  areas, coverage ``c = B / D_all`` and ``c_g = B_g / D_g``; ``gap_g = max(0, 1 - c_g / c)``
  (0: the group is reached at least in proportion to its deprivation; 1: not at all). The
  area gap is the same with ``c_a = B_a / D_all,a`` over components that count by area;
* ``protection_empowerment_balance`` = min(P, E) / max(P, E) with ``P`` the cost (or, when any
  cost is missing, the number) of protection components and ``E`` of empowerment ones, a
  ``both`` component counting half to each;
* erosion of gains: the programme raises consumption, income and assets by ``programme_gain``
  (relative) for a share of the
  people in its areas (its largest component's beneficiaries over their population); its gain
  ``G`` is then hit by the scenario's shocks. ``expected_erosion`` is the net erosion
  ``E[L_prog - L_base] / G`` (``humsec.shocks.erosion_of_gains`` on common random numbers) in
  worlds that both carry the programme's risk measures, ``erosion_rp20`` the same in a 1-in-20
  year, and ``erosion_cut = 1 - E_with / E_without`` the share of the expected erosion the
  measures take away.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

from humsec.framework import Framework
from humsec.programme.codelists import SectorThreats, sector_category
from humsec.programme.context import ALL_PEOPLE, AppraisalContext
from humsec.programme.model import Programme

if TYPE_CHECKING:
    import pandas as pd

#: How many of each area's top threats (and dominant hazards) the context checks use.
TOP_N = 3
HAZARDS_N = 2
#: Kinds of shocks measure that absorb any shock (coping), whatever the hazard.
COPING_KINDS = ("social_protection", "savings", "insurance")
GOVERNMENT_TYPES = ("government", "local_government")
NATIONAL_LOCAL_TYPES = ("government", "local_government", "community")
PREVENTION_SECTORS = ("740", "15220", "43060", "41050", "15143", "12250", "12262", "12263",
                      "13040", "15240", "15261")


@dataclass(frozen=True)
class EvidenceField:
    """A field a rubric may use: its description and the context part it needs (if any)."""

    name: str
    description: str
    needs: str | None = None


@dataclass
class Evidence:
    """One computed field: value (``None`` when it could not be computed), what was counted,
    the programme nodes used, context parts used and why it is missing."""

    name: str
    value: float | None
    detail: str
    nodes: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    missing: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


_FIELDS: tuple[EvidenceField, ...] = (
    EvidenceField("components", "number of components"),
    EvidenceField("threats", "distinct framework threats the components address"),
    EvidenceField("fear_threats", "distinct threats of fear addressed"),
    EvidenceField("want_threats", "distinct threats of want addressed"),
    EvidenceField("fear_want_links", "framework interlinkages between a fear and a want "
                                     "threat that are both addressed"),
    EvidenceField("components_fear_and_want", "components addressing a fear and a want threat"),
    EvidenceField("target_groups", "distinct vulnerable groups named as targets"),
    EvidenceField("components_with_groups_share", "share of components naming target groups"),
    EvidenceField("groups_counted_share", "share of (component, target group) pairs with a "
                                          "beneficiary count for the group"),
    EvidenceField("indicators", "results indicators"),
    EvidenceField("indicators_baselined_share", "share of components whose indicators all "
                                                "have a baseline and a target"),
    EvidenceField("mode_components", "components stating protection, empowerment or both"),
    EvidenceField("protection_components", "components in protection or both modes"),
    EvidenceField("empowerment_components", "components in empowerment or both modes"),
    EvidenceField("mode_both_components", "components combining protection and empowerment"),
    EvidenceField("protection_empowerment_balance", "min(P, E) / max(P, E) of protection and "
                                                    "empowerment cost (or counts)"),
    EvidenceField("cross_border_threats", "addressed threats the framework marks cross-border"),
    EvidenceField("global_risks", "framework global risks whose threats are addressed"),
    EvidenceField("international_actors", "international organisations taking part"),
    EvidenceField("sectors", "distinct DAC 3-digit sector categories"),
    EvidenceField("sectors_same_area", "most DAC sector categories serving one area"),
    EvidenceField("areas", "areas the programme names"),
    EvidenceField("components_with_areas_share", "share of components counting beneficiaries "
                                                 "by area"),
    EvidenceField("levels", "distinct levels (national, local, community)"),
    EvidenceField("top_down", "1 when a national or local component works with government"),
    EvidenceField("bottom_up", "1 when a component works at community level or with a "
                               "community actor"),
    EvidenceField("top_down_bottom_up_components", "components joining a government and a "
                                                   "community actor"),
    EvidenceField("actor_types", "distinct actor types"),
    EvidenceField("national_local_actor_types", "distinct national and local actor types "
                                                "(government, local government, community)"),
    EvidenceField("risk_measures", "distinct risk measures"),
    EvidenceField("components_with_risk_measures_share", "share of components carrying a "
                                                         "risk measure"),
    EvidenceField("shock_measures", "risk measures recognised as shocks measures (a kind or a "
                                    "measure the context knows)"),
    EvidenceField("prevention_components", "components in prevention sectors (disaster "
                                           "prevention, conflict prevention, disease control) "
                                           "or with early warning"),
    # --- context ---
    EvidenceField("top_threats_addressed_share", "share of the areas' top threats addressed",
                  "top_threats"),
    EvidenceField("linked_threats_addressed_share", "share of the threats linked to the top "
                                                    "threats that are addressed", "top_threats"),
    EvidenceField("reach_gap_max", "largest reach gap over deprived groups", "deprivation"),
    EvidenceField("groups_reached_in_proportion_share", "share of deprived groups with a reach "
                                                        "gap of at most 0.25", "deprivation"),
    EvidenceField("area_reach_gap_max", "largest reach gap over the programme's areas",
                  "deprivation"),
    EvidenceField("regional_actor_for_cross_border", "1 when a cross-border top threat is "
                                                     "addressed with an international actor",
                  "top_threats"),
    EvidenceField("new_actor_types", "actor types the programme brings that are not yet "
                                     "working in its areas", "presence"),
    EvidenceField("dominant_hazards_covered_share", "share of the areas' dominant hazards with "
                                                    "a measure against them", "dominant_hazards"),
    EvidenceField("expected_erosion", "expected share of the consumption gain shocks take in a "
                                      "year, with the programme's measures", "scenario"),
    EvidenceField("erosion_rp20", "share of the gain taken in a 1-in-20 year, with the "
                                  "programme's measures", "scenario"),
    EvidenceField("erosion_cut", "cut in expected erosion due to the programme's measures",
                  "scenario"),
)
EVIDENCE_FIELDS: dict[str, EvidenceField] = {f.name: f for f in _FIELDS}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower().replace("_", " ")))


def shock_measure_kinds() -> tuple[str, ...]:
    """The kinds of risk-reduction measure the shocks engine knows."""
    from humsec.shocks import Measure

    return tuple(get_args(Measure.model_fields["kind"].annotation))


class _Collector:
    """Computes every field once for a programme (and context)."""

    def __init__(self, programme: Programme, framework: Framework,
                 context: AppraisalContext | None, sector_threats: SectorThreats) -> None:
        self.p = programme
        self.fw = framework
        self.ctx = context
        self.st = sector_threats
        self.out: dict[str, Evidence] = {}
        self.comps = programme.components
        self.addressed = set(programme.threats)

    def put(self, name: str, value: float | None, detail: str, nodes: Iterable[str] = (),
            context: Iterable[str] = (), missing: str = "", **facts: Any) -> None:
        self.out[name] = Evidence(name, None if value is None else float(value), detail,
                                  tuple(nodes), tuple(context), missing, dict(facts))

    def nodes(self, attr: str) -> list[str]:
        return [f"components[{i}].{attr}" for i in range(len(self.comps))]

    # --- design --------------------------------------------------------------------------------
    def design(self) -> None:
        fw, comps = self.fw, self.comps
        pillar = {t.id: t.pillar for t in fw.threats}
        fear = sorted(t for t in self.addressed if pillar.get(t) == "fear")
        want = sorted(t for t in self.addressed if pillar.get(t) == "want")
        tn = self.nodes("threats")
        self.put("components", len(comps), f"{len(comps)} component(s)", ["components"])
        self.put("threats", len(self.addressed), ", ".join(self.p.threats) or "none", tn)
        self.put("fear_threats", len(fear), ", ".join(fear) or "none", tn)
        self.put("want_threats", len(want), ", ".join(want) or "none", tn)
        links = sorted({tuple(sorted(lk.key)) for lk in fw.interlinkages
                        if lk.source in self.addressed and lk.target in self.addressed
                        and pillar[lk.source] != pillar[lk.target]})
        self.put("fear_want_links", len(links),
                 "; ".join(f"{a} - {b}" for a, b in links) or "none", tn)
        both = [c.id for c in comps if {pillar.get(t) for t in c.threats} >= {"fear", "want"}]
        self.put("components_fear_and_want", len(both), ", ".join(both) or "none", tn,
                 fear=fear, want=want)
        groups = self.p.target_groups
        gn = self.nodes("target_groups")
        self.put("target_groups", len(groups), ", ".join(groups) or "none", gn)
        with_groups = [c.id for c in comps if c.target_groups]
        self.put("components_with_groups_share", len(with_groups) / len(comps),
                 f"{len(with_groups)} of {len(comps)} components", gn,
                 without=[c.id for c in comps if not c.target_groups])
        pairs = [(c.id, g) for c in comps for g in c.target_groups]
        counted = [(c, g) for c, g in pairs
                   if g in next(x for x in comps if x.id == c).beneficiaries.by_group]
        uncounted = [f"{c}:{g}" for c, g in pairs if (c, g) not in counted]
        self.put("groups_counted_share", len(counted) / len(pairs) if pairs else 0.0,
                 f"{len(counted)} of {len(pairs)} pairs counted",
                 self.nodes("beneficiaries.by_group"), uncounted=uncounted)
        indicators = [i for c in comps for i in c.indicators]
        self.put("indicators", len(indicators), f"{len(indicators)} indicator(s)",
                 self.nodes("indicators"))
        full = [c.id for c in comps if c.indicators and all(
            i.baseline is not None and i.target is not None for i in c.indicators)]
        self.put("indicators_baselined_share", len(full) / len(comps),
                 f"{len(full)} of {len(comps)} components", self.nodes("indicators"),
                 lacking=[c.id for c in comps if c.id not in full])
        self._modes()
        cross = sorted(t.id for t in fw.threats if t.cross_border and t.id in self.addressed)
        self.put("cross_border_threats", len(cross), ", ".join(cross) or "none", tn)
        risks = [r.id for r in fw.global_risks if set(r.threats) & self.addressed]
        self.put("global_risks", len(risks), ", ".join(risks) or "none", tn)
        intl = sorted({a.name for c in comps for a in c.actors if a.type == "international_org"})
        self.put("international_actors", len(intl), ", ".join(intl) or "none",
                 self.nodes("actors"))
        self._sectors_and_areas()
        self._levels_and_actors()
        self._measures()

    def _modes(self) -> None:
        comps = self.comps
        mn = self.nodes("mode")
        stated = [c for c in comps if c.mode is not None]
        prot = [c.id for c in comps if c.mode in ("protection", "both")]
        emp = [c.id for c in comps if c.mode in ("empowerment", "both")]
        both = [c.id for c in comps if c.mode == "both"]
        self.put("mode_components", len(stated), f"{len(stated)} of {len(comps)} state a mode",
                 mn)
        self.put("protection_components", len(prot), ", ".join(prot) or "none", mn)
        self.put("empowerment_components", len(emp), ", ".join(emp) or "none", mn)
        self.put("mode_both_components", len(both), ", ".join(both) or "none", mn)
        by_cost = all(c.cost is not None for c in comps)
        weight = [float(c.cost or 0.0) if by_cost else 1.0 for c in comps]
        p = sum(w * {"protection": 1, "both": 0.5}.get(c.mode or "", 0)
                for w, c in zip(weight, comps, strict=True))
        e = sum(w * {"empowerment": 1, "both": 0.5}.get(c.mode or "", 0)
                for w, c in zip(weight, comps, strict=True))
        balance = min(p, e) / max(p, e) if max(p, e) > 0 else 0.0
        unit = "cost" if by_cost else "components"
        self.put("protection_empowerment_balance", balance,
                 f"protection {p:,.0f} vs empowerment {e:,.0f} ({unit})",
                 mn + (self.nodes("cost") if by_cost else []), lighter=(
                     "protection" if p < e else "empowerment"))

    def _serving(self) -> dict[str, set[str]]:
        """Sector categories serving each programme area."""
        areas = self.p.programme.areas
        serving: dict[str, set[str]] = {a: set() for a in areas}
        for c in self.comps:
            if c.sector is None:
                continue
            for a in (c.beneficiaries.by_area or dict.fromkeys(areas)):
                serving.setdefault(a, set()).add(sector_category(c.sector))
        return serving

    def _sectors_and_areas(self) -> None:
        comps = self.comps
        cats = sorted({sector_category(c.sector) for c in comps if c.sector})
        sn = self.nodes("sector")
        self.put("sectors", len(cats), ", ".join(cats) or "none", sn,
                 missing_sector=[c.id for c in comps if not c.sector])
        serving = self._serving()
        best = max(serving.items(), key=lambda kv: (len(kv[1]), kv[0]), default=("", set()))
        self.put("sectors_same_area", len(best[1]),
                 f"{best[0]}: {', '.join(sorted(best[1]))}" if best[0] else "no area",
                 sn + self.nodes("beneficiaries.by_area"))
        areas = self.p.programme.areas
        self.put("areas", len(areas), ", ".join(areas) or "none", ["programme.areas"])
        with_area = [c.id for c in comps if c.beneficiaries.by_area]
        self.put("components_with_areas_share", len(with_area) / len(comps),
                 f"{len(with_area)} of {len(comps)} components",
                 self.nodes("beneficiaries.by_area"),
                 without=[c.id for c in comps if not c.beneficiaries.by_area])

    def _levels_and_actors(self) -> None:
        comps = self.comps
        ln, an = self.nodes("level"), self.nodes("actors")
        levels = sorted({c.level for c in comps if c.level})
        self.put("levels", len(levels), ", ".join(levels) or "none", ln)
        types_of = [{a.type for a in c.actors} for c in comps]
        top = [c.id for c, t in zip(comps, types_of, strict=True)
               if c.level in ("national", "local") and t & set(GOVERNMENT_TYPES)]
        bottom = [c.id for c, t in zip(comps, types_of, strict=True)
                  if c.level == "community" or "community" in t]
        self.put("top_down", 1 if top else 0, ", ".join(top) or "none", ln + an)
        self.put("bottom_up", 1 if bottom else 0, ", ".join(bottom) or "none", ln + an)
        joined = [c.id for c, t in zip(comps, types_of, strict=True)
                  if t & set(GOVERNMENT_TYPES) and "community" in t]
        self.put("top_down_bottom_up_components", len(joined), ", ".join(joined) or "none", an)
        types = sorted(set().union(*types_of)) if types_of else []
        self.put("actor_types", len(types), ", ".join(types) or "none", an, types=types)
        local = sorted(set(types) & set(NATIONAL_LOCAL_TYPES))
        self.put("national_local_actor_types", len(local), ", ".join(local) or "none", an)

    def _recognised(self, measure: str) -> tuple[bool, set[str] | None]:
        """Whether a risk measure is a shocks measure, and the hazards it covers (None: all)."""
        ctx_measures = {m.name: m for m in (self.ctx.measures if self.ctx else ())}
        if measure in ctx_measures:
            m = ctx_measures[measure]
            hazards = set(m.effects.hazard) | set(m.effects.vulnerability)
            if m.effects.coping is not None or "*" in hazards:
                return True, None
            return True, hazards
        words = _words(measure)
        kinds = shock_measure_kinds()
        kind_words = [set(k.split("_")) for k in kinds if k != "other"]
        is_kind = measure in kinds or any(kw <= words for kw in kind_words)
        coping = any(set(k.split("_")) <= words for k in COPING_KINDS)
        return is_kind, None if coping else set()

    def _measures(self) -> None:
        comps = self.comps
        rn = self.nodes("risk_measures")
        measures = list(dict.fromkeys(m for c in comps for m in c.risk_measures))
        self.put("risk_measures", len(measures), "; ".join(measures) or "none", rn)
        with_m = [c.id for c in comps if c.risk_measures]
        self.put("components_with_risk_measures_share", len(with_m) / len(comps),
                 f"{len(with_m)} of {len(comps)} components", rn,
                 without=[c.id for c in comps if not c.risk_measures])
        known = [m for m in measures if self._recognised(m)[0]]
        self.put("shock_measures", len(known), "; ".join(known) or "none", rn)
        prevention = [c.id for c in comps if (c.sector and (
            c.sector in PREVENTION_SECTORS or sector_category(c.sector) in PREVENTION_SECTORS))
            or any("early" in _words(m) and "warning" in _words(m) for m in c.risk_measures)]
        self.put("prevention_components", len(prevention), ", ".join(prevention) or "none",
                 self.nodes("sector") + rn)

    # --- context -------------------------------------------------------------------------------
    def context_fields(self) -> None:
        for f in _FIELDS:
            if f.needs is not None:
                part = f.needs
                if self.ctx is None:
                    self.put(f.name, None, "", missing="no context given (appraised on the "
                                                         "design alone)")
                elif not self.ctx.has(part):
                    self.put(f.name, None, "", missing=f"the context has no {part}")
        if self.ctx is None:
            return
        if self.ctx.has("top_threats"):
            self._threats()
        if self.ctx.has("deprivation"):
            self._reach()
        if self.ctx.has("presence"):
            self._presence()
        if self.ctx.has("dominant_hazards"):
            self._hazards()
        if self.ctx.has("scenario"):
            self._erosion()

    def _threats(self) -> None:
        assert self.ctx is not None
        src = self.ctx.source("top_threats")
        areas = [a for a in self.p.programme.areas if a in self.ctx.top_threats]
        lacking = [a for a in self.p.programme.areas if a not in self.ctx.top_threats]
        if not areas:
            for name in ("top_threats_addressed_share", "linked_threats_addressed_share",
                         "regional_actor_for_cross_border"):
                self.put(name, None, "", missing="the context has no top threats for the "
                                                 "programme's areas", context=[src])
            return
        top = list(dict.fromkeys(t for a in areas for t in list(self.ctx.top_threats[a])[:TOP_N]))
        hit = [t for t in top if t in self.addressed]
        miss = [t for t in top if t not in self.addressed]
        note = f" (no top threats for {', '.join(lacking)})" if lacking else ""
        tn = self.nodes("threats")
        self.put("top_threats_addressed_share", len(hit) / len(top),
                 f"addressed {', '.join(hit) or 'none'} of {', '.join(top)}{note}", tn, [src],
                 missing_threats=miss, by_area={a: list(self.ctx.top_threats[a])[:TOP_N]
                                                for a in areas})
        linked: dict[str, str] = {}
        for lk in self.fw.interlinkages:
            for a, b in ((lk.source, lk.target), (lk.target, lk.source)):
                if a in top and b not in top:
                    linked.setdefault(b, a)
        hit_l = [t for t in linked if t in self.addressed]
        miss_l = [t for t in linked if t not in self.addressed]
        share = len(hit_l) / len(linked) if linked else 1.0
        self.put("linked_threats_addressed_share", share,
                 f"addressed {len(hit_l)} of {len(linked)} linked threats "
                 f"({', '.join(hit_l) or 'none'})", tn, [src, "framework interlinkages"],
                 missing_threats=miss_l, via=linked)
        cross = [t for t in hit if self.fw.threat(t).cross_border]
        intl = self.out["international_actors"].value or 0
        value = 1 if cross and intl >= 1 else 0
        self.put("regional_actor_for_cross_border", value,
                 f"cross-border top threats addressed: {', '.join(cross) or 'none'}; "
                 f"international actors: {int(intl)}", tn + self.nodes("actors"), [src],
                 cross=cross)

    def _reach(self) -> None:
        assert self.ctx is not None and self.ctx.deprivation is not None
        src = self.ctx.source("deprivation")
        areas = set(self.p.programme.areas)
        dep = self.ctx.deprivation
        dep = dep[dep["area"].isin(areas)]
        d_all = float(dep.loc[dep["group"] == ALL_PEOPLE, "deprived"].sum())
        total = sum(c.beneficiaries.total or 0 for c in self.comps)
        names = ("reach_gap_max", "groups_reached_in_proportion_share", "area_reach_gap_max")
        bn = self.nodes("beneficiaries")
        if d_all <= 0 or total <= 0:
            why = ("no deprived people (group 'all') in the programme's areas" if d_all <= 0
                   else "no beneficiary totals")
            for name in names:
                self.put(name, None, "", bn, [src], missing=why)
            return
        coverage = total / d_all
        by_group = dep[dep["group"] != ALL_PEOPLE].groupby("group")["deprived"].sum()
        gaps: dict[str, float] = {}
        for group, deprived in by_group.items():
            if deprived <= 0:
                continue
            reached = sum(c.beneficiaries.by_group.get(str(group), 0) for c in self.comps)
            gaps[str(group)] = max(0.0, 1.0 - (reached / float(deprived)) / coverage)
        if gaps:
            worst = max(gaps, key=lambda g: (gaps[g], g))
            self.put("reach_gap_max", gaps[worst],
                     f"largest gap {gaps[worst]:.2f} ({worst}); programme coverage "
                     f"{coverage:.3f} of {d_all:,.0f} deprived people",
                     self.nodes("beneficiaries.by_group"), [src], gaps=gaps)
            within = [g for g, v in gaps.items() if v <= 0.25]
            self.put("groups_reached_in_proportion_share", len(within) / len(gaps),
                     f"{len(within)} of {len(gaps)} deprived groups within 0.25",
                     self.nodes("beneficiaries.by_group"), [src], gaps=gaps)
        else:
            for name in names[:2]:
                self.put(name, None, "", bn, [src],
                         missing="the deprivation table has no groups other than 'all'")
        counted = [c for c in self.comps if c.beneficiaries.by_area]
        b_area: dict[str, float] = {}
        for c in counted:
            for a, n in c.beneficiaries.by_area.items():
                b_area[a] = b_area.get(a, 0.0) + n
        d_area = dep[dep["group"] == ALL_PEOPLE].groupby("area")["deprived"].sum()
        d_area = d_area[d_area > 0]
        if not counted or d_area.empty:
            self.put("area_reach_gap_max", None, "", bn, [src],
                     missing="no component counts beneficiaries by area")
            return
        c_areas = sum(b_area.values()) / float(d_area.sum())
        agaps = {str(a): max(0.0, 1.0 - (b_area.get(str(a), 0.0) / float(d)) / c_areas)
                 for a, d in d_area.items()}
        worst_a = max(agaps, key=lambda a: (agaps[a], a))
        self.put("area_reach_gap_max", agaps[worst_a],
                 f"largest gap {agaps[worst_a]:.2f} ({worst_a})",
                 self.nodes("beneficiaries.by_area"), [src], gaps=agaps)

    def _presence(self) -> None:
        assert self.ctx is not None and self.ctx.presence is not None
        src = self.ctx.source("presence")
        pres = self.ctx.presence
        here = pres[pres["area"].isin(set(self.p.programme.areas))]
        present = sorted(set(here["org_type"].dropna().astype(str)))
        types = self.out["actor_types"].facts.get("types", [])
        new = [t for t in types if t not in present]
        self.put("new_actor_types", len(new),
                 f"brings {', '.join(new) or 'no new type'}; already present: "
                 f"{', '.join(present) or 'nobody recorded'} ({here['org'].nunique()} orgs)",
                 self.nodes("actors"), [src], present=present,
                 absent=[t for t in get_args(_actor_type()) if t not in present])

    def _hazards(self) -> None:
        assert self.ctx is not None
        src = self.ctx.source("dominant_hazards")
        areas = [a for a in self.p.programme.areas if a in self.ctx.dominant_hazards]
        if not areas:
            self.put("dominant_hazards_covered_share", None, "", context=[src],
                     missing="the context has no hazards for the programme's areas")
            return
        hazards = list(dict.fromkeys(
            h for a in areas for h in list(self.ctx.dominant_hazards[a])[:HAZARDS_N]))
        covered: set[str] = set()
        measures = [m for c in self.comps for m in c.risk_measures]
        for m in measures:
            known, hz = self._recognised(m)
            if known and hz is None:
                covered |= set(hazards)
            else:
                covered |= {h for h in hazards if h in (hz or set()) or set(
                    _words(h)) <= _words(m)}
        hit = [h for h in hazards if h in covered]
        self.put("dominant_hazards_covered_share", len(hit) / len(hazards) if hazards else 1.0,
                 f"covered {', '.join(hit) or 'none'} of {', '.join(hazards)}",
                 self.nodes("risk_measures"), [src],
                 uncovered=[h for h in hazards if h not in covered])

    def _erosion(self) -> None:
        from humsec.shocks import ProgrammeGains as GainProgramme
        from humsec.shocks import Target, apply_measures, erosion_of_gains, programme_scenario

        ctx = self.ctx
        assert ctx is not None and ctx.scenario is not None
        src = ctx.source("scenario")
        scenario = ctx.scenario
        names = ("expected_erosion", "erosion_rp20", "erosion_cut")
        areas = [a for a in self.p.programme.areas if a in set(scenario.exposure.areas)]
        if not areas:
            for name in names:
                self.put(name, None, "", ["programme.areas"], [src],
                         missing="none of the programme's areas is in the shocks scenario")
            return
        exp = scenario.exposure
        mask = exp.select_areas(areas)
        people = float((exp.column("weight") * exp.column("population"))[mask].sum())
        reach = max((c.beneficiaries.total or 0) for c in self.comps)
        coverage = min(1.0, reach / people) if people > 0 else 0.0
        if coverage <= 0:
            for name in names:
                self.put(name, None, "", self.nodes("beneficiaries.total"), [src],
                         missing="no beneficiaries to carry a gain")
            return
        g = ctx.programme_gain
        gain = GainProgramme(name=self.p.id, target=Target(areas=areas, coverage=coverage),
                             consumption_gain=g, income_gain=g, asset_gain=g)
        rp = ctx.return_period
        base = erosion_of_gains(scenario, gain, n_years=ctx.n_years, seed=ctx.seed,
                                return_period=rp, metrics=["consumption"]
                                ).table.loc["consumption"]
        chosen = [m for m in ctx.measures
                  if m.name in {x for c in self.comps for x in c.risk_measures}]
        if chosen:
            measured = apply_measures(scenario, list(chosen), ctx.seed)
            world = programme_scenario(measured, gain, ctx.seed)
            withm = erosion_of_gains(measured, world, n_years=ctx.n_years, seed=ctx.seed,
                                     return_period=rp, metrics=["consumption"]
                                     ).table.loc["consumption"]
        else:
            withm = base
        b0: dict[Any, Any] = base.to_dict()
        b1: dict[Any, Any] = withm.to_dict()
        e0, e1 = float(b0["expected_erosion_net"]), float(b1["expected_erosion_net"])
        if not (math.isfinite(e0) and math.isfinite(e1)):
            for name in names:
                self.put(name, None, "", self.nodes("beneficiaries.total"), [src],
                         missing="the gain is zero: no household of the scenario's sample is "
                                 "covered (more beneficiaries or a larger sample)")
            return
        r1 = float(b1[f"rp{rp:g}_erosion_net"])
        cut = 1.0 - e1 / e0 if e0 > 0 else 0.0
        used = ", ".join(m.name for m in chosen) or "none the scenario knows"
        detail = (f"gain {ctx.programme_gain:.0%} of consumption for {coverage:.1%} of "
                  f"{people:,.0f} people in {len(areas)} area(s); measures: {used}; "
                  f"{ctx.n_years} simulated years, seed {ctx.seed}")
        rn = self.nodes("risk_measures") + self.nodes("beneficiaries.total")
        self.put("expected_erosion", e1, f"{e1:.1%} of the gain lost in an average year; "
                 + detail, rn, [src], without_measures=e0)
        self.put("erosion_rp20", r1, f"{r1:.1%} lost in a 1-in-{rp:g} year; " + detail, rn,
                 [src])
        self.put("erosion_cut", cut, f"measures cut expected erosion from {e0:.1%} to "
                 f"{e1:.1%}", rn, [src], measures=[m.name for m in chosen])


def _actor_type() -> Any:
    from humsec.programme.model import ActorType

    return ActorType


def collect_evidence(programme: Programme, framework: Framework,
                     context: AppraisalContext | None,
                     sector_threats: SectorThreats) -> dict[str, Evidence]:
    """Every evidence field of :data:`EVIDENCE_FIELDS` for a programme (module docstring)."""
    collector = _Collector(programme, framework, context, sector_threats)
    collector.design()
    collector.context_fields()
    return collector.out


def deprivation_frame(rows: Iterable[tuple[str, str, float]]) -> pd.DataFrame:
    """A deprivation table ``area, group, deprived`` from ``(area, group, deprived)`` rows."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=["area", "group", "deprived"])


__all__ = [
    "EVIDENCE_FIELDS",
    "Evidence",
    "EvidenceField",
    "collect_evidence",
    "deprivation_frame",
    "shock_measure_kinds",
]

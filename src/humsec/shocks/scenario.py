"""Scenario files: YAML -> :class:`~humsec.shocks.model.Scenario`, and the bundled demo.

A scenario file holds ``hazards`` (``area_hazards``, ``event_sets``,
``event_sets_from_return_periods``, ``dependence``), ``impact_functions``, ``coping`` and,
optionally, ``deprivations`` (``default`` or a mapping) for Alkire-Foster effects. The demo
(``scenarios/demo.yaml``) is documented in docs/shocks.md.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from humsec.errors import SpecError
from humsec.framework import Framework, default_framework
from humsec.shocks.coping import Coping
from humsec.shocks.deprivation_rules import ShockDeprivations
from humsec.shocks.events import EventSet, event_set_from_return_periods
from humsec.shocks.exposure import Exposure, exposure_from_survey
from humsec.shocks.hazards import HazardModel
from humsec.shocks.model import Scenario
from humsec.shocks.spec import parse_spec, read_yaml
from humsec.shocks.vulnerability import ImpactFunctionSet

__all__ = ["build_scenario", "demo_exposure", "demo_scenario", "scenario_spec"]

DEMO_HOUSEHOLDS = 5000


def scenario_spec(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """The scenario mapping from a YAML path, ``"demo"`` or an existing mapping."""
    if isinstance(source, dict):
        return source
    if str(source) == "demo":
        text = resources.files("humsec.shocks").joinpath("scenarios/demo.yaml").read_text(
            encoding="utf-8")
        data = yaml.safe_load(text)
        assert isinstance(data, dict)
        return data
    return read_yaml(source)


def _drop_missing_areas(hz: dict[str, Any], areas: set[str]) -> dict[str, Any]:
    out = dict(hz)
    new_area = []
    for item in out.get("area_hazards", []) or []:
        item = dict(item)
        if isinstance(item.get("rates"), dict):
            item["rates"] = {a: r for a, r in item["rates"].items() if a in areas}
        if isinstance(item.get("areas"), list):
            item["areas"] = [a for a in item["areas"] if a in areas]
        new_area.append(item)
    out["area_hazards"] = new_area
    new_sets = []
    for es in out.get("event_sets", []) or []:
        es = dict(es)
        events = []
        for ev in es.get("events", []) or []:
            fp = {a: v for a, v in dict(ev.get("footprint", {})).items() if a in areas}
            if fp:
                events.append({**ev, "footprint": fp})
        es["events"] = events
        new_sets.append(es)
    out["event_sets"] = new_sets
    return out


def build_scenario(source: str | Path | dict[str, Any], exposure: Exposure, *,
                   name: str | None = None, missing_areas: str = "raise",
                   framework: Framework | None = None) -> Scenario:
    """Build a validated :class:`Scenario` for ``exposure`` from a scenario file or mapping.

    Threat and group ids are checked against ``framework``, the framework in use (default:
    the bundled one), which the scenario keeps.

    Errors name the spec node (``hazards: ... area_hazards.0.rate``) and, for areas, the areas
    missing from the exposure. ``missing_areas="drop"`` instead drops hazard areas that the
    exposure does not have (e.g. a small survey sample that misses an area) and records them
    in the exposure notes.
    """
    spec = scenario_spec(source)
    fw = default_framework() if framework is None else framework
    where = str(source) if not isinstance(source, dict) else "scenario"
    if missing_areas not in ("raise", "drop"):
        raise SpecError(f"missing_areas must be 'raise' or 'drop', got {missing_areas!r}",
                        location="build_scenario(missing_areas=...)")
    known = {"name", "description", "hazards", "impact_functions", "coping", "deprivations"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise SpecError(f"unknown scenario key(s) {unknown}", location=where,
                        hint=f"keys are {sorted(known)}")
    hz = dict(spec.get("hazards") or {})
    if missing_areas == "drop":
        named = {a for item in hz.get("area_hazards", []) or []
                 for a in [*dict(item.get("rates") or {}), *(item.get("areas") or [])]}
        dropped = sorted(named - set(exposure.areas))
        hz = _drop_missing_areas(hz, set(exposure.areas))
        if dropped:
            exposure = replace(exposure, notes=(*exposure.notes,
                               f"hazard areas absent from the exposure were dropped: {dropped}"))
    rp_sets = hz.pop("event_sets_from_return_periods", []) or []
    event_sets = [parse_spec(EventSet, e, location=f"{where}: hazards.event_sets[{i}]",
                             framework=fw)
                  for i, e in enumerate(hz.pop("event_sets", []) or [])]
    for i, item in enumerate(rp_sets):
        node = f"{where}: hazards.event_sets_from_return_periods[{i}]"
        if not isinstance(item, dict) or "table" not in item:
            raise SpecError("needs hazard, threat, table and areas", location=node)
        areas = item.get("areas", "all")
        event_sets.append(event_set_from_return_periods(
            str(item.get("hazard", "")), str(item.get("threat", "")), item["table"],
            areas=exposure.areas if areas == "all" else list(areas),
            units=str(item.get("units", "")), source=str(item.get("source", "")).strip(),
            framework=fw))
    hazards = parse_spec(HazardModel, {**hz, "event_sets": event_sets},
                         location=f"{where}: hazards", framework=fw)
    if "impact_functions" not in spec:
        raise SpecError("the scenario has no impact_functions", location=where,
                        hint="add one function per hazard (livelihood '*' as a fallback)")
    functions = ImpactFunctionSet.from_list(spec["impact_functions"] or [],
                                            location=f"{where}: impact_functions")
    coping = parse_spec(Coping, spec.get("coping") or {}, location=f"{where}: coping",
                        framework=fw)
    dep = spec.get("deprivations")
    deprivations = None
    if dep == "default" or dep is True:
        deprivations = ShockDeprivations()
    elif isinstance(dep, dict):
        deprivations = parse_spec(ShockDeprivations, dep, location=f"{where}: deprivations")
    if deprivations is not None and exposure.deprivations is None:
        deprivations = None  # exposure without d_* columns: no AF effects, said in notes
    return Scenario(exposure=exposure, hazards=hazards, impact_functions=functions,
                    coping=coping, deprivations=deprivations,
                    name=name or str(spec.get("name", "scenario")), framework=fw)


def demo_exposure(n_households: int = DEMO_HOUSEHOLDS, seed: int = 1, *,
                  framework: Framework | None = None) -> Exposure:
    """Household exposure from the synthetic survey (default geography of 20 areas)."""
    from humsec.data import synthetic_survey

    return exposure_from_survey(synthetic_survey(n_households, seed=seed),
                                location="synthetic survey", framework=framework)


def demo_scenario(n_households: int = DEMO_HOUSEHOLDS, seed: int = 1, *,
                  framework: Framework | None = None) -> Scenario:
    """The bundled demo scenario on a synthetic survey of ``n_households``, under ``framework``
    (the framework in use; default: the bundled one)."""
    return build_scenario("demo", demo_exposure(n_households, seed, framework=framework),
                          missing_areas="drop", framework=framework)

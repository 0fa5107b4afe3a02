"""The Human Security Index: fear x want quadrants and threat coverage of the ``hsi`` preset.

The quadrant of a unit compares its freedom-from-fear and freedom-from-want pillar scores
(0-10, higher = more insecure) with a threshold (5.0 by default, the lower bound of INFORM's
"High" class, so that "high" keeps one absolute meaning across countries and years):

* ``compound insecurity``: both pillars high. This is the overlap the human-security approach
  calls *downside risk*: people already deprived are also exposed to violence or disaster,
  so a shock can undo years of gains (UNDP HDR 1994; UNGA 66/290);
* ``fear-driven``: fear high, want not;
* ``want-driven``: want high, fear not;
* ``lower insecurity``: neither pillar high.

Units with a missing pillar get no quadrant (missing, not "lower").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.errors import SpecError, did_you_mean
from humsec.framework import Framework, default_framework
from humsec.index.build import IndexResult
from humsec.index.spec import IndexSpec
from humsec.index.uncertainty import UncertaintyResult

QUADRANTS = ("compound insecurity", "fear-driven", "want-driven", "lower insecurity")


def quadrant_settings(spec: IndexSpec) -> tuple[str, str, float]:
    """``(x node, y node, threshold)`` from the spec's ``metadata.quadrants``."""
    settings = spec.metadata.get("quadrants")
    if not isinstance(settings, dict):
        raise SpecError(
            "the spec defines no fear x want quadrants",
            location=f"index spec {spec.code!r}, metadata",
            hint="add metadata: {quadrants: {x: fear, y: want, threshold: 5.0}}",
        )
    x, y = str(settings.get("x", "fear")), str(settings.get("y", "want"))
    for code in (x, y):
        if code not in [n.code for n in spec.nodes]:
            raise SpecError(
                f"quadrant node {code!r} is not a node of the index",
                location=f"index spec {spec.code!r}, metadata.quadrants",
            )
    return x, y, float(settings.get("threshold", 5.0))


def quadrants(result: IndexResult, *, threshold: float | None = None) -> pd.DataFrame:
    """Classify every unit into a fear x want quadrant (see the module docstring).

    Returns a DataFrame (index = units) with the two pillar scores, ``quadrant`` (categorical,
    missing where a pillar is missing) and ``compound`` (True/False/missing).
    """
    x, y, default = quadrant_settings(result.spec)
    cut = default if threshold is None else float(threshold)
    fear = result.scores[x]
    want = result.scores[y]
    high_x = (fear >= cut).to_numpy()
    high_y = (want >= cut).to_numpy()
    label = np.select(
        [high_x & high_y, high_x & ~high_y, ~high_x & high_y],
        list(QUADRANTS[:3]),
        default=QUADRANTS[3],
    )
    missing = (fear.isna() | want.isna()).to_numpy()
    out = pd.DataFrame({x: fear, y: want}, index=result.scores.index)
    out["quadrant"] = pd.Categorical(
        pd.Series(label, index=out.index).mask(missing), categories=list(QUADRANTS)
    )
    out["compound"] = pd.Series(high_x & high_y, index=out.index, dtype="boolean").mask(missing)
    return out


def compound_probability(unc: UncertaintyResult, *, threshold: float | None = None) -> pd.Series:
    """Share of uncertainty replications in which a unit is in compound insecurity
    (fear >= threshold and want >= threshold); missing for units never scored.

    Needs ``uncertainty(..., record=(x, y))`` with the spec's quadrant nodes.
    """
    x, y, default = quadrant_settings(unc.spec)
    cut = default if threshold is None else float(threshold)
    if x not in unc.node_scores or y not in unc.node_scores:
        raise SpecError(
            f"the uncertainty result has no replications of {x!r} and {y!r}",
            location="compound_probability",
            hint=f"run uncertainty(..., record=({x!r}, {y!r}))",
        )
    fear, want = unc.node_scores[x], unc.node_scores[y]
    both = (fear >= cut) & (want >= cut)
    valid = ~np.isnan(fear) & ~np.isnan(want)
    counted = valid.sum(axis=0)
    share = np.where(counted > 0, both.sum(axis=0) / np.maximum(counted, 1), np.nan)
    return pd.Series(share, index=unc.units, name="p_compound")


@dataclass(frozen=True)
class ThreatCoverage:
    """One framework threat: the index indicators that measure it, or why none does."""

    threat: str
    pillar: str
    indicators: tuple[str, ...]
    gap: str | None


def threat_coverage(spec: IndexSpec, framework: Framework | None = None) -> list[ThreatCoverage]:
    """For every threat of ``framework`` (the framework in use; default: the bundled one), the
    spec's indicators that measure it (from each indicator's ``threats``), and the gap reason
    the spec's ``metadata.gaps`` gives otherwise.

    Indicator threat ids and gap keys are checked against that framework. Threats neither
    covered nor explained get the gap reason "not covered".
    """
    threats = (default_framework() if framework is None else framework).threats
    known = [t.id for t in threats]
    gaps = spec.metadata.get("gaps", {}) or {}
    for ind in spec.indicators:
        for name in ind.threats:
            if name not in known:
                raise SpecError(
                    f"unknown threat id {name!r}",
                    location=f"index spec {spec.code!r}, indicator {ind.code!r}, threats",
                    hint=did_you_mean(name, known) or f"threat ids: {', '.join(known)}",
                )
    for name in gaps:
        if name not in known:
            raise SpecError(
                f"gap given for unknown threat id {name!r}",
                location=f"index spec {spec.code!r}, metadata.gaps",
                hint=did_you_mean(str(name), known) or f"threat ids: {', '.join(known)}",
            )
    out = []
    for threat in threats:
        codes = tuple(i.code for i in spec.indicators if threat.id in i.threats)
        reason = None if codes else str(gaps.get(threat.id, "not covered"))
        out.append(ThreatCoverage(threat.id, threat.pillar, codes, reason))
    return out

"""The indicator registry: which bundled variables measure which human-security threats.

The registry is data (``humsec/data/bundled/indicators.yaml``) loaded into pydantic models and
validated against the framework's threat ids: every indicator names the threats it measures,
its direction and its pillar (fear or want), and the pillar must agree with its threats.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from humsec.data.catalog import BUNDLED_DIR
from humsec.errors import ColumnError, SpecError, did_you_mean
from humsec.framework import Framework, default_framework
from humsec.specs import read_spec_mapping, validate_spec

Direction = Literal["higher_is_worse", "higher_is_better"]
Pillar = Literal["fear", "want"]

REGISTRY_FILE = BUNDLED_DIR / "indicators.yaml"


class IndicatorSource(BaseModel):
    """Where an indicator's values come from: a bundled dataset and its variable/column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    variable: str

    def __str__(self) -> str:
        return f"{self.dataset}:{self.variable}"


class Indicator(BaseModel):
    """One registered country indicator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    unit: str
    sources: list[IndicatorSource] = Field(min_length=1)
    direction: Direction
    threats: list[str] = Field(min_length=1)
    pillar: Pillar
    range: tuple[float, float] | None = None
    note: str = ""

    @property
    def source(self) -> str:
        """Sources as text, e.g. ``"hdr:le"`` or ``"inform2020:inform_risk; inform2025:…"``."""
        return "; ".join(str(s) for s in self.sources)


class ThreatCoverage(BaseModel):
    """Which framework threats have indicators, and which are gaps."""

    model_config = ConfigDict(frozen=True)

    covered: dict[str, list[str]]
    gaps: list[str]

    def to_frame(self) -> pd.DataFrame:
        """One row per threat: threat, n_indicators, indicators (comma-separated), gap flag."""
        rows = [
            {"threat": t, "n_indicators": len(c), "indicators": ", ".join(c), "gap": False}
            for t, c in self.covered.items()
        ] + [{"threat": t, "n_indicators": 0, "indicators": "", "gap": True} for t in self.gaps]
        return pd.DataFrame(rows)


def _threat_pillars(framework: Framework | None) -> dict[str, str]:
    """Threat id -> pillar from ``framework`` (the default framework when None)."""
    framework = default_framework() if framework is None else framework
    return {t.id: t.pillar for t in framework.threats}


class IndicatorRegistry(BaseModel):
    """All registered indicators, with look-ups and threat coverage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _unique_codes(self) -> IndicatorRegistry:
        seen: set[str] = set()
        for k, indicator in enumerate(self.indicators):
            if indicator.code in seen:
                raise ValueError(f"indicators[{k}].code: duplicate code {indicator.code!r}")
            seen.add(indicator.code)
        return self

    def codes(self) -> list[str]:
        """Indicator codes in registry order."""
        return [i.code for i in self.indicators]

    def get(self, code: str) -> Indicator:
        """The indicator with this code; unknown codes raise ColumnError with close matches."""
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise ColumnError(
            f"no registered indicator {code!r}",
            location="indicator registry",
            hint=(did_you_mean(code, self.codes()) or "see `humsec data indicators`")
            + " (the registry lists bundled indicators only)",
        )

    def by_threat(self, threat_id: str) -> list[Indicator]:
        """Indicators that measure ``threat_id``."""
        return [i for i in self.indicators if threat_id in i.threats]

    def by_pillar(self, pillar: str) -> list[Indicator]:
        """Indicators on the fear or the want side."""
        return [i for i in self.indicators if i.pillar == pillar]

    def validate_threats(self, framework: Framework | None = None) -> None:
        """Check every threat id against the framework and the pillar against the threats.

        Raises :class:`SpecError` naming the registry node (``indicators[k].threats``).
        """
        pillars = _threat_pillars(framework)
        for k, indicator in enumerate(self.indicators):
            for threat in indicator.threats:
                if threat not in pillars:
                    raise SpecError(
                        f"indicator {indicator.code!r} names unknown threat {threat!r}",
                        location=f"indicator registry node indicators[{k}].threats",
                        hint=did_you_mean(threat, pillars) or "use a framework threat id",
                    )
                if pillars[threat] != indicator.pillar:
                    raise SpecError(
                        f"indicator {indicator.code!r} is on the {indicator.pillar!r} pillar "
                        f"but threat {threat!r} is a {pillars[threat]!r} threat",
                        location=f"indicator registry node indicators[{k}].pillar",
                        hint="list only threats of the indicator's own pillar",
                    )

    def validate_sources(self) -> None:
        """Check that every source names a bundled dataset (variables are checked when the
        panel reads them). Raises :class:`SpecError` naming ``indicators[k].sources[j]``."""
        from humsec.data.catalog import catalog

        names = [entry.name for entry in catalog() if entry.shape != "geojson"]
        for k, indicator in enumerate(self.indicators):
            for j, source in enumerate(indicator.sources):
                if source.dataset not in names:
                    raise SpecError(
                        f"indicator {indicator.code!r} reads unknown dataset {source.dataset!r}",
                        location=f"indicator registry node indicators[{k}].sources[{j}].dataset",
                        hint=did_you_mean(source.dataset, names) or f"datasets: {', '.join(names)}",
                    )

    def coverage(self, framework: Framework | None = None) -> ThreatCoverage:
        """For each framework threat, the indicator codes measuring it; threats with none are
        listed in ``gaps`` (never hidden)."""
        pillars = _threat_pillars(framework)
        covered = {t: [i.code for i in self.by_threat(t)] for t in pillars}
        return ThreatCoverage(
            covered={t: c for t, c in covered.items() if c},
            gaps=[t for t, c in covered.items() if not c],
        )

    def to_frame(self) -> pd.DataFrame:
        """The registry as a table: code, name, unit, source, direction, threats, pillar."""
        return pd.DataFrame(
            [
                {
                    "code": i.code,
                    "name": i.name,
                    "unit": i.unit,
                    "source": i.source,
                    "direction": i.direction,
                    "threats": ", ".join(i.threats),
                    "pillar": i.pillar,
                }
                for i in self.indicators
            ]
        )


def load_indicator_registry(
    path: str | Path, *, framework: Framework | None = None
) -> IndicatorRegistry:
    """Read and validate a registry file (same schema as the bundled ``indicators.yaml``)."""
    data = read_spec_mapping(
        path, kind="indicator registry",
        hint="start from the bundled humsec/data/bundled/indicators.yaml",
    )  # fmt: skip
    registry = validate_spec(
        IndicatorRegistry, data, kind="indicator registry", location=str(path),
        hint="each indicator needs code, name, unit, sources, direction, threats, pillar",
    )  # fmt: skip
    registry.validate_threats(framework)
    registry.validate_sources()
    return registry


@cache
def indicator_registry() -> IndicatorRegistry:
    """The bundled indicator registry, validated against the default framework (cached)."""
    return load_indicator_registry(REGISTRY_FILE)

"""The schema of ``humsec.yaml``: a project's identity, areas, boundaries, datasets and specs.

Every path in the file is relative to the project folder, so a project that is moved, copied
or zipped still works. The schema is strict (unknown keys are errors) and versioned
(``schema_version``); :func:`parse_project_file` reports every schema problem at once, each
with its key path (``datasets[2].role``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from humsec.programme.plan_options import PlanOptions
from humsec.project.problems import Problems
from humsec.specs import check_spec

SCHEMA_VERSION = 1
PROJECT_FILE = "humsec.yaml"

Role = Literal[
    "indicators", "survey", "scenario", "events", "measures", "3w", "programme", "candidates"
]
ROLES: tuple[str, ...] = (
    "indicators",
    "survey",
    "scenario",
    "events",
    "measures",
    "3w",
    "programme",
    "candidates",
)
Direction = Literal["higher_is_worse", "higher_is_better"]
Pillar = Literal["fear", "want"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Area(_Strict):
    """One administrative area: its OCHA p-code, name, admin level and parent p-code."""

    pcode: str
    name: str
    level: int = Field(ge=1, le=5)
    parent: str | None = None


class Boundaries(_Strict):
    """A boundary file (GeoJSON, TopoJSON, zipped Shapefile or GeoPackage) for one level.

    ``layer`` picks a layer of a multi-layer file; ``pcode_field`` and ``name_field`` name the
    attribute columns holding the p-code and the area name.
    """

    file: str
    level: int = Field(ge=1, le=5)
    pcode_field: str
    name_field: str | None = None
    layer: str | None = None


class AreaIndicator(_Strict):
    """An indicator of an area table, registered like the country indicators.

    A context variable (population, land area: a denominator, not a threat measure) leaves
    ``direction`` and ``pillar`` out.
    """

    code: str
    column: str | None = None
    name: str | None = None
    unit: str | None = None
    direction: Direction | None = None
    threats: list[str] = Field(default_factory=list)
    pillar: Pillar | None = None
    source: str | None = None


class Dataset(_Strict):
    """One data file of the project with its role and column mapping.

    ``columns`` maps the role's fields to the file's columns, e.g. ``{area: ADM1_PCODE,
    year: year}`` for indicators or ``{area: county, weight: wt, strata: strat, psu: clust,
    household: hh_id}`` for a survey. ``year`` is the data year of a single-year dataset.
    """

    name: str
    file: str
    role: Role
    year: int | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    indicators: list[AreaIndicator] = Field(default_factory=list)
    source: str | None = None
    licence: str | None = None
    attribution: str | None = None
    notes: list[str] = Field(default_factory=list)


class Specs(_Strict):
    """The project's specs: a framework extension, an index spec, a deprivation spec.

    Each is a path relative to the project (or, for ``index``, a preset name such as
    ``inform_subnational``; for ``deprivation``, a bundled spec name). ``framework: default``
    or no framework uses the bundled framework.
    """

    framework: str | None = None
    index: str | None = None
    deprivation: str | None = None


class Settings(_Strict):
    """Analysis settings shared by ``humsec project run`` and the report (one source)."""

    seed: int = 1
    n_years: int = Field(500, ge=10)
    k: float = Field(0.33, gt=0, le=1)
    min_psus: int = Field(5, ge=2)
    index_year: int | None = None
    start_year: int = 2025
    end_year: int = 2044
    discount_rate: float = Field(0.05, ge=0, lt=1)


class ProjectFile(_Strict):
    """The whole ``humsec.yaml``."""

    schema_version: int = SCHEMA_VERSION
    name: str
    country: str
    description: str | None = None
    admin_levels: list[int] = Field(min_length=1)
    areas: list[Area] = Field(default_factory=list)
    boundaries: list[Boundaries] = Field(default_factory=list)
    datasets: list[Dataset] = Field(default_factory=list)
    specs: Specs = Field(default_factory=Specs)
    settings: Settings = Field(default_factory=Settings)
    plan: PlanOptions | None = None
    """The ``plan:`` section: :class:`humsec.programme.PlanOptions`, the options every
    interface of the portfolio plan shares."""
    store: str = ".humsec/store.duckdb"
    attribution: list[str] = Field(default_factory=list)


def parse_project_file(data: Any, source: str, problems: Problems) -> ProjectFile | None:
    """Validate the parsed YAML; record every schema problem (key path and message).

    Returns the model, or ``None`` when the file does not validate.
    """
    if not isinstance(data, dict):
        problems.add(
            source,
            "humsec.yaml must be a mapping of keys to values",
            "start from `humsec project init DIR --demo`",
        )
        return None
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        problems.add(
            f"{source}: schema_version",
            f"the file has schema version {version}; this humsec reads up to {SCHEMA_VERSION}",
            "upgrade humsec (pip install -U humsec)",
        )
        return None
    config, found = check_spec(ProjectFile, data)
    for where, message in found:
        problems.add(f"{source}: {where}", message)
    return config

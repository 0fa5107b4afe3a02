"""One place that turns what a user names into an input: ``demo``, a bundled name or a path.

Every interface (CLI, report, API) resolves projects, specs, scenarios and measures here, so
that the same word means the same thing everywhere:

- ``demo`` is the bundled demo of that kind (the demo project, the demo scenario, the demo
  measures, the demo deprivation spec);
- a bundled name (an index preset such as ``inform_subnational``, a deprivation spec such as
  ``global_mpi``) is the shipped file of that name;
- anything else is a path, relative to ``base`` (a project folder) when given.

A path that exists wins over a bundled name, so a user's own ``global_mpi.yaml`` file is read.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from humsec.errors import DatasetNotFoundError, SpecError, did_you_mean

if TYPE_CHECKING:
    from humsec.deprivation import DeprivationSpec
    from humsec.framework import Framework
    from humsec.index import IndexSpec

DEMO = "demo"
PRESETS_DIR = Path(__file__).resolve().parent / "presets"
DEMO_PROJECT_DIR = Path(__file__).resolve().parent / "demo"


def _path(value: str | os.PathLike[str], base: Path | None) -> Path:
    path = Path(value)
    return path if path.is_absolute() or base is None else base / path


def demo_project_dir() -> Path:
    """The folder of the bundled demo project (read-only: copy it before running)."""
    return DEMO_PROJECT_DIR


def resolve_project(value: str | os.PathLike[str]) -> Path:
    """``demo`` -> the bundled demo project folder; else the given folder (or humsec.yaml)."""
    if str(value) == DEMO and not Path(DEMO).exists():
        return DEMO_PROJECT_DIR
    return Path(value)


def area_preset_names() -> list[str]:
    """Area-level index presets shipped with the project layer (``inform_subnational``)."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def resolve_index_spec(value: str, base: Path | None = None) -> IndexSpec:
    """An index spec from a file, an area preset (``inform_subnational``) or a country preset
    (``inform``, ``hdi``…)."""
    from humsec.index import IndexSpec, list_presets, load_preset

    path = _path(value, base)
    if path.is_file():
        return IndexSpec.from_yaml(path)
    if value in area_preset_names():
        data = yaml.safe_load((PRESETS_DIR / f"{value}.yaml").read_text(encoding="utf-8"))
        return IndexSpec.from_dict(data, source=f"preset {value!r}")
    if value in list_presets():
        return load_preset(value)
    names = [*area_preset_names(), *list_presets()]
    raise DatasetNotFoundError(
        f"no index spec file or preset {value!r}",
        location=str(path),
        hint=did_you_mean(value, names) or f"presets: {', '.join(names)}",
    )


def resolve_deprivation_spec(
    value: str | os.PathLike[str] | None, base: Path | None = None
) -> DeprivationSpec:
    """A deprivation spec from a file or a bundled name (default ``human_security_demo``;
    ``demo`` is the same)."""
    from humsec.deprivation import DeprivationSpec, bundled_spec
    from humsec.deprivation.specs import bundled_spec_names

    if value is None or str(value) == DEMO:
        return bundled_spec()
    path = _path(value, base)
    if path.is_file():
        return DeprivationSpec.from_yaml(path)
    if str(value) in bundled_spec_names():
        return bundled_spec(str(value))
    raise DatasetNotFoundError(
        f"no deprivation spec file or bundled spec {str(value)!r}",
        location=str(path),
        hint=did_you_mean(str(value), bundled_spec_names())
        or f"bundled specs: {', '.join(bundled_spec_names())}",
    )


def resolve_scenario(value: str | os.PathLike[str], base: Path | None = None) -> dict[str, Any]:
    """A scenario mapping: ``demo`` (the bundled Mozambique-like scenario) or a YAML file."""
    if str(value) == DEMO:
        text = resources.files("humsec.shocks").joinpath("scenarios/demo.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
    else:
        data = _read_yaml(_path(value, base))
    if not isinstance(data, dict):
        raise SpecError("a scenario must be a YAML mapping", location=str(value))
    return data


def resolve_measures(
    value: str | os.PathLike[str], base: Path | None = None
) -> list[dict[str, Any]]:
    """The ``measures:`` list: ``demo`` (the bundled demo measures) or a YAML file."""
    if str(value) == DEMO:
        text = (
            resources.files("humsec.shocks")
            .joinpath("scenarios/demo_measures.yaml")
            .read_text("utf-8")
        )
        data = yaml.safe_load(text)
    else:
        data = _read_yaml(_path(value, base))
    items = data.get("measures") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise SpecError(
            "no measures found",
            location=str(value),
            hint="the file needs a 'measures:' list with at least one measure",
        )
    return items


def resolve_framework(value: str | os.PathLike[str] | None, base: Path | None = None) -> Framework:
    """The bundled framework (``None`` or ``default``) or a framework file (``extends:
    default`` or complete)."""
    from humsec.framework import default_framework, load_framework

    if value is None or str(value) == "default":
        return default_framework()
    return load_framework(_path(value, base))


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise SpecError(
            "file not found",
            location=str(path),
            hint="give a YAML path (relative to the project folder) or 'demo'",
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else str(path)
        raise SpecError(
            f"not valid YAML: {getattr(error, 'problem', error)}", location=where
        ) from None

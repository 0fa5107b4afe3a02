"""Create a project folder and add datasets to it (what ``humsec project init`` and ``humsec
project add`` do).

Files are copied into the project (``boundaries/``, ``data/``, ``specs/``) and referred to
by relative paths, so the folder is self-contained: it can be moved, copied or zipped.
``humsec.yaml`` is rewritten atomically after every change, and only after the new state
validates.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from humsec.errors import HumsecError, SpecError
from humsec.project import datasets as ds
from humsec.project.boundaries import areas_from_boundaries, read_boundaries
from humsec.project.model import PROJECT_FILE, ROLES
from humsec.project.project import Project
from humsec.project.resolve import demo_project_dir

_FOLDER = {
    "indicators": "data",
    "survey": "data",
    "events": "data",
    "3w": "data",
    "scenario": "specs",
    "measures": "specs",
    "programme": "data",
    "candidates": "data",
}
_YAML = (".yaml", ".yml")


def _write_config(root: Path, config: Mapping[str, Any]) -> Path:
    from humsec.data import write_text

    header = (
        "# humsec project file: every path is relative to this folder.\n"
        "# Check it with `humsec project validate .`\n"
    )
    text = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True, width=100)
    return write_text(root / PROJECT_FILE, header + text)


def _read_config(root: Path) -> dict[str, Any]:
    data = yaml.safe_load((root / PROJECT_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _fresh_folder(root: Path) -> None:
    if (root / PROJECT_FILE).exists():
        raise HumsecError(
            "a project already exists here",
            location=str(root / PROJECT_FILE),
            hint="choose another folder, or edit the existing humsec.yaml",
        )
    root.mkdir(parents=True, exist_ok=True)


def init_project(
    root: str | os.PathLike[str],
    *,
    country: str,
    boundaries: str | os.PathLike[str],
    admin_level: int = 1,
    pcode_field: str | None = None,
    name_field: str | None = None,
    layer: str | None = None,
    name: str | None = None,
) -> Project:
    """Create a project in ``root`` from a boundary file (the areas come from its features).

    The boundary file is copied into ``root/boundaries/``; ``admin_level`` picks the layer of
    a multi-layer file and the p-code and name fields are detected unless given.
    """
    from humsec.data import to_iso3

    folder = Path(root)
    iso3 = str(to_iso3(country, location="--country"))
    source = Path(boundaries)
    layer_read = read_boundaries(
        source, admin_level, layer=layer, pcode_field=pcode_field, name_field=name_field
    )
    _fresh_folder(folder)
    (folder / "boundaries").mkdir(exist_ok=True)
    target = folder / "boundaries" / source.name
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    areas = areas_from_boundaries(layer_read, None)
    config: dict[str, Any] = {
        "schema_version": 1,
        "name": name or folder.resolve().name,
        "country": iso3,
        "admin_levels": [admin_level],
        "areas": [
            {"pcode": str(r.pcode), "name": str(r.name), "level": admin_level}
            | ({"parent": str(r.parent)} if isinstance(r.parent, str) and admin_level > 1 else {})
            for r in areas.itertuples(index=False)
        ],
        "boundaries": [
            {
                "file": f"boundaries/{source.name}",
                "level": admin_level,
                "pcode_field": layer_read.pcode_field,
            }
            | ({"name_field": layer_read.name_field} if layer_read.name_field else {})
            | ({"layer": layer_read.layer} if layer_read.layer else {})
        ],
        "datasets": [],
    }
    frame = layer_read.frame
    if admin_level > 1 and frame["parent"].notna().all():
        # The parents are areas of the level above, named from the file when it has their
        # names (OCHA files carry ADM1_PCODE and ADM1_EN/_PT on every ADM2 feature).
        names = frame.drop_duplicates("parent").set_index("parent")["parent_name"]
        parents = [
            {
                "pcode": str(code),
                "name": str(name) if isinstance(name, str) else str(code),
                "level": admin_level - 1,
            }
            for code, name in names.items()
        ]
        config["areas"] = parents + config["areas"]
        config["admin_levels"] = [admin_level - 1, admin_level]
    else:
        for area in config["areas"]:
            area.pop("parent", None)
    _write_config(folder, config)
    return Project.load(folder)


def init_demo(root: str | os.PathLike[str]) -> Project:
    """Copy the bundled demo project into ``root`` (a store is never written inside the
    installed package: runs go to ``root``)."""
    folder = Path(root)
    _fresh_folder(folder)
    source = demo_project_dir()
    for item in source.rglob("*"):
        relative = item.relative_to(source)
        if item.is_dir() or "__pycache__" in relative.parts or relative.parts[0] == "store":
            continue
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item, folder / relative)
    return Project.load(folder)


def parse_maps(items: Sequence[str]) -> dict[str, str]:
    """``["area=county", "psu=clust"]`` -> ``{"area": "county", "psu": "clust"}``."""
    out: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise SpecError(
                f"--map {item!r} is not field=column",
                location="--map",
                hint="e.g. --map area=ADM1_PCODE --map psu=cluster",
            )
        out[field.strip()] = column.strip()
    return out


def parse_indicator_options(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``COLUMN:DIRECTION:PILLAR[:THREAT+THREAT]`` options -> indicator registry entries."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        parts = item.split(":")
        if (
            len(parts) not in (3, 4)
            or parts[1] not in ("higher_is_worse", "higher_is_better")
            or parts[2] not in ("fear", "want")
        ):
            raise SpecError(
                f"--indicator {item!r} is not COLUMN:DIRECTION:PILLAR[:THREATS]",
                location="--indicator",
                hint="e.g. --indicator water_unimproved:higher_is_worse:want:"
                "lack_of_basic_infrastructure",
            )
        threats = [t for t in (parts[3].split("+") if len(parts) == 4 else []) if t]
        out[parts[0]] = {
            "code": parts[0],
            "direction": parts[1],
            "pillar": parts[2],
            "threats": threats,
        }
    return out


def add_dataset(
    root: str | os.PathLike[str],
    file: str | os.PathLike[str],
    *,
    role: str | None = None,
    maps: Mapping[str, str] | None = None,
    name: str | None = None,
    year: int | None = None,
    indicators: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Project, dict[str, Any]]:
    """Copy ``file`` into the project, infer its role and column mapping, register it.

    Returns the reloaded project and the dataset entry written to humsec.yaml. Whatever cannot
    be inferred raises :class:`SpecError` naming the option to pass (``--role``,
    ``--map field=column``, ``--indicator``, ``--year``). Nothing is written unless the project
    still validates with the new dataset.
    """
    from humsec.data import read_table

    folder = Path(root)
    project = Project.load(folder)
    source = Path(file)
    if not source.is_file():
        raise HumsecError("file not found", location=str(source))
    is_yaml = source.suffix.lower() in _YAML
    frame = None if is_yaml else read_table(source)
    if role is not None and role not in ROLES:
        raise SpecError(
            f"unknown role {role!r}", location="--role", hint=f"roles: {', '.join(ROLES)}"
        )
    role = role or ds.infer_role(source, frame, project.pcodes)
    entry: dict[str, Any] = {"name": name or source.stem, "file": "", "role": role}
    if frame is not None and role in ds.TABLE_ROLES:
        mapping = ds.infer_columns(frame, role, project.pcodes, maps, location=str(source))
        entry["columns"] = mapping
        if role == "indicators":
            entry["indicators"] = _indicator_entries(frame, mapping, indicators or {}, source)
    if year is not None:
        entry["year"] = year
    elif role == "survey":
        raise SpecError(
            "a survey needs its fieldwork year", location=str(source), hint="pass --year YYYY"
        )
    target_dir = folder / _FOLDER[role]
    target_dir.mkdir(exist_ok=True)
    target = target_dir / source.name
    config = _read_config(folder)
    taken = {d.get("name") for d in config.get("datasets") or []}
    if entry["name"] in taken:
        raise SpecError(
            f"the project already has a dataset named {entry['name']!r}",
            location=str(source),
            hint="pass --name NEW_NAME",
        )
    entry["file"] = target.relative_to(folder).as_posix()
    existed = target.exists()
    if not existed:
        shutil.copyfile(source, target)
    config["datasets"] = [*(config.get("datasets") or []), entry]
    previous = (folder / PROJECT_FILE).read_text(encoding="utf-8")
    _write_config(folder, config)
    try:
        project = Project.load(folder)
    except HumsecError:
        from humsec.data import write_text

        write_text(folder / PROJECT_FILE, previous)
        if not existed:
            target.unlink()
        raise
    return project, entry


def _indicator_entries(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    given: Mapping[str, Mapping[str, Any]],
    source: Path,
) -> list[dict[str, Any]]:
    columns = ds.indicator_columns(frame, mapping)
    if not columns:
        raise SpecError("the table has no numeric indicator columns", location=str(source))
    unknown = sorted(set(given) - set(columns))
    if unknown:
        raise SpecError(
            f"--indicator names column(s) that are not numeric columns: {unknown}",
            location=str(source),
            hint=f"numeric columns: {', '.join(columns)}",
        )
    if not given:
        missing = columns
        raise SpecError(
            f"the direction and pillar of the {len(missing)} indicator column(s) cannot be "
            "inferred: " + ", ".join(missing[:10]),
            location=str(source),
            hint="pass --indicator COLUMN:higher_is_worse|higher_is_better:fear|want[:THREAT+…] "
            "for each, e.g. --indicator " + f"{missing[0]}:higher_is_worse:want",
        )
    return [dict(given[c]) for c in columns if c in given]

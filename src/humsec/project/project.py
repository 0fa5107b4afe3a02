"""``Project.load(path)``: read a project folder, validate everything, resolve engine inputs.

Validation collects every problem before raising (one :class:`~humsec.errors.ProjectError`
lists them all, each with its file, column, row or key): the schema of ``humsec.yaml``, the
country, the area list (unique p-codes, known parents, declared levels), each boundary file
against the areas of its level, each dataset (file present, role fields mapped to existing
columns, area codes known, with the closest p-codes for unknown ones, indicator columns
numeric, threat ids known to the project's framework), specs, and datasets that claim the same
role and year.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from humsec.errors import HumsecError, ProjectError
from humsec.project import datasets as ds
from humsec.project.boundaries import BoundaryLayer, check_boundaries, read_boundaries
from humsec.project.model import PROJECT_FILE, Dataset, ProjectFile, parse_project_file
from humsec.project.problems import Problems, unknown_codes_text
from humsec.specs import load_spec_file

if TYPE_CHECKING:
    from humsec.deprivation import DeprivationSpec
    from humsec.framework import Framework
    from humsec.index import IndexSpec


def project_file(path: str | os.PathLike[str]) -> Path:
    """The ``humsec.yaml`` of a project given as its folder or as the file itself."""
    target = Path(path)
    return target if target.suffix.lower() in (".yaml", ".yml") else target / PROJECT_FILE


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Project:
    """A loaded, validated project. Build it with :meth:`Project.load`.

    ``root`` is the project folder and ``config`` the parsed ``humsec.yaml``; ``areas`` is the
    area table (``pcode, name, level, parent``), ``boundaries`` the boundary layer of each
    level that has one, and ``tables`` the table datasets read during validation.
    """

    root: Path
    config: ProjectFile
    areas: pd.DataFrame
    boundaries: dict[int, BoundaryLayer]
    framework: Framework
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)

    # --- loading --------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Project:
        """Load and validate the project at ``path`` (its folder or its ``humsec.yaml``).

        Raises :class:`~humsec.errors.ProjectError` listing every problem found.
        """
        file = project_file(path)
        if not file.is_file():
            raise ProjectError(
                [
                    (
                        str(file),
                        "no humsec.yaml here",
                        "create one with `humsec project init DIR --country ISO3 "
                        "--boundaries FILE` or `humsec project init DIR --demo`",
                    )
                ]
            )
        problems = Problems()
        try:
            raw = load_spec_file(file, kind="project file")
        except HumsecError as error:
            raise ProjectError([(error.location or str(file), error.message, error.hint)]) from None
        config = parse_project_file(raw, str(file), problems)
        problems.raise_if_any()
        assert config is not None
        root = file.parent.resolve()
        framework = _framework(root, config, problems)
        areas = _areas(config, str(file), problems)
        project = cls(root, config, areas, {}, framework)
        project._check_boundaries(problems)
        project._check_datasets(problems)
        project._check_specs(problems)
        project._check_plan(problems)
        problems.raise_if_any()
        return project

    # --- paths and lookups ----------------------------------------------------------------
    def path(self, relative: str) -> Path:
        """A path of the project file, resolved against the project folder."""
        return (self.root / relative).resolve()

    @property
    def name(self) -> str:
        """The project's name."""
        return self.config.name

    @property
    def country(self) -> str:
        """The project's country (ISO3)."""
        return self.config.country.upper()

    @property
    def pcodes(self) -> list[str]:
        """Every area p-code, in the order of the area list."""
        return [str(p) for p in self.areas["pcode"]]

    def level_pcodes(self, level: int) -> list[str]:
        """The p-codes of one admin level."""
        return [str(p) for p in self.areas.loc[self.areas["level"] == level, "pcode"]]

    @property
    def main_level(self) -> int:
        """The finest admin level the project uses (the one analyses report by)."""
        return max(self.config.admin_levels)

    def datasets(self, role: str) -> list[Dataset]:
        """The datasets of one role, in file order."""
        return [d for d in self.config.datasets if d.role == role]

    def dataset(self, role: str) -> Dataset | None:
        """The dataset of ``role`` (the latest year when several), or ``None``."""
        found = self.datasets(role)
        return max(found, key=lambda d: d.year or 0) if found else None

    def table(self, name: str) -> pd.DataFrame:
        """A table dataset read during validation (a copy)."""
        return self.tables[name].copy()

    def find_area_column(self, frame: pd.DataFrame) -> str | None:
        """The column of ``frame`` that holds the project's p-codes (by HXL tag, by name such
        as ``ADM1_PCODE``, else by its values), or ``None``."""
        return ds.area_column(frame, self.pcodes)

    def check_area_column(self, frame: pd.DataFrame, column: str, location: str) -> None:
        """Raise :class:`~humsec.errors.ProjectError` when ``frame[column]`` holds codes that
        are not project p-codes (listed with the closest p-codes and the first row) or missing
        codes."""
        if column not in frame.columns:
            from humsec.errors import did_you_mean

            raise ProjectError(
                [
                    (
                        location,
                        f"no area column {column!r}",
                        did_you_mean(column, [str(c) for c in frame.columns]) or None,
                    )
                ]
            )
        problems = Problems()
        ds.check_areas(frame, column, self.pcodes, location, problems)
        problems.raise_if_any()

    def store_path(self) -> Path:
        """Where the project's run store lives (``store:`` in humsec.yaml, default
        ``.humsec/store.duckdb`` inside the project)."""
        return self.path(self.config.store)

    def input_hashes(self, names: Sequence[str]) -> dict[str, str]:
        """``{dataset or spec name: sha256 of its file}`` for the inputs of a run."""
        out: dict[str, str] = {}
        files = {d.name: d.file for d in self.config.datasets}
        specs = self.config.specs
        for key, value in (
            ("framework", specs.framework),
            ("index_spec", specs.index),
            ("deprivation_spec", specs.deprivation),
        ):
            if value:
                files[key] = value
        for name in names:
            relative = files[name]
            path = self.path(relative)
            out[name] = file_sha256(path) if path.is_file() else f"name:{relative}"
        return out

    @cached_property
    def area_indicators(self) -> pd.DataFrame:
        """All indicator datasets stacked long: ``pcode, year, indicator, value`` plus the
        registry columns ``direction, pillar, threats, dataset``."""
        frames = []
        for d in self.datasets("indicators"):
            if d.name not in self.tables:  # unreadable: its problems are already listed
                continue
            frame, mapping = self.tables[d.name], self.mappings[d.name]
            years = (
                pd.to_numeric(frame[mapping["year"]], errors="coerce")
                if "year" in mapping
                else pd.Series(d.year, index=frame.index)
            )
            for ind in d.indicators:
                frames.append(
                    pd.DataFrame(
                        {
                            "pcode": frame[mapping["area"]].astype(str).str.strip(),
                            "year": years.astype("Int64"),
                            "indicator": ind.code,
                            "value": pd.to_numeric(frame[ind.column or ind.code], errors="coerce"),
                            "direction": ind.direction,
                            "pillar": ind.pillar,
                            "threats": ",".join(ind.threats),
                            "dataset": d.name,
                        }
                    )
                )
        columns = [
            "pcode",
            "year",
            "indicator",
            "value",
            "direction",
            "pillar",
            "threats",
            "dataset",
        ]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def indicator_wide(self) -> pd.DataFrame:
        """Area indicators as a (pcode, year) x indicator table for the index engine."""
        long = self.area_indicators
        wide = long.pivot_table(
            index=["pcode", "year"], columns="indicator", values="value", aggfunc="first"
        )
        wide.columns.name = None
        return wide

    def index_spec(self) -> IndexSpec | None:
        """The project's index spec (a preset name or a file), or ``None``."""
        from humsec.project.resolve import resolve_index_spec

        value = self.config.specs.index
        return resolve_index_spec(value, self.root) if value else None

    def deprivation_spec(self) -> DeprivationSpec | None:
        """The project's deprivation spec (a bundled name or a file), or ``None``."""
        from humsec.project.resolve import resolve_deprivation_spec

        value = self.config.specs.deprivation
        return resolve_deprivation_spec(value, self.root) if value else None

    # --- checks ----------------------------------------------------------------------------
    def _check_boundaries(self, problems: Problems) -> None:
        for i, entry in enumerate(self.config.boundaries):
            where = f"boundaries[{i}] {entry.file}"
            path = self.path(entry.file)
            _relative_check(entry.file, f"{PROJECT_FILE}: boundaries[{i}].file", problems)
            if entry.level not in self.config.admin_levels:
                problems.add(
                    f"{PROJECT_FILE}: boundaries[{i}].level",
                    f"level {entry.level} is not in admin_levels {self.config.admin_levels}",
                )
            if not path.is_file():
                problems.add(
                    where,
                    "file not found",
                    f"the path is relative to the project folder {self.root}",
                )
                continue
            with problems.collect(where):
                layer = read_boundaries(
                    path,
                    entry.level,
                    layer=entry.layer,
                    pcode_field=entry.pcode_field,
                    name_field=entry.name_field,
                )
                check_boundaries(layer, self.level_pcodes(entry.level), where, problems)
                self.boundaries[entry.level] = layer

    def _check_datasets(self, problems: Problems) -> None:
        seen: dict[str, int] = {}
        claims: dict[tuple[str, int | None, str], str] = {}
        threat_ids = {t.id for t in self.framework.threats}
        for i, d in enumerate(self.config.datasets):
            key = f"{PROJECT_FILE}: datasets[{i}]"
            if d.name in seen:
                problems.add(
                    f"{key}.name",
                    f"two datasets are named {d.name!r}",
                    f"rename one (the other is datasets[{seen[d.name]}])",
                )
            seen[d.name] = i
            _relative_check(d.file, f"{key}.file", problems)
            path = self.path(d.file)
            if not path.is_file():
                problems.add(
                    f"{key}.file",
                    f"{d.file}: file not found",
                    f"the path is relative to the project folder {self.root}",
                )
                continue
            if d.role in ds.TABLE_ROLES:
                with problems.collect(d.file):
                    self._check_table(d, path, problems, threat_ids)
            else:
                with problems.collect(d.file):
                    self._check_yaml(d, path, problems)
            for year, label in self._claims(d):
                claim = (d.role, year, label)
                if claim in claims:
                    what = f"indicator {label!r} " if label else ""
                    problems.add(
                        f"{key}",
                        f"{d.name!r} and {claims[claim]!r} both give "
                        f"{what}role {d.role!r} for year {year}",
                        "keep one, or give each its own `year:`",
                    )
                claims[claim] = d.name

    def _claims(self, d: Dataset) -> list[tuple[int | None, str]]:
        if d.role in ("programme", "3w"):  # several programmes, several 3W tables side by side
            return []
        if d.role != "indicators":
            return [(d.year, "")]
        if d.name not in self.tables:
            return []
        years: list[int | None] = list(
            ds.dataset_years(self.tables[d.name], self.mappings[d.name], d.year)
        ) or [None]
        return [(y, ind.code) for ind in d.indicators for y in years]

    def _check_table(
        self, d: Dataset, path: Path, problems: Problems, threat_ids: set[str]
    ) -> None:
        from humsec.data import read_table

        frame = read_table(path)
        where = d.file
        try:
            mapping = ds.infer_columns(frame, d.role, self.pcodes, d.columns, location=where)
        except HumsecError as error:
            problems.add(
                error.location or where,
                error.message,
                (error.hint or "") + f" (set `columns:` of dataset {d.name!r})",
            )
            return
        self.tables[d.name] = frame
        self.mappings[d.name] = mapping
        if "area" in mapping:
            ds.check_areas(frame, mapping["area"], self.pcodes, where, problems)
        if d.role == "indicators":
            self._check_indicators(d, frame, mapping, problems, threat_ids)
        elif d.role == "events":
            for axis, low, high in (("lat", -90, 90), ("lon", -180, 180)):
                values = pd.to_numeric(frame[mapping[axis]], errors="coerce")
                bad = values.isna() | (values < low) | (values > high)
                if bool(bad.any()):
                    row = int(bad.to_numpy().nonzero()[0][0]) + 1
                    problems.add(
                        f"{where}:{mapping[axis]}, row {row}",
                        f"{int(bad.sum())} event(s) have no valid {axis} "
                        f"(between {low} and {high})",
                    )
        elif d.role == "candidates":
            self._check_candidates(d, frame, mapping, problems, threat_ids)
        elif d.role == "survey" and d.year is None:
            problems.add(
                f"{PROJECT_FILE}: dataset {d.name!r}",
                "a survey needs `year:`",
                "add the survey's fieldwork year",
            )

    def _check_indicators(
        self,
        d: Dataset,
        frame: pd.DataFrame,
        mapping: dict[str, str],
        problems: Problems,
        threat_ids: set[str],
    ) -> None:
        if not d.indicators:
            problems.add(
                f"{PROJECT_FILE}: dataset {d.name!r}",
                "no indicators are registered",
                "list them under `indicators:` with code, direction, pillar, threats",
            )
        if "year" not in mapping and d.year is None:
            problems.add(
                f"{PROJECT_FILE}: dataset {d.name!r}",
                "the table has no year column and the dataset no `year:`",
                "add `year: YYYY` or map the year column (`columns: {year: COL}`)",
            )
        for j, ind in enumerate(d.indicators):
            column = ind.column or ind.code
            node = f"{PROJECT_FILE}: dataset {d.name!r} indicators[{j}]"
            if column not in frame.columns:
                from humsec.errors import did_you_mean

                problems.add(
                    f"{d.file}:{column}",
                    f"indicator {ind.code!r} has no column {column!r}",
                    did_you_mean(column, [str(c) for c in frame.columns]) or None,
                )
            elif not pd.api.types.is_numeric_dtype(frame[column]):
                values = pd.to_numeric(frame[column], errors="coerce")
                bad = values.isna() & frame[column].notna()
                row = int(bad.to_numpy().nonzero()[0][0]) + 1 if bad.any() else 0
                problems.add(
                    f"{d.file}:{column}, row {row}",
                    f"indicator {ind.code!r} is not numeric "
                    f"({int(bad.sum())} value(s) are not numbers)",
                )
            unknown = [t for t in ind.threats if t not in threat_ids]
            if unknown:
                problems.add(
                    f"{node}.threats",
                    f"unknown threat id(s) {unknown} in the project's framework",
                    f"threats: {', '.join(sorted(threat_ids))}",
                )
        if "area" in mapping:
            keys = [mapping["area"]] + ([mapping["year"]] if "year" in mapping else [])
            dup = frame.duplicated(keys)
            if bool(dup.any()):
                row = int(dup.to_numpy().nonzero()[0][0]) + 1
                problems.add(
                    f"{d.file}, row {row}",
                    f"{int(dup.sum())} duplicated ({', '.join(keys)}) row(s)",
                    "keep one row per area and year",
                )

    def _check_candidates(
        self,
        d: Dataset,
        frame: pd.DataFrame,
        mapping: dict[str, str],
        problems: Problems,
        threat_ids: set[str],
    ) -> None:
        for field_name in ("cost", "benefit", "reduction", "people"):
            if field_name not in mapping:
                continue
            column = mapping[field_name]
            values = pd.to_numeric(frame[column], errors="coerce")
            bad = values.isna() | (values < 0)
            if bool(bad.any()):
                row = int(bad.to_numpy().nonzero()[0][0]) + 1
                problems.add(
                    f"{d.file}:{column}, row {row}",
                    f"{int(bad.sum())} {field_name} value(s) are missing, not numbers or "
                    "negative",
                    f"give every candidate a {field_name} of at least 0",
                )
        if "benefit" not in mapping:
            lacking = [f for f in ("threats", "reduction") if f not in mapping]
            if lacking:
                problems.add(
                    f"{d.file}",
                    f"no benefit column, and no {' or '.join(lacking)} column to derive it",
                    "give a benefit column, or threats (ids, comma-separated) and reduction "
                    "(expected fall of each threat, in standard deviations)",
                )
        if "threats" in mapping:
            for k, text in enumerate(frame[mapping["threats"]].fillna("").astype(str)):
                unknown = [
                    t.strip()
                    for t in text.replace(";", ",").split(",")
                    if t.strip() and t.strip() not in threat_ids
                ]
                if unknown:
                    from humsec.errors import did_you_mean

                    problems.add(
                        f"{d.file}:{mapping['threats']}, row {k + 1}",
                        f"unknown threat id(s) {unknown} in the project's framework",
                        did_you_mean(unknown[0], sorted(threat_ids)) or None,
                    )
                    break

    def _check_plan(self, problems: Problems) -> None:
        plan = self.config.plan
        if plan is None:
            return
        known = set(self.pcodes)
        named = [
            (f"plan.budgets[{i}].areas", a)
            for i, b in enumerate(plan.budgets)
            for a in b.areas or []
        ] + [("plan.high_risk_areas", a) for a in plan.high_risk_areas]
        for where, area in named:
            if area not in known:
                problems.add(
                    f"{PROJECT_FILE}: {where}",
                    f"area {area!r} is not in the project: "
                    + unknown_codes_text([area], self.pcodes),
                )
        if plan.budget is None and not plan.budgets:
            problems.add(
                f"{PROJECT_FILE}: plan",
                "the plan has no budget",
                "add `budget: 5000000` (one fund) or `budgets: [{amount: ..., areas: [...]}]`",
            )

    def _check_yaml(self, d: Dataset, path: Path, problems: Problems) -> None:
        try:
            data = load_spec_file(path, kind=f"{d.role} spec")
        except HumsecError as error:
            problems.add(d.file, error.message, error.hint)
            return
        if not isinstance(data, dict):
            problems.add(d.file, "must be a YAML mapping")
            return
        if d.role == "scenario":
            named = _scenario_areas(data)
            unknown = sorted(named - set(self.pcodes))
            if unknown:
                problems.add(
                    f"{d.file}: hazards",
                    f"{len(unknown)} area(s) are not in the project: "
                    + unknown_codes_text(unknown, self.pcodes),
                    "name areas by their p-codes",
                )
        elif d.role == "measures":
            named = _measure_areas(data)
            unknown = sorted(named - set(self.pcodes))
            if unknown:
                problems.add(
                    f"{d.file}: measures",
                    f"{len(unknown)} target area(s) are not in the project: "
                    + unknown_codes_text(unknown, self.pcodes),
                )

    def _check_specs(self, problems: Problems) -> None:
        specs = self.config.specs
        if specs.index:
            with problems.collect(f"{PROJECT_FILE}: specs.index"):
                spec = self.index_spec()
                assert spec is not None
                have = set(self.area_indicators["indicator"])
                for ind in spec.indicators:
                    code = ind.column or ind.code
                    if ind.denominator and ind.denominator not in have:
                        problems.add(
                            f"{specs.index}: indicator {ind.code!r}",
                            f"its denominator {ind.denominator!r} is not a registered area "
                            "indicator",
                            "register it (without direction and pillar) under a dataset's "
                            "`indicators:`",
                        )
                    if code not in have:
                        problems.add(
                            f"{specs.index}: indicator {ind.code!r}",
                            f"no area indicator {code!r} is registered in the project",
                            "register it under a dataset's `indicators:` or drop it from the spec",
                        )
        if specs.deprivation:
            with problems.collect(f"{PROJECT_FILE}: specs.deprivation"):
                self.deprivation_spec()


def _relative_check(value: str, where: str, problems: Problems) -> None:
    if Path(value).is_absolute():
        problems.add(
            where,
            f"{value} is an absolute path",
            "copy the file into the project folder and give its relative path, so that "
            "the project still works when moved",
        )


def _framework(root: Path, config: ProjectFile, problems: Problems) -> Framework:
    from humsec.framework import default_framework, load_framework

    value = config.specs.framework
    if not value or value == "default":
        return default_framework()
    try:
        return load_framework(root / value)
    except HumsecError as error:
        problems.add(
            error.location or f"{PROJECT_FILE}: specs.framework", error.message, error.hint
        )
        return default_framework()


def _areas(config: ProjectFile, source: str, problems: Problems) -> pd.DataFrame:
    from humsec.data import to_iso3

    try:
        iso3 = to_iso3(config.country)
        if iso3 != config.country.upper():
            problems.add(
                f"{source}: country",
                f"{config.country!r} is not an ISO3 code",
                f"write country: {iso3}",
            )
    except HumsecError as error:
        problems.add(f"{source}: country", error.message, "give the ISO3 code, e.g. KEN")
    frame = pd.DataFrame(
        [a.model_dump() for a in config.areas], columns=["pcode", "name", "level", "parent"]
    )
    if frame.empty:
        problems.add(
            f"{source}: areas",
            "the project lists no areas",
            "`humsec project init DIR --boundaries FILE` writes them from boundaries",
        )
        return frame
    dup = frame["pcode"].duplicated()
    for i in frame.index[dup]:
        problems.add(
            f"{source}: areas[{i}].pcode", f"p-code {frame.at[i, 'pcode']!r} is listed twice"
        )
    levels = set(config.admin_levels)
    for i, level in frame["level"].items():
        if level not in levels:
            problems.add(
                f"{source}: areas[{i}].level",
                f"level {level} is not in admin_levels {sorted(levels)}",
            )
    known = set(frame["pcode"])
    for i, row in frame.iterrows():
        parent = row["parent"]
        if parent is None or pd.isna(parent):
            if row["level"] > min(levels):
                problems.add(f"{source}: areas[{i}].parent", f"area {row['pcode']} has no parent")
            continue
        if row["level"] > min(levels) and parent not in known:
            problems.add(
                f"{source}: areas[{i}].parent",
                f"parent {parent!r} of {row['pcode']} is not an area: "
                + unknown_codes_text([parent], sorted(known)),
            )
    return frame


def _scenario_areas(data: dict[str, Any]) -> set[str]:
    hazards = data.get("hazards") or {}
    named: set[str] = set()
    for item in hazards.get("area_hazards", []) or []:
        if isinstance(item, dict):
            named |= set(dict(item.get("rates") or {}))
            named |= {str(a) for a in item.get("areas") or [] if a != "all"}
    for es in hazards.get("event_sets", []) or []:
        for ev in (es or {}).get("events", []) or []:
            named |= set(dict((ev or {}).get("footprint") or {}))
    for es in hazards.get("event_sets_from_return_periods", []) or []:
        areas = (es or {}).get("areas", "all")
        if isinstance(areas, list):
            named |= {str(a) for a in areas}
    return named


def _measure_areas(data: dict[str, Any]) -> set[str]:
    named: set[str] = set()
    for m in data.get("measures", []) or []:
        target = (m or {}).get("target") or {}
        if isinstance(target, dict):
            named |= {str(a) for a in target.get("areas") or []}
    return named

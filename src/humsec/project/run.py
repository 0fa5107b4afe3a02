"""Run every analysis a project has the inputs for, recording each run in the project store.

A run is identified by the content hashes of its input files, its settings, the humsec
version and the seed (:func:`humsec.project.store.input_hash`). When the store already holds
a run with the same identity its tables are reused (and the reuse is written to the history);
otherwise the analysis runs and a new run is recorded. Nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from humsec import __version__
from humsec.errors import HumsecError
from humsec.project.analyses import ANALYSES, CONTEXT_ANALYSES, Analysis, missing_inputs
from humsec.project.project import Project, file_sha256

if TYPE_CHECKING:
    from humsec.project.store import RunRecord, Store

ProgressCallback = Callable[[str, str], None]
"""Called as ``progress(analysis, state)`` with state ``running``, ``reused`` or ``new``."""


@dataclass
class ProjectRun:
    """What :func:`run_project` did: the record and tables of each analysis that ran (new or
    reused), and for each skipped analysis the data it still needs."""

    records: dict[str, RunRecord] = field(default_factory=dict)
    tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """One row per analysis: run id, status (new, reused, skipped) and what is missing."""
        rows = []
        for a in ANALYSES:
            if a.name in self.records:
                r = self.records[a.name]
                rows.append(
                    {
                        "analysis": a.name,
                        "run_id": r.source_run_id,
                        "status": "reused" if r.reused else "new",
                        "needs": "",
                    }
                )
            elif a.name in self.tables:
                rows.append({"analysis": a.name, "run_id": "", "status": "computed", "needs": ""})
            elif a.name in self.skipped:
                rows.append(
                    {
                        "analysis": a.name,
                        "run_id": "",
                        "status": "skipped",
                        "needs": "; ".join(self.skipped[a.name]),
                    }
                )
        return pd.DataFrame(rows, columns=["analysis", "run_id", "status", "needs"])


def _spec_hash(value: str, project: Project, kind: str) -> str:
    """The hash of a spec named by a bundled name: the canonical JSON of the resolved spec."""
    spec = project.index_spec() if kind == "index_spec" else project.deprivation_spec()
    assert spec is not None
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{value}\n{text}".encode()).hexdigest()


def run_inputs(project: Project, item: Analysis) -> dict[str, str]:
    """``{input name: sha256}`` of an analysis's inputs (files, or resolved bundled specs)."""
    out: dict[str, str] = {}
    files = {d.name: d.file for d in project.config.datasets}
    specs = {
        "index_spec": project.config.specs.index,
        "deprivation_spec": project.config.specs.deprivation,
    }
    for name in item.inputs(project):
        if name in files:
            out[name] = file_sha256(project.path(files[name]))
        elif specs.get(name):
            path = project.path(str(specs[name]))
            out[name] = (
                file_sha256(path) if path.is_file() else _spec_hash(str(specs[name]), project, name)
            )
    framework = project.config.specs.framework
    if framework and framework != "default":
        out["framework"] = file_sha256(project.path(framework))
    return out


def run_identity(
    project: Project, item: Analysis
) -> tuple[dict[str, str], dict[str, Any], int | None, str]:
    """The inputs, spec, seed and input hash that identify a run of ``item``."""
    from humsec.project.store import input_hash

    inputs = run_inputs(project, item)
    spec = item.spec(project)
    seed = project.config.settings.seed if item.stochastic else None
    return inputs, spec, seed, input_hash(inputs, spec, __version__, seed)


def run_project(
    project: Project,
    store: Store | None,
    *,
    only: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ProjectRun:
    """Run (or reuse) every analysis whose inputs the project has; skip the others.

    ``only`` restricts the analyses by name. Each new run is recorded in ``store`` with its
    input hashes, settings, seed, version, start and end times and result tables; with
    ``store=None`` the analyses run in memory and nothing is recorded (``records`` stays
    empty).
    """
    result = ProjectRun()
    skipped = missing_inputs(project)
    wanted = None if only is None else _with_uses(only)
    for item in ANALYSES:
        if wanted is not None and item.name not in wanted:
            continue
        if item.name in skipped:
            result.skipped[item.name] = skipped[item.name]
            continue
        if store is None:
            result.tables[item.name] = item.execute(project, result.tables)
            continue
        inputs, spec, seed, key = run_identity(project, item)
        found = store.find(item.name, key)
        if found is not None:
            result.records[item.name] = found
            result.tables[item.name] = store.tables(found.run_id)
            if progress is not None:
                progress(item.name, "reused")
            continue
        if progress is not None:
            progress(item.name, "running")
        started = datetime.now(UTC)
        try:
            tables = item.execute(project, result.tables)
        except HumsecError as error:
            error.add_note(f"while running the project analysis {item.name!r}")
            raise
        ended = datetime.now(UTC)
        record = store.record(
            analysis=item.name,
            input_hash=key,
            inputs=inputs,
            spec=spec,
            seed=seed,
            started=started,
            ended=ended,
            tables=tables,
            humsec_version=__version__,
        )
        result.records[item.name] = record
        result.tables[item.name] = store.tables(record.run_id)
        if progress is not None:
            progress(item.name, "new")
    return result


def context_tables(
    project: Project,
    run: ProjectRun | None = None,
    analyses: tuple[str, ...] = CONTEXT_ANALYSES,
) -> dict[str, Any]:
    """The tables of ``analyses`` (default: the context's): ``run``'s when given, else from
    the project's store (run or reused there, so they are recorded), or computed in memory for
    the read-only bundled demo. The run records are under the key ``"_records"``."""
    if run is not None:
        return {**run.tables, "_records": run.records}
    if project.root == _demo_root():
        found = run_project(project, None, only=analyses)
        return dict(found.tables)
    with open_project_store(project) as store:
        found = run_project(project, store, only=analyses)
    return {**found.tables, "_records": found.records}


def _demo_root() -> Any:
    from humsec.project.resolve import demo_project_dir

    return demo_project_dir().resolve()


def _with_uses(only: Sequence[str]) -> set[str]:
    """The analyses named, with the earlier analyses they use (recursively)."""
    by_name = {a.name: a for a in ANALYSES}
    wanted: set[str] = set()
    todo = list(only)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        if name in by_name:
            todo.extend(by_name[name].uses)
    return wanted


def record_command_run(
    project: Project,
    analysis: str,
    *,
    inputs: dict[str, str],
    spec: dict[str, Any],
    seed: int | None,
    tables: dict[str, pd.DataFrame],
    started: datetime,
    ended: datetime,
) -> RunRecord:
    """Record a run of an engine command given ``--project`` (analysis ``cli <command>``).

    The run's identity is :func:`humsec.project.store.input_hash` over ``inputs`` (``{name:
    sha256}`` of the project files used), ``spec`` (the command's options), the humsec version
    and ``seed``, as for :func:`run_project`. When the store already holds a run with that
    identity, the reuse is written to the history and its record returned (``reused`` true);
    otherwise a new run with ``tables`` is recorded. Nothing is overwritten.
    """
    from humsec.project.store import input_hash

    key = input_hash(inputs, spec, __version__, seed)
    with open_project_store(project) as store:
        found = store.find(analysis, key)
        if found is not None:
            return found
        return store.record(
            analysis=analysis,
            input_hash=key,
            inputs=inputs,
            spec=spec,
            seed=seed,
            started=started,
            ended=ended,
            tables=tables,
            humsec_version=__version__,
        )


def project_file_hashes(project: Project, names: Sequence[str]) -> dict[str, str]:
    """``{name: sha256}`` of the project's datasets named, plus its framework extension (when
    not the default) and, for ``"boundaries"``, each boundary file (``boundaries:<level>``)."""
    files = {d.name: d.file for d in project.config.datasets}
    out = {name: file_sha256(project.path(files[name])) for name in names if name in files}
    if "boundaries" in names:
        for entry in project.config.boundaries:
            out[f"boundaries:{entry.level}"] = file_sha256(project.path(entry.file))
    framework = project.config.specs.framework
    if framework and framework != "default":
        out["framework"] = file_sha256(project.path(framework))
    return out


def open_project_store(project: Project, *, read_only: bool = False) -> Store:
    """The project's store (``store:`` in humsec.yaml: a DuckDB file inside the project by
    default, or a ``postgresql://`` URL). The bundled demo is read-only: copy it first."""
    from humsec.project.resolve import demo_project_dir
    from humsec.project.store import open_store

    value = project.config.store
    if "://" in value:
        return open_store(value, read_only=read_only, root=project.root)
    if project.root == demo_project_dir().resolve() and not read_only:
        raise HumsecError(
            "the bundled demo project is read-only: runs are never written inside the package",
            location=str(project.root),
            hint="copy it first: humsec project init my-demo --demo, then use my-demo",
        )
    path = project.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_store(path, read_only=read_only, root=project.root)

"""`humsec project` commands: a team's country, areas, data and results in one folder.

Never interactive: every choice is an option, so scripts and CI can drive them.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Projects: your country, areas (p-codes, boundaries), datasets, specs and every run.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)

DIR = typer.Argument(
    ..., help="The project folder (holding humsec.yaml); 'demo' for the bundled demo."
)


def _load(folder: Path):  # type: ignore[no-untyped-def]
    from humsec.project import Project, resolve_project

    return Project.load(resolve_project(folder))


@app.command("init")
def init(
    folder: Path = typer.Argument(..., help="Folder to create the project in."),
    country: str | None = typer.Option(None, "--country", help="ISO3 code (or name)."),
    boundaries: Path | None = typer.Option(
        None, "--boundaries", help="GeoJSON, TopoJSON, zipped Shapefile or GeoPackage."
    ),
    admin_level: int = typer.Option(
        1,
        "--admin-level",
        min=1,
        max=5,
        help="Admin level (picks the layer of a multi-layer file).",
    ),
    pcode_field: str | None = typer.Option(
        None, "--pcode-field", help="Default: detected (ADM1_PCODE…)."
    ),
    name_field: str | None = typer.Option(
        None, "--name-field", help="Default: detected (ADM1_EN…)."
    ),
    layer: str | None = typer.Option(None, "--layer", help="Layer of a multi-layer file."),
    name: str | None = typer.Option(None, "--name", help="Project name (default: folder name)."),
    demo: bool = typer.Option(False, "--demo", help="Copy the bundled demo project (Kenya)."),
) -> None:
    """Create a project from a boundary file, or copy the bundled demo with --demo."""
    from humsec.errors import SpecError
    from humsec.project import init_demo, init_project

    if demo:
        project = init_demo(folder)
    else:
        if country is None or boundaries is None:
            raise SpecError(
                "give --country and --boundaries (or --demo)",
                location="project init",
                hint="e.g. humsec project init moz --country MOZ --boundaries "
                "moz_adm.zip --admin-level 1",
            )
        project = init_project(
            folder,
            country=country,
            boundaries=boundaries,
            admin_level=admin_level,
            pcode_field=pcode_field,
            name_field=name_field,
            layer=layer,
            name=name,
        )
    console.print(
        f"created project {project.name!r} in {folder} "
        f"({project.country}, {len(project.pcodes)} areas)"
    )


@app.command("add")
def add(
    folder: Path = DIR,
    file: Path = typer.Argument(..., help="The data file to add (copied into the project)."),
    role: str | None = typer.Option(
        None,
        "--role",
        help="survey|indicators|events|scenario|measures|3w|programme|candidates "
        "(default: inferred).",
    ),
    maps: list[str] = typer.Option([], "--map", help="field=column, e.g. --map psu=cluster."),
    indicators: list[str] = typer.Option(
        [], "--indicator", help="COLUMN:DIRECTION:PILLAR[:THREAT+…] for indicator tables."
    ),
    name: str | None = typer.Option(None, "--name", help="Dataset name (default: file stem)."),
    year: int | None = typer.Option(None, "--year", help="Data year (surveys: fieldwork year)."),
) -> None:
    """Add a dataset: its role and column mapping are inferred, the rest named as errors."""
    from humsec.project import add_dataset, parse_indicator_options, parse_maps

    _, entry = add_dataset(
        folder,
        file,
        role=role,
        maps=parse_maps(maps),
        name=name,
        year=year,
        indicators=parse_indicator_options(indicators),
    )
    columns = ", ".join(f"{k}={v}" for k, v in (entry.get("columns") or {}).items())
    console.print(
        f"added {entry['name']!r} as {entry['role']} ({entry['file']})"
        + (f": {columns}" if columns else "")
    )


@app.command("validate")
def validate(folder: Path = DIR) -> None:
    """Check everything in the project and list every problem (exit code 2 if any)."""
    from humsec.project import ANALYSES, missing_inputs

    project = _load(folder)
    console.print(
        f"[green]ok[/]: {project.name} ({project.country}), {len(project.pcodes)} "
        f"areas, {len(project.config.datasets)} datasets"
    )
    skipped = missing_inputs(project)
    for item in ANALYSES:
        state = "[yellow]needs data[/]" if item.name in skipped else "[green]ready[/]"
        console.print(
            f"  {item.name:12} {state}"
            + (f": {'; '.join(skipped[item.name])}" if item.name in skipped else "")
        )


@app.command("run")
def run(
    folder: Path = DIR,
    only: str | None = typer.Option(None, "--only", help="Comma-separated analyses to run."),
) -> None:
    """Run every analysis the project has the inputs for; results go into the project store."""
    started = time.perf_counter()
    if only is None:
        warm = _warm_run(folder, note_reuse=True)
        if warm is not None:  # nothing changed: every analysis is reused from the store
            for row in warm.rows:
                if row["status"] != "skipped":
                    err.print(f"{row['analysis']}: reused")
            _print_summary([{**r, "status": _reused(r["status"])} for r in warm.rows])
            console.print(f"store: {warm.store} ({time.perf_counter() - started:.1f} s)")
            return
    from humsec.project.run import open_project_store, run_project

    project = _load(folder)
    fingerprint = _fingerprint(project)
    chosen = [s.strip() for s in only.split(",")] if only else None
    with open_project_store(project) as store, err.status("running…") as status:

        def progress(name: str, state: str) -> None:
            if state == "running":
                status.update(f"running {name}…")
            else:
                err.print(f"{name}: {state}")

        result = run_project(project, store, only=chosen, progress=progress)
    rows = _rows(result.summary())
    if chosen is None:
        _remember(project, fingerprint, rows, result)
    _print_summary(rows)
    console.print(f"store: {project.store_path()} ({time.perf_counter() - started:.1f} s)")


def _reused(status: str) -> str:
    return "reused" if status in ("new", "reused") else status


def _warm_run(folder: Path, *, note_reuse: bool):  # type: ignore[no-untyped-def]
    """The warm path's answer for an unchanged project folder (see humsec.project.warm), or
    None: the full path then loads and validates the project."""
    from humsec.project import store_of, warm_run

    root = Path(folder)
    if not (root / "humsec.yaml").is_file() or store_of(root) is None:
        return None
    return warm_run(root, note_reuse=note_reuse)


def _fingerprint(project) -> str | None:  # type: ignore[no-untyped-def]
    """The project's fingerprint before a full run (None for a store outside the folder)."""
    from humsec.project import project_fingerprint

    if "://" in project.config.store:
        return None
    return project_fingerprint(project.root)


def _remember(project, fingerprint, rows, result) -> None:  # type: ignore[no-untyped-def]
    """Keep what a warm run of this project needs (a complete run on a DuckDB store only)."""
    from humsec.project import remember_run

    if fingerprint is None or project.root.resolve() == _demo_root():
        return
    hashes = {name: record.input_hash for name, record in result.records.items()}
    remember_run(project.root, fingerprint, project.store_path(), rows, hashes)


def _demo_root() -> Path:
    from humsec.project import demo_project_dir

    return Path(demo_project_dir()).resolve()


def _rows(frame) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return [{str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")]


SUMMARY_COLUMNS = ["analysis", "run_id", "status", "needs"]


def _print_summary(rows: list[dict[str, str]], columns: list[str] = SUMMARY_COLUMNS) -> None:
    table = Table(title="analyses")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[row.get(c, "") for c in columns])
    console.print(table)


REPORT_OPTIONS = {"command": "project report", "sections": "all"}
"""What a kept project report depends on besides the runs (see humsec.project.warm)."""


@app.command("report")
def report(
    folder: Path = DIR,
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Default: DIR/reports/report-YYYY-MM-DD.html."
    ),
) -> None:
    """Build the project's report (runs or reuses its analyses first) and print its path.

    When nothing changed since the last report (same files, same stored runs, same humsec),
    the report kept then is copied instead of rebuilt."""
    warm = _warm_run(folder, note_reuse=False)
    if warm is not None and _copy_kept_report(Path(folder), warm, out):
        return  # (a target the copy refuses takes the full path, whose check names the problem)
    from humsec.data import check_output_target
    from humsec.project import keep_report, report_key
    from humsec.project.run import open_project_store, run_project
    from humsec.report import ReportContext, write_report

    if out is not None:
        check_output_target(out, probe=True)  # a bad --out fails before the analyses run
    project = _load(folder)
    fingerprint = _fingerprint(project)
    target = out or project.root / "reports" / f"report-{date.today().isoformat()}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_project_store(project) as store, err.status("running analyses…"):
        result = run_project(project, store)
    with err.status("writing the report…"):
        path = write_report(
            target, ReportContext(country=project.country, project=project, project_run=result)
        )
    if fingerprint is not None and project.root.resolve() != _demo_root():
        rows = _rows(result.summary())
        _remember(project, fingerprint, rows, result)
        sources = {name: r.source_run_id for name, r in result.records.items()}
        key = report_key(fingerprint, sources, REPORT_OPTIONS)
        keep_report(project.root, key, path)
    typer.echo(str(path))


def _copy_kept_report(folder: Path, warm, out: Path | None) -> bool:  # type: ignore[no-untyped-def]
    """Copy the report kept for these runs to the target; False when there is none."""
    from humsec.project import cached_report, copy_report, copyable_target, report_key

    kept = cached_report(folder, report_key(warm.fingerprint, warm.source_runs, REPORT_OPTIONS))
    if kept is None:
        return False
    target = out or folder / "reports" / f"report-{date.today().isoformat()}.html"
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    if not copyable_target(target) or _warm_run(folder, note_reuse=True) is None:
        return False
    if not copy_report(kept, target):
        return False
    err.print(f"report unchanged since it was built: copied {kept.name}")
    typer.echo(str(target))
    return True


@app.command("history")
def history(
    folder: Path = DIR,
    out: Path | None = typer.Option(None, "--out", help="Write the table (.csv/.parquet/.xlsx)."),
) -> None:
    """The runs in the project store: id, analysis, started, input hash, new or reused."""
    from humsec.data import check_table_target
    from humsec.project.run import open_project_store

    check_table_target(out)  # a bad --out fails before the store is opened
    project = _load(folder)
    with open_project_store(project, read_only=True) as store:
        frame = store.history()
    shown = frame[["run_id", "analysis", "started", "input_hash", "status", "reused_from"]].copy()
    shown["input_hash"] = shown["input_hash"].str.slice(0, 12)
    shown["reused_from"] = shown["reused_from"].fillna("")
    shown["started"] = shown["started"].dt.strftime("%Y-%m-%d %H:%M:%S")
    _print_summary(_rows(shown.astype(str)), list(shown.columns))
    if out is not None:
        from humsec.data import write_table

        write_table(frame, out, index=False)
        console.print(f"wrote {out}")


@app.command("compare")
def compare(
    folder: Path = DIR,
    run_a: str = typer.Argument(..., help="First run id (see `humsec project history`)."),
    run_b: str = typer.Argument(..., help="Second run id."),
    out: Path | None = typer.Option(None, "--out", help="Write the differences table."),
) -> None:
    """The differences between two runs' result tables, cell by cell."""
    from humsec.data import check_table_target
    from humsec.project.run import open_project_store

    check_table_target(out)  # a bad --out fails before the runs are compared
    project = _load(folder)
    with open_project_store(project, read_only=True) as store:
        frame = store.compare(run_a, run_b)
    if frame.empty:
        console.print("the two runs have identical result tables")
    else:
        console.print(frame.head(50).to_string(index=False))
        if len(frame) > 50:
            console.print(f"… {len(frame) - 50} more rows (write them all with --out)")
    if out is not None:
        from humsec.data import write_table

        write_table(frame, out, index=False)
        console.print(f"wrote {out}")

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
        help="survey|indicators|events|scenario|measures|3w|programme (default: inferred).",
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
    from humsec.project.run import open_project_store, run_project

    project = _load(folder)
    started = time.perf_counter()
    chosen = [s.strip() for s in only.split(",")] if only else None
    with open_project_store(project) as store, err.status("running…") as status:

        def progress(name: str, state: str) -> None:
            if state == "running":
                status.update(f"running {name}…")
            else:
                err.print(f"{name}: {state}")

        result = run_project(project, store, only=chosen, progress=progress)
    _print_summary(result.summary())
    console.print(f"store: {project.store_path()} ({time.perf_counter() - started:.1f} s)")


def _print_summary(frame) -> None:  # type: ignore[no-untyped-def]
    table = Table(title="analyses")
    for column in frame.columns:
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)


@app.command("report")
def report(
    folder: Path = DIR,
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Default: DIR/reports/report-YYYY-MM-DD.html."
    ),
) -> None:
    """Build the project's report (runs or reuses its analyses first) and print its path."""
    from humsec.data import check_output_target
    from humsec.project.run import open_project_store, run_project
    from humsec.report import ReportContext, write_report

    if out is not None:
        check_output_target(out, probe=True)  # a bad --out fails before the analyses run
    project = _load(folder)
    target = out or project.root / "reports" / f"report-{date.today().isoformat()}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_project_store(project) as store, err.status("running analyses…"):
        result = run_project(project, store)
    with err.status("writing the report…"):
        path = write_report(
            target, ReportContext(country=project.country, project=project, project_run=result)
        )
    typer.echo(str(path))


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
    _print_summary(shown.astype(str))
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

"""`humsec programme`: appraise programmes through the human-security lens, import IATI
activity files, write the Excel template, and plan portfolios.

Other commands join the group with one line each (``app.command("plan")(plan_command)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.cli.plan import plan_command
from humsec.cli.terminal import (
    Table,
    console,
    err_console,
    literal,
    print_note,
    print_written,
)
from humsec.errors import DataError

app = typer.Typer(
    help="Programmes: appraisal through the human-security lens, IATI and Excel import, "
    "planning.",
    no_args_is_help=True,
)


@app.callback()
def programme() -> None:
    """Programmes: appraisal through the human-security lens, IATI and Excel import, planning."""


app.command("plan")(plan_command)

PROJECT = typer.Option(
    None, "--project", "-p",
    help="Project folder (or 'demo'): its framework and areas, and the context of its "
    "assessment (top threats, deprivation by group and area, 3W presence, shock scenario).",
)


def _project_context(project: Path | None, *, with_context: bool = True
                     ) -> tuple[Any, Any, Any, list[str]]:
    """``(framework, areas, context, notes)`` from a project folder (all ``None`` without).

    The context is built by the project layer from the project's data and stored results
    (:func:`humsec.project.appraisal`): its areas' top threats, deprivation by group and
    area, who already works there (3W) and the scenario for the erosion of gains; the notes
    name the checks the project's data cannot support."""
    if project is None:
        return None, None, None, []
    from humsec.project import Project, appraisal_context, context_tables, resolve_project

    proj = Project.load(resolve_project(project))
    if not with_context:
        return proj.framework, proj.pcodes, None, []
    with err_console.status("building the appraisal context from the project…"):
        built = appraisal_context(proj, tables=context_tables(proj))
    return proj.framework, proj.pcodes, built.context, list(built.notes)


def _load(file: Path, framework: Any, areas: Any) -> list[Any]:
    from humsec.programme import Programme, read_excel, read_iati

    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return [Programme.from_yaml(file, framework=framework, areas=areas)]
    if suffix in (".xlsx", ".xlsm"):
        return [read_excel(file, framework=framework, areas=areas)]
    if suffix == ".xml":
        return list(read_iati(file, framework=framework).programmes)
    raise DataError(f"cannot appraise a {suffix or 'suffix-less'} file", location=str(file),
                    hint="give a programme YAML, an Excel workbook from `humsec programme "
                    "template`, or an IATI activity XML file")


@app.command("appraise")
def appraise_command(
    files: list[Path] = typer.Argument(..., help="Programme YAML, Excel workbook or IATI XML "
                                       "(several files: also appraised as a portfolio)."),
    project: Path | None = PROJECT,
    rubric: Path | None = typer.Option(None, "--rubric", help="Your copy of the rubric YAML."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Write the criterion table (CSV, Excel, Parquet)."),
) -> None:
    """Appraise programmes against the practice policies, key approaches and UN principles."""
    from humsec.data.output import check_table_target
    from humsec.programme import appraise, appraise_portfolio

    check_table_target(out)  # a bad --out fails before the appraisal
    framework, areas, context, notes = _project_context(project)
    programmes = [p for f in files for p in _load(f, framework, areas)]
    if not programmes:
        raise DataError("no programme to appraise", location=", ".join(map(str, files)),
                        hint="an IATI file's activities need a recipient country and a sector")
    frames = []
    for prog in programmes:
        result = appraise(prog, context, str(rubric) if rubric else None, framework)
        frames.append(result.to_frame())
        table = Table(title=f"{prog.programme.name} ({prog.id}): marker {result.marker}, "
                      f"mean {result.mean_score:.2f}")
        for column in ("criterion", "score", "level", "to raise the score"):
            table.add_column(column)
        for s in result.scores:
            table.add_row(s.criterion, str(s.score), s.label, literal(s.to_raise[0] if
                                                                     s.to_raise else ""))
        console.print(table)
        for line in result.not_checked:
            print_note(f"not checked: {line}")
    for note in notes:
        print_note(note)
    if len(programmes) > 1:
        portfolio = appraise_portfolio(programmes, context, str(rubric) if rubric else None,
                                       framework)
        print_note(f"portfolio: {len(portfolio.overlaps)} threat x area overlap(s), "
                   f"{len(portfolio.gaps)} gap(s)")
    if out is not None:
        import pandas as pd

        from humsec.data.output import write_table

        write_table(pd.concat(frames, ignore_index=True), out)
        print_written(out)


@app.command("import-iati")
def import_iati_command(
    file: Path = typer.Argument(..., help="IATI activity XML (versions 2.01-2.03)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Write the activities table (CSV, Excel, Parquet)."),
    issues: Path | None = typer.Option(None, "--issues", help="Write the data-quality flags."),
) -> None:
    """Import an IATI activity file: activities, programmes and data-quality flags."""
    from rich.progress import Progress

    from humsec.data.output import check_table_target, write_table
    from humsec.programme import iati_issue_counts, read_iati

    check_table_target(out)  # bad targets fail before the file is read
    check_table_target(issues)

    with Progress(transient=True, console=console) as bar:
        task = bar.add_task("reading activities", total=None)
        result = read_iati(file, progress=lambda n: bar.update(task, completed=n))
    act = result.activities
    console.print(f"{len(act):,} activities (IATI {result.version}), "
                  f"{len(result.programmes):,} programmes, {len(result.issues):,} flags; "
                  f"budgets {act['budget_total_usd'].sum():,.0f} USD")
    counts = iati_issue_counts(result.issues)
    if len(counts):
        table = Table(title="data-quality flags")
        for column in ("field", "severity", "activities"):
            table.add_column(column)
        for row in counts.head(15).itertuples(index=False):
            table.add_row(literal(row.field), row.severity, f"{row.activities:,}")
        console.print(table)
    gaps = result.conversion_gaps
    if len(gaps):
        table = Table(title="values not converted to USD, or at a nearby year's rate")
        for column in ("currency", "reason", "values", "activities", "years"):
            table.add_column(column)
        for row in gaps.itertuples(index=False):
            table.add_row(literal(row.currency), row.reason, f"{row.values:,}",
                          f"{row.activities:,}", literal(row.years))
        console.print(table)
    for note in result.notes:
        print_note(note)
    if out is not None:
        frame = act.copy()
        for column in ("recipient_countries", "sectors", "participating_orgs", "locations",
                       "policy_markers"):
            frame[column] = frame[column].map(repr)
        write_table(frame, out)
        print_written(out)
    if issues is not None:
        write_table(result.issues, issues)
        print_written(issues)


@app.command("template")
def template_command(
    out: Path = typer.Argument(..., help="The workbook to write (.xlsx)."),
    source: Path | None = typer.Option(None, "--from",
                                       help="Fill it with this programme YAML."),
    project: Path | None = PROJECT,
) -> None:
    """Write the Excel template of the programme format, with dropdowns for ids."""
    from humsec.data.output import atomic_path, check_output_target
    from humsec.programme import Programme, excel_template

    if out.suffix.lower() != ".xlsx":
        raise DataError("the template is an .xlsx workbook", location=str(out),
                        hint="name the output file something.xlsx")
    check_output_target(out, probe=True)  # a bad target fails before the workbook is built
    framework, areas, _, _ = _project_context(project, with_context=False)
    prog = Programme.from_yaml(source, framework=framework, areas=areas) if source else None
    book = excel_template(prog, framework=framework, areas=areas)
    with atomic_path(out) as tmp:
        book.save(tmp)
    print_written(out)

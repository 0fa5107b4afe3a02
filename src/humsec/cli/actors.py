"""`humsec actors`: who does what where (3W tables), presence and coverage of need."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from humsec.cli.terminal import Table, console, err_console, literal, print_note, print_written
from humsec.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(help="Who does what where: 3W tables, presence, coverage of need.",
                  no_args_is_help=True)
IATI_HELP = ("Link organisations to IATI identifiers: an IATI activity file (XML; its "
             "reporting and participating organisations) or a table with ref and name columns. "
             "Repeat to combine sources.")


@app.callback()
def actors() -> None:
    """Who does what where: 3W tables, presence, coverage of need."""


@app.command("read")
def read_command(
    file: Path = typer.Argument(..., help="A 3W/4W/5W table (CSV, Excel), HXL-tagged or not."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the long table."),
    level: str = typer.Option("adm2", "--level", help="Presence by adm1 or adm2."),
    iati: list[Path] | None = typer.Option(None, "--iati", help=IATI_HELP),
    presence_out: Path | None = typer.Option(
        None, "--presence-out",
        help="Write the presence table (org x sector x area, with IATI refs)."),
) -> None:
    """Read a 3W table: organisations, roles, sectors and areas, with names normalised."""
    from humsec.actors import presence, read_3w
    from humsec.data.output import check_table_target, write_table

    check_table_target(out)  # bad targets fail before the table is read
    check_table_target(presence_out)
    registry = _registry(iati)
    threew = read_3w(file, iati_orgs=registry)
    c = threew.counts
    console.print(f"{c['input_rows']:,} rows -> {c['rows']:,} organisation rows, "
                  f"{c['organisations']} organisations ({c['names_merged']} names merged), "
                  f"{c['rows_at_adm1']} rows at admin 1 only")
    for note in threew.notes:
        print_note(note)
    merged = threew.names[threew.names["raw"] != threew.names["name"]]
    if len(merged):
        table = Table(title="names matched")
        for column in ("as written", "organisation", "by", "confidence"):
            table.add_column(column)
        for row in merged.itertuples(index=False):
            table.add_row(literal(row.raw), literal(row.name), row.matched_by,
                          f"{row.confidence:.2f}")
        console.print(table)
    if registry is not None:
        table = Table(title="IATI organisation identifiers")
        for column in ("organisation", "IATI ref", "by", "confidence", "IATI name"):
            table.add_column(column)
        for row in threew.iati.itertuples(index=False):
            linked = isinstance(row.iati_ref, str)
            table.add_row(literal(row.org), literal(row.iati_ref) if linked else "-",
                          str(row.matched_by)
                          + (f" ({row.candidates!s})" if row.candidates else ""),
                          f"{row.confidence:.2f}" if linked else "-",
                          literal(row.iati_name) if linked else "")
        console.print(table)
    pres = presence(threew, "adm1" if level == "adm1" else "adm2")
    counts = pres.groupby("area")["org"].nunique().sort_values(ascending=False)
    console.print("organisations per area: " + ", ".join(
        f"{a} {n}" for a, n in counts.head(12).items()))
    if out is not None:
        write_table(threew.table, out)
        print_written(out)
    if presence_out is not None:
        write_table(pres, presence_out)
        print_written(presence_out)


def _registry(iati: list[Path] | None) -> pd.DataFrame | None:
    """The IATI refs and names of every ``--iati`` source, stacked (``None`` without any)."""
    if not iati:
        return None
    import pandas as pd

    return pd.concat([_iati_registry(path) for path in iati], ignore_index=True)


def _project_columns(proj: Any, file: Path) -> dict[str, str] | None:
    """The humsec.yaml column mapping of ``file`` when it is one of the project's 3W datasets
    (humsec.project.threew_columns), else ``None`` (the reader infers the columns)."""
    if proj is None:
        return None
    from humsec.project import threew_columns

    for dataset in proj.datasets("3w"):
        if proj.path(dataset.file) == file.resolve():
            return threew_columns(proj, dataset)
    return None


def _iati_registry(path: Path) -> pd.DataFrame:
    """IATI refs and names from an activity file (XML) or a ref/name table."""
    from rich.progress import Progress

    from humsec.actors import iati_org_list, iati_orgs_from_activities
    from humsec.data import read_table

    if not path.is_file():
        raise DataError("IATI organisation source not found", location=str(path),
                        hint="give an IATI activity XML file or a table with ref and name")
    if path.suffix.lower() == ".xml":
        from humsec.programme import read_iati

        with Progress(transient=True, console=console) as bar:
            task = bar.add_task("reading IATI organisations", total=None)
            result = read_iati(path, programmes=False,
                               progress=lambda n: bar.update(task, completed=n))
        return iati_orgs_from_activities(result.activities, source=path.name)
    return iati_org_list(read_table(path), where=str(path))


@app.command("coverage")
def coverage_command(
    file: Path = typer.Argument(..., help="A 3W table."),
    project: Path | None = typer.Option(None, "--project", "-p",
                                        help="Project folder (or 'demo') whose areas and "
                                        "needs table give the need per area."),
    needs: Path | None = typer.Option(None, "--needs", help="A needs table: area, in_need "
                                      "[, sector, threat] (default: the project's)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the coverage table."),
    iati: list[Path] | None = typer.Option(None, "--iati", help=IATI_HELP),
) -> None:
    """Compare presence with need: gaps, duplications and the localisation share."""
    from humsec.actors import coverage, read_3w
    from humsec.data import read_table
    from humsec.data.output import check_table_target, write_table

    check_table_target(out)  # a bad --out fails before the tables are read
    registry = _registry(iati)
    proj = None
    if project is not None:
        from humsec.project import Project, resolve_project

        proj = Project.load(resolve_project(project))
    threew = read_3w(file, iati_orgs=registry, columns=_project_columns(proj, file))
    if needs is None:
        if proj is None:
            raise DataError("coverage needs the need per area", location="--needs/--project",
                            hint="give --needs TABLE (area, in_need) or --project DIR")
        long = proj.area_indicators  # pcode, year, indicator, value
        names = ("in_need", "people_in_need", "pin")
        rows = long[long["indicator"].isin(names)] if len(long) else long
        if len(rows):
            latest = rows[rows["year"] == rows["year"].max()]
            need_frame = latest[["pcode", "value"]].set_axis(["area", "in_need"], axis=1)
        elif proj.dataset("survey") is not None and proj.config.specs.deprivation:
            # need = deprived people per area from the project's deprivation by group and area
            from humsec.project import area_needs, context_tables

            with err_console.status("deprivation by area from the project's survey…"):
                found = context_tables(proj, analyses=("deprivation_groups",))
            need_frame = area_needs(found["deprivation_groups"]["by_group_area"])
            print_note("need per area: deprived people (H x people) from the project's survey")
        else:
            raise DataError("the project has no people-in-need indicator (in_need) and no "
                            "survey with a deprivation spec", location=str(proj.root),
                            hint="add an indicator table with an in_need column, a survey, or "
                            "give --needs TABLE")
    else:
        need_frame = read_table(needs)
    result = coverage(threew, need_frame)
    t = result.table
    console.print(f"{len(t)} need rows: {int(t['gap'].sum())} gap(s), "
                  f"{int(t['duplication'].sum())} duplication(s); need threshold "
                  f"{result.settings['need_threshold']:,.0f}")
    for row in result.gaps.head(10).itertuples(index=False):
        console.print(f"  gap: {literal(str(row.area))} "
                      f"{literal(str(getattr(row, 'sector', '')))} "
                      f"in need {row.in_need:,.0f}, "
                      f"{row.organisations} organisation(s)")
    if len(result.localisation):
        share = result.localisation["localisation_share"].mean()
        console.print(f"localisation: mean share of national and local organisations {share:.0%}")
    i = result.iati
    reasons = ", ".join(f"{k} {v}" for k, v in i.items()
                        if k not in ("organisations", "with_iati_ref", "without_iati_ref"))
    console.print(f"IATI refs: {i['with_iati_ref']} of {i['organisations']} implementing "
                  f"organisations have one; {i['without_iati_ref']} without"
                  + (f" ({reasons})" if reasons else ""))
    if out is not None:
        write_table(t, out)
        print_written(out)

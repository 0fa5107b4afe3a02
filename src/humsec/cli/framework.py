"""`humsec framework`: show, export and validate the human-security framework."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from humsec.cli.terminal import Table, Text, console, literal, print_written
from humsec.data import check_table_target, write_table, write_text
from humsec.framework import Framework, load_framework

app = typer.Typer(
    help="The human-security framework: threats, groups, policies, approaches, links.",
    no_args_is_help=True,
)

class Section(StrEnum):
    """Parts of the framework that `show` can render."""

    threats = "threats"
    securities = "securities"
    groups = "groups"
    risks = "risks"
    policies = "policies"
    approaches = "approaches"
    principles = "principles"
    interlinkages = "interlinkages"


class ExportFormat(StrEnum):
    """Text formats the framework can be exported to."""

    json = "json"
    yaml = "yaml"


FILE_OPTION = typer.Option(
    None,
    "--file",
    "-f",
    help="A framework file (complete, or starting with `extends: default`). "
    "Default: the bundled framework.",
)


def _threats(fw: Framework) -> Table:
    table = Table(title=f"Threats ({len(fw.threats)})", title_justify="left")
    for column in ("id", "name", "pillar", "HDR security", "cross-border", "description"):
        table.add_column(column, overflow="fold")
    for t in fw.threats:
        colour = "red" if t.pillar == "fear" else "yellow"
        table.add_row(
            t.id,
            t.name,
            Text(t.pillar, style=colour),
            t.hdr_security,
            "yes" if t.cross_border else "",
            t.description,
        )
    return table


def _securities(fw: Framework) -> Table:
    table = Table(title="HDR 1994 securities", title_justify="left")
    for column in ("id", "name", "threats", "description"):
        table.add_column(column, overflow="fold")
    for s in fw.securities:
        threats = ", ".join(t.id for t in fw.threats if t.hdr_security == s.id)
        table.add_row(s.id, s.name, threats, s.description)
    return table


def _groups(fw: Framework) -> Table:
    table = Table(title=f"Vulnerable groups ({len(fw.groups)})", title_justify="left")
    for column in ("id", "name", "who belongs (rule)", "typical threats", "description"):
        table.add_column(column, overflow="fold")
    for g in fw.groups:
        rule = g.rule.describe() if g.rule is not None else Text("no rule", style="dim")
        table.add_row(g.id, g.name, rule, ", ".join(g.threats), g.description)
    return table


def _risks(fw: Framework) -> Table:
    table = Table(title="Global risks and fields of cooperation", title_justify="left")
    for column in ("id", "global risk", "fields of cooperation", "threats"):
        table.add_column(column, overflow="fold")
    for r in fw.global_risks:
        table.add_row(r.id, r.name, "; ".join(r.fields_of_cooperation), ", ".join(r.threats))
    return table


def _numbered(title: str, entries: tuple[object, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("#", "id", "name", "description", "appraisal questions"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(
            str(getattr(e, "number", "")),
            getattr(e, "id", ""),
            getattr(e, "name", ""),
            getattr(e, "description", ""),
            "\n".join(getattr(e, "checks", ())),
        )
    return table


def _principles(fw: Framework) -> Table:
    table = Table(title="Principles (UN GA resolution 66/290)", title_justify="left")
    for column in ("id", "name", "description"):
        table.add_column(column, overflow="fold")
    for p in fw.principles:
        table.add_row(p.id, p.name, p.description)
    return table


def _interlinkages(fw: Framework) -> Table:
    table = Table(title=f"Threat interlinkages ({len(fw.interlinkages)})", title_justify="left")
    for column in ("source", "", "target", "sign", "rationale"):
        table.add_column(column, overflow="fold")
    for link in fw.interlinkages:
        arrow = f"{fw.pillar_of(link.source)} -> {fw.pillar_of(link.target)}"
        sign = Text("+1", style="red") if link.sign > 0 else Text("-1", style="green")
        table.add_row(link.source, arrow, link.target, sign, link.rationale)
    return table


def _tables(fw: Framework, section: Section | None) -> list[Table]:
    builders = {
        Section.threats: lambda: _threats(fw),
        Section.securities: lambda: _securities(fw),
        Section.groups: lambda: _groups(fw),
        Section.risks: lambda: _risks(fw),
        Section.policies: lambda: _numbered("Practice policies", fw.policies),
        Section.approaches: lambda: _numbered("Key approaches", fw.approaches),
        Section.principles: lambda: _principles(fw),
        Section.interlinkages: lambda: _interlinkages(fw),
    }
    chosen = [section] if section is not None else list(Section)
    return [builders[s]() for s in chosen]


@app.command("show")
def show(
    section: Section | None = typer.Option(
        None, "--section", "-s", help="Show only this part (default: everything)."
    ),
    file: Path | None = FILE_OPTION,
) -> None:
    """Render the framework as tables."""
    fw = load_framework(file)
    console.print(f"[bold]{literal(fw.name)}[/] version {literal(fw.version)}")
    for table in _tables(fw, section):
        console.print(table)


@app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.yaml, "--format", help="Output format."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write here (atomically); default: standard output."
    ),
    file: Path | None = FILE_OPTION,
) -> None:
    """Write the (merged) framework as JSON or YAML."""
    fw = load_framework(file)
    text = fw.to_json() if fmt is ExportFormat.json else fw.to_yaml()
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_text(out, text)
        print_written(out)


@app.command("cascade")
def cascade(
    threat: str = typer.Argument(..., help="Threat id where the shock starts, e.g. disasters."),
    steps: int | None = typer.Option(
        None, "--steps", min=1, help="Follow at most this many links (default: all)."
    ),
    file: Path | None = FILE_OPTION,
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the cascade table (.csv/.parquet/.xlsx/.json)."
    ),
) -> None:
    """Show how a shock to one threat spreads along the interlinkages."""
    check_table_target(out)
    fw = load_framework(file)
    table_data = fw.cascade(threat, max_steps=steps)
    table = Table(
        title=f"Cascade from {fw.threat(threat).name} ({len(table_data)} threats reached)",
        title_justify="left",
    )
    for column in ("steps", "threat", "pillar", "sign", "shortest path"):
        table.add_column(column, overflow="fold")
    for record in table_data.to_dict("records"):
        colour = "red" if record["pillar"] == "fear" else "yellow"
        table.add_row(
            str(record["steps"]),
            str(record["threat"]),
            Text(str(record["pillar"]), style=colour),
            f"{int(record['sign']):+d}",
            str(record["path"]),
        )
    console.print(table)
    if table_data.empty:
        console.print("no interlinkage leaves this threat", highlight=False)
    if out is not None:
        write_table(table_data, out, index=False)
        print_written(out)


@app.command("validate")
def validate(
    file: Path = typer.Argument(..., help="Framework file to check (YAML or JSON)."),
) -> None:
    """Check a framework file: ids, references, pillars, signs. Exit code 2 on problems."""
    fw = load_framework(file)
    console.print(
        f"[green]ok[/] {literal(file)}: version {literal(fw.version)}, {len(fw.threats)} threats "
        f"({len(fw.threats_by_pillar('fear'))} fear, {len(fw.threats_by_pillar('want'))} want), "
        f"{len(fw.groups)} groups, {len(fw.global_risks)} global risks, "
        f"{len(fw.interlinkages)} interlinkages",
        highlight=False,
    )

"""`humsec programme plan`: choose a portfolio of candidate packages under budgets.

:func:`plan_command` joins the ``programme`` group of :mod:`humsec.cli.programme`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from humsec.cli.terminal import Table, console, err_console, literal, print_note, print_written
from humsec.errors import DataError
from humsec.programme import Budget


def _budgets(texts: list[str]) -> list[Budget]:
    """``5e6`` or ``3e6:KE001,KE002`` (an amount and the areas it may fund) or
    ``name=3e6:KE001``."""
    out: list[Budget] = []
    for k, text in enumerate(texts):
        name, _, rest = text.rpartition("=") if "=" in text else ("", "", text)
        amount_text, _, areas_text = rest.partition(":")
        try:
            amount = float(amount_text)
        except ValueError:
            raise DataError(
                f"cannot read budget {text!r}",
                location="--budget",
                hint="write e.g. 5e6, 3e6:KE001,KE002 or eu=3e6:KE001",
            ) from None
        areas = tuple(a.strip() for a in areas_text.split(",") if a.strip()) or None
        out.append(Budget(amount, areas=areas, name=name or f"budget{k + 1}"))
    return out


def plan_command(
    candidates: Path | None = typer.Argument(
        None,
        help="Candidate table (CSV, Excel, Parquet): area, "
        "package, cost, benefit [, threats, mode, "
        "risk_reduction, weight]. With --project and no file: the project's candidates "
        "dataset (benefits derived from the project when it has none).",
    ),
    budget: list[str] = typer.Option(
        [],
        "--budget",
        "-b",
        help="A budget: 5e6, or "
        "3e6:KE001,KE002 for earmarked areas, or name=3e6:...; "
        "repeat for several. With --project and none given: the budgets of humsec.yaml's "
        "plan: section.",
    ),
    project: Path | None = typer.Option(
        None, "--project", "-p", help="Project folder: candidate areas must be its areas."
    ),
    one_per_area: bool = typer.Option(
        False, "--one-per-area", help="At most one package per area."
    ),
    aversion: float = typer.Option(
        0.0, "--aversion", min=0.0, help="Inequality aversion (0: plain sum of benefits)."
    ),
    cover: bool = typer.Option(
        False, "--cover-fear-and-want", help="Require both fear and want threats addressed."
    ),
    empowerment: float | None = typer.Option(None, "--min-empowerment-share", min=0, max=1),
    high_risk: str | None = typer.Option(
        None, "--high-risk-areas", help="Comma-separated areas needing risk reduction."
    ),
    gap: float = typer.Option(0.01, "--gap", help="Relative MIP gap to stop at."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds."),
    alternatives: int = typer.Option(
        0, "--alternatives", min=0, help="Also find this many near-optimal alternatives."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the chosen portfolio."),
) -> None:
    """Choose the portfolio that does the most under the budgets (MILP, HiGHS)."""
    from humsec.data import check_table_target, read_table, write_table
    from humsec.programme import plan

    check_table_target(out)  # a bad --out fails before the portfolio is solved
    areas = None
    framework = None
    budgets = _budgets(budget) if budget else []
    if project is not None:
        from humsec.project import (
            Project,
            project_candidates,
            project_plan_budgets,
            resolve_project,
        )
        from humsec.project import context_tables as project_tables

        proj = Project.load(resolve_project(project))
        areas, framework = proj.pcodes, proj.framework
        if not budgets:
            budgets = project_plan_budgets(proj)
        if candidates is None:
            with err_console.status("deriving the candidates' benefits from the project…"):
                frame, notes = project_candidates(
                    proj, project_tables(proj, analyses=("deprivation", "shocks"))
                )
            for note in notes:
                print_note(note)
        else:
            frame = read_table(candidates)
    elif candidates is None:
        raise DataError(
            "give a candidate table, or --project DIR with a candidates dataset",
            location="humsec programme plan",
            hint="humsec programme plan candidates.csv --budget 5e6",
        )
    else:
        frame = read_table(candidates)
    if not budgets:
        raise DataError(
            "no budget given",
            location="--budget",
            hint="--budget 5e6 (or, with --project, `plan: {budget: 5000000}` in humsec.yaml)",
        )
    with err_console.status("solving the portfolio…"):
        result = plan(
            frame,
            budgets,
            areas=areas,
            framework=framework,
            one_per_area=one_per_area,
            aversion=aversion,
            cover_fear_and_want=cover,
            min_empowerment_share=empowerment,
            high_risk_areas=[a.strip() for a in (high_risk or "").split(",") if a.strip()],
            gap=gap,
            time_limit=time_limit,
        )
        others = result.alternatives(alternatives, 2) if alternatives else []
    console.print(
        f"[bold]{len(result.chosen)} of {len(frame)} candidates chosen[/]: "
        f"objective {result.objective:,.4g}, bound {result.bound:,.4g}, "
        f"gap {result.gap:.2%} ({literal(result.status)}); weighted benefit "
        f"{result.benefit:,.4g}"
    )
    table = Table("budget", "spend", title="Spend per budget")
    for name, spend in result.spend.items():
        table.add_row(str(name), f"{spend:,.0f}")
    console.print(table)
    chosen = result.to_frame()
    table = Table("area", "package", "cost", "benefit", title="Chosen portfolio")
    for row in chosen.head(30).itertuples():
        table.add_row(str(row.area), str(row.package), f"{row.cost:,.0f}", f"{row.benefit:,.4g}")
    console.print(table)
    if len(chosen) > 30:
        print_note(f"{len(chosen) - 30} more rows; write them with --out")
    for k, other in enumerate(others, start=1):
        console.print(
            f"alternative {k}: objective {other.objective:,.4g}, {len(other.chosen)} chosen"
        )
    if out is not None:
        write_table(chosen, out, index=False)
        print_written(out)

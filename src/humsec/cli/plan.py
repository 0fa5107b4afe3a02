"""`humsec programme plan`: choose a portfolio of candidate packages under budgets.

:func:`plan_command` joins the ``programme`` group of :mod:`humsec.cli.programme`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.cli.terminal import Table, console, err_console, literal, print_note, print_written
from humsec.errors import DataError


def _budgets(texts: list[str]) -> list[dict[str, Any]]:
    """``5e6`` or ``3e6:KE001,KE002`` (an amount and the areas it may fund) or
    ``name=3e6:KE001``, as the plan options' ``budgets`` entries."""
    out: list[dict[str, Any]] = []
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
        areas = [a.strip() for a in areas_text.split(",") if a.strip()] or None
        out.append({"amount": amount, "areas": areas, "name": name or f"budget{k + 1}"})
    return out


def _frontier(text: str) -> int | list[float]:
    """``6`` (a whole number without a point or exponent: a count of points) or ``2e7,4e7``
    (total amounts; one amount may be given as ``2e7`` or ``20000000.0``)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and parts[0].lstrip("+-").isdigit():
        return int(parts[0])
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise DataError(
            f"cannot read frontier {text!r}",
            location="--frontier",
            hint="a count of points (6) or comma-separated total amounts (2e7,4e7)",
        ) from None


def _flag_name(key: str) -> str:
    """The CLI flag of a plan option (``budgets[1].amount`` -> ``--budget``)."""
    from humsec.programme import OPTION_FLAGS  # the engine, only when a plan runs

    head = key.split(".")[0].split("[")[0]
    return OPTION_FLAGS.get(head, f"--{head.replace('_', '-')}")


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
        None,
        "--project",
        "-p",
        help="Project folder: candidate areas must be its areas, and the options of its "
        "humsec.yaml plan: section apply (a flag given here overrides one).",
    ),
    one_per_area: bool | None = typer.Option(
        None, "--one-per-area/--any-per-area", help="At most one package per area."
    ),
    aversion: float | None = typer.Option(
        None, "--aversion", help="Inequality aversion, 0 to 10 (0: plain sum of benefits)."
    ),
    cover: bool | None = typer.Option(
        None,
        "--cover-fear-and-want/--no-cover-fear-and-want",
        help="Require both fear and want threats addressed.",
    ),
    empowerment: float | None = typer.Option(
        None, "--min-empowerment-share", help="Minimum share of spend on empowerment (0-1)."
    ),
    high_risk: str | None = typer.Option(
        None, "--high-risk-areas", help="Comma-separated areas needing risk reduction."
    ),
    gap: float | None = typer.Option(
        None, "--gap", help="Relative MIP gap to stop at (default 1e-4, HiGHS's)."
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Seconds per solve (default 60)."
    ),
    # counts are read as numbers so that PlanOptions, not the flag parser, says what is wrong
    alternatives: float | None = typer.Option(
        None, "--alternatives", help="Near-optimal alternatives to find (default 3)."
    ),
    min_difference: float | None = typer.Option(
        None, "--min-difference", help="Choices each alternative changes (default 2)."
    ),
    frontier: str | None = typer.Option(
        None,
        "--frontier",
        help="Frontier: a count of points up to 1.5 x the total budget (default 6), or "
        "comma-separated total amounts; 0 for none.",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the chosen portfolio."),
) -> None:
    """Choose the portfolio that does the most under the budgets (MILP, HiGHS), with its
    efficient frontier and near-optimal alternatives."""
    from humsec.data import check_table_target, read_table, write_table
    from humsec.programme import plan_options, solve_portfolio

    check_table_target(out)  # a bad --out fails before the portfolio is solved
    given: dict[str, Any] = {
        "one_per_area": one_per_area,
        "aversion": aversion,
        "cover_fear_and_want": cover,
        "min_empowerment_share": empowerment,
        "high_risk_areas": None
        if high_risk is None
        else [a.strip() for a in high_risk.split(",") if a.strip()],
        "gap": gap,
        "time_limit": time_limit,
        "alternatives": alternatives,
        "min_difference": min_difference,
        "frontier": None if frontier is None else _frontier(frontier),
    }
    given = {k: v for k, v in given.items() if v is not None}
    if budget:
        given["budgets"] = _budgets(budget)  # --budget replaces humsec.yaml's budget(s)
    areas = None
    framework = None
    base: dict[str, Any] = {}
    if project is not None:
        from humsec.project import Project, project_candidates, resolve_project
        from humsec.project import context_tables as project_tables

        proj = Project.load(resolve_project(project))
        areas, framework = proj.pcodes, proj.framework
        if proj.config.plan is not None:
            base = proj.config.plan.model_dump(exclude_unset=True)
            if budget:
                base.pop("budget", None)
        options = plan_options({**base, **given}, _flag_name, "humsec programme plan")
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
        options = plan_options(given, _flag_name, "humsec programme plan")
        frame = read_table(candidates)
    if not options.funds():
        raise DataError(
            "no budget given",
            location="--budget",
            hint="--budget 5e6 (or, with --project, `plan: {budget: 5000000}` in humsec.yaml)",
        )
    with err_console.status("solving the portfolio, its frontier and alternatives…"):
        portfolio = solve_portfolio(frame, options, areas=areas, framework=framework)
    result = portfolio.plan
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
    if len(portfolio.frontier):
        table = Table("amount", "objective", "spend", "chosen", title="Efficient frontier")
        for point in portfolio.frontier.itertuples():
            table.add_row(
                f"{point.amount:,.0f}",
                f"{point.objective:,.6g}",
                f"{point.spend:,.0f}",
                str(point.n_chosen),
            )
        console.print(table)
    for k, other in enumerate(portfolio.alternatives, start=1):
        console.print(
            f"alternative {k}: objective {other.objective:,.6g}, {len(other.chosen)} chosen"
        )
    if out is not None:
        write_table(chosen, out, index=False)
        print_written(out)

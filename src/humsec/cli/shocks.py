"""`humsec shocks` commands: simulate compound shocks, appraise measures, erosion of gains."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer

from humsec.cli.frame_view import frame_table
from humsec.cli.terminal import Table, console, literal, print_written
from humsec.errors import SpecError

if TYPE_CHECKING:
    import pandas as pd

# The engines (humsec.shocks: pandas, numba, scipy) are imported inside the commands, so that
# `humsec shocks --help` loads no table library.

app = typer.Typer(
    help="Downside risk: compound shocks, well-being losses, resilience and cost-benefit.",
    no_args_is_help=True,
)

EXPOSURE_HELP = ("'demo' (synthetic survey) or a household/cell table (CSV, Parquet, Excel, "
                 "Stata, SPSS); a table with hh_id is treated as one row per person")
EVENTS_HELP = "'demo' or a scenario YAML (hazards, impact_functions, coping)"

# Options every command shares (one definition, so that names, defaults and help agree).
EXPOSURE = typer.Option("demo", "--exposure", help=EXPOSURE_HELP)
EVENTS = typer.Option("demo", "--events", help=EVENTS_HELP)
YEARS = typer.Option(1000, "--years", min=1, help="Simulated years.")
SEED = typer.Option(1, "--seed", help="Random seed (same seed, same numbers).")
HOUSEHOLDS = typer.Option(5000, "--households", min=100, help="Households in the demo exposure.")
#: Choices that click checks and lists (``'x' is not one of 'raise', 'drop'``), exit code 2.
MissingAreas = Literal["raise", "drop"]
BackendName = Literal["numpy", "threads", "dask"]
MISSING_AREAS = typer.Option("raise", "--missing-areas",
                             help="'raise' or 'drop' hazard areas not in the exposure")
BACKEND = typer.Option("threads", "--backend", help="numpy, threads or dask")
IGNORE_COLUMNS = typer.Option("", "--ignore-columns",
                              help="Columns of a household/cell table to leave out on purpose "
                              "(comma-separated); any other unknown column is an error.")
FRAMEWORK = typer.Option(None, "--framework",
                         help="A framework file (complete, or `extends: default`) whose threat "
                         "and group ids the scenario uses. Default: the bundled framework.")


def _return_periods(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise SpecError(f"cannot read return periods {text!r}", location="--return-periods",
                        hint="give comma-separated years, e.g. 10,20,50,100,250") from None
    if not values:
        raise SpecError("no return periods given", location="--return-periods")
    return values


def _scenario(exposure: str, events: str, households: int, seed: int, missing_areas: str,
              framework_file: Path | None = None, ignore_columns: str = "") -> Any:
    from humsec.framework import load_framework
    from humsec.shocks import Exposure, build_scenario, demo_exposure, exposure_from_survey

    framework = load_framework(framework_file)
    if exposure == "demo":
        exp = demo_exposure(households, seed, framework=framework)
        if events == "demo":
            missing_areas = "drop"
    else:
        from humsec.data import read_table

        frame = read_table(exposure)
        exp = (exposure_from_survey(frame, location=exposure, framework=framework)
               if "hh_id" in frame.columns
               else Exposure.from_units(frame, location=exposure, framework=framework,
                                        ignore_columns=[c.strip() for c in
                                                        ignore_columns.split(",") if c.strip()]))
    return build_scenario(events, exp, missing_areas=missing_areas, framework=framework)


def _write(frame: pd.DataFrame, out: Path | None) -> None:
    if out is None:
        return
    from humsec.data import write_table

    write_table(frame, out)
    print_written(out)


def _money(value: float) -> str:
    return f"{value:,.0f}"


@app.command("simulate")
def simulate_command(
    exposure: str = EXPOSURE,
    events: str = EVENTS,
    years: int = YEARS,
    seed: int = SEED,
    households: int = HOUSEHOLDS,
    return_periods: str = typer.Option("5,10,20,50,100,250", "--return-periods"),
    by: str = typer.Option("", "--by", help="Also print a table by area, group or hazard."),
    missing_areas: MissingAreas = MISSING_AREAS,
    backend: BackendName = BACKEND,
    framework: Path | None = FRAMEWORK,
    ignore_columns: str = IGNORE_COLUMNS,
    out: Path | None = typer.Option(None, "--out",
                                    help="Write the year-loss table (.csv/.parquet/.json/.xlsx);"
                                    " with --by also FILE_by_<by> next to it"),
) -> None:
    """Monte Carlo of compound shocks: EAI, return-period losses, resilience, poverty."""
    from humsec.data import check_table_target, companion_path
    from humsec.shocks import simulate

    check_table_target(out)  # a bad --out fails before the simulation

    rps = _return_periods(return_periods)
    if by not in ("", "area", "group", "hazard"):
        raise SpecError(f"unknown --by {by!r}", location="--by",
                        hint="use area, group or hazard")
    scenario = _scenario(exposure, events, households, seed, missing_areas, framework,
                         ignore_columns)
    risk = simulate(scenario, years, seed, backend=backend)
    s = risk.summary(rps)
    table = Table(title=f"{scenario.name}: {years} simulated years, seed {seed}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in ("eai_asset_loss", "eai_wellbeing_loss", "resilience",
                "eai_people_pushed_into_poverty", "eai_poverty_person_years"):
        table.add_row(key, f"{s[key]:.3f}" if key == "resilience" else _money(s[key]))
    beyond = " (beyond simulation: largest year)"
    for kind, label in (("asset_loss", "asset loss"), ("wellbeing_loss", "well-being loss")):
        for rp in rps:
            table.add_row(f"{label} 1-in-{rp:g}{beyond if rp > years else ''}",
                          _money(s[f"{kind}_rp{rp:g}"]))
    if "eai_mpi_m0_change" in s:
        table.add_row("expected change in M0", f"{s['eai_mpi_m0_change']:.4f}")
    console.print(table)
    if by:
        frame = {"area": risk.by_area, "group": risk.by_group, "hazard": risk.by_hazard}[by]()
        console.print(frame_table(frame, f"by {by}", index_name=by))
        if out is not None:
            _write(frame, companion_path(out, f"by_{by}"))
    for note in risk.notes:
        console.print(f"[dim]note: {literal(note)}[/]")
    _write(risk.to_frame(), out)


@app.command("appraise")
def appraise_command(
    measures: str = typer.Option("demo", "--measures", help="'demo' or a measures YAML"),
    exposure: str = EXPOSURE,
    events: str = EVENTS,
    years: int = YEARS,
    seed: int = SEED,
    households: int = HOUSEHOLDS,
    start_year: int = typer.Option(2025, "--start-year"),
    end_year: int = typer.Option(2044, "--end-year"),
    discount_rate: float = typer.Option(0.05, "--discount-rate"),
    missing_areas: MissingAreas = MISSING_AREAS,
    backend: BackendName = BACKEND,
    framework: Path | None = FRAMEWORK,
    ignore_columns: str = IGNORE_COLUMNS,
    out: Path | None = typer.Option(None, "--out", help="Write the measures table"),
) -> None:
    """Appraise measures one by one and combined: avoided losses, NPV, BCRs."""
    from humsec.data import check_table_target
    from humsec.shocks import appraise_measures, load_measures

    check_table_target(out)

    scenario = _scenario(exposure, events, households, seed, missing_areas, framework,
                         ignore_columns)
    prune = exposure == "demo" or missing_areas == "drop"
    chosen = load_measures(measures, areas=scenario.exposure.areas if prune else None,
                           framework=scenario.framework)
    result = appraise_measures(scenario, chosen, n_years=years, seed=seed,
                               start_year=start_year, end_year=end_year,
                               discount_rate=discount_rate,
                               backend=backend)
    table = Table(title=f"measures, {start_year}-{end_year} at {discount_rate:.1%}")
    for col in ("measure", "cost PV", "avoided asset/yr", "avoided well-being/yr",
                "BCR asset", "BCR well-being"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for name, row in result.table.iterrows():
        table.add_row(str(name), _money(row["cost_pv"]), _money(row["avoided_asset_loss"]),
                      _money(row["avoided_wellbeing_loss"]), f"{row['bcr_asset']:.2f}",
                      f"{row['bcr_wellbeing']:.2f}")
    console.print(table)
    _write(result.to_frame(), out)


@app.command("erosion")
def erosion_command(
    programme_file: Path | None = typer.Option(
        None, "--programme",
        help="A programme-gains YAML (name, target, consumption_gain, income_gain, asset_gain, "
        "savings_gain, remove_deprivations); the gain options below then must not be given."),
    consumption_gain: float | None = typer.Option(
        None, "--consumption-gain", help="Relative gain in consumption per capita (0.3 = +30 %)"),
    income_gain: float | None = typer.Option(
        None, "--income-gain", help="Relative gain in household income, separate from "
        "consumption (0 if the programme does not raise income)"),
    asset_gain: float | None = typer.Option(None, "--asset-gain", help="Relative asset gain"),
    savings_gain: float | None = typer.Option(None, "--savings-gain",
                                              help="Relative savings gain"),
    target: str = typer.Option("people_in_poverty", "--target-group",
                               help="Framework group the programme covers (with gain options)"),
    exposure: str = EXPOSURE,
    events: str = EVENTS,
    years: int = YEARS,
    seed: int = SEED,
    households: int = HOUSEHOLDS,
    return_period: float = typer.Option(20, "--return-period"),
    missing_areas: MissingAreas = MISSING_AREAS,
    framework: Path | None = FRAMEWORK,
    ignore_columns: str = IGNORE_COLUMNS,
    out: Path | None = typer.Option(None, "--out", help="Write the erosion table"),
) -> None:
    """How much of a programme's gain shocks take away from its target group (expected and
    1-in-RP year). Gains in consumption and income are taken separately."""
    from humsec.data import check_table_target
    from humsec.shocks import ProgrammeGains, erosion_of_gains, load_programme_gains, parse_spec

    check_table_target(out)

    given = {"consumption_gain": consumption_gain, "income_gain": income_gain,
             "asset_gain": asset_gain, "savings_gain": savings_gain}
    options = {k: v for k, v in given.items() if v is not None}
    scenario = _scenario(exposure, events, households, seed, missing_areas, framework,
                         ignore_columns)
    if programme_file is not None:
        if options:
            raise SpecError("--programme and gain options were both given",
                            location=" ".join(f"--{k.replace('_', '-')}" for k in options),
                            hint="put the gains in the programme file, or drop --programme")
        programme = load_programme_gains(programme_file, framework=scenario.framework)
    else:
        if consumption_gain is None or income_gain is None:
            missing = [f"--{k.replace('_', '-')}" for k in ("consumption_gain", "income_gain")
                       if given[k] is None]
            raise SpecError(
                f"give {' and '.join(missing)}: consumption and income gains are separate",
                location=" ".join(missing),
                hint="e.g. --consumption-gain 0.3 --income-gain 0.2 (write 0 for no gain), "
                "or --programme FILE")
        programme = parse_spec(ProgrammeGains, {
            "name": "programme", "target": {"groups": [target]}, **options,
        }, location="--target-group and gain options", framework=scenario.framework)
    console.print(literal(
        f"programme {programme.name!r}: consumption {programme.consumption_gain:+.1%}, "
        f"income {programme.income_gain:+.1%}, assets {programme.asset_gain:+.1%}, "
        f"savings {programme.savings_gain:+.1%}"))
    result = erosion_of_gains(scenario, programme, n_years=years, seed=seed,
                              return_period=return_period)
    console.print(frame_table(result.table.T, "erosion of the programme's gains",
                              index_name="measure"))
    _write(result.to_frame(), out)

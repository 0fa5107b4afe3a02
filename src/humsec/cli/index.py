"""`humsec index`: build composite indices from presets or YAML specs, explain them and
analyse their uncertainty."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from humsec.cli.terminal import Table, console, literal, print_note, print_written
from humsec.data.output import write_table
from humsec.errors import SpecError
from humsec.index import (
    IndexResult,
    IndexSpec,
    UncertaintySettings,
    build,
    bundled_data,
    compound_probability,
    default_year,
    explain,
    list_presets,
    load_preset,
    preset_text,
    quadrants,
    threat_coverage,
    uncertainty,
)
from humsec.index.hsi import quadrant_settings
from humsec.index.uncertainty import FACTORS

app = typer.Typer(
    help="Composite indices: HDI, INFORM, WorldRiskIndex, ND-GAIN and the Human Security Index.",
    no_args_is_help=True,
)

INDEX_ARGUMENT = typer.Argument(..., help="A preset name (see `humsec index presets`) or a "
                                "YAML spec file.")
DATA_OPTION = typer.Option(
    None, "--data", "-d",
    help="Input table (csv, xlsx, parquet, ...): one row per unit or unit-year, columns named "
    "as the spec's indicators. Default: the preset's bundled data.",
)
YEAR_OPTION = typer.Option(
    None, "--year", "-y",
    help="Year to build for panel data. Default: the latest year with near-best coverage.",
)
OUT_OPTION = typer.Option(None, "--out", "-o", help="Write the table (.csv, .parquet, .xlsx).")


def _spec(index: str) -> IndexSpec:
    path = Path(index)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        return IndexSpec.from_yaml(path)
    return load_preset(index)


def _data(index: str, spec: IndexSpec, data: Path | None) -> pd.DataFrame:
    if data is not None:
        from humsec.data.readers import read_table

        frame = read_table(data)
        keys = [k for k in (spec.unit, spec.time) if k in frame.columns]
        # key the rows by unit (and year) so that outputs are labelled by unit
        return frame.set_index(keys) if keys else frame
    if spec.code not in list_presets() or Path(index).suffix.lower() in (".yaml", ".yml"):
        raise SpecError(
            f"index {spec.code!r} has no bundled data",
            location="--data",
            hint="pass --data FILE with one column per indicator",
        )
    return bundled_data(spec.code)


def _year(spec: IndexSpec, frame: pd.DataFrame, year: int | None) -> int | None:
    if year is not None:
        return year
    has_time = spec.time in frame.columns or spec.time in [n for n in frame.index.names if n]
    return default_year(spec, frame) if has_time else None


def _prepare(index: str, data: Path | None, year: int | None) -> tuple[IndexSpec, pd.DataFrame,
                                                                     int | None]:
    spec = _spec(index)
    frame = _data(index, spec, data)
    return spec, frame, _year(spec, frame, year)


def _fmt(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.0f}" if value.is_integer() else f"{value:.3f}"
    return str(value)


def _table(frame: pd.DataFrame, title: str, *, index_name: str = "unit") -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(index_name)
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for key, row in frame.iterrows():
        table.add_row(str(key), *[_fmt(v) for v in row.tolist()])
    return table


def _result_frame(result: IndexResult) -> pd.DataFrame:
    frame = result.to_frame()
    if "quadrants" in result.spec.metadata:
        q = quadrants(result)
        frame["quadrant"] = q["quadrant"].astype("string")
    return frame.sort_values("rank")


@app.command("presets")
def presets(
    show: str = typer.Option(None, "--show", help="Print this preset's YAML (copy it to edit)."),
) -> None:
    """List the shipped index presets, or print one as YAML."""
    if show:
        typer.echo(preset_text(show))
        return
    table = Table(title="Index presets", title_justify="left")
    for column in ("name", "index", "root", "indicators", "nodes", "bundled data"):
        table.add_column(column)
    for name in list_presets():
        spec = load_preset(name)
        bundled = "yes" if name in ("hdi", "inform", "hsi") else "no (--data)"
        table.add_row(name, spec.name or "", spec.root, str(len(spec.indicators)),
                      str(len(spec.nodes)), bundled)
    console.print(table)


@app.command("build")
def build_command(
    index: str = INDEX_ARGUMENT,
    data: Path = DATA_OPTION,
    year: int = YEAR_OPTION,
    out: Path = OUT_OPTION,
    top: int = typer.Option(15, "--top", help="Rows to print (by rank)."),
) -> None:
    """Build an index: scores of every node, rank, classes, coverage (and quadrants for hsi)."""
    spec, frame, chosen = _prepare(index, data, year)
    result = build(spec, frame, year=chosen)
    table = _result_frame(result)
    built = table[spec.root].notna().sum()
    title = f"{spec.name or spec.code}" + (f", {chosen}" if chosen else "")
    pillars = [n.code for n in spec.top_down() if spec.level_of(n.code) == 1]
    extra = [c for c in table.columns if c.endswith("_class") or c in ("coverage", "quadrant")]
    columns = [spec.root, "rank", *pillars, *extra]
    console.print(_table(table[columns].head(top), f"{title}: top {top} of {built} units"))
    for note in result.notes:
        print_note(note)
    scored = result.scores[result.scores[spec.root].notna()]
    gaps_per_indicator = scored[spec.indicator_codes].isna().sum()
    gaps_per_indicator = gaps_per_indicator[gaps_per_indicator > 0]
    if not gaps_per_indicator.empty:
        console.print(
            f"[dim]missing values among the {len(scored)} scored units, left out of their "
            "parent's weights (never zero): "
            + literal(", ".join(f"{k} ({v})" for k, v in gaps_per_indicator.items()))
            + "[/]"
        )
    unscored = len(result.scores) - len(scored)
    if unscored:
        console.print(f"[dim]{unscored} unit(s) have too little data for a score.[/]")
    if spec.code == "hsi":
        gaps = [c for c in threat_coverage(spec) if not c.indicators]
        for gap in gaps:
            console.print(f"[dim]threat gap: {literal(gap.threat)}: {literal(gap.gap)}[/]")
    if out:
        write_table(table, out)
        print_written(out)


@app.command("explain")
def explain_command(
    index: str = INDEX_ARGUMENT,
    unit: str = typer.Option(..., "--unit", "-u", help="The unit to explain, e.g. KEN."),
    data: Path = DATA_OPTION,
    year: int = YEAR_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Which indicators drive a unit's score, and by how much (share of the score)."""
    spec, frame, chosen = _prepare(index, data, year)
    result = build(spec, frame, year=chosen)
    e = explain(result, unit)
    console.print(
        f"[bold]{literal(spec.name or spec.code)}[/] for [bold]{literal(unit)}[/]"
        + (f" in {chosen}" if chosen else "")
        + f": {spec.root} = {e.score:.3f}, rank {e.rank:.0f}"
    )
    console.print(_table(e.nodes.set_index("node").drop(columns=["name"]), "Nodes",
                         index_name="node"))
    shown = e.indicators.set_index("indicator")[["path", "raw", "normalised", "imputed",
                                                 "share", "points"]]
    console.print(_table(shown, "Indicator contributions (share of the root score)",
                         index_name="indicator"))
    console.print(
        "[dim]shares: w*x for arithmetic nodes, log-shares for geometric nodes, shares of "
        "ln(c/(c-x)) for INFORM's inverted geometric mean (docs/index-engine.md)[/]"
    )
    if out:
        write_table(e.indicators, out, index=False)
        print_written(out)


def _split(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


@app.command("uncertainty")
def uncertainty_command(
    index: str = INDEX_ARGUMENT,
    data: Path = DATA_OPTION,
    year: int = YEAR_OPTION,
    n: int = typer.Option(1000, "--n", help="Monte Carlo replications."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    vary: str = typer.Option(
        "weights,normalisation,aggregation", "--vary",
        help=f"Comma-separated factors to vary: {', '.join(FACTORS)}.",
    ),
    weights: str = typer.Option("dirichlet", "--weights", help="dirichlet or noise."),
    normalisations: str = typer.Option(None, "--normalisations",
                                       help="Alternatives, e.g. spec,minmax,percentile."),
    aggregations: str = typer.Option(None, "--aggregations",
                                     help="Alternatives, e.g. spec,arithmetic,geometric."),
    imputations: str = typer.Option(None, "--imputations",
                                    help="Alternatives, e.g. spec,none,mean."),
    sobol: bool = typer.Option(True, "--sobol/--no-sobol", help="Sobol sensitivity indices."),
    sobol_n: int = typer.Option(256, "--sobol-n", help="Sobol base sample size N."),
    out: Path = OUT_OPTION,
    top: int = typer.Option(15, "--top", help="Rows to print (by nominal rank)."),
) -> None:
    """Score and rank intervals under alternative weights, normalisations, aggregations,
    imputations and dropped indicators, with Sobol sensitivity indices of the ranks."""
    spec, frame, chosen = _prepare(index, data, year)
    options: dict[str, object] = {"weights": weights, "sobol_n": sobol_n}
    for key, value in (("normalisations", normalisations), ("aggregations", aggregations),
                       ("imputations", imputations)):
        if value:
            options[key] = tuple(_split(value) or [])
    try:
        settings = UncertaintySettings.model_validate(options)
    except ValueError as error:
        raise SpecError(f"invalid uncertainty option: {error}", location="command line",
                        hint="see humsec index uncertainty --help") from None
    record = quadrant_settings(spec)[:2] if "quadrants" in spec.metadata else ()
    result = uncertainty(spec, frame, n=n, seed=seed, vary=_split(vary) or [], year=chosen,
                         settings=settings, sobol=sobol, record=record)
    summary = result.summary()
    if record:
        summary["p_compound"] = compound_probability(result)
    console.print(_table(summary.head(top),
                         f"{spec.name or spec.code}: {n} replications, varying "
                         f"{', '.join(result.vary) or 'nothing'} (seed {seed})"))
    for note in result.notes:
        print_note(note)
    if result.sensitivity is not None:
        console.print(_table(result.sensitivity,
                             f"Sobol indices of the mean absolute rank shift "
                             f"({result.sobol_runs} runs)", index_name="factor"))
    if out:
        write_table(summary, out)
        print_written(out)

"""`humsec index`: build composite indices from presets or YAML specs, explain them and
analyse their uncertainty."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from humsec.cli.frame_view import frame_table
from humsec.cli.terminal import Table, console, literal, print_note, print_written
from humsec.data import WORKBOOK_SUFFIXES, check_table_target, write_table, write_tables
from humsec.errors import SpecError
from humsec.index import FACTORS, IndexSpec, bundled_data, list_presets, load_preset, preset_text
from humsec.specs import validate_spec

if TYPE_CHECKING:
    import pandas as pd

    from humsec.index import IndexResult

# The engine (build, explain, uncertainty: pandas, scipy) is imported by the commands that run
# it, so that `humsec index presets` starts without a table library.

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
OUT_OPTION = typer.Option(
    None, "--out", "-o",
    help="Write the result: .csv or .parquet (the main table), .xlsx or .json (every table).",
)


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
    from humsec.index import default_year

    has_time = spec.time in frame.columns or spec.time in [n for n in frame.index.names if n]
    return default_year(spec, frame) if has_time else None


def _prepare(index: str, data: Path | None, year: int | None) -> tuple[IndexSpec, pd.DataFrame,
                                                                     int | None]:
    spec = _spec(index)
    frame = _data(index, spec, data)
    return spec, frame, _year(spec, frame, year)


def _score_decimals(spec: IndexSpec) -> Mapping[str, int | None]:
    """Decimals for every node and indicator score (the spec's ``decimals``), ranks as
    whole numbers and coverage as a share with 2 decimals."""
    codes = [n.code for n in spec.nodes] + spec.indicator_codes
    return {c: spec.display_decimals(c) for c in codes} | {"rank": 0, "coverage": 2}


def _write_result(tables: Mapping[str, pd.DataFrame], main: str, out: Path) -> None:
    """``--out``: every table into one workbook (.xlsx) or JSON object (.json); the
    ``main`` table alone for .csv and .parquet."""
    if out.suffix.lower() in WORKBOOK_SUFFIXES:
        write_tables(tables, out)
    else:
        write_table(tables[main], out)
    print_written(out)


def _result_frame(result: IndexResult) -> pd.DataFrame:
    """The export table (:meth:`IndexResult.to_table`), with the quadrant for the HSI,
    sorted by rank."""
    from humsec.index import quadrants

    frame = result.to_table()
    if "quadrants" in result.spec.metadata:
        q = quadrants(result)
        frame.insert(len(frame.columns) - 1, "quadrant", q["quadrant"].astype("string"))
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
    """Build an index: scores of every node, rank, classes, coverage (and quadrants for hsi).

    --out FILE.csv|.parquet writes one row per unit: the year, every node, rank, classes,
    coverage, the normalised indicators and the audit of imputed and treated cells.
    --out FILE.xlsx|.json writes every stage (raw, denominated, imputed, treated,
    normalised, aggregated, scores, ranks, classes, coverage, audit, treatment, missing)."""
    from humsec.index import build, threat_coverage

    check_table_target(out)  # a bad --out fails before the build
    spec, frame, chosen = _prepare(index, data, year)
    result = build(spec, frame, year=chosen)
    table = _result_frame(result)
    built = table[spec.root].notna().sum()
    title = f"{spec.name or spec.code}" + (f", {chosen}" if chosen else "")
    pillars = [n.code for n in spec.top_down() if spec.level_of(n.code) == 1]
    extra = [c for c in table.columns if c.endswith("_class") or c in ("coverage", "quadrant")]
    columns = [spec.root, "rank", *pillars, *extra]
    console.print(frame_table(table[columns].head(top), f"{title}: top {top} of {built} units",
                         decimals=_score_decimals(spec)))
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
            console.print(f"[dim]threat gap: {literal(gap.threat)}: {literal(str(gap.gap))}[/]")
    if out:
        stages = result.stages()
        stages["scores"] = table
        _write_result(stages, "scores", out)


@app.command("explain")
def explain_command(
    index: str = INDEX_ARGUMENT,
    unit: str = typer.Option(..., "--unit", "-u", help="The unit to explain, e.g. KEN."),
    data: Path = DATA_OPTION,
    year: int = YEAR_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Which indicators drive a unit's score, and by how much (share of the score).

    Per indicator: its raw data value, the value after denominator, transform, imputation
    and outlier treatment ("treated"), the normalised score, and its share of the root."""
    from humsec.index import build, explain

    check_table_target(out)
    spec, frame, chosen = _prepare(index, data, year)
    result = build(spec, frame, year=chosen)
    e = explain(result, unit)
    console.print(
        f"[bold]{literal(spec.name or spec.code)}[/] for [bold]{literal(unit)}[/]"
        + (f" in {chosen}" if chosen else "")
        + f": {spec.root} = {e.score:.{spec.display_decimals(spec.root)}f}, rank {e.rank:.0f}"
    )
    nodes = e.nodes.set_index("node").drop(columns=["name"])
    nodes[["share_in_parent", "share"]] *= 100
    nodes = nodes.rename(columns={"share_in_parent": "% of parent", "share": "% of root"})
    console.print(frame_table(nodes, "Nodes", index_name="node",
                         decimals={"level": 0, "score": spec.decimals, "rank": 0,
                                   "% of parent": 1, "% of root": 1}))
    shown = e.indicators.set_index("indicator")[["raw", "treated", "normalised", "share",
                                                 "points"]].copy()
    shown["share"] *= 100
    shown = shown.rename(columns={"share": "% of root"})
    imputed = e.indicators.set_index("indicator")["imputed"]
    shown.index = [f"{code} *" if imputed[code] else code for code in shown.index]
    console.print(frame_table(shown, "Indicator contributions (share of the root score)",
                         index_name="indicator",
                         decimals={"raw": None, "treated": None,
                                   "normalised": spec.decimals, "% of root": 1,
                                   "points": spec.display_decimals(spec.root)}))
    console.print(
        "[dim]raw: the data value; treated: after denominator, transform, imputation and "
        "outlier treatment; * imputed. Shares: w*x for arithmetic nodes, log-shares for "
        "geometric nodes, shares of ln(c/(c-x)) for INFORM's inverted geometric mean "
        "(docs/index-engine.md)[/]"
    )
    if out:
        _write_result({"indicators": e.indicators.set_index("indicator"),
                       "nodes": e.nodes.set_index("node")}, "indicators", out)


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
    sobol_out: Path = typer.Option(
        None, "--sobol-out",
        help="Write the Sobol indices as a table (.csv, .parquet, .xlsx, .json).",
    ),
    top: int = typer.Option(15, "--top", help="Rows to print (by nominal rank)."),
) -> None:
    """Score and rank intervals under alternative weights, normalisations, aggregations,
    imputations and dropped indicators, with Sobol sensitivity indices of the ranks.

    --out FILE.csv|.parquet writes the per-unit score and rank intervals; FILE.xlsx|.json
    also the Sobol indices and the default alternatives left out (and why)."""
    import pandas as pd

    from humsec.index import (
        UncertaintySettings,
        compound_probability,
        quadrant_settings,
        uncertainty,
    )

    check_table_target(out)  # both targets fail before the replications
    check_table_target(sobol_out)
    if sobol_out and not sobol:
        raise SpecError("there are no Sobol indices to write", location="--sobol-out",
                        hint="drop --no-sobol, or drop --sobol-out")
    spec, frame, chosen = _prepare(index, data, year)
    options: dict[str, object] = {"weights": weights, "sobol_n": sobol_n}
    for key, value in (("normalisations", normalisations), ("aggregations", aggregations),
                       ("imputations", imputations)):
        if value:
            options[key] = tuple(_split(value) or [])
    settings = validate_spec(
        UncertaintySettings, options, kind="uncertainty options", location="command line",
        hint="see humsec index uncertainty --help",
        option_names={k: f"--{k.replace('_', '-')}" for k in options},
    )  # fmt: skip
    record = quadrant_settings(spec)[:2] if "quadrants" in spec.metadata else ()
    result = uncertainty(spec, frame, n=n, seed=seed, vary=_split(vary) or [], year=chosen,
                         settings=settings, sobol=sobol, record=record)
    summary = result.summary()
    if record:
        summary["p_compound"] = compound_probability(result)
    root_decimals = spec.display_decimals(spec.root)
    console.print(frame_table(_interval_view(summary.head(top), root_decimals),
                         f"{spec.name or spec.code}: {n} replications, varying "
                         f"{', '.join(result.vary) or 'nothing'} (seed {seed})",
                         decimals={"score": root_decimals, "rank": 0, "shift": 1,
                                   "p compound": 2}))
    for note in result.notes:
        print_note(note)
    if result.sensitivity is not None:
        console.print(frame_table(result.sensitivity,
                             f"Sobol indices of the mean absolute rank shift "
                             f"({result.sobol_runs} runs)", index_name="factor", default=2))
    sobol_table = (
        result.sensitivity if result.sensitivity is not None
        else pd.DataFrame(columns=["S1", "S1_conf", "ST", "ST_conf"])
    )
    left_out = pd.DataFrame(result.left_out, columns=["factor", "alternative", "reason"])
    if out:
        _write_result({"summary": summary, "sobol": sobol_table,
                       "left_out": left_out.set_index("factor")}, "summary", out)
    if sobol_out:
        if result.sensitivity is None:
            raise SpecError("there are no Sobol indices to write", location="--sobol-out",
                            hint="drop --no-sobol, or drop --sobol-out")
        write_table(sobol_table, sobol_out)
        print_written(sobol_out)


def _rank_text(value: float) -> str:
    return "" if value != value else (f"{value:.0f}" if float(value).is_integer()
                                      else f"{value:.1f}")


def _interval_view(summary: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The console view of the per-unit summary: intervals as "low-high" text, so that the
    table fits 80 columns (the file written by --out keeps every number in its own column)."""
    import pandas as pd

    score_lo, score_hi = [c for c in summary.columns if c.startswith("score_p")]
    rank_lo, rank_hi = [c for c in summary.columns if c.startswith("rank_p")]
    label = f"{int(score_lo[-2:])}-{int(score_hi[-2:])}%"
    view = pd.DataFrame(index=summary.index)
    view["score"] = summary["score"]
    view[f"score {label}"] = [
        "" if a != a else f"{a:.{decimals}f}-{b:.{decimals}f}"
        for a, b in zip(summary[score_lo], summary[score_hi], strict=True)
    ]
    view["rank"] = summary["rank"]
    view["median rank"] = [_rank_text(v) for v in summary["rank_median"]]
    view[f"rank {label}"] = [
        "" if a != a else f"{_rank_text(a)}-{_rank_text(b)}"
        for a, b in zip(summary[rank_lo], summary[rank_hi], strict=True)
    ]
    view["shift"] = summary["mean_rank_shift"]
    if "p_compound" in summary:
        view["p compound"] = summary["p_compound"]
    return view

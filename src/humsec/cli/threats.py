"""`humsec threats`: estimate the threat interlinkage network from panel data and show it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from humsec.cli.terminal import (
    Table,
    Text,
    console,
    err_console,
    literal,
    print_note,
    print_written,
)
from humsec.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help="Threat interlinkages estimated from panel data: edges, ripple effects, leverage.",
    no_args_is_help=True,
)

DEFAULT_OUT = Path("threat-network.json")
PILLAR_STYLE = {"fear": "red", "want": "blue"}


def _project_inputs(project: Any) -> tuple[pd.DataFrame, Any, Any, pd.DataFrame | None]:
    """A project's area panel, an indicator registry built from its datasets, its framework
    and the neighbours of its main admin level."""
    from humsec.threats import neighbours_from_geometry, registry_from_table

    panel = project.indicator_wide()
    registry = registry_from_table(project.area_indicators)
    neighbours = None
    layer = project.boundaries.get(project.main_level)
    if layer is not None:
        frame = layer.frame.to_crs(4326)
        neighbours = neighbours_from_geometry(frame, frame["pcode"].astype(str).tolist())
    return panel, registry, project.framework, neighbours


@app.command("estimate")
def estimate_command(
    project: Path | None = typer.Option(
        None,
        "--project",
        "-p",
        help="Project folder ('demo' for the Kenya demo): its area "
        "panel instead of the bundled country panel.",
    ),
    threats: str | None = typer.Option(
        None, "--threats", help="Comma-separated threat ids (default: every threat with data)."
    ),
    lags: int = typer.Option(1, "--lags", min=1, help="Yearly lags of each threat."),
    spatial: str | None = typer.Option(
        None, "--spatial", help="'contiguity' or 'distance': add neighbours' lagged values."
    ),
    band_km: float = typer.Option(1000.0, "--band-km", help="Distance band in km."),
    bootstrap: int = typer.Option(500, "--bootstrap", min=0, help="Country-block draws."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same numbers)."),
    jackknife: bool = typer.Option(
        False, "--jackknife", help="Half-panel jackknife bias correction (short panels)."
    ),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Where to save the network (JSON)."),
    edges_out: Path | None = typer.Option(None, "--edges", help="Also write the edge table."),
) -> None:
    """Estimate the network between threats: each threat regressed on the others' lags with
    unit and year fixed effects, country-block bootstrap intervals, multiplier and leverage."""
    from humsec.data import (
        check_output_target,
        check_table_target,
        country_panel,
        write_table,
        write_text,
    )
    from humsec.threats import estimate_network

    check_output_target(out, probe=True)  # bad targets fail before the estimation
    check_table_target(edges_out)

    loaded = None
    if project is not None:
        from humsec.project import Project, resolve_project

        loaded = Project.load(resolve_project(project))
    started = datetime.now(UTC)
    with err_console.status("estimating the threat network…"):
        if loaded is not None:
            panel, registry, framework, neighbours = _project_inputs(loaded)
        else:
            panel, registry, framework, neighbours = country_panel(), None, None, None
        if spatial not in (None, "contiguity", "distance"):
            raise DataError(
                f"unknown --spatial {spatial!r}",
                location="--spatial",
                hint="use contiguity or distance",
            )
        wanted = [t.strip() for t in threats.split(",") if t.strip()] if threats else None
        network = estimate_network(
            panel,
            threats=wanted,
            lags=lags,
            spatial=spatial,  # type: ignore[arg-type]
            bootstrap=bootstrap,
            seed=seed,
            framework=framework,
            registry=registry,
            bias_correction="jackknife" if jackknife else None,
            band_km=band_km,
            neighbours=neighbours,
        )
    ended = datetime.now(UTC)
    payload = network.to_dict()
    write_text(out, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    _show(payload)
    print_written(out)
    if edges_out is not None:
        write_table(network.edges, edges_out, index=False)
        print_written(edges_out)
    if loaded is not None:
        spec = {
            "command": "threats estimate",
            "threats": wanted,
            "lags": lags,
            "spatial": spatial,
            "band_km": band_km,
            "bootstrap": bootstrap,
            "jackknife": jackknife,
        }
        _record(loaded, network, spec, seed, started, ended, spatial is not None)


def _record(
    project: Any,
    network: Any,
    spec: dict[str, Any],
    seed: int,
    started: datetime,
    ended: datetime,
    spatial: bool,
) -> None:
    """Record the estimate in the project store as the run ``cli threats estimate``: the
    hashes of the indicator datasets (and boundary files when neighbours were used), the
    options, the seed and the network's tables (humsec.project.network_tables)."""
    from humsec.project import (
        demo_project_dir,
        network_tables,
        project_file_hashes,
        record_command_run,
    )

    if project.root == demo_project_dir().resolve():
        print_note(
            "the bundled demo project is read-only: this run is not recorded "
            "(copy it with `humsec project init DIR --demo` to keep runs)"
        )
        return
    used = [d.name for d in project.datasets("indicators")]
    record = record_command_run(
        project,
        "cli threats estimate",
        inputs=project_file_hashes(project, [*used, *(["boundaries"] if spatial else [])]),
        spec=spec,
        seed=seed,
        tables=network_tables(network),
        started=started,
        ended=ended,
    )
    if record.reused:
        err_console.print(
            f"same inputs as run {record.source_run_id}: reuse noted in the project store"
        )
    else:
        err_console.print(
            f"recorded run {record.run_id} in the project store ({project.store_path()})"
        )


@app.command("show")
def show_command(
    path: Path = typer.Argument(DEFAULT_OUT, help="A network saved by `humsec threats estimate`."),
) -> None:
    """Show a saved threat network: leverage ranking, strongest edges, framework comparison."""
    if not path.is_file():
        raise DataError(
            "no saved threat network here",
            location=str(path),
            hint="run `humsec threats estimate` first (it writes threat-network.json)",
        )
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(f"not a JSON file: {error}", location=str(path)) from None
    _show(payload)


def _pillar(name: str, pillars: dict[str, str]) -> Text:
    return Text(name, style=PILLAR_STYLE.get(pillars.get(name, ""), ""))


def _show(payload: dict[str, Any]) -> None:
    pillars = payload["pillars"]
    console.print(
        f"[bold]Threat network[/]: {len(payload['threats'])} threats; edges are "
        f"{literal(payload['wording'])}."
    )
    for threat, code in payload["indicators"].items():
        console.print(
            f"  {literal(threat)}: {literal(code)} ({literal(payload['transforms'][threat])})"
        )
    for threat, reason in payload["gaps"].items():
        print_note(f"{threat} not estimated: {reason}")
    console.print(literal(payload["multiplier_message"]))
    if payload["leverage"]:
        table = Table(
            "rank",
            "threat",
            "leverage",
            "interval",
            "rank stability",
            title="Leverage (column sums of the multiplier)",
        )
        for row in payload["leverage"]:
            interval = (
                f"{row['ci_lower']:.3f} – {row['ci_upper']:.3f}"
                if row.get("ci_lower") is not None
                else ""
            )
            stability = (
                f"{row['rank_stability']:.0%}" if row.get("rank_stability") is not None else ""
            )
            table.add_row(
                str(row["rank"]),
                _pillar(row["threat"], pillars),
                f"{row['leverage']:.3f}",
                interval,
                stability,
            )
        console.print(table)
    edges = sorted(payload["edges"], key=lambda r: -abs(r["estimate"]))[:12]
    table = Table(
        "source",
        "target",
        "estimate",
        "interval",
        "N",
        "countries",
        "years",
        title="Strongest edges (SD of target per SD of source)",
    )
    for row in edges:
        table.add_row(
            _pillar(row["source"], pillars),
            _pillar(row["target"], pillars),
            f"{row['estimate']:+.3f}",
            f"{row['ci_lower']:+.3f} – {row['ci_upper']:+.3f}",
            str(row["nobs"]),
            str(row["countries"]),
            f"{row['first_year']}–{row['last_year']}",
        )
    console.print(table)
    if payload["comparison"]:
        table = Table(
            "source",
            "target",
            "framework",
            "estimate",
            "verdict",
            title="Against the framework's literature edges",
        )
        for row in payload["comparison"]:
            sign = {1: "+", -1: "−", 0: ""}[int(row["framework_sign"])]
            table.add_row(
                _pillar(row["source"], pillars),
                _pillar(row["target"], pillars),
                sign,
                f"{row['estimate']:+.3f}",
                row["verdict"],
            )
        console.print(table)

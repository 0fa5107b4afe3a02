"""`humsec report`: the main job, a self-contained offline HTML report."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.0f} kB"


def report(
    ctx: typer.Context,
    out: Path = typer.Option(Path("humsec-report.html"), "--out", "-o", help="HTML file to write."),
    country: str | None = typer.Option(
        None,
        "--country",
        "-c",
        help="Country to profile: ISO3 code or name (default KEN, Kenya).",
    ),
    year: int | None = typer.Option(
        None, "--year", "-y", help="Show data up to this year (default: latest available)."
    ),
    sections: str | None = typer.Option(
        None,
        "--sections",
        "-s",
        help="Comma-separated section ids to include (attribution is always kept).",
    ),
    seed: int = typer.Option(1, "--seed", help="Seed for sections that simulate."),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Render every section afresh instead of reusing sections kept from earlier "
        "reports with the same inputs, humsec code and data (kept in $HUMSEC_CACHE_DIR, "
        "default ~/.cache/humsec).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a full traceback on errors."),
) -> None:
    """Build the human-security report: one offline HTML file with maps, tables and sources."""
    if debug:
        # The root group prints HumsecError briefly unless its --debug is set; honour ours too.
        ctx.find_root().params["debug"] = True
    # Imported here: the report sections load every engine (scipy, polars, plotly), which
    # `humsec report --help` must not pay for.
    from humsec.report import (
        ReportContext,
        SectionCache,
        ordered_sections,
        select_sections,
        write_report,
    )
    from humsec.report.sections import SECTIONS

    chosen = select_sections(sections.split(","), SECTIONS) if sections else list(SECTIONS)
    context = ReportContext(country=country, year=year, seed=seed)
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        # The bar names the section being rendered: the one after the section just finished.
        titles = [s.title for s in ordered_sections(chosen)]
        task = bar.add_task(titles[0] if titles else "report", total=len(chosen))

        def advance(done: int, total: int, title: str) -> None:
            upcoming = titles[done] if done < len(titles) else "assembling the page"
            bar.update(task, completed=done, total=total, description=upcoming)

        cache = None if no_cache else SectionCache()
        path = write_report(out, context, chosen, advance, cache=cache)
    elapsed = time.perf_counter() - started
    reused = f"; {cache.hits} of {len(chosen)} sections reused" if cache and cache.hits else ""
    typer.echo(f"wrote {path} ({_size(path.stat().st_size)}) in {elapsed:.1f} s{reused}")

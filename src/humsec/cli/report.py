"""`humsec report`: the main job, a self-contained offline HTML report."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    out: Path = typer.Option(Path("humsec-report.html"), "--out", "-o", help="HTML file to write."),
    country: str | None = typer.Option(None, "--country", "-c", help="Profile one country (ISO3)."),
) -> None:
    """Build the human-security report (offline HTML, Plotly embedded)."""
    raise NotImplementedError("report is being built")

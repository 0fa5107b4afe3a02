"""The ``humsec`` command line: a thin layer that parses arguments, calls one engine
function and renders its result. Commands are grouped by task in ``humsec --help``."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from typer import _click
from typer.core import TyperGroup

from humsec import __version__
from humsec.errors import HumsecError

err_console = Console(stderr=True)

PANEL_CONTEXT = "Know the approach"
PANEL_DATA = "Data"
PANEL_ASSESS = "Assess"
PANEL_REPORT = "Report"


class HumsecGroup(TyperGroup):
    """Root command group: turns a :class:`HumsecError` into a short message and exit code 2.

    The full traceback is shown only with ``humsec --debug``.
    """

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HumsecError as error:
            if ctx.params.get("debug"):
                raise
            err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            err_console.print("[dim](run with --debug for a traceback)[/]")
            ctx.exit(error.exit_code)


app = typer.Typer(
    cls=HumsecGroup,
    name="humsec",
    help="Human-security analysis: who is threatened by what, where, and what helps.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"humsec {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Human-security analysis: who is threatened by what, where, and what helps."""


def _register() -> None:
    # Imported here so that each task group lives in its own module.
    from humsec.cli import data, deprivation, framework, index, report, shocks

    app.add_typer(framework.app, name="framework", rich_help_panel=PANEL_CONTEXT)
    app.add_typer(data.app, name="data", rich_help_panel=PANEL_DATA)
    app.add_typer(index.app, name="index", rich_help_panel=PANEL_ASSESS)
    app.add_typer(deprivation.app, name="deprivation", rich_help_panel=PANEL_ASSESS)
    app.add_typer(shocks.app, name="shocks", rich_help_panel=PANEL_ASSESS)
    app.command("report", rich_help_panel=PANEL_REPORT)(report.report)


_register()


def main() -> None:
    """Console-script entry point."""
    app()

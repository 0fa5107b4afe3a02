"""The ``humsec`` command line: a thin layer that parses arguments, calls one engine
function and renders its result. Commands are grouped by task in ``humsec --help`` and
registered in :data:`COMMANDS` without importing their modules (start-up stays light)."""

from __future__ import annotations

import importlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import typer
import typer.main
from typer import _click
from typer.core import TyperCommand, TyperGroup

from humsec import __version__
from humsec.cli.terminal import err_console, in_typed_names, print_error
from humsec.errors import HumsecError

__all__ = ["app", "err_console", "main"]

#: Exit status of a process ended by SIGTERM (128 + signal number), as shells report it.
SIGTERM_EXIT = 128 + signal.SIGTERM

PANEL_CONTEXT = "Know the approach"
PANEL_DATA = "Data"
PANEL_ASSESS = "Assess"
PANEL_REPORT = "Report"
PANEL_SERVICE = "Service"
PANEL_PROJECT = "Project"


@dataclass(frozen=True)
class CommandEntry:
    """One top-level command, registered without importing its module.

    ``target`` is ``module:attribute``: a Typer app (a command group) or a function (a single
    command). ``summary`` is the line ``humsec --help`` shows; a test checks that it equals the
    first line of the real command's help, so the two cannot drift apart.
    """

    name: str
    target: str
    panel: str
    summary: str


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry(
        "framework",
        "humsec.cli.framework:app",
        PANEL_CONTEXT,
        "The human-security framework: threats, groups, policies, approaches, links.",
    ),
    CommandEntry(
        "data",
        "humsec.cli.data:app",
        PANEL_DATA,
        "Bundled datasets with provenance, the indicator registry, and importing your tables.",
    ),
    CommandEntry(
        "index",
        "humsec.cli.index:app",
        PANEL_ASSESS,
        "Composite indices: HDI, INFORM, WorldRiskIndex, ND-GAIN and the Human Security Index.",
    ),
    CommandEntry(
        "deprivation",
        "humsec.cli.deprivation:app",
        PANEL_ASSESS,
        "People-centred deprivation: Alkire-Foster measures of fear and want on microdata, "
        "with survey-design standard errors.",
    ),
    CommandEntry(
        "shocks",
        "humsec.cli.shocks:app",
        PANEL_ASSESS,
        "Downside risk: compound shocks, well-being losses, resilience and cost-benefit.",
    ),
    CommandEntry(
        "project",
        "humsec.cli.project:app",
        PANEL_PROJECT,
        "Projects: your country, areas (p-codes, boundaries), datasets, specs and every run.",
    ),
    CommandEntry(
        "threats",
        "humsec.cli.threats:app",
        PANEL_ASSESS,
        "Threat interlinkages estimated from panel data: edges, ripple effects, leverage.",
    ),
    CommandEntry(
        "programme",
        "humsec.cli.programme:app",
        PANEL_ASSESS,
        "Programmes: appraisal through the human-security lens, IATI and Excel import, "
        "planning.",
    ),
    CommandEntry(
        "actors",
        "humsec.cli.actors:app",
        PANEL_ASSESS,
        "Who does what where: 3W tables, presence, coverage of need.",
    ),
    CommandEntry(
        "report",
        "humsec.cli.report:report",
        PANEL_REPORT,
        "Build the human-security report: one offline HTML file with maps, tables and sources.",
    ),
    CommandEntry(
        "serve",
        "humsec.cli.serve:serve",
        PANEL_SERVICE,
        "Run the humsec service: a REST API and dashboard for a team (OpenAPI at /openapi.json).",
    ),
    CommandEntry(
        "token",
        "humsec.cli.token:app",
        PANEL_SERVICE,
        "API tokens of the humsec service: make one (shown once), list or revoke them.",
    ),
)


def load_command(entry: CommandEntry) -> _click.Command:
    """Import ``entry.target`` and turn it into the click command Typer would have built."""
    module_name, attribute = entry.target.split(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(target, typer.Typer):
        # A single function: wrap it in a one-command app, which Typer turns into a command.
        single = typer.Typer(rich_markup_mode="rich", pretty_exceptions_enable=False)
        single.command(entry.name)(target)
        target = single
    from humsec.cli.project_option import add_project_options

    add_project_options(target, entry.name)  # --project DIR on the engine commands
    command = typer.main.get_command(target)
    command.name = entry.name
    setattr(command, "rich_help_panel", entry.panel)  # noqa: B010 (typer reads this attribute)
    return command


class HumsecGroup(TyperGroup):
    """Root command group.

    * Commands are registered from :data:`COMMANDS` and imported only when one runs, so that
      ``humsec --help`` and each command pay only for the libraries they use.
    * A :class:`HumsecError` becomes a short message and exit code 2; the full traceback is
      shown only with ``humsec --debug``.
    """

    _listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(e.name for e in COMMANDS)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        known = super().get_command(ctx, cmd_name)
        if known is not None:
            return known
        entry = next((e for e in COMMANDS if e.name == cmd_name), None)
        if entry is None:
            return None
        if self._listing:
            # Listing for --help: a light stand-in with the summary, no import.
            return TyperCommand(entry.name, help=entry.summary, rich_help_panel=entry.panel)
        command = load_command(entry)
        self.commands[entry.name] = command
        return command

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: _click.Context) -> Any:
        typed = _typed_names(self, ctx)  # before click consumes the arguments
        try:
            with _terminate_cleanly():
                return super().invoke(ctx)
        except HumsecError as error:
            if ctx.params.get("debug"):
                raise
            print_error(in_typed_names(error, typed))
            err_console.print("[dim](run with --debug for a traceback)[/]")
            ctx.exit(error.exit_code)


def _typed_names(group: TyperGroup, ctx: _click.Context) -> dict[str, str]:
    """Parameter name -> what the user types (``lonely_psu`` -> ``--lonely-psu``) for the
    command being run."""
    args = [*getattr(ctx, "_protected_args", []), *ctx.args]
    command: Any = group
    while isinstance(command, TyperGroup) and args:
        command = command.get_command(ctx, args.pop(0))
    names: dict[str, str] = {}
    for param in getattr(command, "params", ()):
        if param.name is None:
            continue
        if param.param_type_name == "option":
            names[param.name] = max(param.opts, key=len)
        else:
            names[param.name] = param.name.upper()
    return names


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Delete half-written outputs first (the interrupted writer may never get to its own
    # cleanup), then unwind the stack so that every `finally` runs. (Imported here: the data
    # package loads pandas, which `humsec --help` must not pay for.)
    from humsec.data import remove_partial_outputs

    remove_partial_outputs()
    err_console.print("[bold red]terminated[/] (SIGTERM): no output was written")
    raise SystemExit(SIGTERM_EXIT)


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Handle SIGTERM for the duration of a command, for every command (signal handlers can
    only be set from the main thread; elsewhere the caller owns the signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


def main() -> None:
    """Console-script entry point."""
    app()

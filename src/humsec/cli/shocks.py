"""`humsec shocks` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="shocks commands.", no_args_is_help=True)

"""`humsec deprivation` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="deprivation commands.", no_args_is_help=True)

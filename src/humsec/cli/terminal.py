"""What the CLI prints, and how user-supplied text stays literal.

rich reads ``[...]`` in printed strings as markup: a path such as ``results[v2].csv`` would
print as ``results.csv`` and a value such as ``[/]`` would crash the printer. The rule here is
that markup is written by humsec only; text that comes from the user (paths, option values,
column names, spec names, data values, error messages) goes through :func:`literal`, and table
cells are literal text unless given as a rich :class:`~rich.text.Text`.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

__all__ = [
    "Table",
    "Text",
    "console",
    "err_console",
    "in_typed_names",
    "literal",
    "print_error",
    "print_note",
    "print_warning",
    "print_written",
]

#: Results go to standard output.
console = Console()
#: Errors, warnings and progress go to standard error.
err_console = Console(stderr=True)


def literal(value: object) -> str:
    """``value`` as text that rich prints exactly as it is (markup characters escaped)."""
    return escape(os.fspath(value) if isinstance(value, os.PathLike) else str(value))


class Table(RichTable):
    """A rich table whose title, headers and string cells are printed literally.

    Style a cell by passing a :class:`~rich.text.Text`, e.g. ``Text("fear", style="red")``.
    """

    def __init__(self, *headers: Any, title: str | None = None, **kwargs: Any) -> None:
        super().__init__(
            *(literal(h) if isinstance(h, str) else h for h in headers),
            title=None if title is None else literal(title),
            **kwargs,
        )

    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        super().add_column(literal(header) if isinstance(header, str) else header, *args,
                           **kwargs)

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(Text(r) if isinstance(r, str) else r for r in renderables), **kwargs)


if TYPE_CHECKING:
    from humsec.errors import HumsecError


def in_typed_names(error: HumsecError, names: dict[str, str]) -> HumsecError:
    """``error`` with the command's parameter names as the user typed them.

    Engines name their arguments (``lonely_psu``, ``n``); on the command line they are
    ``--lonely-psu`` and ``--n`` (and ``n_years`` is ``--years``). A location that is
    exactly a parameter name, and ``name=`` or snake_case names in the message and hint,
    are rewritten.
    """
    renamed = {name: typed for name, typed in names.items() if typed != name}
    # Engines count things as n_<things> where the command line says --<things>.
    renamed.update({f"n_{name}": typed for name, typed in names.items()
                    if typed.startswith("--") and f"n_{name}" not in names})  # fmt: skip
    if not renamed:
        return error
    if error.location in renamed:
        error.location = renamed[error.location]
    for attribute in ("message", "hint"):
        text = getattr(error, attribute)
        if text:
            setattr(error, attribute, _rename(text, renamed))
    error.args = (str(error),)
    return error


def _rename(text: str, renamed: dict[str, str]) -> str:
    for name, typed in sorted(renamed.items(), key=lambda kv: -len(kv[0])):
        # not inside a dotted name such as R's survey.lonely.psu=
        text = re.sub(rf"(?<![\w.-]){re.escape(name)}\s*=\s*", f"{typed} ", text)
        if "_" in name:
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?!\w)", typed, text)
    return text


def print_error(error: object) -> None:
    """The one-line error report of the CLI (the message is the user's input, escaped)."""
    err_console.print(f"[bold red]error:[/] {literal(error)}", highlight=False, soft_wrap=True)


def print_warning(message: object) -> None:
    """A warning about the input on standard error."""
    err_console.print(f"[yellow]warning:[/] {literal(message)}", highlight=False,
                      soft_wrap=True)


def print_note(message: object) -> None:
    """A note about the result on standard output."""
    console.print(f"[yellow]note:[/] {literal(message)}", highlight=False, soft_wrap=True)


def print_written(path: object) -> None:
    """Confirm that a result file was written."""
    console.print(f"wrote {literal(path)}", highlight=False, soft_wrap=True)

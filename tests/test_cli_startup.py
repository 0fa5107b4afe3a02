"""The command line starts light: commands are registered without importing their engines."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from humsec.cli import COMMANDS, CommandEntry, app, load_command

HEAVY = ("scipy", "pandas", "polars", "duckdb", "numba", "pyarrow", "narwhals")

_PROBE = """
import sys
import humsec.cli
from humsec.cli import app
try:
    app(["--help"])
except SystemExit:
    pass
print("loaded:" + ",".join(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def test_import_and_help_load_no_heavy_library() -> None:
    probe = _PROBE.format(heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip().splitlines()[-1] == "loaded:"


#: Libraries a listing command or a group's --help must not load: the listings read YAML and
#: the catalogue, never a table (humsec.data and humsec.index export lazily).
ENGINE_LIBRARIES = ("scipy", "pandas", "pyarrow", "polars", "duckdb", "numba", "plotly")

_COMMAND_PROBE = """
import sys
from humsec.cli import app
try:
    app({argv!r})
except SystemExit as stop:
    assert not stop.code, stop.code
print("loaded:" + ",".join(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


@pytest.mark.parametrize(
    "argv",
    [["index", "presets"], ["framework", "show"], ["data", "list"], ["report", "--help"]],
    ids=" ".join,
)
def test_listing_commands_load_no_engine_library(argv: list[str]) -> None:
    probe = _COMMAND_PROBE.format(argv=argv, heavy=ENGINE_LIBRARIES)
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip().splitlines()[-1] == "loaded:"


_GROUPS_PROBE = """
import sys
from humsec.cli import app
for group in {groups!r}:
    try:
        app([group, "--help"])
    except SystemExit as stop:
        assert not stop.code, (group, stop.code)
    loaded = sorted(name for name in {heavy!r} if name in sys.modules)
    print(group + ":" + ",".join(loaded))
"""


def test_every_command_groups_help_loads_no_engine_library() -> None:
    # One process for all groups, in turn: the first group whose --help loads an engine
    # library is named (a library loaded by one group stays loaded for the next ones).
    groups = [entry.name for entry in COMMANDS]
    probe = _GROUPS_PROBE.format(groups=groups, heavy=ENGINE_LIBRARIES)
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    lines = [line for line in out.splitlines() if line.partition(":")[0] in groups]
    assert [line.partition(":")[0] for line in lines] == groups
    heavy = [line for line in lines if line.partition(":")[2]]
    assert not heavy, f"--help of a command group loads an engine library: {heavy[0]}"


@pytest.mark.parametrize("entry", COMMANDS, ids=[e.name for e in COMMANDS])
def test_summary_is_the_real_commands_help(entry: CommandEntry) -> None:
    # The static summary shown by `humsec --help` must equal the first paragraph of the help
    # the command itself declares, so the two cannot drift apart.
    real = load_command(entry)
    first_paragraph = " ".join((real.help or "").strip().split("\n\n")[0].split())
    assert first_paragraph == entry.summary


def test_help_lists_every_command_in_its_panel() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for entry in COMMANDS:
        assert entry.name in result.output
        assert entry.panel in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["indx"])
    assert result.exit_code == 2
    assert "indx" in result.output

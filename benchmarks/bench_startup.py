"""Start-up cost of the command line, against a bare Typer app (issue 13's reference).

Workloads, each a fresh process, best of ``RUNS``:
- the reference: a bare Typer app's ``--help``;
- ``humsec --help``, the listing commands (``index presets``, ``framework show``, ``data
  list``) and each group's ``--help``, which need no engine;
- ``python -X importtime -c "import humsec.cli"``, summarised per top-level package, so that
  the cost of each heavy library (scipy, pandas, polars, duckdb, numba, ...) is visible, and
  the same summary for each of those commands.

Writes benchmarks/results/startup.json with wall seconds, peak RSS (from ``resource``) and the
ratio to the bare Typer app.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

try:
    from benchmarks.process_timing import import_seconds_by_package, time_process
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from process_timing import import_seconds_by_package, time_process  # type: ignore[no-redef]

RESULT = Path(__file__).parent / "results" / "startup.json"
RUNS = 5

_BARE_TYPER = "import typer; app = typer.Typer(); app.command()(lambda: None); app()"


#: Commands timed one by one (listing commands and each group's --help): each pays only for
#: what it uses.
COMMANDS = (
    ("--help",),
    ("index", "presets"),
    ("framework", "show"),
    ("data", "list"),
    ("index", "--help"),
    ("deprivation", "--help"),
    ("shocks", "--help"),
    ("report", "--help"),
    ("project", "--help"),
)

_RUN_COMMAND = """
import sys
from humsec.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
"""


def import_time_by_package(module: str, argv: tuple[str, ...] | None = None) -> dict[str, float]:
    """Import seconds per top-level package of ``import module`` (or of running the CLI with
    ``argv``), from ``python -X importtime`` (:func:`import_seconds_by_package`)."""
    code = f"import {module}" if argv is None else _RUN_COMMAND
    return import_seconds_by_package(["-c", code, *(argv or ())])


def main() -> None:
    """Time the CLI start-up; write benchmarks/results/startup.json."""
    humsec = str(Path(sys.executable).with_name("humsec"))
    reference = time_process([sys.executable, "-c", _BARE_TYPER, "--help"], RUNS)
    workloads = {
        "humsec " + " ".join(argv): time_process([humsec, *argv], RUNS) for argv in COMMANDS
    }
    for entry in workloads.values():
        entry["ratio_to_bare_typer"] = round(entry["best_seconds"] / reference["best_seconds"], 2)
    result = {
        "reference": {"command": "bare Typer app --help", **reference},
        "workloads": workloads,
        "import_humsec_cli_seconds_by_package": import_time_by_package("humsec.cli"),
        "import_seconds_by_package_per_command": {
            "humsec " + " ".join(argv): import_time_by_package("humsec.cli", argv)
            for argv in COMMANDS
        },
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

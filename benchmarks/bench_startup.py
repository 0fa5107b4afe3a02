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
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "startup.json"
RUNS = 5

_BARE_TYPER = "import typer; app = typer.Typer(); app.command()(lambda: None); app()"
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(wall, peak_kb)
"""


def _time(command: list[str]) -> dict[str, float]:
    walls, peaks = [], []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command], check=True, capture_output=True, text=True
        ).stdout.split()
        walls.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return {"best_seconds": round(min(walls), 3), "peak_mb": round(min(peaks), 1)}


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
    """Cumulative import seconds per top-level package, from ``python -X importtime``.

    ``-X importtime`` prints one line per imported module with its self and cumulative time in
    microseconds; summing the *self* times of every module under a top-level name gives that
    package's share of the import, without double counting nested imports.
    """
    code = f"import {module}" if argv is None else _RUN_COMMAND
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *(argv or ())],
        check=True,
        capture_output=True,
        text=True,
    )
    totals: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line[12:].split("|"))
        totals[name.strip().split(".")[0]] += int(self_us) / 1e6
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return {name: round(seconds, 4) for name, seconds in ranked[:25] if seconds >= 0.001}


def main() -> None:
    """Time the CLI start-up; write benchmarks/results/startup.json."""
    humsec = str(Path(sys.executable).with_name("humsec"))
    reference = _time([sys.executable, "-c", _BARE_TYPER, "--help"])
    workloads = {"humsec " + " ".join(argv): _time([humsec, *argv]) for argv in COMMANDS}
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

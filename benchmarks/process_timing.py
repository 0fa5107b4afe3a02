"""Whole-process timing and import profiles shared by the start-up and process benchmarks.

A command runs in a fresh child of a small measuring process, so that ``ru_maxrss`` of
``RUSAGE_CHILDREN`` is that command's peak resident memory alone and the wall time includes
the interpreter start and every import. Best of ``runs``. The child's CPU seconds (user +
system) are reported too: on a machine shared with other work they vary far less than the
wall time, which waits for a free core.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def time_process(command: list[str], runs: int) -> dict[str, float]:
    """Best wall seconds, best CPU seconds and lowest peak RSS (MB) of ``command`` over
    ``runs`` fresh runs."""
    walls, peaks, cpus = [], [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command], check=True, capture_output=True, text=True
        ).stdout.split()
        walls.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
        cpus.append(float(out[2]))
    return {"best_seconds": round(min(walls), 3), "best_cpu_seconds": round(min(cpus), 3),
            "peak_mb": round(min(peaks), 1)}


def import_seconds_by_package(args: list[str], top: int = 25) -> dict[str, float]:
    """Import seconds per top-level package of ``python -X importtime *args``.

    ``-X importtime`` prints one line per imported module with its self and cumulative time in
    microseconds; summing the *self* times of every module under a top-level name gives that
    package's share of the imports, without double counting nested imports. The ``top``
    largest packages of at least 1 ms, largest first.
    """
    proc = subprocess.run([sys.executable, "-X", "importtime", *args], check=True,
                          capture_output=True, text=True)
    totals: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line[12:].split("|"))
        totals[name.split(".")[0]] += int(self_us) / 1e6
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return {name: round(seconds, 4) for name, seconds in ranked[:top] if seconds >= 0.001}

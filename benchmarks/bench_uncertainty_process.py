"""Index uncertainty as a whole process (issue 13): imports + data + replications + Sobol.

Workload: benchmarks/bench_index.py's 200 units x 40 indicators index; ``uncertainty`` with
its default Sobol step, at 1,000 and 10,000 replications. Each run is a fresh
``python -c`` process, timed from outside (wall seconds, peak RSS of the child); the
reference in the same run is a process that only imports numpy and pandas and builds the same
data, so the ratio shows what the analysis adds to a bare start. Best of ``RUNS``.

Writes benchmarks/results/uncertainty_process.json.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "uncertainty_process.json"
RUNS = 3
SIZES = (1_000, 10_000)

_SETUP = "import sys; sys.path.insert(0, {bench!r}); from bench_index import workload; "
_ANALYSIS = (
    "from humsec.index import uncertainty; spec, data = workload(); "
    "uncertainty(spec, data, n={n}, seed=1, sobol=True)"
)
_REFERENCE = "spec, data = workload()"
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _time(code: str) -> dict[str, float]:
    walls, peaks = [], []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        walls.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return {"best_seconds": round(min(walls), 3), "peak_mb": round(min(peaks), 1)}


def main() -> None:
    """Time the whole-process uncertainty runs; write the JSON result."""
    setup = _SETUP.format(bench=str(Path(__file__).parent))
    load_before = os.getloadavg()
    reference = _time(setup + _REFERENCE)
    workloads = {}
    for n in SIZES:
        entry = _time(setup + _ANALYSIS.format(n=n))
        entry["ratio_to_reference"] = round(entry["best_seconds"] / reference["best_seconds"], 2)
        workloads[f"uncertainty n={n} with Sobol"] = entry
    result = {
        "reference": {"command": "import numpy, pandas; build the data", **reference},
        "workloads": workloads,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

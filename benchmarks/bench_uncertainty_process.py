"""Index uncertainty as a whole process (issue 13): imports + data + replications + Sobol.

Workload: benchmarks/bench_index.py's 200 units x 40 indicators index; ``uncertainty`` with
its default Sobol step, at 1,000 and 10,000 replications. Each run is a fresh
``python -c`` process, timed from outside (wall seconds, peak RSS of the child); the
reference in the same run is a process that only imports numpy and pandas and builds the same
data, so the ratio shows what the analysis adds to a bare start. Best of ``RUNS``. The
imports of the largest run are summarised per top-level package (``python -X importtime``).

Writes benchmarks/results/uncertainty_process.json.
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

RESULT = Path(__file__).parent / "results" / "uncertainty_process.json"
RUNS = 3
SIZES = (1_000, 10_000)

_SETUP = "import sys; sys.path.insert(0, {bench!r}); from bench_index import workload; "
_ANALYSIS = (
    "from humsec.index import uncertainty; spec, data = workload(); "
    "uncertainty(spec, data, n={n}, seed=1, sobol=True)"
)
_REFERENCE = "spec, data = workload()"


def main() -> None:
    """Time the whole-process uncertainty runs; write the JSON result."""
    setup = _SETUP.format(bench=str(Path(__file__).parent))
    load_before = os.getloadavg()
    reference = time_process([sys.executable, "-c", setup + _REFERENCE], RUNS)
    workloads = {}
    for n in SIZES:
        entry = time_process([sys.executable, "-c", setup + _ANALYSIS.format(n=n)], RUNS)
        entry["ratio_to_reference"] = round(entry["best_seconds"] / reference["best_seconds"], 2)
        entry["cpu_ratio_to_reference"] = round(
            entry["best_cpu_seconds"] / reference["best_cpu_seconds"], 2
        )
        workloads[f"uncertainty n={n} with Sobol"] = entry
    result = {
        "reference": {"command": "import numpy, pandas; build the data", **reference},
        "workloads": workloads,
        "import_seconds_by_package_at_largest_n": import_seconds_by_package(
            ["-c", setup + _ANALYSIS.format(n=SIZES[-1])]
        ),
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

"""`humsec report` (national level) wall-clock and CPU time and size.

Issue 13's targets: <= 3 s and <= 4 MB (the original acceptance was < 60 s on 2 cores).
Workloads, each in a fresh process so that imports and the first data loads are counted:
- the console command ``humsec report --out <tmp>`` (all sections in ``SECTIONS``), 3 runs,
  with wall and CPU (user + system) seconds: the machine is shared, and under load the wall
  time mostly measures waiting for a core;
- ``build_report()`` in Python with a progress callback recording the time each section took.
The demo project's report is timed by bench_project.py.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "report.json"
RUNS = 3

_SECTION_SCRIPT = """
import json, time
start = time.perf_counter()
from humsec.report import build_report, ReportContext
imported = time.perf_counter()
marks = []
def note(done, total, title):
    marks.append((title, time.perf_counter()))
html = build_report(ReportContext(), progress=note)
end = time.perf_counter()
steps, last = [], imported
for title, stamp in marks:
    steps.append({"section": title, "seconds": round(stamp - last, 3)})
    last = stamp
print(json.dumps({"import_s": round(imported - start, 3), "build_s": round(end - imported, 3),
                  "sections": steps, "bytes": len(html.encode("utf-8"))}))
"""


def main() -> None:
    """Time the report command and its sections; write benchmarks/results/report.json."""
    humsec = str(Path(sys.executable).with_name("humsec"))
    runs, cpu = [], []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([humsec, "report", "--out", str(out)], check=True, capture_output=True)
            runs.append(round(time.perf_counter() - start, 2))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            cpu.append(round(used, 2))
        size = out.stat().st_size
    detail = subprocess.run(
        [sys.executable, "-c", _SECTION_SCRIPT], check=True, capture_output=True, text=True
    )
    result = {
        "command": "humsec report --out <tmp>/report.html",
        "wall_seconds": runs,
        "best_seconds": min(runs),
        "cpu_seconds": cpu,
        "best_cpu_seconds": min(cpu),
        "bytes": size,
        "target_seconds": 3.0,
        "target_bytes": 4_000_000,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "per_section": json.loads(detail.stdout.strip().splitlines()[-1]),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "limit_seconds": 60,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""`humsec report` (national level) wall-clock and CPU time and size.

Issue 13's targets: <= 3 s and <= 4 MB (the original acceptance was < 60 s on 2 cores).
Workloads, each in a fresh process so that imports and the first data loads are counted:
- the console command ``humsec report --out <tmp>`` (all sections in ``SECTIONS``), 3 runs
  with ``--no-cache`` (every section computed: the cold figure), with wall and CPU (user +
  system) seconds: the machine is shared, and under load the wall time mostly measures
  waiting for a core;
- the same command with the section cache (humsec.report.cache) in a fresh folder: the first
  run fills it, then 3 runs reuse every section ("kept"), then 3 runs on another country
  (``--country GHA``: the sections that do not depend on the country are reused);
- ``build_report()`` in Python with a progress callback recording the time each section took.
The demo project's report is timed by bench_project.py.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
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


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return round(wall, 2), round(used, 2)


def _series(timings: list[tuple[float, float]]) -> dict[str, object]:
    walls, cpus = [t[0] for t in timings], [t[1] for t in timings]
    return {
        "wall_seconds": walls,
        "best_seconds": min(walls),
        "cpu_seconds": cpus,
        "best_cpu_seconds": min(cpus),
    }


def main() -> None:
    """Time the report command and its sections; write benchmarks/results/report.json."""
    humsec = str(Path(sys.executable).with_name("humsec"))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        env = {**os.environ, "HUMSEC_CACHE_DIR": str(Path(tmp) / "cache")}
        command = [humsec, "report", "--out", str(out)]
        cold = [_timed([*command, "--no-cache"], env) for _ in range(RUNS)]
        size = out.stat().st_size
        filled = _timed(command, env)
        kept = [_timed(command, env) for _ in range(RUNS)]
        other = []
        for _ in range(RUNS):
            # a fresh copy of the filled cache each time, so that GHA's own sections are new
            shutil.rmtree(Path(tmp) / "other", ignore_errors=True)
            shutil.copytree(Path(tmp) / "cache", Path(tmp) / "other")
            other_env = {**env, "HUMSEC_CACHE_DIR": str(Path(tmp) / "other")}
            other.append(_timed([*command, "--country", "GHA"], other_env))
    detail = subprocess.run(
        [sys.executable, "-c", _SECTION_SCRIPT], check=True, capture_output=True, text=True
    )
    result = {
        "command": "humsec report --out <tmp>/report.html --no-cache",
        **_series(cold),
        "with_cache": {
            "first_run": {"wall_seconds": filled[0], "cpu_seconds": filled[1]},
            "kept": _series(kept),
            "another_country": _series(other),
        },
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

"""`humsec project run` + `humsec project report` on the bundled demo project, cold and warm.

Each measurement copies the demo project into a fresh temporary folder (``humsec project init
DIR --demo``), then times, as separate processes:

- cold: ``project run`` on the empty store (every analysis computed) and ``project report``;
- warm: the same two commands again (every analysis reused from the store).

Issue 9's target: warm run + report <= 2 s. Best of ``RUNS`` warm repetitions; the load
average is recorded because the machine is shared. Writes benchmarks/results/project.json.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "project.json"
RUNS = 3


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _in_process(folder: Path) -> dict[str, float]:
    """Warm run + report inside one process (no interpreter start-up, imports already paid)."""
    from humsec.project import Project
    from humsec.project.run import open_project_store, run_project
    from humsec.report import ReportContext, write_report

    Project.load(folder)  # pay the imports once
    start = time.perf_counter()
    project = Project.load(folder)
    loaded = time.perf_counter()
    with open_project_store(project) as store:
        result = run_project(project, store)
    ran = time.perf_counter()
    write_report(folder / "bench.html", ReportContext(project=project, project_run=result))
    done = time.perf_counter()
    return {
        "load_seconds": round(loaded - start, 3),
        "run_seconds": round(ran - loaded, 3),
        "report_seconds": round(done - ran, 3),
        "total_seconds": round(done - start, 3),
    }


def main() -> None:
    """Time cold and warm project run + report; write benchmarks/results/project.json."""
    humsec = str(Path(sys.executable).with_name("humsec"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        subprocess.run(
            [humsec, "project", "init", str(folder), "--demo"], check=True, capture_output=True
        )
        cold_run = _timed([humsec, "project", "run", str(folder)])
        cold_report = _timed(
            [humsec, "project", "report", str(folder), "--out", str(folder / "r.html")]
        )
        warm = []
        for _ in range(RUNS):
            run = _timed([humsec, "project", "run", str(folder)])
            report = _timed(
                [humsec, "project", "report", str(folder), "--out", str(folder / "r.html")]
            )
            warm.append((run, report))
        best = min(warm, key=sum)
        size = (folder / "r.html").stat().st_size
        in_process = _in_process(folder)
    result = {
        "workload": "bundled demo project (Kenya, 47 counties; survey 6000 households; "
        "300 simulated years)",
        "cold": {
            "run_seconds": round(cold_run, 3),
            "report_seconds": round(cold_report, 3),
            "total_seconds": round(cold_run + cold_report, 3),
        },
        "warm_best_of": RUNS,
        "warm": {
            "run_seconds": round(best[0], 3),
            "report_seconds": round(best[1], 3),
            "total_seconds": round(sum(best), 3),
        },
        "warm_in_process": in_process,
        "target_warm_seconds": 2.0,
        "report_bytes": size,
        "load_average": os.getloadavg()[0],
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

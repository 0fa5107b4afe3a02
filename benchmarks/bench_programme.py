"""Programme appraisal at donor scale: import an IATI file of 50,000 activities, appraise all.

The file is generated from the structure of the test fixture
``tests/fixtures/iati/kenya_activities_203.xml`` (its three activities, each repeated with a new
identifier, varied values, sectors and counties, so every code path of the importer runs:
budgets in EUR/GBP/USD, transactions with and without dates, results, unknown elements,
non-DAC sectors and data-quality flags). Then:

1. ``read_iati`` streams it (activities, programmes, flags), timed, with the peak resident
   memory of a child process that does only this (``resource.getrusage``, so the figure is
   the whole process, Python and pandas included);
2. ``appraise`` runs on every programme (design alone), timed.

Target (issue 10): <= 60 s and <= 1 GB on 2 cores. Writes benchmarks/results/programme.json.
``HUMSEC_BENCH_ACTIVITIES`` changes the size.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/fixtures/iati/kenya_activities_203.xml"
RESULT = Path(__file__).parent / "results" / "programme.json"
N = int(os.environ.get("HUMSEC_BENCH_ACTIVITIES", "50000"))
SECTORS = ("31163", "12240", "14031", "43060", "15220", "11220", "72040", "16010")


def generate(path: Path, n: int) -> int:
    """Write an IATI 2.03 file of ``n`` activities; returns its size in bytes."""
    text = FIXTURE.read_text(encoding="utf-8")
    head = text[: text.index("<iati-activity ")]
    body = re.findall(r"<iati-activity .*?</iati-activity>", text, flags=re.S)
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for i in range(n):
            act = body[i % len(body)]
            act = re.sub(r"<iati-identifier>([^<]+)</iati-identifier>",
                         rf"<iati-identifier>\1-{i:06d}</iati-identifier>", act)
            act = act.replace('code="31163"', f'code="{SECTORS[i % len(SECTORS)]}"')
            act = act.replace("KE023", f"KE{1 + i % 47:03d}")
            act = act.replace(">1000000<", f">{1000000 + 37 * i}<")
            out.write("  " + act + "\n")
        out.write("</iati-activities>\n")
    return path.stat().st_size


def _child(path: str) -> None:
    import resource

    from humsec.programme import appraise, read_iati

    start = time.perf_counter()
    result = read_iati(path)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    markers: dict[str, int] = {}
    for programme in result.programmes:
        marker = appraise(programme).marker
        markers[marker] = markers.get(marker, 0) + 1
    appraise_s = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"read_s": read_s, "appraise_s": appraise_s,
                      "activities": len(result.activities),
                      "programmes": len(result.programmes), "issues": len(result.issues),
                      "markers": markers, "peak_rss_mb": peak_kb / 1024}))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activities.xml"
        size = generate(path, N)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c",
                               "import sys; from benchmarks.bench_programme import _child; "
                               "_child(sys.argv[1])", str(path)],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        wall = time.perf_counter() - start
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    record = {
        "benchmark": "programme", "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "activities": N, "file_mb": round(size / 1e6, 1),
        "read_iati_s": round(figures["read_s"], 2),
        "appraise_all_s": round(figures["appraise_s"], 2),
        "total_s": round(figures["read_s"] + figures["appraise_s"], 2),
        "process_wall_s": round(wall, 2), "peak_rss_mb": round(figures["peak_rss_mb"], 1),
        "programmes": figures["programmes"], "issues": figures["issues"],
        "markers": figures["markers"], "load_average_1min": load,
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "target": "<= 60 s and <= 1 GB on 2 cores",
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()

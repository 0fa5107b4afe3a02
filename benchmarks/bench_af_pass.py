"""Alkire-Foster end to end against one plain DuckDB pass over the same Parquet file (issue 13).

The reference is what any engine must do at least once: read the file and compute the
sufficient statistics (``docs/deprivation.md``; METHODS.md "Sufficient statistics") per
stratum x PSU x domain (region x group): sum s, sum s*poor, sum s*c(k) and sum s*g_j*poor for
the 10 indicators (k = 0.33, global-MPI nested weights). Two plain formulations are timed and
the faster one is the reference:

* ``direct``: one group per (stratum, PSU, region, group), the censored products written out;
* ``poor_key``: the poverty status as a fifth key, so the censored sums are those of the poor
  group (13 sums per group instead of 13 products per row; DOUBLE literals throughout: a
  literal such as 0.1666 is a DECIMAL in DuckDB and makes the pass ~2x slower).

humsec's case is the whole public path: ``scan_microdata(file)`` (DuckDB) and ``estimate`` with
SEs and logit/t CIs for the total and the 14 levels. Every case is a fresh Python process
(whole process against whole process, imports included), timed from the parent; CPU time and
peak RSS come from ``os.wait4`` for that child alone. Cases alternate within each repetition,
and the 1-minute load average is recorded before each run: the machine is shared, so the
ratios from the same run are the figures to read, not the absolute seconds.

Data: the synthetic survey of ``bench_deprivation`` (seed 20240601; 50 strata, 5,000 PSUs),
generated once under benchmarks/data/ (git-ignored; 100M rows are ~1 GB of Parquet).
Run: ``python -m benchmarks.run af_pass`` (``HUMSEC_BENCH_AF_SIZES=1m,10m,100m`` for the
out-of-core size, ``HUMSEC_BENCH_REPEAT=3`` repetitions by default).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_deprivation import DATA, INDICATORS, WEIGHTS, generate

HERE = Path(__file__).parent
RESULT = HERE / "results" / "af_pass.json"
SIZES = {"1m": 1_000_000, "10m": 10_000_000, "100m": 100_000_000}
K = 0.33
MEMORY_LIMIT = "1GB"  # humsec's default for scan_microdata; the reference gets the same
#: scan_microdata's spill folder: the reference connects with the same settings (memory limit,
#: temporary directory, default threads) as humsec's DuckDB relation.
SPILL = str(Path(tempfile.gettempdir()) / "humsec-duckdb")


def _score_sql() -> str:
    return " + ".join(
        f"CAST({x} AS DOUBLE) * {w!r}::DOUBLE" for x, w in zip(INDICATORS, WEIGHTS, strict=True)
    )


def reference_sql(path: Path, form: str) -> str:
    """The plain DuckDB query of the sufficient statistics (see the module docstring)."""
    source = f"read_parquet('{path}')"
    columns = ", ".join(INDICATORS)
    keys = 'stratum, psu, region, "group"'
    rows = (
        f"SELECT {keys}, CAST(weight AS DOUBLE) AS s, {columns}, {_score_sql()} AS c FROM {source}"
    )
    poor = f"c >= {K - 1e-9!r}::DOUBLE"
    if form == "direct":
        censored = ", ".join(f"sum(sp * CAST({x} AS DOUBLE)) AS sgp_{x}" for x in INDICATORS)
        return (f"WITH r AS ({rows}), p AS (SELECT *, CASE WHEN {poor} THEN s ELSE 0.0 END AS sp "
                f"FROM r) SELECT {keys}, sum(s) AS s, sum(sp) AS sp, sum(sp * c) AS sc, "
                f"{censored} FROM p GROUP BY {keys}")  # fmt: skip
    products = ", ".join(f"sum(s * CAST({x} AS DOUBLE)) AS sg_{x}" for x in INDICATORS)
    return (f"WITH r AS ({rows}) SELECT {keys}, {poor} AS poor, sum(s) AS s, sum(s * c) AS sc, "
            f"{products} FROM r GROUP BY {keys}, poor")  # fmt: skip


_REFERENCE = """
import duckdb
con = duckdb.connect(config={{"memory_limit": {limit!r}, "temp_directory": {spill!r}}})
sums = con.sql({sql!r}).fetchnumpy()
poor = sums["poor"] if "poor" in sums else None
total = float(sums["s"].sum())
censored = float(sums["sc"][poor].sum() if poor is not None else sums["sc"].sum())
import json
print(json.dumps({{"groups": len(sums["s"]), "M0": censored / total}}))
"""

_HUMSEC = """
from humsec.data import scan_microdata
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
spec = DeprivationSpec(indicators=dict(zip({inds!r}, {weights!r})), k={k!r})
design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
result = estimate(scan_microdata({path!r}, memory_limit={limit!r}), spec, design,
                  by=["region", "group"])
import json, sys
print(json.dumps({{"table_rows": len(result.table), "M0": result.value("M0"),
                  "M0_se": result.value("M0", column="se"), "n_psu": result.n_psu,
                  "scipy_imported": any(m.startswith("scipy") for m in sys.modules)}}))
"""


def _run(script: str) -> dict[str, Any]:
    """One fresh Python process: wall from the parent, CPU and peak RSS of that child."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    out, err = child.communicate()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1], "load_1min": load}
    return {
        **json.loads(out.strip().splitlines()[-1]),
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "load_1min": round(load, 2),
    }


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "wall_seconds" in r]
    if not ok:
        return {"runs": runs}
    return {
        "wall_seconds": statistics.median(r["wall_seconds"] for r in ok),
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in ok),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in ok),
        "M0": ok[0]["M0"],
        "runs": runs,
    }


def measure(name: str, rows: int, repeat: int) -> dict[str, Any]:
    """All cases on one file size, alternating within each repetition."""
    path = generate(rows, DATA / f"deprivation_{name}.parquet")
    scripts = {
        form: _REFERENCE.format(limit=MEMORY_LIMIT, spill=SPILL, sql=reference_sql(path, form))
        for form in ("direct", "poor_key")
    }
    scripts["humsec"] = _HUMSEC.format(inds=INDICATORS, weights=WEIGHTS, k=K, path=str(path),
                                       limit=MEMORY_LIMIT)  # fmt: skip
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in scripts}
    for _ in range(repeat):
        for case, script in scripts.items():
            runs[case].append(_run(script))
    cases = {case: _summary(r) for case, r in runs.items()}
    references = [c for c in ("direct", "poor_key") if "wall_seconds" in cases[c]]
    out: dict[str, Any] = {"rows": rows, "cases": cases}
    if references and "wall_seconds" in cases["humsec"]:
        best = min(references, key=lambda c: cases[c]["wall_seconds"])
        ref, ours = cases[best], cases["humsec"]
        out["reference"] = best
        out["ratios"] = {
            "wall": ours["wall_seconds"] / ref["wall_seconds"],
            "cpu": ours["cpu_seconds"] / ref["cpu_seconds"],
            "peak_rss": ours["peak_rss_mb"] / ref["peak_rss_mb"],
        }
        out["M0_difference"] = abs(ours["M0"] - ref["M0"])
    return out


def main() -> None:
    """Measure every size; write results/af_pass.json and print the growth table."""
    sizes = os.environ.get("HUMSEC_BENCH_AF_SIZES", "1m,10m").split(",")
    repeat = int(os.environ.get("HUMSEC_BENCH_REPEAT", "3"))
    started = time.perf_counter()
    load_start = os.getloadavg()
    table = {name: measure(name, SIZES[name], repeat) for name in sizes}
    result = {
        "benchmark": "af_pass",
        "workload": "N individuals x 10 binary indicators, 50 strata, 5,000 PSUs, weights, "
        "2 subgroup variables (10 + 4 levels), k = 0.33; Parquet file to estimates with "
        "design SEs and CIs, against one DuckDB pass to the per stratum x PSU x domain sums",
        "targets": {"wall_ratio": 1.1, "peak_rss_ratio": 1.3},
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load_start,
            "load_average_at_end": os.getloadavg(),
        },
        "repeat": repeat,
        "sizes": table,
        "total_seconds": time.perf_counter() - started,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2))
    print(f"{'rows':>6} {'reference':>9} {'ref s':>7} {'humsec s':>8} {'wall x':>7} {'cpu x':>6} "
          f"{'ref MB':>7} {'humsec MB':>9} {'rss x':>6} {'load':>5}")  # fmt: skip
    for name, size in table.items():
        if "ratios" not in size:
            print(f"{name:>6} failed: {json.dumps(size)[:300]}")
            continue
        ref, ours = size["cases"][size["reference"]], size["cases"]["humsec"]
        loads = [r["load_1min"] for case in size["cases"].values() for r in case["runs"]]
        print(f"{name:>6} {size['reference']:>9} {ref['wall_seconds']:7.2f} "
              f"{ours['wall_seconds']:8.2f} {size['ratios']['wall']:7.2f} "
              f"{size['ratios']['cpu']:6.2f} {ref['peak_rss_mb']:7.0f} {ours['peak_rss_mb']:9.0f} "
              f"{size['ratios']['peak_rss']:6.2f} {statistics.median(loads):5.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

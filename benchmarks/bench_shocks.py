"""Benchmark of the shocks engine: 100,000 households in 100 areas x 1,000 simulated years.

Five hazards (cyclone, drought, conflict, epidemic and a national price shock from a
return-period table), Gaussian-copula dependence, recovery, well-being losses, poverty and
Alkire-Foster effects, as in the demo scenario, at 10,000, 100,000 and 1,000,000 households
(the 100,000-household exposure tiled ten times). Each size runs in a fresh subprocess so that
the peak resident memory (``ru_maxrss``) belongs to that run alone; ``process_seconds`` is
that whole process timed from outside (interpreter start, imports, building the scenario, a
2-year warm-up that loads the compiled kernel from numba's cache, and the timed simulation).
Targets (issue 13): 1,000,000 households x 1,000 years <= 8 s and <= 1.5 GB on 2 cores.

The compiled kernel is cached on disk by numba (``cache=True``, next to the source). Before the
sizes, one small priming process makes sure that cache exists, so every timed size measures
what a user's second run pays (loading the cached kernel: ``kernel_load_seconds``, the
2-year warm-up). A last run at 10,000 households points ``NUMBA_CACHE_DIR`` at an empty
directory, so it compiles the kernel as a first run after installing would
(``cold_cache``: its whole process and its warm-up, the compile included).

Run: ``python -m benchmarks.run shocks`` (writes benchmarks/results/shocks.json).
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

RESULTS = Path(__file__).parent / "results" / "shocks.json"
SIZES = ((10_000, 1000), (100_000, 1000), (1_000_000, 1000))


def _scenario(n_households: int):  # type: ignore[no-untyped-def]
    import numpy as np
    import pandas as pd

    from humsec.data import synthetic_survey
    from humsec.shocks import Exposure, build_scenario, exposure_from_survey
    from humsec.shocks.scenario import scenario_spec

    base_n = min(n_households, 100_000)
    exposure = exposure_from_survey(synthetic_survey(base_n, seed=1, n_regions=5,
                                                     areas_per_region=20))
    if n_households > base_n:
        reps = n_households // base_n
        units = pd.concat([exposure.units] * reps, ignore_index=True)
        units["unit_id"] = np.arange(len(units))
        exposure = Exposure.from_units(
            units, groups=pd.concat([exposure.groups] * reps, ignore_index=True),
            deprivations=pd.concat([exposure.deprivations] * reps, ignore_index=True))
    areas = exposure.areas
    spec = scenario_spec("demo")
    # Same hazards as the demo, spread over the 100 areas: coastal cyclones in the first 30,
    # conflict in the last 20, drought, epidemics and price shocks everywhere.
    hz = spec["hazards"]
    hz["area_hazards"][0]["rates"] = {a: 0.2 for a in areas[:30]}
    hz["area_hazards"][1]["rates"] = {}
    hz["area_hazards"][2]["rates"] = {a: 0.12 for a in areas[-20:]}
    return build_scenario(spec, exposure)


def run_one(n_households: int, n_years: int) -> dict[str, float]:
    """Build the scenario, then time ``simulate`` (threads backend, 2 workers)."""
    t_import = time.perf_counter()
    from humsec.shocks import simulate

    import_seconds = time.perf_counter() - t_import
    t0 = time.perf_counter()
    scenario = _scenario(n_households)
    build = time.perf_counter() - t0
    t_load = time.perf_counter()
    simulate(scenario, 2, seed=1)  # load the compiled kernel from numba's cache
    kernel_load = time.perf_counter() - t_load
    with open("/proc/loadavg", encoding="utf-8") as fh:
        load_before = float(fh.read().split()[0])
    t1 = time.perf_counter()
    c1 = time.process_time()
    risk = simulate(scenario, n_years, seed=1, backend="threads", workers=2)
    seconds = time.perf_counter() - t1
    cpu = time.process_time() - c1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "households": n_households,
        "areas": len(scenario.exposure.areas),
        "years": n_years,
        "hazards": len(scenario.hazards.hazard_names),
        "import_seconds": round(import_seconds, 2),
        "build_seconds": round(build, 2),
        "kernel_load_seconds": round(kernel_load, 2),
        "simulate_seconds": round(seconds, 2),
        "simulate_cpu_seconds": round(cpu, 2),
        "load_average_before": load_before,
        "peak_rss_mb": round(peak_mb, 1),
        "household_evaluations": risk.evaluations,
        "ns_per_evaluation": round(seconds / max(risk.evaluations, 1) * 1e9, 1),
        # CPU time (both workers) per evaluation: on a shared machine it varies far less than
        # the wall time, which waits for a free core
        "cpu_ns_per_evaluation": round(cpu / max(risk.evaluations, 1) * 1e9, 1),
        "eai_asset_loss": float(risk.eai("asset_loss").iloc[0]),
        "eai_wellbeing_loss": float(risk.eai("wellbeing_loss").iloc[0]),
    }


def _process(n: int, years: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """One size in a fresh process, timed from outside (wall) and by the child (CPU)."""
    code = (f"import json, benchmarks.bench_shocks as b; "
            f"print(json.dumps(b.run_one({n}, {years})))")
    with open("/proc/loadavg", encoding="utf-8") as fh:
        load = fh.read().split()[:3]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = json.loads(out.stdout.strip().splitlines()[-1])
    run["process_seconds"] = round(time.perf_counter() - start, 2)
    run["process_cpu_seconds"] = round(after.ru_utime + after.ru_stime
                                       - before.ru_utime - before.ru_stime, 2)
    run["load_average_at_start"] = load
    return run


def main() -> None:
    """Run every size in its own subprocess and write the JSON."""
    # make sure numba's on-disk cache holds the kernel (a user's second run)
    subprocess.run([sys.executable, "-c", "from humsec.shocks import demo_scenario, simulate; "
                    "simulate(demo_scenario(200), 2, seed=1)"], check=True)
    runs = []
    for n, years in SIZES:
        run = _process(n, years)
        print(run, flush=True)
        runs.append(run)
    with tempfile.TemporaryDirectory() as empty:
        cold = _process(10_000, 1000, {**os.environ, "NUMBA_CACHE_DIR": empty})
    print({"cold_cache": cold}, flush=True)
    with open("/proc/loadavg", encoding="utf-8") as fh:
        load = fh.read().split()[:3]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "shocks",
        "command": "python -m benchmarks.run shocks",
        "target": "1M households x 1000 years <= 8 s and <= 1.5 GB on 2 cores",
        "machine": {"python": platform.python_version(), "cpus": 2,
                    "load_average_at_end": load},
        "runs": runs,
        "cold_cache": cold,
    }, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""The cost model of a --by breakdown against the measured time, and shock chunking.

Workload: the synthetic survey of 20,000 households (about 89,000 persons, 1,000 PSUs in 10
strata), global MPI (10 indicators, 23 sufficient statistics), broken down by a random
subgroup column of L levels (L = 900, 4,500; ``max_groups=L`` lifts the 1,000-level cap). For
each L the benchmark times ``humsec.deprivation.estimate`` and reports the model's cells
(PSUs x (1 + L) x 23), the measured cells per second and the model's estimate (3e6 cells a second,
:func:`humsec.workload.check_breakdown`). A second part times one shock simulation (demo
exposure, 5,000 households, 500 years) with ``block_size`` 262,144 and 20,000 and checks that
both give the same bytes.

Run: ``python -m benchmarks.run subgroups``; writes benchmarks/results/subgroups.json.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "subgroups.json"


def main() -> None:
    import numpy as np

    from humsec.data import synthetic_survey
    from humsec.deprivation import SurveyDesign, bundled_spec, estimate
    from humsec.shocks import demo_scenario, simulate

    data = synthetic_survey(20_000, seed=1)
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
    spec = bundled_spec("global_mpi")
    n_psu = int(data[["stratum", "psu"]].drop_duplicates().shape[0])
    rng = np.random.default_rng(1)
    rows = []
    for levels in (900, 4_500):
        data["g"] = rng.integers(0, levels, len(data))
        start = time.perf_counter()
        result = estimate(data, spec, design, by=["g"], max_groups=levels)
        seconds = time.perf_counter() - start
        cells = n_psu * (1 + levels) * 23
        rows.append({"levels": levels, "psus": n_psu, "rows": len(data),
                     "table_rows": len(result.table), "seconds": round(seconds, 2),
                     "model_cells": cells, "cells_per_second": round(cells / seconds),
                     "model_seconds": round(cells / 3e6, 2)})  # fmt: skip
        print(rows[-1], flush=True)
    scenario = demo_scenario(5_000)
    simulate(scenario, 10, seed=1)  # compile the kernel first
    shocks = []
    outputs = []
    for block_size in (262_144, 20_000):
        start = time.perf_counter()
        risk = simulate(scenario, 500, seed=1, block_size=block_size)
        shocks.append({"block_size": block_size,
                       "seconds": round(time.perf_counter() - start, 2)})  # fmt: skip
        outputs.append(risk.units.select_dtypes("number").to_numpy())
    same = bool(np.array_equal(outputs[0], outputs[1]))
    print(shocks, "same bytes:", same, flush=True)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": platform.machine(), "python": platform.python_version(),
               "subgroups": rows, "shocks": shocks, "shocks_same_bytes": same}
    RESULT.write_text(json.dumps(payload, indent=2) + "\n")

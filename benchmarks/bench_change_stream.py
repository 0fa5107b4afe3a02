"""Change over time streams its subgroup levels in blocks: time and bytes against block size.

Workload: two synthetic rounds of 5,000 households each (2015, 2020; about 44,000 persons,
PSUs distinct per round), global MPI (10 indicators: 23 sums, 23 measures), broken down by a
random subgroup column of 900 levels. ``humsec.deprivation.change_over_time`` runs with the
default stream budget (``workload.STREAM_BYTES``, 512 MB) and with budgets of 1/4 and 1/16 of
the dense PSU x round x level arrays; the benchmark reports the levels per block, the time and
whether every table is the same bytes as the default's.

Run: ``python -m benchmarks.run change_stream``; writes benchmarks/results/change_stream.json.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "change_stream.json"


def main() -> None:
    import numpy as np
    import pandas as pd

    from humsec import workload
    from humsec.data import synthetic_survey
    from humsec.deprivation import SurveyDesign, bundled_spec, change_over_time
    from humsec.deprivation.subgroup_cost import round_level_bytes

    first = synthetic_survey(5_000, seed=1).assign(year=2015)
    second = synthetic_survey(5_000, seed=2, want_shift=-0.5).assign(year=2020)
    second["psu"] += int(first["psu"].max())
    data = pd.concat([first, second], ignore_index=True)
    data["g"] = np.random.default_rng(1).integers(0, 900, len(data))
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
    spec = bundled_spec("global_mpi")
    n_psu = int(data[["year", "stratum", "psu"]].drop_duplicates().shape[0])
    one_level = round_level_bytes(n_psu, 2, 23, 23)
    dense = one_level * 901
    default = workload.STREAM_BYTES
    rows, tables = [], []
    for budget in (default, dense / 4, dense / 16):
        workload.STREAM_BYTES = budget
        start = time.perf_counter()
        result = change_over_time(data, spec, "year", design, by="g")
        seconds = time.perf_counter() - start
        tables.append(result.table)
        rows.append({"stream_bytes": round(budget), "levels_per_block": int(budget // one_level),
                     "seconds": round(seconds, 2), "table_rows": len(result.table),
                     "same_bytes": bool(tables[0].equals(result.table))})  # fmt: skip
        print(rows[-1], flush=True)
    workload.STREAM_BYTES = default
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": platform.machine(), "python": platform.python_version(),
               "psus": n_psu, "levels": 900, "dense_bytes": round(dense), "runs": rows}  # fmt: skip
    RESULT.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()

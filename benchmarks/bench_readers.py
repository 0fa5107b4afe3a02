"""Reading a large user CSV: humsec.data.read_table (with encoding detection, ragged-row
validation and line tracking) against a bare ``pandas.read_csv``.

Workload: 1,000,000 rows x 10 columns (an id, an ISO3 code, 8 floats), about 180 MB, written
once to a temporary folder; plain and fully-quoted variants; best of 3 runs each.
"""

from __future__ import annotations

import csv
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.data.readers import read_table

ROWS = 1_000_000
REPEATS = 3
RESULT = Path(__file__).parent / "results" / "readers.json"


def _best(fn: object) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Time both readers on both variants and write benchmarks/results/readers.json."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "id": np.arange(ROWS),
            "iso3": rng.choice(["KEN", "MLI", "NER", "CIV"], ROWS),
            **{f"x{i}": rng.random(ROWS) for i in range(8)},
        }
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for variant, quoting in (("plain", csv.QUOTE_MINIMAL), ("quoted", csv.QUOTE_NONNUMERIC)):
            path = Path(tmp) / f"{variant}.csv"
            frame.to_csv(path, index=False, quoting=quoting)
            assert read_table(path).shape == frame.shape
            humsec_s = _best(lambda p=path: read_table(p))
            pandas_s = _best(lambda p=path: pd.read_csv(p))
            results.append(
                {
                    "variant": variant,
                    "rows": ROWS,
                    "columns": frame.shape[1],
                    "megabytes": round(path.stat().st_size / 1e6, 1),
                    "read_table_s": round(humsec_s, 3),
                    "pandas_read_csv_s": round(pandas_s, 3),
                    "overhead_ratio": round(humsec_s / pandas_s, 2),
                }
            )
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {"benchmark": "readers", "machine": platform.platform(), "results": results},
            indent=2,
        )
        + "\n"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""The data layer's hot paths: country-name matching and the country panel.

Workloads:
- ``to_iso3`` on 200,000 rows drawn (seed 11) from 400 distinct spellings (every bundled
  country's short and official name): first call in a fresh process (coco regex matching of
  the distinct values) and a repeat call (session cache), against coco's own
  ``CountryConverter.convert`` on the distinct values only.
- ``country_panel()`` of all registered indicators: first call (Parquet read and per-variable
  split) and a repeat call.
Each timing in a fresh subprocess where "first call" matters; best of 3 otherwise.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "data.json"
ROWS = 200_000

_ISO3_SCRIPT = f"""
import time, numpy as np, pandas as pd
from humsec.data import countries, to_iso3
from humsec.data.countries import _converter
table = countries()
names = pd.unique(pd.concat([table['name'], table['official_name']]).dropna())[:400]
rng = np.random.default_rng(11)
values = pd.Series(rng.choice(names, size={ROWS}))
clock = time.perf_counter
start = clock(); first = to_iso3(values, unmatched='keep'); t1 = clock() - start
start = clock(); to_iso3(values, unmatched='keep'); t2 = clock() - start
conv = _converter()
start = clock(); conv.convert(list(names), to='ISO3', not_found=None); t3 = clock() - start
print(t1, t2, t3, len(names), int(first.isna().sum()))
"""

_PANEL_SCRIPT = """
import time
from humsec.data import country_panel
start = time.perf_counter(); panel = country_panel(); t1 = time.perf_counter() - start
start = time.perf_counter(); country_panel(); t2 = time.perf_counter() - start
print(t1, t2, panel.shape[0], panel.shape[1])
"""


def _run(script: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout.split()
    return [float(x) for x in out]


def main() -> None:
    """Run both workloads three times (fresh processes) and write results/data.json."""
    iso = [_run(_ISO3_SCRIPT) for _ in range(3)]
    panel = [_run(_PANEL_SCRIPT) for _ in range(3)]
    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "to_iso3": {
            "rows": ROWS,
            "distinct_values": int(iso[0][3]),
            "unmatched_rows": int(iso[0][4]),
            "first_call_s": min(r[0] for r in iso),
            "repeat_call_s": min(r[1] for r in iso),
            "coco_convert_distinct_only_s": min(r[2] for r in iso),
        },
        "country_panel": {
            "rows": int(panel[0][2]),
            "indicators": int(panel[0][3]),
            "first_call_s": min(r[0] for r in panel),
            "repeat_call_s": min(r[1] for r in panel),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

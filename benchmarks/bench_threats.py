"""Threat network estimation with 500 country-block bootstrap replications on the bundled
country panel (target: ≤ 20 s on 2 cores).

Timed: ``estimate_network(country_panel(), bootstrap=500)`` after the panel is loaded, 3 runs,
plus the same with the half-panel jackknife and with contiguity spillovers. Writes
benchmarks/results/threats.json.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

RESULT = Path(__file__).parent / "results" / "threats.json"
RUNS = 3


def main() -> None:
    from humsec.data import country_panel
    from humsec.threats import estimate_network

    panel = country_panel()
    runs = []
    for label, options in [
        ("default", {}),
        ("jackknife", {"bias_correction": "jackknife"}),
        ("contiguity", {"spatial": "contiguity"}),
    ]:
        for _ in range(RUNS if label == "default" else 1):
            start = time.perf_counter()
            net = estimate_network(panel, bootstrap=500, seed=1, **options)
            seconds = time.perf_counter() - start
            runs.append(
                {
                    "variant": label,
                    "seconds": round(seconds, 3),
                    "threats": len(net.threats),
                    "edges": len(net.edges),
                    "spectral_radius": round(net.spectral_radius, 4),
                }
            )
            print(f"{label}: {seconds:.2f} s ({len(net.threats)} threats, 500 replications)")
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "benchmark": "threats",
                "replications": 500,
                "target_s": 20,
                "runs": runs,
                "load_average": list(os.getloadavg()),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

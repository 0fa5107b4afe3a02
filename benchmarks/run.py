"""Run every ``benchmarks/bench_*.py`` module's ``main()``; each writes JSON to benchmarks/results/.

Usage: ``python -m benchmarks.run [name ...]`` (names without the ``bench_`` prefix).
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        start = time.perf_counter()
        print(f"== bench_{name}", flush=True)
        module.main()
        print(f"== bench_{name} done in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The run store: what a warm `humsec project run` and the service pay for provenance.

Timed on each backend (DuckDB in a temporary folder; PostgreSQL too when
HUMSEC_TEST_POSTGRES_URL is set, in a throw-away schema):

- opening a new store (schema created) and an existing one;
- ``record`` of a run with three tables (10,000 × 10 mixed dtypes, 100 × 5, 1 × 3);
- ``find`` (a hit, the reuse written to the history) and ``tables`` (decode all three);
- ``history`` with 500 runs;
- 8 threads recording 25 runs each (writes serialised).

Medians of 5 repetitions where repeated. Writes benchmarks/results/store.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULT = Path(__file__).parent / "results" / "store.json"
REPEAT = 5


def _tables(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 10_000
    big = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(6)})
    big["pcode"] = pd.array([f"MZ{i % 150:04d}" for i in range(n)], dtype="string")
    big["n"] = pd.array(rng.integers(0, 100, n), dtype="Int64")
    big["flag"] = pd.Categorical(rng.choice(["ok", "few PSUs"], n))
    big["note"] = pd.Series([None] * n, dtype=object)
    return {
        "households": big,
        "areas": pd.DataFrame(rng.normal(size=(100, 5)), columns=list("abcde")),
        "summary": pd.DataFrame({"H": [0.41], "A": [0.52], "M0": [0.2132]}),
    }


def _median(fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4)


def _bench(target: dict[str, Any]) -> dict[str, float]:
    from humsec.project.store import input_hash, open_store

    t = datetime.now(UTC)
    start = time.perf_counter()
    store = open_store(**target)
    out = {"open_new_s": round(time.perf_counter() - start, 4)}
    store.close()
    out["open_existing_s"] = _median(lambda: open_store(**target).close())
    store = open_store(**target)
    tables = _tables(1)
    counter = iter(range(10**9))

    def record() -> str:
        i = next(counter)
        return store.record(
            analysis="deprivation",
            input_hash=input_hash({}, {"i": i}, "0.1.0", i),
            inputs={},
            spec={"i": i},
            seed=i,
            started=t,
            ended=t,
            tables=tables,
            humsec_version="0.1.0",
        ).run_id

    out["record_3_tables_s"] = _median(record)
    key = input_hash({}, {"i": 0}, "0.1.0", 0)
    out["find_hit_s"] = _median(lambda: store.find("deprivation", key))
    run_id = record()
    out["tables_3_s"] = _median(lambda: store.tables(run_id))
    small = {"summary": tables["summary"]}
    for i in range(500 - len(store.history())):
        store.record(
            analysis="index",
            input_hash=f"{i:064d}",
            inputs={},
            spec={},
            seed=None,
            started=t,
            ended=t,
            tables=small,
            humsec_version="0.1.0",
        )
    out["history_500_s"] = _median(store.history)

    def worker(w: int) -> None:
        for i in range(25):
            store.record(
                analysis="shocks",
                input_hash=f"{w:032d}{i:032d}",
                inputs={},
                spec={},
                seed=None,
                started=t,
                ended=t,
                tables=small,
                humsec_version="0.1.0",
            )

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out["threads_8x25_records_s"] = round(time.perf_counter() - start, 3)
    store.close()
    return out


def main() -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["duckdb"] = _bench({"url_or_path": Path(tmp) / "store.duckdb"})
        size = (Path(tmp) / "store.duckdb").stat().st_size
        results["duckdb"]["file_mb"] = round(size / 2**20, 2)
    url = os.environ.get("HUMSEC_TEST_POSTGRES_URL")
    if url:
        import sqlalchemy as sa

        schema = f"humsec_bench_{uuid.uuid4().hex[:8]}"
        try:
            results["postgresql"] = _bench({"url_or_path": url, "schema": schema})
        finally:
            engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    for backend, figures in results.items():
        print(backend, ", ".join(f"{k} {v}" for k, v in figures.items()))
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "benchmark": "store",
                "repeat": REPEAT,
                "results": results,
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

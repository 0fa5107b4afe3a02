"""The service under load, on loopback (issue 12's benchmark).

1. **Mixed load.** ``humsec serve`` runs in its own process on a temporary workspace holding
   the demo project (its area analyses run once first). ``CLIENTS`` concurrent analysts (50)
   then send requests for ``SECONDS`` (60; ``HUMSEC_BENCH_SECONDS`` overrides): 80 % reads
   (project overview, run history, a result table as CSV, the framework's threats) and 20 %
   small shock jobs (300 households × 20 years, seeds from a small set, so most are reused
   results as a team would see). Reported: requests/s, p50/p95/p99 latency per class, errors.
2. **Stress test.** A 100k-household × 1,000-year shock simulation submitted through the API
   (job submitted, polled to completion) against the same ``simulate`` call in a Python
   process; the overhead is the ratio minus one.

Writes benchmarks/results/service.json.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

RESULT = Path(__file__).parent / "results" / "service.json"
CLIENTS = 50
SECONDS = float(os.environ.get("HUMSEC_BENCH_SECONDS", "60"))
ADMIN = "bench-admin-token"
STRESS = {"n_households": 100_000, "n_years": 1_000, "seed": 1}

_PYTHON_STRESS = """
import time
start = time.perf_counter()
from humsec.shocks import demo_scenario, simulate
risk = simulate(demo_scenario({n_households}, seed={seed}), n_years={n_years}, seed={seed})
print(time.perf_counter() - start)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "HUMSEC_ADMIN_TOKEN": ADMIN}
    humsec = str(Path(sys.executable).with_name("humsec"))
    proc = subprocess.Popen(
        [
            humsec,
            "serve",
            "--port",
            str(port),
            "--store",
            str(root / "store.duckdb"),
            "--projects",
            str(root / "projects"),
            "--compute-per-minute",
            "1000000",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the service did not start")


def _wait(client: httpx.Client, job_id: str, path: str = "/api/v1/jobs/") -> dict[str, Any]:
    while True:
        view = client.get(path + job_id).json()
        if view["status"] in ("done", "failed", "cancelled"):
            return dict(view)
        time.sleep(0.05)


def _prepare(base: str) -> tuple[str, str]:
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=600)
    admin.post("/api/v1/projects", json={"name": "kenya"}).raise_for_status()
    token = admin.post("/api/v1/tokens", json={"role": "analyst", "project": "kenya"}).json()
    jobs = admin.post("/api/v1/projects/kenya/runs", json={"analyses": ["area_index"]}).json()
    run = _wait(admin, jobs[0]["job_id"])
    return str(token["token"]), str(run["run_id"])


def _load(base: str, token: str, run_id: str) -> dict[str, Any]:
    reads = [
        "/api/v1/projects/kenya",
        "/api/v1/projects/kenya/runs",
        "/api/v1/framework/threats",
    ]
    tables = httpx.get(
        f"{base}/api/v1/projects/kenya/runs/{run_id}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["tables"]
    reads.append(f"/api/v1/projects/kenya/runs/{run_id}/tables/{tables[0]}?format=csv")
    latencies: dict[str, list[float]] = {"read": [], "job": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def analyst(n: int) -> None:
        rng = random.Random(n)
        client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        while time.monotonic() < stop:
            kind = "job" if rng.random() < 0.2 else "read"
            start = time.perf_counter()
            try:
                if kind == "read":
                    response = client.get(rng.choice(reads))
                else:
                    body = {
                        "kind": "shocks",
                        "project": "kenya",
                        "params": {"n_households": 300, "n_years": 20, "seed": rng.randrange(5)},
                    }
                    response = client.post("/api/v1/jobs", json=body)
                ok = response.status_code < 400
            except httpx.HTTPError as error:
                ok, response = False, None
                text = type(error).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies[kind].append(elapsed)
                if not ok:
                    errors.append(text if response is None else str(response.status_code))
        client.close()

    threads = [threading.Thread(target=analyst, args=(n,)) for n in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    out: dict[str, Any] = {
        "clients": CLIENTS,
        "seconds": round(wall, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }
    total = sum(len(v) for v in latencies.values())
    out["requests_per_second"] = round(total / wall, 1)
    for kind, values in latencies.items():
        ms = np.asarray(values) * 1000
        out[kind] = {
            "requests": len(values),
            "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
            "p95_ms": round(float(np.percentile(ms, 95)), 1) if len(ms) else None,
            "p99_ms": round(float(np.percentile(ms, 99)), 1) if len(ms) else None,
        }
    return out


def _stress(base: str, token: str) -> dict[str, Any]:
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600)
    # Let the load phase's queued jobs drain first: the stress job must not wait behind them.
    drain_until = time.monotonic() + 120
    while time.monotonic() < drain_until and any(
        j["status"] in ("queued", "running") for j in client.get("/api/v1/jobs").json()
    ):
        time.sleep(0.5)
    start = time.perf_counter()
    job = client.post(
        "/api/v1/jobs", json={"kind": "shocks", "project": "kenya", "params": STRESS}
    ).json()
    view = _wait(client, job["job_id"])
    api_seconds = time.perf_counter() - start
    script = _PYTHON_STRESS.format(**STRESS)
    python_seconds = float(
        subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    return {
        "households": STRESS["n_households"],
        "years": STRESS["n_years"],
        "status": view["status"],
        "api_seconds": round(api_seconds, 2),
        "python_seconds": round(python_seconds, 2),
        "overhead": round(api_seconds / python_seconds - 1, 3),
    }


def main() -> None:
    """Run both workloads; write benchmarks/results/service.json."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = _start(Path(tmp))
        try:
            token, run_id = _prepare(base)
            result = {
                "load": _load(base, token, run_id),
                "stress": _stress(base, token),
                "load_average": os.getloadavg(),
                "cpus": os.cpu_count(),
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""The service under load, on loopback (issue 12's benchmark).

1. **Mixed load.** ``humsec serve`` runs in its own process on a temporary workspace holding
   the demo project (its area index runs once first). ``CLIENTS`` concurrent analysts (50, as
   ``PROCESSES`` client processes of threads, so the clients' own interpreter lock does not
   throttle them) send requests back to back for ``SECONDS`` (60; ``HUMSEC_BENCH_SECONDS``
   overrides): 80 % reads (project overview, the run history's newest page, a result table
   as CSV, the framework's threats) and 20 % small shock jobs (300 households × 20 years,
   seeds from a small set, so most are reused results as a team would see). Reported:
   requests/s, p50/p95/p99 latency per class and per read, errors, the service's own time
   per request (its ``Server-Timing`` header: the rest is queueing for a CPU on a busy
   machine) and the CPU seconds the service process used per request.
2. **Stress test.** A 100k-household × 1,000-year shock simulation submitted through the API
   (job submitted, followed through its event stream to completion, its summary fetched)
   against the same simulation and tables computed in a Python process. Both are warm (the
   service's Dask worker has run a job, the Python process has imported humsec) and run on
   an idle queue: a
   fresh service that runs nothing else. ``STRESS_REPEATS`` (3) runs of each, alternated, each
   with its own seed (so the API cannot reuse a stored result; ``HUMSEC_BENCH_STRESS_REPEATS``
   overrides); the overhead is given from the medians and from the best runs, in wall seconds
   and in CPU seconds (the service and its Dask workers against the Python process: on a
   shared, busy machine the CPU figure is the steadier one).

``HUMSEC_BENCH_PHASES`` picks ``load``, ``stress`` or both (default ``load,stress``). Writes
benchmarks/results/service.json, with the load average before and after each phase.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

RESULT = Path(__file__).parent / "results" / "service.json"
CLIENTS = 50
PROCESSES = 5
SECONDS = float(os.environ.get("HUMSEC_BENCH_SECONDS", "60"))
PHASES = os.environ.get("HUMSEC_BENCH_PHASES", "load,stress").split(",")
STRESS = {"n_households": 100_000, "n_years": 1_000}
STRESS_REPEATS = int(os.environ.get("HUMSEC_BENCH_STRESS_REPEATS", "3"))
JOB_TIMEOUT = 900.0
ADMIN = "bench-admin-token"

_PYTHON_STRESS = """
import json, sys, time
from humsec.shocks import demo_scenario, simulate
for seed in json.loads(sys.argv[1]):
    start, cpu = time.perf_counter(), time.process_time()
    risk = simulate(demo_scenario({n_households}, seed=seed), n_years={n_years}, seed=seed)
    tables = [risk.summary(), risk.to_frame(), risk.by_group(), risk.by_area(), risk.by_hazard()]
    out = {{"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}}
    print(json.dumps(out), flush=True)
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
    for _ in range(600):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the service did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait(client: httpx.Client, job_id: str, timeout: float = JOB_TIMEOUT) -> dict[str, Any]:
    """The job's final view; a job still running after ``timeout`` s is reported as such."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = client.get("/api/v1/jobs/" + job_id).json()
        if view["status"] in ("done", "failed", "cancelled"):
            return dict(view)
        time.sleep(0.05)
    return {**view, "status": f"still {view['status']} after {timeout:.0f} s"}


def _follow(client: httpx.Client, job_id: str, timeout: float = JOB_TIMEOUT) -> dict[str, Any]:
    """The job's final view, read from its server-sent event stream (as a dashboard does)."""
    view: dict[str, Any] = {"status": "no event"}
    with client.stream("GET", f"/api/v1/jobs/{job_id}/events", timeout=timeout) as events:
        for line in events.iter_lines():
            if line.startswith("data: "):
                view = json.loads(line.removeprefix("data: "))
    return view


def _admin(base: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {ADMIN}"}
    return httpx.Client(base_url=base, headers=headers, timeout=600)


def _prepare(base: str) -> tuple[str, str]:
    with _admin(base) as admin:
        admin.post("/api/v1/projects", json={"name": "kenya"}).raise_for_status()
        token = admin.post("/api/v1/tokens", json={"role": "analyst", "project": "kenya"}).json()
        jobs = admin.post("/api/v1/projects/kenya/runs", json={"analyses": ["area_index"]}).json()
        run = _wait(admin, jobs[0]["job_id"])
    return str(token["token"]), str(run["run_id"])


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by the service process and its children (the Dask workers)."""
    import psutil

    process = psutil.Process(pid)
    used = process.cpu_times()
    total = used.user + used.system
    for child in process.children(recursive=True):
        try:
            child_used = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_used.user + child_used.system
    return float(total)


def _analysts(base: str, token: str, reads: list[str], first: int, n: int, stop_at: float) -> Any:
    """Run in a client process: ``n`` analysts as threads until ``stop_at`` (wall clock)."""
    samples: list[tuple[str, float, float | None, bool, str]] = []
    lock = threading.Lock()

    def analyst(seat: int) -> None:
        rng = random.Random(seat)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            while time.time() < stop_at:
                kind = "job" if rng.random() < 0.2 else "read"
                path = rng.choice(reads) if kind == "read" else "/api/v1/jobs"
                start = time.perf_counter()
                served: float | None = None
                try:
                    if kind == "read":
                        response = client.get(path)
                    else:
                        params = {"n_households": 300, "n_years": 20, "seed": rng.randrange(5)}
                        body = {"kind": "shocks", "project": "kenya", "params": params}
                        response = client.post(path, json=body)
                    ok, why = response.status_code < 400, str(response.status_code)
                    timing = response.headers.get("server-timing", "")
                    if "dur=" in timing:
                        served = float(timing.split("dur=", 1)[1].split(";")[0]) / 1000
                except httpx.HTTPError as error:
                    ok, why = False, type(error).__name__
                elapsed = time.perf_counter() - start
                with lock:
                    samples.append((kind if kind == "job" else path, elapsed, served, ok, why))

    threads = [threading.Thread(target=analyst, args=(first + i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _percentiles(values: list[float]) -> dict[str, float | int | None]:
    ms = np.asarray(values) * 1000
    if not len(ms):
        return {"requests": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}
    return {
        "requests": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
    }


def _load(base: str, token: str, run_id: str, pid: int) -> dict[str, Any]:
    reads = [
        "/api/v1/projects/kenya",
        "/api/v1/projects/kenya/runs?order=desc",  # the newest page, as a history view shows
        "/api/v1/framework/threats",
    ]
    tables = httpx.get(
        f"{base}/api/v1/projects/kenya/runs/{run_id}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["tables"]
    reads.append(f"/api/v1/projects/kenya/runs/{run_id}/tables/{tables[0]}?format=csv")
    per = CLIENTS // PROCESSES
    load_before = os.getloadavg()
    with ProcessPoolExecutor(PROCESSES) as pool:
        stop_at = time.time() + 5 + SECONDS  # the client processes start within 5 s
        futures = [
            pool.submit(_analysts, base, token, reads, i * per, per, stop_at)
            for i in range(PROCESSES)
        ]
        time.sleep(max(0.0, stop_at - SECONDS - time.time()))
        cpu_before, began = _server_cpu(pid), time.perf_counter()
        samples = [s for f in futures for s in f.result()]
        wall, cpu_used = time.perf_counter() - began, _server_cpu(pid) - cpu_before
    errors = [why for *_, ok, why in samples if not ok]
    out: dict[str, Any] = {
        "clients": CLIENTS,
        "client_processes": PROCESSES,
        "seconds": round(wall, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "requests_per_second": round(len(samples) / wall, 1),
        "service_cpu_ms_per_request": round(1000 * cpu_used / max(1, len(samples)), 2),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    classes = {
        "read": [s for s in samples if s[0] != "job"],
        "job": [s for s in samples if s[0] == "job"],
    }
    for name, chosen in classes.items():
        out[name] = {
            **_percentiles([s[1] for s in chosen]),
            "served_in": _percentiles([s[2] for s in chosen if s[2] is not None]),
        }
    out["reads"] = {path: _percentiles([s[1] for s in samples if s[0] == path]) for path in reads}
    return out


def _python_stress(seeds: list[int]) -> list[dict[str, float]]:
    """The same simulation and tables in a fresh Python process (timed after its imports):
    wall and CPU seconds of each run."""
    script = _PYTHON_STRESS.format(**STRESS)
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(seeds)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _api_stress(client: httpx.Client, seed: int, pid: int) -> dict[str, Any]:
    """Submit, follow to the end, fetch the summary: wall seconds, the CPU seconds the service
    and its Dask workers used meanwhile, and the job's final status."""
    busy = [j for j in client.get("/api/v1/jobs").json() if j["status"] in ("queued", "running")]
    if busy:
        raise RuntimeError(f"the queue is not idle: {len(busy)} job(s) queued or running")
    start, cpu = time.perf_counter(), _server_cpu(pid)
    body = {"kind": "shocks", "params": {**STRESS, "seed": seed}}
    job = client.post("/api/v1/jobs", json=body).json()
    view = _follow(client, job["job_id"])
    if view["status"] == "done":
        client.get(f"/api/v1/runs/{view['run_id']}/tables/summary").raise_for_status()
    used = {"seconds": time.perf_counter() - start, "cpu": _server_cpu(pid) - cpu}
    return {**used, "status": str(view["status"])}


def _stress(base: str, pid: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    with _admin(base) as client:
        # Warm: the Dask cluster started and its worker has imported the shocks engine.
        warm = client.post("/api/v1/jobs", json={"kind": "shocks", "params": {"seed": 0}}).json()
        _wait(client, warm["job_id"])
        api: list[dict[str, Any]] = []
        python: list[dict[str, float]] = []
        for seed in range(1, STRESS_REPEATS + 1):
            api.append(_api_stress(client, seed, pid))
            python += _python_stress([seed])
    out: dict[str, Any] = {
        "households": STRESS["n_households"],
        "years": STRESS["n_years"],
        "repeats": STRESS_REPEATS,
        "statuses": [a["status"] for a in api],
    }
    for measure in ("seconds", "cpu"):
        a, p = [r[measure] for r in api], [r[measure] for r in python]
        out[f"api_{measure}"] = [round(v, 2) for v in a]
        out[f"python_{measure}"] = [round(v, 2) for v in p]
        out[f"overhead_{measure}_median"] = round(
            statistics.median(a) / statistics.median(p) - 1, 3
        )
        out[f"overhead_{measure}_best"] = round(min(a) / min(p) - 1, 3)
    out["load_average_before"] = load_before
    out["load_average_after"] = os.getloadavg()
    return out


def main() -> None:
    """Run the phases asked for; write benchmarks/results/service.json."""
    result: dict[str, Any] = {"cpus": os.cpu_count()}
    if "load" in PHASES:
        with tempfile.TemporaryDirectory() as tmp:
            proc, base = _start(Path(tmp))
            try:
                token, run_id = _prepare(base)
                result["load"] = _load(base, token, run_id, proc.pid)
            finally:
                _stop(proc)
    if "stress" in PHASES:
        with tempfile.TemporaryDirectory() as tmp:  # a fresh service: an idle queue
            proc, base = _start(Path(tmp))
            try:
                result["stress"] = _stress(base, proc.pid)
            finally:
                _stop(proc)
    result["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

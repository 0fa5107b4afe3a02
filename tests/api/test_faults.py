"""Faults: a worker killed mid-job leaves no partial result; the job is retried or fails."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from humsec.api.job_kinds import JOB_KINDS
from humsec.api.jobs import JobRunner, plan_kind
from humsec.project.store import open_store


def _sleeper():  # type: ignore[no-untyped-def]
    """A compute function that sleeps on the worker and says which process ran it.

    Built in a function so that cloudpickle ships it by value: test modules are not
    importable on Dask workers."""

    def slow(params: dict, report) -> dict[str, bytes]:  # type: ignore[no-untyped-def,type-arg]
        import io
        import os
        import time

        import pandas as pd

        report(0.5, "sleeping")
        time.sleep(float(params["seconds"]))
        buffer = io.BytesIO()
        pd.DataFrame({"pid": [os.getpid()]}).to_parquet(buffer)
        return {"worker": buffer.getvalue()}

    return slow


def _wait(runner: JobRunner, job_id: str, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = runner.view(job_id).status
        if status in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.1)
    raise AssertionError("job did not end")


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_job_retried(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.duckdb")
    runner = JobRunner(lambda _project: store, retries=2)
    try:
        kind = JOB_KINDS["shocks"]
        plan = plan_kind(kind, {"n_households": 100, "n_years": 10, "seed": 1})
        plan = plan.__class__(**{**plan.__dict__, "compute": _sleeper(), "args": ({"seconds": 2},)})
        view = runner.submit(plan, actor="test")
        # Wait until the task runs on the worker, then kill the worker's process outright.
        for _ in range(200):
            if runner.view(view.job_id).status == "running":
                break
            time.sleep(0.05)
        (first_pid,) = runner.client.run(os.getpid).values()
        os.kill(first_pid, signal.SIGKILL)
        assert _wait(runner, view.job_id) == "done"
        tables = store.tables(runner.view(view.job_id).run_id or "")
        # The result came from the replacement worker; one run, complete, in the store.
        assert int(tables["worker"]["pid"].iloc[0]) != first_pid
        assert len(store.history()) == 1
    finally:
        runner.close()
        store.close()


@pytest.mark.slow
def test_a_job_whose_worker_keeps_dying_fails_cleanly(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.duckdb")
    runner = JobRunner(lambda _project: store, retries=0)
    try:
        plan = plan_kind(JOB_KINDS["shocks"], {"n_households": 100, "n_years": 10, "seed": 2})
        plan = plan.__class__(
            **{**plan.__dict__, "compute": _sleeper(), "args": ({"seconds": 30},)}
        )
        view = runner.submit(plan, actor="test")
        for _ in range(200):
            if runner.view(view.job_id).status == "running":
                break
            time.sleep(0.05)
        # Kill every worker that picks the task up until Dask gives up on it.
        deadline = time.monotonic() + 60
        while runner.view(view.job_id).status == "running" and time.monotonic() < deadline:
            # A worker being replaced drops out of the broadcast ("ignore") rather than
            # failing it: under load the nanny's restart races with this call.
            for pid in runner.client.run(os.getpid, on_error="ignore").values():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(1.0)
        final = runner.view(view.job_id)
        assert final.status == "failed"
        assert final.error and "no partial result" in final.error
        assert len(store.history()) == 0  # nothing half-written
    finally:
        runner.close()
        store.close()

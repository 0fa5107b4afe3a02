"""Jobs: long computations run on Dask distributed, with progress, cancellation and a cache.

* A job is submitted with a kind (:data:`humsec.api.job_kinds.JOB_KINDS`) and parameters.
  Its key is the content hash of (kind, parameters, humsec version, seed): when the store
  already holds a run with that key, the job is done at once and reuses it.
* It runs as one Dask task on a ``LocalCluster`` (default) or an external scheduler. The task
  reports progress as worker events on the topic ``humsec-job-<id>``; the service reads them
  for ``GET /jobs/{id}`` and the server-sent event stream.
* The result tables are written to the store in one transaction only after the task has
  finished, so a worker killed mid-job never leaves a partial result: Dask reschedules the
  task on a fresh worker (``retries``), and a job that still fails is marked failed with the
  reason.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import anyio
import dask
import pandas as pd
from pydantic import BaseModel

from humsec import __version__
from humsec.api.job_kinds import JOB_KINDS, JobKind, run_project_analysis
from humsec.api.problems import ServiceProblem
from humsec.api.readiness import analysis_needs
from humsec.errors import HumsecError, did_you_mean
from humsec.project import Project, analysis, run_identity
from humsec.project.store import Store, input_hash

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
#: How long a browser waits before reconnecting to a dropped event stream (ms).
RECONNECT_MS = 2000
#: The local cluster's housekeeping, made rarer: it shares the service's cores. Dask's
#: defaults sample each running task's stack every 10 ms (for its profile page, which the
#: service does not show) and tick every 20 ms, which costs a long job's worker CPU time.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "200ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


class JobView(BaseModel):
    """What a client sees of a job."""

    job_id: str
    kind: str
    status: JobStatus
    progress: float
    message: str
    key: str
    run_id: str | None = None
    reused: bool = False
    error: str | None = None
    submitted: datetime
    finished: datetime | None = None
    project: str | None = None


def _worker_task(topic: str, compute: Any, *args: Any) -> dict[str, bytes]:
    """Run on a Dask worker: ``compute(*args, report)``, reporting progress as worker events."""
    from distributed import get_worker

    def report(fraction: float, message: str) -> None:
        with contextlib.suppress(ValueError):  # ValueError: not on a worker (a direct call)
            get_worker().log_event(topic, {"progress": fraction, "message": message})

    report(0.01, "started")
    return dict(compute(*args, report))


@dataclass(frozen=True)
class JobPlan:
    """Everything that identifies a job and how to compute it.

    ``analysis``, ``key`` (the input hash), ``inputs``, ``spec`` and ``seed`` are what the store
    records; ``compute(*args, report)`` runs on a worker and returns Parquet bytes per table.
    """

    kind: str
    analysis: str
    key: str
    inputs: dict[str, str]
    spec: dict[str, Any]
    seed: int | None
    compute: Any
    args: tuple[Any, ...]


def plan_kind(kind: JobKind, params: dict[str, Any]) -> JobPlan:
    """The plan of a built-in job kind with validated ``params``."""
    checked = kind.params.model_validate(params).model_dump(mode="json")
    seed = checked.get("seed")
    spec = {"kind": kind.name, "params": checked}
    key = input_hash({}, spec, __version__, seed)
    return JobPlan(kind.name, kind.analysis, key, {}, spec, seed, kind.run, (checked,))


def plan_analysis(project: Project, name: str) -> JobPlan:
    """The plan of one project analysis, identified as ``humsec project run`` identifies it."""
    item = analysis(name)
    needs = analysis_needs(project).get(item.name)
    if needs:
        raise ServiceProblem(
            422,
            f"the project has no inputs for {item.name}: {'; '.join(needs)}",
            hint="upload the data it needs to the project's datasets first",
            location="body: analyses",
        )
    inputs, spec, seed, key = run_identity(project, item)
    return JobPlan(
        "analysis",
        item.name,
        key,
        inputs,
        spec,
        seed,
        run_project_analysis,
        (str(project.root), item.name),
    )


def _failure_text(error: BaseException) -> str:
    """Say why a job failed, in words a user can act on (no traceback, no internals)."""
    if isinstance(error, HumsecError):
        return str(error)
    if type(error).__name__ == "KilledWorker":
        return (
            "the worker running this job died repeatedly (out of memory or killed); no partial "
            "result was kept. Try fewer households or years, or a machine with more memory"
        )
    return f"the computation failed ({type(error).__name__}); no partial result was kept"


ENDED = ("done", "failed", "cancelled")


class _Job:
    """A job's plan, its Dask future and its view, which only :meth:`update` changes."""

    def __init__(self, view: JobView, plan: JobPlan, future: Any = None):
        self.view = view
        self.plan = plan
        self.future = future
        self._lock = threading.Lock()

    def update(self, **changes: Any) -> JobView:
        """Apply ``changes`` to the view, atomically; an ended job never changes again (so
        progress read from Dask just before the job ended cannot turn it back into a running
        one, which left clients waiting forever)."""
        with self._lock:
            if self.view.status not in ENDED:
                self.view = self.view.model_copy(update=changes)
            return self.view


class JobRunner:
    """Submits jobs to Dask and records their results in ``store``."""

    def __init__(
        self,
        stores: Callable[[str | None], Store],
        *,
        scheduler: str | None = None,
        retries: int = 2,
    ):
        self.stores = stores
        self.scheduler = scheduler
        self.retries = retries
        self._client: Any = None
        self._cluster: Any = None
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._recorder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="humsec-recorder")

    # -- Dask --------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        """The Dask client, started on first use (a LocalCluster unless a scheduler is set)."""
        with self._lock:
            if self._client is None:
                from distributed import Client, LocalCluster

                if self.scheduler:
                    self._client = Client(self.scheduler, timeout="10s")
                else:
                    with dask.config.set(QUIET_CLUSTER):
                        self._cluster = LocalCluster(
                            n_workers=1,
                            threads_per_worker=2,
                            processes=True,
                            dashboard_address=None,
                            silence_logs=40,
                        )
                    self._client = Client(self._cluster)
            return self._client

    def close(self) -> None:
        """Stop the client and the local cluster (after recording finished jobs)."""
        self._recorder.shutdown(wait=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    # -- submitting ----------------------------------------------------------------------
    @staticmethod
    def kind(name: str) -> JobKind:
        """The job kind called ``name``, or a 404 problem naming the valid kinds."""
        if name not in JOB_KINDS:
            raise ServiceProblem(
                404,
                f"unknown job kind {name!r}",
                hint=f"use one of {', '.join(JOB_KINDS)}. {did_you_mean(name, JOB_KINDS)}".strip(),
                location="body: kind",
            )
        return JOB_KINDS[name]

    def submit(self, plan: JobPlan, *, actor: str, project: str | None = None) -> JobView:
        """Reuse the stored result of the same inputs, or queue ``plan`` on Dask."""
        store = self.stores(project)
        job_id = secrets.token_hex(8)
        view = JobView(
            job_id=job_id,
            kind=plan.kind,
            status="queued",
            progress=0.0,
            message="queued",
            key=plan.key,
            submitted=datetime.now(UTC),
            project=project,
        )
        # A stored result is handed out with one write: the reuse and its audit entry (naming
        # the job) in one transaction; a queued job writes its submission instead.
        note = {"job": job_id, "kind": plan.kind}
        cached = store.find(plan.analysis, plan.key, actor=actor, note=note)
        if cached is not None:
            view = view.model_copy(
                update={
                    "status": "done",
                    "progress": 1.0,
                    "message": "reused a stored result with the same inputs",
                    "run_id": cached.run_id,
                    "reused": True,
                    "finished": datetime.now(UTC),
                }
            )
            job = _Job(view, plan)
        else:
            # Recorded before it is queued: a job the store cannot note is not started.
            store.audit(actor, "job.submit", {**note, "key": plan.key})
            future = self.client.submit(
                _worker_task,
                f"humsec-job-{job_id}",
                plan.compute,
                *plan.args,
                key=f"humsec-job-{job_id}",
                retries=self.retries,
                pure=False,
            )
            job = _Job(view, plan, future)
            # The callback runs on Dask's event loop: hand the blocking part (decoding the
            # tables, the store transaction) to the recorder thread, never block the loop.
            future.add_done_callback(lambda f, j=job: self._finished(j, actor))
        with self._lock:
            self._jobs[job_id] = job
        return job.view

    def _finished(self, job: _Job, actor: str) -> None:
        """Hand a finished job to the recorder thread (or, when the service is stopping and
        the recorder has shut down, end it as cancelled: nothing is recorded)."""
        try:
            self._recorder.submit(self._finish, job, actor)
        except RuntimeError:  # the recorder was shut down: the service is stopping
            job.update(
                status="cancelled",
                message="the service stopped before the job finished",
                finished=datetime.now(UTC),
            )

    def _finish(self, job: _Job, actor: str) -> None:
        future = job.future
        now = datetime.now(UTC)
        if future.cancelled() or job.view.status == "cancelled":
            # cancelled by Dask, or by a client while the task was finishing: keep nothing
            job.update(status="cancelled", message="cancelled", finished=now)
            return
        error = future.exception()
        if error is not None:
            text = _failure_text(error)
            job.update(status="failed", message="failed", error=text, finished=now)
            return
        plan = job.plan
        try:
            blobs = future.result().items()
            tables = {name: pd.read_parquet(io.BytesIO(blob)) for name, blob in blobs}
            store = self.stores(job.view.project)
            record = store.record(
                analysis=plan.analysis,
                input_hash=plan.key,
                inputs=plan.inputs,
                spec=plan.spec,
                seed=plan.seed,
                started=job.view.submitted,
                ended=now,
                tables=tables,
                humsec_version=__version__,
                actor=actor,
            )
        except Exception as refused:  # e.g. the store became unreachable: keep nothing
            # Any failure here must end the job, or a client polling it would wait forever.
            update = {
                "status": "failed",
                "message": "failed",
                "error": str(refused)
                if isinstance(refused, HumsecError)
                else _failure_text(refused),
                "finished": now,
            }
            job.update(**update)
            return
        job.update(status="done", progress=1.0, message="done", run_id=record.run_id, finished=now)
        # The run is stored (with its own audit entry): a failure to add this one must not
        # report a stored result as failed.
        with contextlib.suppress(Exception):
            store.audit(actor, "job.done", {"job": job.view.job_id, "run": record.run_id})

    # -- reading -------------------------------------------------------------------------
    def _job(self, job_id: str) -> _Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise ServiceProblem(
                404,
                f"no job {job_id!r}",
                hint="list jobs with GET /api/v1/jobs",
                location="path: job_id",
            )
        return job

    def view(self, job_id: str) -> JobView:
        """The job's current state, with the latest progress its worker reported."""
        job = self._job(job_id)
        if job.view.status in ("queued", "running") and job.future is not None:
            events = self.client.get_events(f"humsec-job-{job_id}")
            if events:
                latest = events[-1][1]
                job.update(
                    status="running",
                    progress=float(latest["progress"]),
                    message=str(latest["message"]),
                )
        return job.view

    def views(self, project: str | None = None) -> list[JobView]:
        """Every job the service knows, newest first (optionally of one project)."""
        with self._lock:
            ids = list(self._jobs)
        found = [self.view(i) for i in ids]
        if project is not None:
            found = [v for v in found if v.project == project]
        return sorted(found, key=lambda v: v.submitted, reverse=True)

    def cancel(self, job_id: str) -> JobView:
        """Cancel a queued or running job (a finished one is left as it is)."""
        job = self._job(job_id)
        if job.future is not None and job.view.status in ("queued", "running"):
            job.future.cancel()
            job.update(status="cancelled", message="cancelled", finished=datetime.now(UTC))
        return job.view

    async def stream(
        self,
        job_id: str,
        *,
        poll: float = 0.25,
        heartbeat: float = 15.0,
        timeout: float = 3600.0,
    ) -> AsyncIterator[str]:
        """Server-sent events (``text/event-stream``): an ``event: job`` with the job's JSON
        view at each change, until the job ends; a comment line every ``heartbeat`` seconds
        keeps proxies from closing a quiet stream.

        Asynchronous on purpose: a client watching a long job holds no worker thread (the
        service's threads serve requests), only a pause on the event loop between looks; each
        look asks Dask for the job's progress in a thread."""
        self._job(job_id)  # 404 before the stream starts
        last = None
        yield f"retry: {RECONNECT_MS}\n\n"
        start = quiet = time.monotonic()
        while time.monotonic() - start < timeout:
            view = await anyio.to_thread.run_sync(self.view, job_id)
            text = view.model_dump_json()
            if text != last:
                yield f"event: job\ndata: {text}\n\n"
                last, quiet = text, time.monotonic()
            elif time.monotonic() - quiet >= heartbeat:
                yield ": still running\n\n"
                quiet = time.monotonic()
            if view.status in ENDED:
                return
            await anyio.sleep(poll)


__all__ = ["JobRunner", "JobView"]

"""From a resource request to a run in the project's store: at once, or as a job.

A request for one of :data:`humsec.api.project_kinds.PROJECT_KINDS` becomes a
:class:`~humsec.api.jobs.JobPlan` (:func:`project_plan`). Its key is the content hash of the
project inputs it reads (their files' SHA-256), the uploaded bytes it reads, its checked
parameters, the humsec version and the seed, as ``humsec project run`` identifies a run. Then:

* a small computation runs in the request (:func:`run_now`): a stored run with the same key
  is reused, otherwise the tables are computed and recorded as one run;
* a long one is queued on Dask (``JobRunner.submit``), which reuses or records the same way.

Either way the result is a run of the project's store, read through
``/api/v1/projects/{project}/runs/{run_id}/tables/{name}``.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from fastapi import Request
from pydantic import BaseModel

from humsec import __version__
from humsec.api.jobs import JobPlan, JobView
from humsec.api.project_kinds import PROJECT_KINDS, ProjectKind, compute_tables, run_project_kind
from humsec.project import Project, file_sha256
from humsec.project.store import RunRecord, Store, TokenRecord, input_hash

API = "/api/v1"


class RunView(BaseModel):
    """A run made (or reused) by a request, with where to read its tables."""

    run_id: str
    analysis: str
    reused: bool
    reused_from: str | None = None
    tables: list[str]
    links: dict[str, str]


def project_of(request: Request, name: str) -> Project:
    """The served project ``name`` (a 404 problem naming the projects when unknown)."""
    loaded: Project = request.app.state.workspace.project(name)
    return loaded


def run_view(project: str, record: RunRecord, tables: Sequence[str]) -> RunView:
    """What a client sees of a recorded run."""
    base = f"{API}/projects/{project}/runs/{record.run_id}"
    return RunView(
        run_id=record.run_id,
        analysis=record.analysis,
        reused=record.reused,
        reused_from=record.reused_from,
        tables=list(tables),
        links={"run": base, **{name: f"{base}/tables/{name}" for name in tables}},
    )


def project_inputs(project: Project, datasets: Sequence[str] = ()) -> dict[str, str]:
    """``{name: sha256}`` of the project files a computation reads: the named datasets, the
    framework file (when it is not the bundled one) and the boundary files."""
    inputs = project.input_hashes(list(datasets))
    framework = project.config.specs.framework
    if framework and framework != "default":
        inputs |= project.input_hashes(["framework"])
    for layer in project.config.boundaries:
        inputs[f"boundaries:{layer.file}"] = file_sha256(project.path(layer.file))
    return inputs


def role_datasets(project: Project, *roles: str) -> list[str]:
    """The names of the project's datasets with these roles."""
    return [d.name for role in roles for d in project.datasets(role)]


def spec_hash(spec: Any) -> str:
    """SHA-256 of a resolved spec's canonical JSON (a bundled spec has no file of its own)."""
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def project_plan(
    project: Project,
    kind_name: str,
    params: Mapping[str, Any],
    inputs: Mapping[str, str],
    uploads: Mapping[str, bytes] | None = None,
) -> JobPlan:
    """The plan of one computation: parameters checked (a 422 before anything runs), the key
    hashed from ``inputs``, the uploads' bytes, the parameters, the version and the seed."""
    kind: ProjectKind = PROJECT_KINDS[kind_name]
    checked = kind.params.model_validate(dict(params)).model_dump(mode="json")
    blobs = dict(uploads or {})
    hashed = dict(inputs) | {
        f"upload:{name}": hashlib.sha256(data).hexdigest() for name, data in blobs.items()
    }
    seed = checked.get("seed")
    spec = {
        "kind": kind.name,
        "params": checked,
        "country": project.country,
        "areas": project.pcodes,
    }
    key = input_hash(hashed, spec, __version__, seed)
    args = (str(project.root), kind.name, checked, blobs)
    return JobPlan(kind.name, kind.analysis, key, hashed, spec, seed, run_project_kind, args)


def _roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    # The same Parquet round trip a job's tables take, so both paths store the same frames.
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return pd.read_parquet(io.BytesIO(buffer.getvalue()))


def run_now(project: Project, store: Store, plan: JobPlan, *, actor: str) -> RunView:
    """Reuse the stored run with the plan's key, or compute the tables here and record them
    as one new run (in one transaction, so a failure leaves nothing behind)."""
    name = project.root.name
    found = store.find(plan.analysis, plan.key, actor=actor)
    if found is not None:
        return run_view(name, found, found.table_names)
    started = datetime.now(UTC)
    _, kind, params, uploads = plan.args
    tables = compute_tables(project, kind, params, uploads, lambda fraction, message: None)
    record = store.record(
        analysis=plan.analysis,
        input_hash=plan.key,
        inputs=plan.inputs,
        spec=plan.spec,
        seed=plan.seed,
        started=started,
        ended=datetime.now(UTC),
        tables={table: _roundtrip(frame) for table, frame in tables.items()},
        humsec_version=__version__,
        actor=actor,
    )
    return run_view(name, record, record.table_names)


def answer_now(request: Request, record: TokenRecord, project: Project, plan: JobPlan) -> RunView:
    """Run ``plan`` in the request on the project's store (reusing a stored run), audited."""
    store: Store = request.app.state.workspace.store(project.root.name)
    view = run_now(project, store, plan, actor=record.token_id)
    store.audit(
        record.token_id, "compute", {"kind": plan.kind, "key": plan.key, "run": view.run_id}
    )
    return view


def answer_later(request: Request, record: TokenRecord, project: Project, plan: JobPlan) -> JobView:
    """Queue ``plan`` as a job whose run goes to the project's store (or reuse a stored one)."""
    job: JobView = request.app.state.jobs.submit(
        plan, actor=record.token_id, project=project.root.name
    )
    return job

"""The computations the service runs as jobs, each a pure function of its parameters.

A job kind validates its parameters up front (so a bad request fails before it is queued),
then runs on a Dask worker: it calls one public engine function, reports progress at each
stage through ``report(fraction, message)``, and returns its result tables as Parquet bytes
(so that the result crosses process boundaries exactly and the store keeps it unchanged).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Report = Callable[[float, str], None]


class ShockParams(BaseModel):
    """A shock stress test on the bundled demo scenario (Monte Carlo over simulated years)."""

    model_config = ConfigDict(extra="forbid")

    n_households: int = Field(5_000, ge=100, le=1_000_000)
    n_years: int = Field(1_000, ge=10, le=100_000)
    seed: int = Field(1, ge=0, le=2**63 - 1)


class UncertaintyParams(BaseModel):
    """Monte Carlo uncertainty and Sobol sensitivity of a bundled index preset."""

    model_config = ConfigDict(extra="forbid")

    preset: str = "hsi"
    n: int = Field(200, ge=10, le=100_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    year: int | None = None


def _parquet(frame: Any) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def run_shocks(params: dict[str, Any], report: Report) -> dict[str, bytes]:
    """Simulate the demo scenario: summary, losses by group, by area and by hazard."""
    import pandas as pd

    from humsec.shocks import demo_scenario, simulate

    p = ShockParams.model_validate(params)
    report(0.05, f"building the scenario ({p.n_households:,} households)")
    scenario = demo_scenario(p.n_households, seed=p.seed)
    report(0.15, f"simulating {p.n_years:,} years")
    risk = simulate(scenario, n_years=p.n_years, seed=p.seed)
    report(0.9, "summarising")
    summary = pd.DataFrame({"metric": list(risk.summary()), "value": list(risk.summary().values())})
    return {
        "summary": _parquet(summary),
        "year_losses": _parquet(risk.to_frame()),
        "by_group": _parquet(risk.by_group()),
        "by_area": _parquet(risk.by_area()),
        "by_hazard": _parquet(risk.by_hazard()),
    }


def run_uncertainty(params: dict[str, Any], report: Report) -> dict[str, bytes]:
    """Uncertainty analysis of a preset on its bundled data: rank intervals and Sobol indices."""
    from humsec.index import bundled_data, load_preset, uncertainty

    p = UncertaintyParams.model_validate(params)
    report(0.05, f"loading preset {p.preset!r}")
    spec = load_preset(p.preset)
    data = bundled_data(p.preset)
    report(0.15, f"{p.n:,} replications")
    result = uncertainty(spec, data, n=p.n, seed=p.seed, year=p.year)
    report(0.9, "summarising")
    tables = {"summary": _parquet(result.summary().reset_index())}
    if result.sensitivity is not None:
        tables["sensitivity"] = _parquet(result.sensitivity.reset_index())
    return tables


def run_project_analysis(folder: str, name: str, report: Report) -> dict[str, bytes]:
    """One analysis of the project in ``folder`` (:data:`humsec.project.ANALYSES`)."""
    from humsec.project import Project, analysis

    report(0.05, f"loading the project for {name}")
    project = Project.load(folder)
    report(0.15, f"running {name}")
    tables = analysis(name).run(project)
    report(0.9, "summarising")
    return {table: _parquet(frame) for table, frame in tables.items()}


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its parameter model and the function that computes it."""

    name: str
    params: type[BaseModel]
    run: Callable[[dict[str, Any], Report], dict[str, bytes]]
    analysis: str


JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("shocks", ShockParams, run_shocks, "shocks.simulate"),
        JobKind("uncertainty", UncertaintyParams, run_uncertainty, "index.uncertainty"),
    )
}

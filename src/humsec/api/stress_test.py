"""The shock stress test as a job: the project's survey households under a chosen scenario,
with a chosen subset of its risk-reduction measures, for a chosen number of simulated years.

The job runs the project's own ``shocks`` and ``measures`` analyses (:data:`humsec.project.
ANALYSES`) on a copy of the project restricted to the chosen scenario and measures, with the
chosen years and seed, so the numbers are exactly those ``humsec project run`` gives for the
same settings. Its identity (the store's input hash) is the survey's, scenario's and measures'
file hashes with the choices, the humsec version and the seed: the same choices again reuse the
stored run.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from humsec import __version__
from humsec.api.jobs import JobPlan
from humsec.errors import SpecError, did_you_mean
from humsec.project import Project, analysis, resolve_measures
from humsec.project.store import input_hash

STRESS_TEST = "stress_test"
"""The analysis name of a stress test's runs in the project store."""


def measure_names(project: Project, dataset: str) -> list[str]:
    """The names of the measures in the project's measures dataset ``dataset``."""
    d = next(d for d in project.datasets("measures") if d.name == dataset)
    return [str(m.get("name")) for m in resolve_measures(d.file, project.root)]


def _restricted(
    project: Project, scenario: str, measures: Sequence[str], n_years: int, seed: int, tmp: Path
) -> Project:
    """A copy of ``project`` with only the chosen scenario and measures, years and seed."""
    keep = []
    for d in project.config.datasets:
        if d.role == "scenario" and d.name != scenario:
            continue
        if d.role == "measures":
            if not measures:
                continue
            items = [m for m in resolve_measures(d.file, project.root) if m.get("name") in measures]
            if not items:
                continue
            path = tmp / f"{d.name}.yaml"
            path.write_text(yaml.safe_dump({"measures": items}, sort_keys=False), "utf-8")
            d = d.model_copy(update={"file": str(path)})
        keep.append(d)
    settings = project.config.settings.model_copy(update={"n_years": n_years, "seed": seed})
    config = project.config.model_copy(update={"datasets": keep, "settings": settings})
    return dataclasses.replace(project, config=config)


def run_stress_test(
    folder: str,
    scenario: str,
    measures: Sequence[str],
    n_years: int,
    seed: int,
    report: Callable[[float, str], None],
) -> dict[str, bytes]:
    """Run on a worker: the shocks analysis, then the measures appraisal (if any measure was
    chosen), on the restricted project; each table as Parquet bytes."""
    report(0.05, "loading the project")
    project = Project.load(folder)
    tables: dict[str, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory() as tmp:
        chosen = _restricted(project, scenario, measures, n_years, seed, Path(tmp))
        report(0.15, f"simulating {n_years:,} years of {scenario}")
        tables.update(analysis("shocks").run(chosen))
        if measures:
            report(0.55, f"appraising {len(measures)} measure(s) on the same years")
            tables.update(analysis("measures").run(chosen))
    report(0.95, "storing the results")
    out = {}
    for name, frame in tables.items():
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        out[name] = buffer.getvalue()
    return out


def stress_plan(
    project: Project, scenario: str, measures: Sequence[str], n_years: int, seed: int
) -> JobPlan:
    """The job plan of one stress test (checks the choices against the project)."""
    scenarios = [d.name for d in project.datasets("scenario")]
    if scenario not in scenarios:
        raise SpecError(
            f"the project has no scenario {scenario!r}",
            location="form: scenario",
            hint=did_you_mean(scenario, scenarios) or f"scenarios: {', '.join(scenarios)}",
        )
    survey = project.dataset("survey")
    if survey is None:
        raise SpecError("the project has no survey to stress", location="datasets")
    available: dict[str, str] = {}
    for d in project.datasets("measures"):
        available |= dict.fromkeys(measure_names(project, d.name), d.name)
    unknown = [m for m in measures if m not in available]
    if unknown:
        raise SpecError(
            f"the project has no measure(s) {', '.join(unknown)}",
            location="form: measures",
            hint=f"measures: {', '.join(available)}",
        )
    names = [survey.name, scenario, *sorted({available[m] for m in measures})]
    inputs = project.input_hashes(names)
    spec: dict[str, Any] = {
        "analysis": STRESS_TEST,
        "areas": project.pcodes,
        "scenario": scenario,
        "measures": sorted(measures),
        "n_years": n_years,
        "settings": project.config.settings.model_dump(mode="json", exclude={"n_years", "seed"}),
    }
    key = input_hash(inputs, spec, __version__, seed)
    args = (str(project.root), scenario, sorted(measures), n_years, seed)
    return JobPlan("stress_test", STRESS_TEST, key, inputs, spec, seed, run_stress_test, args)

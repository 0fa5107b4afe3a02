"""Engine commands given ``--project`` record their runs: `humsec threats estimate`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.project import Project, file_sha256
from humsec.project.run import open_project_store

runner = CliRunner()


@pytest.fixture
def panel_project(tiny_project: Path) -> Path:
    """The tiny project with a 12-year panel of its two indicators (enough for the network)."""
    rng = np.random.default_rng(3)
    rows = []
    for area in ("AA01", "AA02", "AA03"):
        water, school = 10.0, 90.0
        for year in range(2010, 2022):
            water = 0.6 * water + 0.3 * (100 - school) / 5 + rng.normal(0, 1)
            school = 0.7 * school + 25 + rng.normal(0, 2) - 0.2 * water
            rows.append((area, year, round(water, 3), round(school, 3)))
    frame = pd.DataFrame(rows, columns=["ADM1_PCODE", "year", "water", "school"])
    frame.to_csv(tiny_project / "data" / "indicators.csv", index=False)
    return tiny_project


def _estimate(project: Path, out: Path, *extra: str) -> str:
    result = runner.invoke(
        app,
        ["threats", "estimate", "--project", str(project), "--bootstrap", "0",
         "--out", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def test_threats_estimate_records_its_run(panel_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    assert "recorded run" in _estimate(panel_project, out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert "reuse noted" in _estimate(panel_project, out)
    _estimate(panel_project, out, "--lags", "2")  # other options: a new run
    project = Project.load(panel_project)
    with open_project_store(project) as store:
        history = store.history()
        first = store.run(str(history["run_id"].iloc[0]))
        tables = store.tables(first.run_id)
    assert list(history["analysis"]) == ["cli threats estimate"] * 3
    assert list(history["status"]) == ["new", "reused", "new"]
    assert history["input_hash"].iloc[0] == history["input_hash"].iloc[1]
    assert history["input_hash"].iloc[2] != history["input_hash"].iloc[0]
    # The inputs are the indicator dataset's content hash; the options and seed are the spec.
    assert first.inputs == {"census": file_sha256(panel_project / "data" / "indicators.csv")}
    assert first.seed == 1
    assert first.spec["lags"] == 1 and first.spec["bootstrap"] == 0
    # The stored edges are the estimates the command wrote.
    stored = tables["edges"].set_index(["source", "target"])["estimate"].sort_index()
    written = pd.DataFrame(saved["edges"]).set_index(["source", "target"])["estimate"]
    pd.testing.assert_series_equal(stored, written.sort_index(), check_names=False)
    listed = runner.invoke(app, ["project", "history", str(panel_project)])
    assert listed.exit_code == 0 and "cli threats" in listed.output

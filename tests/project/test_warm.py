"""The warm path: an unchanged project answers `project run` and `project report` from its
store (reuses recorded, the kept report copied); any changed file takes the full path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from humsec.cli import app
from humsec.project.warm import project_fingerprint, store_of, warm_run

from .test_run_and_cli import SPEC

runner = CliRunner()


@pytest.fixture
def ran(tiny_project: Path) -> Path:
    (tiny_project / "index.yaml").write_text(yaml.safe_dump(SPEC))
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["specs"] = {"index": "index.yaml"}
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["project", "run", str(tiny_project)])
    assert result.exit_code == 0, result.output
    return tiny_project


def _history(folder: Path) -> pd.DataFrame:
    out = folder / "history.csv"
    result = runner.invoke(app, ["project", "history", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out)


def test_unchanged_project_reuses_without_loading_and_records_the_reuse(ran: Path) -> None:
    first = _history(ran)
    warm = warm_run(ran)
    assert warm is not None and warm.store == store_of(ran)
    assert warm.source_runs == {"area_index": first["run_id"].iloc[0]}
    assert [r["analysis"] for r in warm.rows if r["status"] != "skipped"] == ["area_index"]
    assert list(_history(ran)["status"]) == ["new", "reused"]  # the reuse is in the history
    # read-only: nothing recorded
    assert warm_run(ran, note_reuse=False) is not None
    assert len(_history(ran)) == 2


def test_the_warm_command_loads_neither_pandas_nor_the_engines(ran: Path) -> None:
    probe = (
        "import sys\nfrom humsec.cli import app\n"
        f"try:\n    app(['project', 'run', {str(ran)!r}])\nexcept SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print('loaded:' + ','.join(sorted(m for m in ('pandas', 'numpy', 'geopandas', "
        "'plotly', 'scipy') if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert "area_index: reused" in out.stderr
    assert out.stdout.strip().splitlines()[-1] == "loaded:"


def test_any_changed_file_or_missing_run_takes_the_full_path(ran: Path) -> None:
    before = project_fingerprint(ran)
    data = next((ran / "data").glob("*.csv")) if (ran / "data").is_dir() else ran / "index.yaml"
    data.write_bytes(data.read_bytes() + b"\n")
    assert project_fingerprint(ran) != before
    assert warm_run(ran) is None
    result = runner.invoke(app, ["project", "run", str(ran)])  # full path, then warm again
    assert result.exit_code == 0, result.output
    assert warm_run(ran, note_reuse=False) is not None
    # outputs do not count: files the project does not name keep the fingerprint
    (ran / "reports").mkdir(exist_ok=True)
    (ran / "reports" / "x.html").write_text("x")
    (ran / "notes.csv").write_text("x")
    assert warm_run(ran, note_reuse=False) is not None


def test_a_report_of_unchanged_runs_is_copied_not_rebuilt(ran: Path) -> None:
    out = ran / "r1.html"
    result = runner.invoke(app, ["project", "report", str(ran), "--out", str(out)])
    assert result.exit_code == 0, result.output
    again = ran / "r2.html"
    result = runner.invoke(app, ["project", "report", str(ran), "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert "report unchanged" in result.output
    assert again.read_bytes() == out.read_bytes()
    # a changed spec builds a new report (with the new run)
    spec = yaml.safe_load((ran / "index.yaml").read_text())
    spec["name"] = "tiny, renamed"
    (ran / "index.yaml").write_text(yaml.safe_dump(spec))
    third = ran / "r3.html"
    result = runner.invoke(app, ["project", "report", str(ran), "--out", str(third)])
    assert result.exit_code == 0, result.output
    assert "report unchanged" not in result.output
    assert "tiny, renamed" in third.read_text()

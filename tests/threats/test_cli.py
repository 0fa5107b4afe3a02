"""`humsec threats estimate|show` and `humsec programme plan` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli import app


def test_threats_estimate_then_show(tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    edges = tmp_path / "edges.csv"
    result = CliRunner().invoke(
        app,
        [
            "threats",
            "estimate",
            "--threats",
            "armed_conflict,terrorism,poverty",
            "--bootstrap",
            "20",
            "--out",
            str(out),
            "--edges",
            str(edges),
        ],
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["threats"] == ["armed_conflict", "terrorism", "poverty"]
    assert len(pd.read_csv(edges)) == 6
    shown = CliRunner().invoke(app, ["threats", "show", str(out)])
    assert shown.exit_code == 0
    assert "Leverage" in shown.output and "not a causal effect" in shown.output
    missing = CliRunner().invoke(app, ["threats", "show", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "no saved threat network" in missing.output


def test_threats_estimate_on_the_demo_project(tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    result = CliRunner().invoke(
        app,
        [
            "threats",
            "estimate",
            "--project",
            "demo",
            "--threats",
            "armed_conflict,lack_of_health_care",
            "--bootstrap",
            "10",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["indicators"]["armed_conflict"].startswith("conflict_")
    assert {r["countries"] for r in saved["edges"]} == {47}  # Kenya's 47 counties


def test_programme_plan(tmp_path: Path) -> None:
    table = tmp_path / "candidates.csv"
    pd.DataFrame(
        {
            "area": ["a", "a", "b", "c"],
            "package": ["p", "q", "p", "p"],
            "cost": [5.0, 4.0, 5.0, 5.0],
            "benefit": [10.0, 9.0, 8.0, 6.0],
        }
    ).to_csv(table, index=False)
    out = tmp_path / "chosen.csv"
    result = CliRunner().invoke(
        app,
        [
            "programme",
            "plan",
            str(table),
            "--budget",
            "10",
            "--one-per-area",
            "--gap",
            "0",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(pd.read_csv(out)["candidate"]) == ["a:p", "b:p"]
    bad = CliRunner().invoke(app, ["programme", "plan", str(table), "--budget", "lots"])
    assert bad.exit_code == 2 and "cannot read budget" in bad.output

"""`humsec framework show|export|validate` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from humsec.cli import app
from humsec.framework import Framework, default_framework

runner = CliRunner()


def test_show_all_sections() -> None:
    result = runner.invoke(app, ["framework", "show"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in (
        "armed_conflict",
        "people_in_remote_areas",
        "disaster risk reduction",
        "Multi-sector",
        "Prevention-oriented",
        "want -> fear",
    ):
        assert text in result.output


def test_show_one_section() -> None:
    result = runner.invoke(app, ["framework", "show", "--section", "risks"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "maritime security" in result.output
    assert "armed_conflict" not in result.output


def test_export_json_to_stdout_round_trips() -> None:
    result = runner.invoke(app, ["framework", "export", "--format", "json"])
    assert result.exit_code == 0
    assert Framework.from_dict(json.loads(result.stdout)) == default_framework()


def test_export_yaml_to_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "fw.yaml"
    result = runner.invoke(app, ["framework", "export", "--format", "yaml", "--out", str(out)])
    assert result.exit_code == 0
    assert Framework.from_dict(yaml.safe_load(out.read_text())) == default_framework()
    assert [p.name for p in out.parent.iterdir()] == ["fw.yaml"]  # no temp file left


def test_export_extended_file(tmp_path: Path) -> None:
    src = tmp_path / "ext.yaml"
    src.write_text("extends: default\nprinciples:\n  - {id: do_no_harm, name: Do no harm}\n")
    result = runner.invoke(app, ["framework", "export", "--format", "json", "--file", str(src)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["principles"][-1]["id"] == "do_no_harm"


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("extends: default\n")
    result = runner.invoke(app, ["framework", "validate", str(good)])
    assert result.exit_code == 0
    assert "13 threats (8 fear, 5 want)" in result.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: default\nthreats:\n  - {id: poverty, pillar: need}\n")
    out = tmp_path / "never.json"
    result = runner.invoke(app, ["framework", "export", "--file", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    result = runner.invoke(app, ["framework", "validate", str(bad)])
    assert result.exit_code == 2
    assert "threats[0].pillar" in result.output
    assert "Traceback" not in result.output


def test_cascade_command() -> None:
    result = runner.invoke(
        app, ["framework", "cascade", "disasters", "--steps", "2"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "disasters -> poverty -> crime" in result.output
    assert "lack_of_education" not in result.output  # three links away
    bad = runner.invoke(app, ["framework", "cascade", "disaster"])
    assert bad.exit_code == 2
    assert "did you mean 'disasters'" in bad.output

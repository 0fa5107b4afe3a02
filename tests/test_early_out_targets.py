"""A bad --out fails with exit 2 before any work, on the threats, actors, programme, plan and
project commands too: the work itself is replaced by a function that fails the test."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.data.output import check_output_target, check_table_target
from humsec.errors import OutputError

# command (with {out} for the target) -> the attribute the command's work starts with
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "threats-out": (("threats", "estimate", "--out", "{out}"), "humsec.data.country_panel"),
    "threats-edges": (("threats", "estimate", "--out", "net.json", "--edges", "{out}"),
                      "humsec.data.country_panel"),
    "actors-read": (("actors", "read", "3w.csv", "--out", "{out}"), "humsec.actors.read_3w"),
    "actors-coverage": (("actors", "coverage", "3w.csv", "--needs", "n.csv", "--out", "{out}"),
                        "humsec.actors.read_3w"),
    "programme-appraise": (("programme", "appraise", "p.yaml", "--out", "{out}"),
                           "humsec.cli.programme._project_context"),
    "programme-iati": (("programme", "import-iati", "a.xml", "--out", "{out}"),
                       "humsec.programme.read_iati"),
    "programme-iati-issues": (("programme", "import-iati", "a.xml", "--issues", "{out}"),
                              "humsec.programme.read_iati"),
    "plan": (("programme", "plan", "c.csv", "--budget", "5e6", "--out", "{out}"),
             "humsec.data.read_table"),
    "project-report": (("project", "report", "demo", "--out", "{out}"), "humsec.cli.project._load"),
    "project-history": (("project", "history", "demo", "--out", "{out}"),
                        "humsec.cli.project._load"),
    "project-compare": (("project", "compare", "demo", "a", "b", "--out", "{out}"),
                        "humsec.cli.project._load"),
}


def _no_work(*args: object, **kwargs: object) -> None:
    raise AssertionError("the command started its work before checking --out")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_as_out_fails_before_any_work(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, work = COMMANDS[command]
    monkeypatch.setattr(work, _no_work)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outdir.csv").mkdir()
    result = CliRunner().invoke(app, [a.replace("{out}", "outdir.csv") for a in args])
    assert result.exit_code == 2, (result.output, result.exception)
    assert "will not write over a folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outdir.csv"]


def test_the_programme_template_target_is_checked_before_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("humsec.programme.excel_template", _no_work)
    link = tmp_path / "t.xlsx"
    link.symlink_to(tmp_path / "elsewhere.xlsx")
    result = CliRunner().invoke(app, ["programme", "template", str(link)])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert link.is_symlink()


def test_an_unwritable_folder_fails_up_front_and_leaves_nothing(tmp_path: Path) -> None:
    # /sys refuses new files even to root: the probe catches what permission bits cannot.
    with pytest.raises(OutputError, match="cannot write the file: permission denied"):
        check_table_target("/sys/humsec-result.csv")
    with pytest.raises(OutputError, match="permission denied"):
        check_output_target("/sys/humsec-network.json", probe=True)
    check_output_target("/sys/humsec-network.json")  # without the probe: the cheap checks only
    assert check_table_target(tmp_path / "new" / "out.csv") == tmp_path / "new" / "out.csv"
    assert list(tmp_path.iterdir()) == []  # the probe file is gone, no folder was made


def test_dev_null_stays_a_device() -> None:
    result = CliRunner().invoke(app, ["threats", "estimate", "--out", "/dev/null"])
    assert result.exit_code == 2 and "will not write over a device" in result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)

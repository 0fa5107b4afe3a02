"""Output targets: never replace a device, link, folder or FIFO; OS refusals are exit-2 errors;
SIGTERM leaves no temporary file; user text prints literally."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.data import output
from humsec.data.output import atomic_path, check_output_target, write_table, write_text
from humsec.errors import OutputError

FRAME = pd.DataFrame({"a": [1, 2]})


def test_device_node_is_refused_and_stays_a_device() -> None:
    with pytest.raises(OutputError, match="device") as info:
        write_table(FRAME, Path("/dev/null"))
    assert info.value.location == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_symlink_is_refused_and_neither_link_nor_target_changes(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("keep\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        write_table(FRAME, link)
    assert link.is_symlink() and real.read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_folder_and_fifo_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    with pytest.raises(OutputError, match="folder"):
        write_table(FRAME, folder)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        write_text(fifo, "x")
    assert folder.is_dir() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_output_target(tmp_path / "file" / "out.csv")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "no space left"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_os_refusal_while_flushing_is_an_output_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous\n")

    def refuse(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output.os, "fsync", refuse)
    with pytest.raises(OutputError, match=words) as info:
        write_table(FRAME, target)
    assert info.value.location == str(target) and info.value.hint
    assert target.read_text() == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_os_refusal_creating_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="read-only"):
        write_text(tmp_path / "a.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_partial_outputs_are_registered_until_done(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "a.txt") as tmp:
        tmp.write_text("half")
        assert output.remove_partial_outputs() == 1
        assert not tmp.exists()
        tmp.write_text("again")  # the writer goes on; the rename still publishes it
    assert (tmp_path / "a.txt").read_text() == "again"
    assert output.remove_partial_outputs() == 0


def test_cli_refuses_dev_null_with_exit_2() -> None:
    result = CliRunner().invoke(app, ["framework", "export", "--out", "/dev/null"])
    assert result.exit_code == 2, result.output
    assert "will not write over a device" in result.output
    assert "Traceback" not in result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_cli_prints_bracketed_paths_literally(tmp_path: Path) -> None:
    target = tmp_path / "results[v2].yaml"
    result = CliRunner().invoke(app, ["framework", "export", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output.replace("\n", "")
    assert target.is_file()


def test_cli_error_printer_survives_markup_in_user_text(tmp_path: Path) -> None:
    bad = tmp_path / "[/]" / "[bold]x.yaml"
    result = CliRunner().invoke(app, ["framework", "validate", str(bad)])
    assert result.exit_code == 2
    assert "[bold]x.yaml" in result.output.replace("\n", "")
    assert "Traceback" not in result.output


SIGTERM_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import pandas as pd
    from humsec.cli import app

    def half_then_term(self, path, *args, **kwargs):
        with open(path, "w") as f:
            f.write("partial")
        os.kill(os.getpid(), signal.SIGTERM)

    pd.DataFrame.to_csv = half_then_term
    sys.argv = ["humsec", "data", "panel", "--indicators", "hdi", "--years", "2020",
                "--out", sys.argv[1]]
    app()
    """
)


def test_sigterm_removes_the_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "panel.csv"
    done = subprocess.run(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(target)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 128 + 15, done.stderr
    assert "terminated" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []

"""The build script reproduces the shipped bundled files byte for byte from the raw data."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from humsec.data import bundled_dir, catalog

ROOT = Path(__file__).resolve().parents[2]


def build_script() -> ModuleType:
    # scripts/ is not a package: load the file as a module and call its main() in-process.
    spec = importlib.util.spec_from_file_location(
        "build_bundled_data", ROOT / "scripts" / "build_bundled_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rebuild_reproduces_shipped_files(
    tmp_path: Path, capsys: pytest.CaptureFixture, raw_data_dir: Path
) -> None:
    assert build_script().main(["--raw", str(raw_data_dir), "--out", str(tmp_path)]) == 0
    assert "total (limit 5 MiB)" in capsys.readouterr().out
    files = [entry.file for entry in catalog()] + ["catalog.yaml"]
    for name in files:
        shipped = (bundled_dir() / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, f"{name} differs: run `make data`"


def test_build_refuses_a_folder_without_raw_data(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as info:
        build_script().main(["--raw", str(tmp_path), "--out", str(tmp_path / "out")])
    assert info.value.code == 2
    assert "does not hold the raw data" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()

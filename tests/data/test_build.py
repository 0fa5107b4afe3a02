"""The build script reproduces the shipped bundled files byte for byte from the raw data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from humsec.data import bundled_dir, catalog

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data folder {RAW} not present")
def test_rebuild_reproduces_shipped_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_bundled_data.py"), "--raw", str(RAW),
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "total (limit 5 MiB)" in result.stdout
    files = [entry.file for entry in catalog()] + ["catalog.yaml"]
    for name in files:
        shipped = (bundled_dir() / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, f"{name} differs: run `make data`"


def test_build_refuses_a_folder_without_raw_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_bundled_data.py"), "--raw", str(tmp_path),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2 and "does not hold the raw data" in result.stderr
    assert not (tmp_path / "out").exists()

"""The layers in DESIGN.md: foundation -> engines -> project -> interfaces; imports only run
downward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "humsec"
LAYER = {
    "errors": 0,
    "specs": 0,
    "workload": 0,
    "framework": 1,
    "data": 1,
    "index": 2,
    "deprivation": 2,
    "shocks": 2,
    "threats": 2,
    "actors": 2,
    "programme": 2,
    "project": 3,
    "cli": 4,
    "report": 4,
    "api": 4,
    "web": 4,
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "humsec" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(p for p in LAYER if (SRC / p).is_dir()))
def test_no_import_runs_upward(package: str) -> None:
    upward = []
    for path in sorted((SRC / package).rglob("*.py")):
        for target in _imported_packages(path):
            if target in LAYER and LAYER[target] > LAYER[package]:
                upward.append(f"{path.relative_to(SRC)} imports humsec.{target}")
    assert upward == []


def test_engines_do_not_import_interfaces_even_lazily() -> None:
    # A function-level import is still an upward dependency.
    offenders = [
        str(path.relative_to(SRC))
        for package, layer in LAYER.items()
        if layer <= 3 and (SRC / package).is_dir()
        for path in (SRC / package).rglob("*.py")
        if _imported_packages(path) & {p for p, level in LAYER.items() if level == 4}
    ]
    assert offenders == []

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
    "categories": 0,
    "lazy_exports": 0,
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


def _package_of(module: str) -> str:
    """The deepest package (a folder with ``__init__.py``) that ``module`` names or lies in."""
    parts = module.split(".")
    for end in range(len(parts), 1, -1):
        folder = SRC.joinpath(*parts[1:end])
        if (folder / "__init__.py").is_file():
            return ".".join(parts[:end])
    return module


def _public_names(package: str) -> set[str]:
    """``__all__`` of a package's ``__init__.py`` (or, without one, the names it imports)."""
    init = SRC.joinpath(*package.split(".")[1:], "__init__.py")
    tree = ast.parse(init.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}


def test_no_module_imports_another_packages_private_names() -> None:
    # Across top-level packages, import only what a package's __init__.py names: a name with
    # a leading underscore, or a name from a module the package does not re-export, is private.
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        own = path.relative_to(SRC).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                continue
            parts = node.module.split(".")
            if parts[0] != "humsec" or len(parts) < 2 or parts[1] == own:
                continue
            package = _package_of(node.module)
            is_package = SRC.joinpath(*package.split(".")[1:], "__init__.py").is_file()
            public = _public_names(package) if is_package else None
            for alias in node.names:
                name = alias.name
                private = name.startswith("_") or any(p.startswith("_") for p in parts[2:])
                hidden = public is not None and package != node.module and name not in public
                if private or hidden:
                    offenders.append(f"{path.relative_to(SRC)}: {node.module}.{name}")
    assert offenders == []

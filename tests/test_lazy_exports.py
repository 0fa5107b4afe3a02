"""humsec.data, humsec.index and humsec.deprivation export lazily: importing them loads no
table library, and every exported name is the object its module defines (also when the
submodule was imported first)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

HEAVY = ("pandas", "pyarrow", "polars", "duckdb", "scipy", "numba")
PACKAGES = ("humsec.data", "humsec.index", "humsec.deprivation")


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("package", PACKAGES)
def test_import_loads_no_table_library(package: str) -> None:
    code = (
        f"import sys, {package}\n"
        f"print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert _run(code) == "loaded:"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_is_the_object_its_module_defines(package: str) -> None:
    module = importlib.import_module(package)
    table = module._EXPORTS
    exported = {name for names in table.values() for name in names}
    assert exported == set(module.__all__)
    for source, names in table.items():
        defining = importlib.import_module(source)
        for name in names:
            assert getattr(module, name) is getattr(defining, name), f"{package}.{name}"
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'not_exported'"):
        module.not_exported  # noqa: B018


# Functions that share their name with the submodule defining them: importing the submodule
# first must not turn the package attribute into the module.
SHADOWED = [
    ("humsec.data", "catalog"),
    ("humsec.data", "countries"),
    ("humsec.data", "synthetic_survey"),
    ("humsec.index", "build"),
    ("humsec.index", "explain"),
    ("humsec.index", "uncertainty"),
]


@pytest.mark.parametrize(("package", "name"), SHADOWED, ids=[".".join(s) for s in SHADOWED])
def test_function_named_like_its_module_stays_the_function(package: str, name: str) -> None:
    code = (
        f"import {package}.{name}\n"
        f"import {package} as package\n"
        f"from {package} import {name}\n"
        f"print(type({name}).__name__, type(package.{name}).__name__,\n"
        f"      {name} is sys.modules['{package}.{name}'].{name})"
    )
    assert _run("import sys\n" + code) == "function function True"


def test_a_submodule_that_is_not_an_export_is_still_reachable() -> None:
    # hxl is a submodule (not an exported name): `from humsec.data import hxl` imports it.
    assert _run("from humsec.data import hxl\nprint(hxl.__name__)") == "humsec.data.hxl"

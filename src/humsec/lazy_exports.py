"""Package exports loaded on first use (PEP 562), so that importing a package costs nothing.

A package's ``__init__.py`` names its public API; when it imports every module eagerly, any
import of the package (even of one light submodule such as a spec or the catalogue) pays for
pandas, pyarrow and the rest. :func:`export_lazily` instead gives the package a module-level
``__getattr__`` that imports the defining module when a name is first used, and keeps it.

Some packages export a function with the name of the submodule that defines it
(``humsec.data.catalog``, ``humsec.index.build``). Python's import system binds a submodule to
the attribute of that name on its parent after loading it, which would replace the function by
the module; the package's class therefore ignores that one binding, and the name stays the
function, as with an eager ``from humsec.index.build import build``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

__all__ = ["export_lazily"]


class _LazyPackage(ModuleType):
    """A package whose exported names win over same-named submodules."""

    _humsec_module_of: dict[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        exported = self.__dict__.get("_humsec_module_of", {})
        if (
            isinstance(value, ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and exported.get(name) == value.__name__
        ):
            return  # the import system binding submodule `name`; the export of that name wins
        super().__setattr__(name, value)


def export_lazily(package: str, exports: Mapping[str, Sequence[str]]) -> None:
    """Make ``package`` export ``exports`` (module -> names it defines) on first attribute use.

    ``getattr(package, name)`` imports ``module`` and returns ``module.name``, stored on the
    package so the next lookup is an ordinary attribute. Unknown names raise AttributeError as
    usual (so ``from package import submodule`` still finds submodules).
    """
    module = sys.modules[package]
    module_of = {name: source for source, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        source = module_of.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        module.__dict__[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(module_of))

    module.__dict__.update(__getattr__=__getattr__, __dir__=__dir__, _humsec_module_of=module_of)
    module.__class__ = _LazyPackage

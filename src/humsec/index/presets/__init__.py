"""Index presets shipped as YAML: ``load_preset(name)`` and ``list_presets()``.

A preset is an ordinary :class:`~humsec.index.spec.IndexSpec` file; copy one (``humsec index
presets --show NAME``) and edit it to make your own index.
"""

from __future__ import annotations

from importlib import resources

import yaml

from humsec.errors import DatasetNotFoundError, did_you_mean
from humsec.index.spec import IndexSpec

__all__ = ["list_presets", "load_preset", "preset_text"]


def list_presets() -> list[str]:
    """Names of the shipped presets (YAML file stems)."""
    folder = resources.files(__name__)
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml"))


def preset_text(name: str) -> str:
    """The YAML text of preset ``name``."""
    names = list_presets()
    if name not in names:
        raise DatasetNotFoundError(
            f"no index preset named {name!r}",
            location="humsec.index.presets",
            hint=did_you_mean(name, names) or f"presets: {', '.join(names)}",
        )
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_preset(name: str) -> IndexSpec:
    """Load and validate preset ``name`` (``hdi``, ``inform``, ``worldriskindex``, ``ndgain``,
    ``hsi``)."""
    data = yaml.safe_load(preset_text(name))
    return IndexSpec.from_dict(data, source=f"preset {name!r}")

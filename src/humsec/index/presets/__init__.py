"""Index presets shipped as YAML: ``load_preset(name)`` and ``list_presets()``.

A preset is an ordinary :class:`~humsec.index.spec.IndexSpec` file; copy one (``humsec index
presets --show NAME``) and edit it to make your own index.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from humsec.errors import DatasetNotFoundError, did_you_mean
from humsec.index.spec import IndexSpec
from humsec.specs import load_yaml

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bundled_data", "list_presets", "load_preset", "preset_text"]


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
    data = load_yaml(preset_text(name), source=f"preset {name!r}")
    return IndexSpec.from_dict(data, source=f"preset {name!r}")


def bundled_data(name: str) -> pd.DataFrame:
    """The bundled table a preset runs on out of the box, keyed by (iso3, year).

    ``hdi``: UNDP HDR le, eys, mys, gnipc; ``inform``: INFORM 2020 component scores;
    ``hsi``: the country panel (every registered indicator). ``worldriskindex`` and ``ndgain``
    have no bundled inputs (the WorldRiskReport components are not bundled; ND-GAIN's licence
    allows a loader only), so they need ``--data``.
    """
    from humsec.data import country_panel, load

    if name == "hsi":
        return country_panel()
    if name == "hdi":
        hdr = load("hdr")
        hdr = hdr[hdr["variable"].isin(["le", "eys", "mys", "gnipc"])]
        wide = hdr.pivot_table(index=["iso3", "year"], columns="variable", values="value")
        wide.columns.name = None
        return wide
    if name == "inform":
        return load("inform2020").set_index(["iso3", "year"])
    raise DatasetNotFoundError(
        f"preset {name!r} has no bundled input data",
        location="humsec.index.presets",
        hint="pass your own table with --data (columns named as the preset's indicators)",
    )

"""Bundled deprivation specs (YAML): ``global_mpi`` and ``human_security_demo``."""

from __future__ import annotations

from pathlib import Path

from humsec.deprivation.spec import DeprivationSpec
from humsec.errors import DatasetNotFoundError, did_you_mean

__all__ = ["SPECS_DIR", "bundled_spec", "bundled_spec_names"]

SPECS_DIR = Path(__file__).parent


def bundled_spec_names() -> list[str]:
    """Names of the bundled specs."""
    return sorted(p.stem for p in SPECS_DIR.glob("*.yaml"))


def bundled_spec(name: str = "human_security_demo") -> DeprivationSpec:
    """Load a bundled spec by name (see :func:`bundled_spec_names`)."""
    path = SPECS_DIR / f"{name}.yaml"
    if not path.exists():
        raise DatasetNotFoundError(
            f"no bundled deprivation spec {name!r}",
            location="humsec/deprivation/specs",
            hint=did_you_mean(name, bundled_spec_names())
            or f"available: {', '.join(bundled_spec_names())}",
        )
    return DeprivationSpec.from_yaml(path)

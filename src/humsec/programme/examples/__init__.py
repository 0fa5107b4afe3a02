"""Two example programmes for the demo project on Kenya's counties (fictional, illustrative):
``integrated`` (multi-sector, many kinds of actor, risk measures) and ``siloed`` (one sector,
run from the centre)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from humsec.errors import DatasetNotFoundError, did_you_mean

if TYPE_CHECKING:
    from humsec.framework import Framework
    from humsec.programme.model import Programme

EXAMPLES: tuple[str, ...] = ("integrated", "siloed")


def example_path(name: str) -> Path:
    """Path of a bundled example programme YAML (copy it to start your own)."""
    if name not in EXAMPLES:
        raise DatasetNotFoundError(
            f"no example programme {name!r}",
            hint=(did_you_mean(name, EXAMPLES) + " " if did_you_mean(name, EXAMPLES) else "")
            + f"examples: {', '.join(EXAMPLES)}",
        )
    return Path(str(resources.files("humsec.programme.examples").joinpath(f"{name}.yaml")))


def example_programme(name: str, framework: Framework | None = None) -> Programme:
    """A bundled example programme, validated against ``framework`` (default: bundled)."""
    from humsec.programme.model import Programme

    return Programme.from_yaml(example_path(name), framework=framework)


__all__ = ["EXAMPLES", "example_path", "example_programme"]

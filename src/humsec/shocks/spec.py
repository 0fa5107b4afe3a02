"""Turning YAML/dict specifications into validated pydantic objects with humsec errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from humsec.errors import DataError, SpecError

__all__ = ["parse_spec", "read_yaml"]

M = TypeVar("M", bound=BaseModel)


def parse_spec(model: type[M], data: Any, *, location: str) -> M:
    """Validate ``data`` as ``model``; a pydantic error becomes a :class:`SpecError`.

    The message lists every problem with its spec node (``hazards[1].rate``), so a user can fix
    the YAML in one go.
    """
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise SpecError(
            f"expected a mapping for {model.__name__}, got {type(data).__name__}",
            location=location,
        )
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            node = ".".join(str(p) for p in item["loc"]) or "(top)"
            problems.append(f"{node}: {item['msg']}")
        raise SpecError(
            f"{len(problems)} problem(s) in the {model.__name__} spec: " + "; ".join(problems),
            location=location,
            hint="fix the listed spec nodes; docs/shocks.md describes every field",
        ) from None


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` (spec files are small; no streaming needed)."""
    target = Path(path)
    if not target.is_file():
        raise DataError("file not found", location=str(target), hint="check the path")
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SpecError(f"invalid YAML: {error}", location=str(target)) from None
    if not isinstance(data, dict):
        raise SpecError("the file must hold a YAML mapping", location=str(target))
    return data

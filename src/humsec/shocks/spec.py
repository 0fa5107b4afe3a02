"""Turning YAML/dict specifications into validated pydantic objects with humsec errors.

The number kinds shared by every spec model live here too (``NonNegative``, ``Positive``,
``Share``, ``Frequency``): one check each, so a field's rule and message are the same wherever it
appears. They raise ``ValueError`` so that :func:`parse_spec` reports the spec node
(``area_hazards.1.rate``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from humsec.data.spec_files import read_spec_mapping
from humsec.errors import SpecError
from humsec.framework import Framework

__all__ = ["Frequency", "NonNegative", "Positive", "Share", "parse_spec", "read_yaml"]

M = TypeVar("M", bound=BaseModel)


def _non_negative(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"must be finite and >= 0, got {value}")
    return float(value)


def _positive(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be finite and > 0, got {value}")
    return float(value)


def _share(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be a share within [0, 1], got {value}")
    return float(value)


def _frequency(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"an annual frequency must be finite and >= 0 (expected occurrences per year, e.g. "
            f"0.02 for 1-in-50), got {value}"
        )
    return float(value)


#: A finite number >= 0 (money, amounts, delays).
NonNegative = Annotated[float, AfterValidator(_non_negative)]
#: A finite number > 0.
Positive = Annotated[float, AfterValidator(_positive)]
#: A share within [0, 1].
Share = Annotated[float, AfterValidator(_share)]
#: Expected occurrences per year: finite and >= 0.
Frequency = Annotated[float, AfterValidator(_frequency)]


def parse_spec(model: type[M], data: Any, *, location: str,
               framework: Framework | None = None) -> M:
    """Validate ``data`` as ``model``; a pydantic error becomes a :class:`SpecError`.

    Threat and group ids are checked against ``framework`` (the framework in use; ``None``: the
    bundled default), which the validators read from the pydantic validation context.

    The message lists every problem with its spec node (``area_hazards.1.rate``), so a user can fix
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
        return model.model_validate(dict(data), context={"framework": framework})
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
    """Read a scenario or measures YAML mapping from ``path``."""
    return read_spec_mapping(
        path, kind="shocks spec", hint="start from humsec/shocks/scenarios/demo.yaml"
    )

"""Turning YAML/dict specifications into validated pydantic objects with humsec errors.

The number kinds shared by every spec model live here too (``NonNegative``, ``Positive``,
``Share``, ``Frequency``): one check each, so a field's rule and message are the same wherever it
appears. They raise ``ValueError`` so that :func:`parse_spec` reports the spec node
(``area_hazards.1.rate``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel

from humsec.framework import Framework
from humsec.specs import read_spec_mapping, validate_spec

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
    return validate_spec(
        model,
        data,
        kind=f"{model.__name__} spec",
        location=location,
        hint="fix the listed spec nodes; docs/shocks.md describes every field",
        context={"framework": framework},
    )


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a scenario or measures YAML mapping from ``path``."""
    return read_spec_mapping(
        path, kind="shocks spec", hint="start from humsec/shocks/scenarios/demo.yaml"
    )

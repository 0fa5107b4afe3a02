"""``/api/v1/framework``: the human-security framework in use, as data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from humsec.api.problems import ServiceProblem
from humsec.errors import did_you_mean
from humsec.framework import default_framework

router = APIRouter(prefix="/framework", tags=["framework"])

SECTIONS = (
    "threats",
    "groups",
    "securities",
    "policies",
    "approaches",
    "principles",
    "global_risks",
    "interlinkages",
)


@router.get("")
def framework_summary() -> dict[str, Any]:
    """The framework's version and how many entries each section holds."""
    data = default_framework().model_dump(mode="json")
    return {
        "version": data.get("version"),
        "sections": {name: len(data.get(name, [])) for name in SECTIONS if name in data},
    }


@router.get("/{section}")
def framework_section(section: str) -> list[dict[str, Any]]:
    """Every entry of one framework section (threats, groups, policies, ...)."""
    data = default_framework().model_dump(mode="json")
    available = [name for name in SECTIONS if name in data]
    if section not in available:
        raise ServiceProblem(
            404,
            f"the framework has no section {section!r}",
            hint=f"use one of {', '.join(available)}. {did_you_mean(section, available)}".strip(),
            location="path: section",
        )
    return list(data[section])

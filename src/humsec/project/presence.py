"""Who does what where in a project: its 3W table read through :mod:`humsec.actors`, the
operational presence per area, and presence against need per area.

Need per area is the number of multidimensionally deprived people (the ``deprivation_groups``
run, group ``all``: ``H_a · N_a``), so a coverage *gap* is an area among the most deprived half
(``need_quantile`` 0.5) where at most one implementing organisation works
(:func:`humsec.actors.coverage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from humsec.project.project import Project

if TYPE_CHECKING:
    from humsec.actors import Coverage, ThreeW


def project_threew(project: Project) -> ThreeW | None:
    """The project's 3W datasets read with :func:`humsec.actors.read_3w` and stacked (a
    project may keep several 3W tables, e.g. one per cluster or round), or ``None``."""
    from dataclasses import replace

    from humsec.actors import read_3w

    found = [read_3w(project.path(d.file)) for d in project.datasets("3w")]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    table = pd.concat([t.table for t in found], ignore_index=True)
    return replace(found[0], table=table, source="; ".join(t.source for t in found))


def presence_level(project: Project) -> str:
    """``adm2`` for a project at admin level 2 or finer, else ``adm1``."""
    return "adm2" if project.main_level >= 2 else "adm1"


def project_presence(project: Project) -> pd.DataFrame | None:
    """Implementing organisations per area from the project's 3W dataset, at the project's
    main admin level (:func:`humsec.actors.presence`), or ``None`` without one."""
    from humsec.actors import presence

    threew = project_threew(project)
    if threew is None:
        return None
    return presence(threew, level=presence_level(project))  # type: ignore[arg-type]


def area_needs(groups: pd.DataFrame) -> pd.DataFrame:
    """``area, in_need`` (deprived people, group ``all``) from a ``by_group_area`` table."""
    everyone = groups[groups["group"] == "all"]
    return pd.DataFrame(
        {"area": everyone["area"].astype(str), "in_need": everyone["deprived"].astype(float)}
    ).reset_index(drop=True)


def actor_coverage(
    project: Project, tables: Mapping[str, Mapping[str, pd.DataFrame]]
) -> Coverage | None:
    """Presence against need per area (module docstring), or ``None`` without a 3W table or a
    ``deprivation_groups`` run."""
    from humsec.actors import coverage

    threew = project_threew(project)
    groups = tables.get("deprivation_groups", {}).get("by_group_area")
    if threew is None or groups is None:
        return None
    return coverage(threew, area_needs(groups), level=presence_level(project))  # type: ignore[arg-type]


def is_synthetic(project: Project, role: str) -> bool:
    """True when the dataset of ``role`` is labelled SYNTHETIC in its ``source``."""
    d: Any = project.dataset(role)
    return d is not None and "SYNTHETIC" in (d.source or "").upper()


__all__ = [
    "actor_coverage",
    "area_needs",
    "is_synthetic",
    "presence_level",
    "project_presence",
    "project_threew",
]

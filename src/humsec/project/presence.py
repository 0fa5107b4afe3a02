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

from humsec.project.model import Dataset
from humsec.project.project import Project

if TYPE_CHECKING:
    from humsec.actors import Coverage, ThreeW


def threew_columns(project: Project, dataset: Dataset) -> dict[str, str]:
    """The ``columns:`` a 3W dataset gives in humsec.yaml, in :func:`humsec.actors.read_3w`'s
    fields: ``org`` is the implementing organisation, ``area`` is ``adm2`` when most of its
    p-codes are admin-2 areas of the project (else ``adm1``), and the other fields (``sector``,
    ``reached``, ``targeted``, ``activity``, ``adm1``, ``adm2``, ``donor``, ``partner``,
    ``org_type``, ``date``) keep their names. Only the mapping written in humsec.yaml is passed:
    what the reader infers from HXL tags or usual headers it infers itself."""
    out = {("implementing" if k == "org" else k): v for k, v in dataset.columns.items()}
    area = out.pop("area", None)
    if area is not None:
        level = _area_level(project, dataset, area)
        out.setdefault("adm2" if level >= 2 else "adm1", area)
    return out


def _area_level(project: Project, dataset: Dataset, column: str) -> int:
    frame = project.tables.get(dataset.name)
    levels = project.areas.set_index("pcode")["level"]
    if frame is None or column not in frame.columns:
        return project.main_level
    found = frame[column].astype("string").str.strip().map(levels).dropna()
    return int(found.mode().iloc[0]) if len(found) else project.main_level


def _with_parents(project: Project, threew: ThreeW) -> ThreeW:
    """Fill ``adm1`` from the project's area parents where a row gives only its admin-2 area
    (a 3W table keyed by district p-codes alone); a row whose "admin-2" code is an admin-1
    area of the project stays at admin 1 (``level = "adm1"``, counted in ``rows_at_adm1``)."""
    from dataclasses import replace

    table = threew.table
    areas = project.areas.set_index("pcode")
    missing = table["adm1"].isna() & table["adm2"].notna()
    if not bool(missing.any()):
        return threew
    table = table.copy()
    codes = table["adm2"].astype("string").str.strip()
    upper = missing & codes.map(areas["level"]).eq(1)
    table.loc[upper, "adm1"] = codes[upper]
    table.loc[upper, "adm2"] = None
    table.loc[upper, "level"] = "adm1"
    lower = missing & ~upper
    table.loc[lower, "adm1"] = codes[lower].map(areas["parent"])
    notes = [*threew.notes]
    filled = int(table.loc[lower, "adm1"].notna().sum())
    if filled:
        notes.append(f"admin-1 areas of {filled} row(s) taken from the project's area parents")
    if bool(upper.any()):
        notes.append(
            f"{int(upper.sum())} row(s) give an admin-1 p-code as their area and stay at admin 1"
        )
    at_adm1 = int((table.drop_duplicates("row")["level"] == "adm1").sum())
    counts = {**threew.counts, "rows_at_adm1": at_adm1}
    return replace(threew, table=table, notes=tuple(notes), counts=counts)


def project_threew(project: Project) -> ThreeW | None:
    """The project's 3W datasets read with :func:`humsec.actors.read_3w` through their
    ``columns:`` mapping (:func:`threew_columns`) and stacked (a project may keep several 3W
    tables, e.g. one per cluster or round), or ``None``."""
    from dataclasses import replace

    from humsec.actors import read_3w

    found = [
        _with_parents(project, read_3w(project.path(d.file), columns=threew_columns(project, d)))
        for d in project.datasets("3w")
    ]
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
    "threew_columns",
]

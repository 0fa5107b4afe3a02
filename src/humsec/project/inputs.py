"""Engine inputs resolved from a project: its survey (renamed to the engines' column names),
its survey rounds, the names of its datasets by role, and its scenario on its survey households.

The analyses (:mod:`humsec.project.analyses`) and the modules they call (planning, the
appraisal context) share these, so that none of those modules needs the analysis registry.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.errors import DataError
from humsec.project.project import Project

DESIGN_NAMES = {
    "area": "area",
    "household": "hh_id",
    "weight": "weight",
    "psu": "psu",
    "strata": "stratum",
}


def survey_frame(project: Project) -> pd.DataFrame:
    """The project's (latest) survey with its mapped columns renamed to the engines' names
    (``area, hh_id, weight, psu, stratum``)."""
    d = project.dataset("survey")
    if d is None:
        raise DataError("the project has no survey", location=str(project.root))
    frame = _engine_named(project, d.name)
    frame.attrs["source"] = d.file
    return frame


def _engine_named(project: Project, name: str) -> pd.DataFrame:
    """Survey dataset ``name`` with its mapped design columns renamed to the engines' names and
    the area codes stripped."""
    frame = project.table(name)
    mapping = project.mappings[name]
    rename = {mapping[f]: DESIGN_NAMES[f] for f in DESIGN_NAMES if f in mapping}
    # A column that already bears an engine name but is not the mapped one would clash.
    clashing = [c for c in rename.values() if c in frame.columns and c not in rename]
    frame = frame.drop(columns=clashing).rename(columns=rename)
    frame["area"] = frame["area"].astype(str).str.strip()
    return frame


def survey_rounds(project: Project) -> pd.DataFrame:
    """Every survey dataset of the project stacked, oldest first, with its columns renamed to
    the engines' names (as :func:`survey_frame`) and ``round`` = the dataset's year, for
    change over time between rounds. Raises :class:`DataError` with fewer than two rounds."""
    found = sorted(project.datasets("survey"), key=lambda d: d.year or 0)
    if len(found) < 2:
        have = ", ".join(f"{d.name} ({d.year})" for d in found) or "none"
        raise DataError(
            f"change over time compares survey rounds; the project has {len(found)} "
            f"survey(s): {have}",
            location=str(project.root),
            hint="add another round: humsec project add DIR FILE --role survey --year YYYY",
        )
    frames = [_engine_named(project, d.name).assign(round=d.year) for d in found]
    return pd.concat(frames, ignore_index=True, join="inner")


def dataset_names(project: Project, *roles: str) -> list[str]:
    """The names of the (latest) datasets of each role the project has."""
    names = []
    for role in roles:
        d = project.dataset(role)
        if d is not None:
            names.append(d.name)
    return names


def build_project_scenario(project: Project) -> Any:
    """The project's scenario (latest) on its survey households, areas missing from the
    scenario dropped, with the project's framework."""
    from humsec.project.resolve import resolve_scenario
    from humsec.shocks import build_scenario, exposure_from_survey

    d = project.dataset("scenario")
    assert d is not None
    exposure = exposure_from_survey(
        survey_frame(project),
        location=project.dataset("survey").file,  # type: ignore[union-attr]
        framework=project.framework,
    )
    spec = resolve_scenario(d.file, project.root)
    return build_scenario(
        spec, exposure, name=d.name, missing_areas="drop", framework=project.framework
    )


__all__ = [
    "DESIGN_NAMES",
    "build_project_scenario",
    "dataset_names",
    "survey_frame",
    "survey_rounds",
]

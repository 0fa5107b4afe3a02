"""The values by area a project can show: its raw area indicators (latest year with data) and
the by-area columns of its latest area-index, deprivation and shock runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.api import ServiceProblem
from humsec.errors import did_you_mean
from humsec.web.project_access import ProjectPage

RUN_COLUMNS = {
    "area_index": (
        "scores",
        "Area risk index",
        ("risk", "hazard_exposure", "vulnerability", "lack_of_coping_capacity"),
    ),
    "deprivation": ("by_area", "Deprivation", ("M0", "H", "A")),
    "shocks": (
        "by_area",
        "Shocks",
        ("eai_wellbeing_loss", "eai_asset_loss", "pushed_into_poverty_per_year", "resilience"),
    ),
}
LABELS = {
    "risk": "risk (0-10)",
    "hazard_exposure": "hazard & exposure (0-10)",
    "vulnerability": "vulnerability (0-10)",
    "lack_of_coping_capacity": "lack of coping capacity (0-10)",
    "M0": "adjusted headcount ratio M0",
    "H": "headcount ratio H",
    "A": "intensity A",
    "eai_wellbeing_loss": "expected annual well-being loss",
    "eai_asset_loss": "expected annual asset loss",
    "pushed_into_poverty_per_year": "people pushed into poverty per year",
    "resilience": "socio-economic resilience",
}


@dataclass(frozen=True)
class Choice:
    """One value a map can show."""

    key: str
    label: str
    group: str


@dataclass(frozen=True)
class AreaValues:
    """Values by p-code with what they are."""

    key: str
    label: str
    unit: str
    values: dict[str, float | None]
    note: str


def latest_indicators(page: ProjectPage) -> pd.DataFrame:
    """Each (area, indicator) at its latest year with a value: pcode, indicator, year, value."""
    long = page.project.area_indicators
    long = long[long["value"].notna()]
    if long.empty:
        return long.assign(year=pd.Series(dtype="Int64"))
    latest = long.sort_values("year").groupby(["pcode", "indicator"], as_index=False).last()
    return latest[["pcode", "indicator", "year", "value"]]


def registry(page: ProjectPage) -> dict[str, tuple[str, str, str | None]]:
    """``{indicator code: (name, unit, pillar)}`` from the project's datasets."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for d in page.project.datasets("indicators"):
        for ind in d.indicators:
            out[ind.code] = (ind.name or ind.code, ind.unit or "", ind.pillar)
    return out


def choices(page: ProjectPage) -> list[Choice]:
    """Every value the project can map: run columns first, then raw indicators."""
    found = []
    for analysis, (table, group, columns) in RUN_COLUMNS.items():
        _, tables = page.latest(analysis)
        frame = tables.get(table)
        if frame is None:
            continue
        for column in columns:
            if column in frame.columns:
                found.append(Choice(f"{analysis}:{column}", LABELS.get(column, column), group))
    for code, (name, unit, _) in registry(page).items():
        found.append(
            Choice(f"indicator:{code}", f"{name} ({unit})" if unit else name, "Area indicators")
        )
    return found


def values(page: ProjectPage, key: str) -> AreaValues:
    """The values of choice ``key`` by p-code (404 naming the choices when unknown)."""
    known = {c.key: c for c in choices(page)}
    if key not in known:
        raise ServiceProblem(
            404,
            f"the project has no map value {key!r}",
            hint=did_you_mean(key, list(known)) or "pick one from the list",
            location="query: indicator",
        )
    kind, _, column = key.partition(":")
    if kind == "indicator":
        latest = latest_indicators(page)
        rows = latest[latest["indicator"] == column]
        years = sorted({int(y) for y in rows["year"].dropna()})
        name, unit, _ = registry(page)[column]
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}" if years else "no"
        note = f"latest year with data per area: {span}"
        series = rows.set_index("pcode")["value"]
        label = name
    else:
        table = RUN_COLUMNS[kind][0]
        run, tables = page.latest(kind)
        frame = tables[table]
        series = frame.set_index("pcode")[column]
        unit, label = "", LABELS.get(column, column)
        note = f"from run {run.run_id if run else '?'}"
    out: dict[str, float | None] = {}
    for pcode in page.project.level_pcodes(page.project.main_level):
        v = series.get(pcode)
        out[pcode] = float(v) if v is not None and pd.notna(v) and np.isfinite(float(v)) else None
    missing = sum(v is None for v in out.values())
    if missing:
        note += f"; {missing} of {len(out)} areas have no value (grey)"
    return AreaValues(key, label, unit, out, note)


def fear_want(page: ProjectPage) -> pd.DataFrame | None:
    """Fear and want scores by area from the latest area-index run.

    ``fear_a`` is the mean of area a's normalised scores (0-10, higher = worse) over the index
    indicators the project registers with ``pillar: fear``, ``want_a`` the same over
    ``pillar: want``; an indicator without a score for the area is left out of its mean and
    counted in ``n_fear`` / ``n_want``. None when the area index never ran.
    """
    _, tables = page.latest("area_index")
    scores = tables.get("indicators")
    if scores is None:
        return None
    pillars = {code: p for code, (_, _, p) in registry(page).items()}
    frame = scores.set_index("pcode")
    out = pd.DataFrame(index=frame.index)
    for pillar in ("fear", "want"):
        cols = [c for c in frame.columns if pillars.get(c) == pillar]
        block = frame[cols].astype(float)
        out[pillar] = block.mean(axis=1, skipna=True)
        out[f"n_{pillar}"] = block.notna().sum(axis=1)
        out.attrs[pillar] = cols
    names = page.project.areas.set_index("pcode")["name"]
    out.insert(0, "name", names.reindex(out.index).to_numpy())
    return out.reset_index()

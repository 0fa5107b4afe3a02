"""The area profile: one area's indicators beside the project's median, its index scores with
the country's national INFORM values as context, and its deprivation and shock results."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from humsec.api import ServiceProblem
from humsec.errors import did_you_mean
from humsec.project.store import TokenRecord
from humsec.web import area_values
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import signed_in

router = APIRouter()

INDEX_COLUMNS = ("risk", "hazard_exposure", "vulnerability", "lack_of_coping_capacity")


def _row(frame: pd.DataFrame | None, pcode: str) -> dict[str, Any] | None:
    if frame is None or "pcode" not in frame.columns:
        return None
    rows = frame[frame["pcode"] == pcode]
    return {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else None


def _indicators(page: ProjectPage, pcode: str) -> list[dict[str, Any]]:
    """The area's latest value of each indicator, its year, the median over the project's
    areas at their latest years, and its rank (1 = highest value)."""
    latest = area_values.latest_indicators(page)
    info = area_values.registry(page)
    rows = []
    for code, group in latest.groupby("indicator", sort=False):
        mine = group[group["pcode"] == pcode]
        if mine.empty:
            continue
        value = float(mine["value"].iloc[0])
        name, unit, pillar = info.get(str(code), (str(code), "", None))
        rank = int((group["value"] > value).sum()) + 1
        rows.append(
            {
                "code": code,
                "name": name,
                "unit": unit,
                "pillar": pillar or "context",
                "year": int(mine["year"].iloc[0]),
                "value": value,
                "median": float(group["value"].median()),
                "rank": rank,
                "of": len(group),
            }
        )
    return rows


@router.get("/projects/{name}/areas")
def area_list(
    name: str,
    request: Request,
    pcode: str | None = Query(None, max_length=100),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Every area of the project, each linking to its profile (``?pcode=`` opens one)."""
    page = project_page(request, name, record)
    if pcode:
        return RedirectResponse(f"/projects/{name}/areas/{quote(pcode)}", status_code=303)
    areas = page.project.areas
    areas = areas[areas["level"] == page.project.main_level]
    return render(request, "areas.html", **page.context("profile", areas=areas.to_dict("records")))


@router.get("/projects/{name}/areas/{pcode}")
def area_profile(
    name: str, pcode: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """One area's profile."""
    page = project_page(request, name, record)
    known = page.project.pcodes
    if pcode not in known:
        raise ServiceProblem(
            404,
            f"the project has no area {pcode!r}",
            hint=did_you_mean(pcode, known) or "pick an area from the list",
            location="path: pcode",
        )
    area = page.project.areas.set_index("pcode").loc[pcode]
    index_run, index_tables = page.latest("area_index")
    dep_run, dep_tables = page.latest("deprivation")
    shock_run, shock_tables = page.latest("shocks")
    national = index_tables.get("national")
    context = {
        "pcode": pcode,
        "area": area.to_dict(),
        "indicators": _indicators(page, pcode),
        "index": _row(index_tables.get("scores"), pcode),
        "index_run": index_run,
        "index_columns": INDEX_COLUMNS,
        "n_areas": len(page.project.level_pcodes(page.project.main_level)),
        "national": national.iloc[0].to_dict() if national is not None and len(national) else None,
        "deprivation": _row(dep_tables.get("by_area"), pcode),
        "deprivation_national": (
            dep_tables["national"].iloc[0].to_dict() if "national" in dep_tables else None
        ),
        "dep_run": dep_run,
        "shocks": _row(shock_tables.get("by_area"), pcode),
        "shock_run": shock_run,
    }
    return render(request, "profile.html", **page.context("profile", **context))

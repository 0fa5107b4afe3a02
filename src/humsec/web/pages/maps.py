"""Maps of the project's areas with any indicator; a select swaps the map by HTMX."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from humsec.project import display_geojson
from humsec.project.store import TokenRecord
from humsec.web import area_values, figures
from humsec.web.project_access import ProjectPage, project_page
from humsec.web.rendering import render
from humsec.web.session import signed_in

router = APIRouter()


def _map_context(page: ProjectPage, key: str) -> dict[str, Any]:
    chosen = area_values.values(page, key)
    layer = page.project.boundaries[page.project.main_level]
    figure = figures.area_map(
        display_geojson(layer), chosen.values, title=chosen.label, unit=chosen.unit
    )
    names = page.project.areas.set_index("pcode")["name"]
    rows = sorted(
        ((pcode, str(names.get(pcode, pcode)), v) for pcode, v in chosen.values.items()),
        key=lambda r: (r[2] is None, -(r[2] or 0.0)),
    )
    return {"chosen": chosen, "figure": figure, "rows": rows}


def _default(page: ProjectPage) -> str | None:
    options = area_values.choices(page)
    return options[0].key if options else None


@router.get("/projects/{name}/map")
def map_page(
    name: str,
    request: Request,
    indicator: str | None = Query(None, max_length=200),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """The areas coloured by one indicator, with the indicator picker and a value table."""
    page = project_page(request, name, record)
    key = indicator or _default(page)
    extra = _map_context(page, key) if key else {}
    return render(
        request,
        "map.html",
        **page.context("map", options=area_values.choices(page), key=key, **extra),
    )


@router.get("/projects/{name}/map/figure")
def map_figure(
    name: str,
    request: Request,
    indicator: str = Query(..., max_length=200),
    record: TokenRecord = Depends(signed_in),
) -> Response:
    """Only the map and its table, for the HTMX swap when another indicator is picked."""
    page = project_page(request, name, record)
    return render(request, "map_figure.html", name=name, **_map_context(page, indicator))

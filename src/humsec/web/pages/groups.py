"""Left behind: who bears the most deprivation and shock losses.

From the project's latest runs: the areas with the highest Alkire-Foster adjusted headcount
ratio M0 (with 95% confidence intervals and the few-PSU flag), and the shock losses per
person of each vulnerable group of the framework.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from humsec.project.store import TokenRecord
from humsec.web import figures
from humsec.web.project_access import project_page
from humsec.web.rendering import render
from humsec.web.session import signed_in

router = APIRouter()


@router.get("/projects/{name}/groups")
def groups_page(name: str, request: Request, record: TokenRecord = Depends(signed_in)) -> Response:
    """Deprivation by area and shock losses by group."""
    page = project_page(request, name, record)
    dep_run, dep_tables = page.latest("deprivation")
    shock_run, shock_tables = page.latest("shocks")
    context: dict[str, Any] = {"dep_run": dep_run, "shock_run": shock_run}
    by_area = dep_tables.get("by_area")
    if by_area is not None:
        ranked = by_area.dropna(subset=["M0"]).sort_values("M0", ascending=False)
        half = ((ranked["M0_ci_high"] - ranked["M0_ci_low"]) / 2).tolist()
        context["areas"] = ranked.to_dict("records")
        context["unsampled"] = by_area[by_area["M0"].isna()]["name"].astype(str).tolist()
        context["area_figure"] = figures.bars(
            ranked["name"].astype(str).tolist(),
            ranked["M0"].tolist(),
            errors=half,
            title="Adjusted headcount ratio M0 by area (±95% CI half-width)",
            x_title="M0",
        )
        national = dep_tables.get("national")
        context["national"] = national.iloc[0].to_dict() if national is not None else None
    by_group = shock_tables.get("by_group")
    if by_group is not None:
        ranked_groups = by_group.sort_values("wellbeing_loss_per_person", ascending=False)
        context["groups"] = ranked_groups.to_dict("records")
        context["group_figure"] = figures.bars(
            ranked_groups["group"].astype(str).tolist(),
            ranked_groups["wellbeing_loss_per_person"].tolist(),
            title="Expected annual well-being loss per person, by group",
            x_title="well-being loss per person per year",
        )
    return render(request, "groups.html", **page.context("groups", **context))

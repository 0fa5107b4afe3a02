"""The fear × want explorer: each area's freedom-from-fear score against its freedom-from-want
score, from the normalised indicator scores of the latest area-index run."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from humsec.project.store import TokenRecord
from humsec.web import area_values, figures
from humsec.web.project_access import project_page
from humsec.web.rendering import render
from humsec.web.session import signed_in

router = APIRouter()


@router.get("/projects/{name}/fear-want")
def fear_want_page(
    name: str, request: Request, record: TokenRecord = Depends(signed_in)
) -> Response:
    """Scatter of fear vs want by area, with the medians as quadrant lines and a table."""
    page = project_page(request, name, record)
    scores = area_values.fear_want(page)
    extra: dict[str, object] = {"scores": None}
    if scores is not None:
        usable = scores.dropna(subset=["fear", "want"])
        fear_median = float(usable["fear"].median()) if len(usable) else None
        want_median = float(usable["want"].median()) if len(usable) else None
        extra = {
            "scores": scores.sort_values(["fear", "want"], ascending=False).to_dict("records"),
            "fear_indicators": scores.attrs.get("fear", []),
            "want_indicators": scores.attrs.get("want", []),
            "fear_median": fear_median,
            "want_median": want_median,
            "both_high": [
                r["name"]
                for r in usable.to_dict("records")
                if fear_median is not None
                and want_median is not None
                and r["fear"] > fear_median
                and r["want"] > want_median
            ],
            "figure": figures.scatter(
                usable["want"].tolist(),
                usable["fear"].tolist(),
                usable["name"].astype(str).tolist(),
                title="Fear × want by area (0-10, higher = less secure)",
                x_title="want score",
                y_title="fear score",
                x_ref=want_median,
                y_ref=fear_median,
            ),
        }
    return render(request, "fear_want.html", **page.context("fear_want", **extra))

"""The dashboard's templates (Jinja2, autoescaped) and how a page is rendered."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from humsec import __version__


def number(value: Any, digits: int = 3) -> str:
    """A number for a table cell: thousands separators, ``digits`` significant figures for
    small values, an en dash for missing values."""
    if value is None:
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "–"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


@cache
def environment() -> jinja2.Environment:
    """The template environment (templates shipped inside the package)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("humsec.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.globals["version"] = __version__
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the request, the signed-in token (if any) and ``context``."""
    page = environment().get_template(template)
    html = page.render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)

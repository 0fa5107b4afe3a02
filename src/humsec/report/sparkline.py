"""Tiny inline SVG trend lines for report tables (no JavaScript, no external resources)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from humsec.errors import HumsecError


def sparkline_svg(
    years: Sequence[float],
    values: Sequence[float],
    *,
    width: int = 120,
    height: int = 26,
    label: str = "",
    stroke: str = "#3b5b92",
) -> str:
    """Return an inline ``<svg>`` drawing ``values`` against ``years``.

    Points are placed linearly: x = (year − min year)/(max year − min year)·(width − 2p) + p
    and y = height − p − (v − min v)/(max v − min v)·(height − 2p), with padding p = 2 px.
    Missing values (NaN) break the line into separate segments instead of being bridged or
    zero-filled; the last observed point is marked with a dot. Returns ``""`` when no value
    is observed.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise HumsecError(
            f"sparkline needs years and values of equal length, got {x.shape} and {y.shape}",
            hint="pass one value per year (NaN where missing)",
        )
    observed = ~np.isnan(y) & ~np.isnan(x)
    if not observed.any():
        return ""
    order = np.argsort(x, kind="stable")
    x, y, observed = x[order], y[order], observed[order]
    pad = 2.0
    x_lo, x_hi = np.nanmin(x[observed]), np.nanmax(x[observed])
    y_lo, y_hi = np.nanmin(y[observed]), np.nanmax(y[observed])
    x_span = x_hi - x_lo if x_hi > x_lo else 1.0
    y_span = y_hi - y_lo if y_hi > y_lo else 1.0
    px = pad + (x - x_lo) / x_span * (width - 2 * pad)
    py = height - pad - (y - y_lo) / y_span * (height - 2 * pad)
    if y_hi == y_lo:
        py = np.full_like(py, height / 2)
    # Split into runs of consecutive observed points: a gap in the data is a gap in the line.
    run_id = np.cumsum(~observed)
    paths: list[str] = []
    for run in np.unique(run_id[observed]):
        members = observed & (run_id == run)
        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px[members], py[members], strict=True))
        if members.sum() == 1:
            a, b = px[members][0], py[members][0]
            paths.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="1.2" fill="{stroke}"/>')
        else:
            paths.append(
                f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="1.3"/>'
            )
    last = np.flatnonzero(observed)[-1]
    paths.append(f'<circle cx="{px[last]:.1f}" cy="{py[last]:.1f}" r="2" fill="{stroke}"/>')
    title = escape(label or f"{int(x_lo)}–{int(x_hi)}")
    return (
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{title}"><title>{title}</title>{"".join(paths)}</svg>'
    )

"""Country-profile figures on a toy panel checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from humsec.report.sections.country_profile import threat_bar_figure, trend_figure


def _panel() -> pd.DataFrame:
    index = pd.MultiIndex.from_product(
        [["AAA", "BBB", "CCC"], [1989, 1990, 1991, 1992]], names=["iso3", "year"]
    )
    hdi = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, np.nan, 0.9, 1.0, 1.1, 1.2]
    conflicts = [0, 1, 2, 0, 0, 0, 0, 0, 5, 5, 5, 5]
    frame = pd.DataFrame(
        {"hdi": hdi, "conflict_count": conflicts, "conflict_intensity": np.minimum(conflicts, 2)},
        index=index,
        dtype=float,
    )
    frame.columns.name = "indicator"
    return frame


def test_trend_figure_draws_country_and_median_since_1990() -> None:
    codes = ["hdi", "conflict_count", "conflict_intensity"]
    fig = trend_figure(_panel(), "AAA", {"hdi": "HDI"}, codes)
    traces = fig.data
    assert len(traces) == 2 * len(codes)
    median_hdi, own_hdi = traces[0], traces[1]
    assert list(own_hdi.x) == [1990, 1991, 1992]  # 1989 is before the trend window
    assert list(own_hdi.y) == [0.2, 0.3, 0.4]
    # median of (0.2, 0.6, 1.0), (0.3, 0.7, 1.1), (0.4, NaN, 1.2) per year
    assert list(median_hdi.y) == [0.6, 0.7, 0.8]
    assert traces[3].type == "bar"  # conflict counts are bars
    assert traces[5].line.shape == "hv"  # intensity is a level held through the year
    capped = trend_figure(_panel(), "AAA", {}, ["hdi"], max_year=1991)
    assert list(capped.data[1].x) == [1990, 1991]


def test_threat_bar_figure_orders_and_colours_by_pillar() -> None:
    by_threat = pd.DataFrame(
        {
            "threat": ["hunger", "crime", "poverty"],
            "level": [80.0, np.nan, 40.0],
            "n_indicators": [3, 0, 2],
        }
    )
    fig = threat_bar_figure(
        by_threat,
        {"hunger": "Hunger", "crime": "Crime", "poverty": "Poverty"},
        {"hunger": "want", "crime": "fear", "poverty": "want"},
    )
    bar = fig.data[0]
    # unmeasured threats are left out; highest at the top (plotly draws y bottom-up)
    assert list(bar.y) == ["Poverty", "Hunger"] and list(bar.x) == [40.0, 80.0]
    assert list(bar.customdata) == [2, 3]


def test_trend_figure_adds_regional_median() -> None:
    fig = trend_figure(_panel(), "AAA", {}, ["hdi"], region=("Toyland", ["AAA", "CCC"]))
    _, region, own = fig.data
    assert region.name == "median of Toyland"
    # median of AAA and CCC: (0.2, 1.0), (0.3, 1.1), (0.4, 1.2)
    assert list(region.y) == [0.6, 0.7, 0.8]
    assert list(own.y) == [0.2, 0.3, 0.4]

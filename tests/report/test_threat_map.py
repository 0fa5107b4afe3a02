"""The world-map figure on a three-country toy: grey layer, values, menu styles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.report.sections.threat_map import colour_range, threat_map_figure
from humsec.report.snapshot import IndicatorSnapshot


def _square(iso: str, x: float) -> dict[str, object]:
    ring = [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]
    return {
        "type": "Feature",
        "id": iso,
        "properties": {"name": iso},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


GEO = {
    "type": "FeatureCollection",
    "features": [_square("AAA", 0), _square("BBB", 2), _square("CCC", 4), _square("ATA", 6)],
}
REGISTRY = pd.DataFrame(
    {
        "code": ["x", "y", "z"],
        "name": ["Ex", "Why", "Zed"],
        "pillar": ["fear", "want", "want"],
        "unit": ["score", "years", "%"],
        "direction": ["higher_is_worse", "higher_is_better", "higher_is_worse"],
    }
)


@pytest.fixture
def snapshot() -> IndicatorSnapshot:
    values = pd.DataFrame(
        {"x": [1.0, 2.0, np.nan], "y": [5.0, np.nan, np.nan], "z": [np.nan] * 3},
        index=pd.Index(["AAA", "BBB", "CCC"], name="iso3"),
    )
    years = pd.Series({"x": 2020, "y": 2022, "z": pd.NA}, dtype="Int64")
    return IndicatorSnapshot(years=years, values=values, coverage=values.notna().sum())


def test_layers_values_and_styles(snapshot: IndicatorSnapshot) -> None:
    world = threat_map_figure(snapshot, REGISTRY, GEO, {"AAA": "Aland"}, initial="y")
    grey, coloured = world.figure["data"]
    # Antarctica is left off; z is missing (not zero) where the indicator has no value
    assert coloured["locations"] == ["AAA", "BBB", "CCC"]
    assert coloured["z"] == [5.0, None, None]
    assert coloured["reversescale"] is True  # y: higher is better, so low values are red
    # grey layer: countries lacking a value for at least one mapped indicator (x or y)
    assert grey["locations"] == ["BBB", "CCC"]
    assert [f["id"] for f in grey["geojson"]["features"]] == ["BBB", "CCC"]
    assert coloured["customdata"][0] == "Aland"
    # z has no data at all, so it is not offered in the menu
    assert [code for code, _, _ in world.options] == ["x", "y"]
    assert world.styles["x"]["trace"]["z"] == [[1.0, 2.0, None]]
    assert world.styles["x"]["trace"]["reversescale"] == [False]
    assert "2020" in world.styles["x"]["layout"]["title.text"]


def test_menu_html_carries_styles_as_json(snapshot: IndicatorSnapshot) -> None:
    html = threat_map_figure(snapshot, REGISTRY, GEO, {}).to_html("toy-map")
    assert '<optgroup label="Fear"><option value="x" selected>Ex</option></optgroup>' in html
    start = html.index('id="toy-map-styles">') + len('id="toy-map-styles">')
    styles = json.loads(html[start : html.index("</script>", start)])
    assert set(styles) == {"x", "y"}
    assert "Plotly.update('toy-map', s.trace, s.layout, [1])" in html


def test_no_indicator_with_data_is_an_error(snapshot: IndicatorSnapshot) -> None:
    empty = IndicatorSnapshot(
        years=pd.Series(pd.NA, index=["x", "y", "z"], dtype="Int64"),
        values=snapshot.values * np.nan,
        coverage=snapshot.coverage * 0,
    )
    with pytest.raises(DataError, match="no registered indicator has data"):
        threat_map_figure(empty, REGISTRY, GEO, {})


def test_colour_range_clips_continuous_but_not_levels() -> None:
    assert colour_range(pd.Series([0.0, 1.0, 2.0, np.nan])) == (0.0, 2.0)
    lo, hi = colour_range(pd.Series(np.arange(101, dtype=float)))
    assert (lo, hi) == pytest.approx((2.0, 98.0))
    assert colour_range(pd.Series([3.0, 3.0])) == (3.0, 4.0)

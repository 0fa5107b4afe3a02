"""Unit tests of the report's building blocks: figures, tables, sparklines."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from humsec.errors import ColumnError, HumsecError
from humsec.report import figure_html, sparkline_svg, table_html
from humsec.report.figures import offline_geo_assets_js
from humsec.report.tables import format_number


def test_figure_html_is_a_fragment_without_external_script() -> None:
    html = figure_html(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), div_id="fig-a")
    assert html.startswith("<div")
    assert 'id="fig-a"' in html
    assert "<script src" not in html and "cdn" not in html.lower()
    assert '"displaylogo": false' in html


def test_figure_html_validates_input() -> None:
    with pytest.raises(HumsecError, match="needs a plotly"):
        figure_html("<div>")  # type: ignore[arg-type]
    with pytest.raises(HumsecError, match="'data' list"):
        figure_html({"layout": {}})
    with pytest.raises(HumsecError, match="invalid figure div id"):
        figure_html(go.Figure(), div_id="1 bad")


def test_geo_assets_register_empty_world_basemap() -> None:
    js = offline_geo_assets_js()
    payload = json.loads(js.split("|| ", 1)[1].rstrip(";"))
    world = payload["topojson"]["world_110m"]
    assert world["type"] == "Topology" and world["arcs"] == []
    assert world["objects"]["countries"]["geometries"] == []


def test_table_marks_missing_escapes_text_and_aligns_numbers() -> None:
    frame = pd.DataFrame({"name": ["A&B", "<i>x</i>"], "value": [1234.5678, np.nan]})
    html = table_html(frame, caption="cap")
    assert "A&amp;B" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert '<td class="missing" title="missing">—</td>' in html
    assert '<td class="num">1,235</td>' in html
    assert "<caption>cap</caption>" in html


def test_table_rejects_unknown_formatter_columns() -> None:
    with pytest.raises(ColumnError, match="no column"):
        table_html(pd.DataFrame({"a": [1]}), formatters={"b": str})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.5789, "0.579"),
        (12.345, "12.3"),
        (4474.2, "4,474"),
        (3, "3"),
        (2.0, "2"),
        (-0.0312, "-0.0312"),
    ],
)
def test_format_number_three_significant_digits(value: float, text: str) -> None:
    assert format_number(value) == text


def test_sparkline_places_points_linearly_and_breaks_at_gaps() -> None:
    svg = sparkline_svg([2000, 2001, 2002, 2003, 2004], [0, 1, np.nan, 3, 4], width=44, height=14)
    lines = re.findall(r'points="([^"]+)"', svg)
    # x = 2 + (year-2000)/4*40; y = 14 - 2 - v/4*10
    assert lines == ["2.0,12.0 12.0,9.5", "32.0,4.5 42.0,2.0"]
    assert 'cx="42.0" cy="2.0" r="2"' in svg  # last observed point marked


def test_sparkline_empty_and_mismatched() -> None:
    assert sparkline_svg([2000, 2001], [np.nan, np.nan]) == ""
    with pytest.raises(HumsecError, match="equal length"):
        sparkline_svg([2000], [1, 2])


def test_table_download_link_holds_raw_csv() -> None:
    import base64

    raw = pd.DataFrame({"iso3": ["KEN", "GHA"], "value": [0.601, np.nan]})
    html = table_html(raw, download=raw, download_name="values.csv")
    href = re.search(
        r'download="values.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html
    )
    assert href is not None
    assert base64.b64decode(href.group(1)).decode("utf-8") == "iso3,value\nKEN,0.601\nGHA,\n"
    with pytest.raises(HumsecError, match="plain file name"):
        table_html(raw, download=raw, download_name="../x.txt")

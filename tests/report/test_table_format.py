"""Report tables: one number of decimals per column (an index's from its spec), an explicit
marker for missing values, and CSV downloads that keep the exact values."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from humsec.index import load_preset
from humsec.report.tables import (
    MISSING,
    column_decimals,
    fixed_number,
    index_decimals,
    table_html,
)


def _column(html: str, position: int) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    return [re.findall(r"<td[^>]*>(.*?)</td>", r)[position] for r in rows]


def test_a_column_of_scores_has_one_number_of_decimals() -> None:
    # the user's case: 0.500, 10 and 8 beside 1-decimal scores
    frame = pd.DataFrame({"area": list("abcd"), "score": [0.5, 10.0, 8.0, 2.1]})
    assert _column(table_html(frame), 1) == ["0.5", "10.0", "8.0", "2.1"]
    # median magnitude 0.15 -> 3 significant digits -> 3 decimals for every row
    m0 = pd.DataFrame({"M0": [0.0984, 0.189, 0.127, 0.3]})
    assert _column(table_html(m0), 0) == ["0.098", "0.189", "0.127", "0.300"]


@pytest.mark.parametrize(
    ("values", "places"),
    [
        ([0.5, 1.8, 3.0, 2.1], 1),  # carried: a column rounded to 1 decimal keeps 1
        ([0.0984, 0.189, 0.127, 0.3], 3),  # median 0.158: 3 - 1 - floor(log10 0.158) = 3
        ([0.019, 0.0439, 0.0235], 4),  # median 0.0235: 3 - 1 + 2
        ([767_093_940.5, 296_913_893.2], 0),
        ([1, 2, 3], 0),
        ([100.0, 33.3, 34.1], 1),
        ([np.nan, 0.0, 0.25], 2),  # zeros and missing values do not count
    ],
)
def test_column_decimals(values: list[float], places: int) -> None:
    assert column_decimals(values) == places


def test_index_tables_take_the_decimals_of_their_spec() -> None:
    inform, hdi = load_preset("inform"), load_preset("hdi")
    columns = ["inform_risk", "hazard_exposure", "rank", "coverage", "name"]
    assert index_decimals(inform, columns) == {
        "inform_risk": 1,
        "hazard_exposure": 1,
        "rank": 0,
        "coverage": 2,
    }
    assert index_decimals(hdi, [hdi.root])[hdi.root] == 3
    frame = pd.DataFrame({"inform_risk": [0.5, 3.0, 2.14], "rank": [3.0, 1.0, 2.0]})
    html = table_html(frame, decimals=index_decimals(inform, frame.columns))
    assert _column(html, 0) == ["0.5", "3.0", "2.1"]
    assert _column(html, 1) == ["3", "1", "2"]


def test_years_p_values_and_values_below_the_resolution() -> None:
    frame = pd.DataFrame(
        {
            "first_year": [1997, 2003],
            "p_value": [2.88e-9, 0.0256],
            "share": [0.00004, 0.2],
            "pushed_per_year": [176926.0, 1084.0],  # a rate, not a year
        }
    )
    html = table_html(frame, decimals={"share": 2})
    assert _column(html, 0) == ["1997", "2003"]
    assert _column(html, 3) == ["176,926", "1,084"]
    assert _column(html, 1) == ["&lt;0.001", "0.026"]
    assert _column(html, 2) == ["&lt;0.01", "0.20"]  # never printed as 0.00
    assert fixed_number(-0.00001, 3) == ">-0.001"
    assert fixed_number(1234.56, 1) == "1,234.6"


def test_missing_values_and_blank_text_show_the_marker_and_csv_stays_exact() -> None:
    raw = pd.DataFrame(
        {
            "area": ["KE001", "KE002", "KE003"],
            "note": ["dry", "", None],
            "value": [0.123456789, np.nan, 2.5],
            "trend": ["<svg></svg>", "", None],
        }
    )
    html = table_html(raw, html_columns=["trend"], download=raw, download_name="t.csv")
    marker = f'<td class="missing" title="missing">{MISSING}</td>'
    cells = re.findall(r"<td[^>]*>.*?</td>", html)
    assert cells.count(marker) == 5  # note x2, value x1, trend x2: no blank cell is left
    assert all(re.sub(r"<[^>]+>", "", c).strip() for c in cells if "<svg" not in c)
    assert _column(html, 2) == ["0.12", marker.split(">")[1].split("<")[0], "2.50"]
    href = re.search(r'base64,([^"]+)"', html)
    assert href is not None
    csv = base64.b64decode(href.group(1)).decode("utf-8")
    assert "KE001,dry,0.123456789,<svg></svg>" in csv  # full precision, not the shown 0.12
    assert "KE002,,,\n" in csv  # missing stays an empty CSV cell

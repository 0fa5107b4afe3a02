"""Snapshot and standing arithmetic on a four-country panel checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import ColumnError, DataError
from humsec.report.snapshot import (
    country_standing,
    indicator_snapshot,
    orientation,
    snapshot_percentiles,
    threat_overlap,
    threat_standing,
)

NA = np.nan


@pytest.fixture
def panel() -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["W", "X", "Y", "Z"], [2019, 2020]], names=["iso3", "year"])
    # rows: W2019 W2020 X2019 X2020 Y2019 Y2020 Z2019 Z2020
    frame = pd.DataFrame(
        {
            "a": [4, NA, 1, 5, 2, NA, 3, NA],  # higher is worse
            "b": [NA, NA, 10, 10, NA, 20, NA, 30],  # higher is better
        },
        index=index,
        dtype=float,
    )
    frame.columns.name = "indicator"
    return frame


DIRECTIONS = pd.Series({"a": "higher_is_worse", "b": "higher_is_better"})


def test_snapshot_takes_latest_well_covered_year(panel: pd.DataFrame) -> None:
    snap = indicator_snapshot(panel)
    # a: 2019 has 4 countries, 2020 only 1 (< 0.8 * 4), so 2019; b: 2020 has 3 of max 3.
    assert snap.years.to_dict() == {"a": 2019, "b": 2020}
    assert snap.coverage.to_dict() == {"a": 4, "b": 3}
    assert snap.values.loc["X", "a"] == 1 and snap.values.loc["Z", "b"] == 30
    assert np.isnan(snap.values.loc["W", "b"])  # missing stays missing, no other year filled in
    assert snap.to_frame()["year"].tolist() == [2019, 2020]


def test_snapshot_respects_year_cap(panel: pd.DataFrame) -> None:
    snap = indicator_snapshot(panel, max_year=2019)
    assert snap.years.to_dict() == {"a": 2019, "b": 2019}
    assert snap.coverage.to_dict() == {"a": 4, "b": 1}


def test_snapshot_before_any_data_is_all_missing(panel: pd.DataFrame) -> None:
    snap = indicator_snapshot(panel, max_year=2000)
    assert snap.years.isna().all()
    assert snap.coverage.to_dict() == {"a": 0, "b": 0}


def test_standing_ranks_and_percentiles(panel: pd.DataFrame) -> None:
    z = country_standing(panel, DIRECTIONS, "Z").set_index("code")
    # a in 2019: threats 1,2,3,4; Z=3 -> one country worse (rank 2), two of three better
    assert z.loc["a", "year"] == 2019 and z.loc["a", "rank"] == 2
    assert z.loc["a", "percentile"] == pytest.approx(200 / 3)
    # b in 2020 (higher is better): Z=30 is the best -> rank 3 of 3, nobody better off
    assert z.loc["b", "rank"] == 3 and z.loc["b", "n_countries"] == 3
    assert z.loc["b", "percentile"] == 0


def test_standing_uses_country_latest_year_and_cap(panel: pd.DataFrame) -> None:
    x = country_standing(panel, DIRECTIONS, "X").set_index("code")
    assert x.loc["a", "year"] == 2020 and x.loc["a", "n_countries"] == 1
    assert pd.isna(x.loc["a", "percentile"])  # alone in its year: no one to compare with
    assert x.loc["b", "percentile"] == 100  # X=10 is the lowest of 10, 20, 30
    capped = country_standing(panel, DIRECTIONS, "X", max_year=2019).set_index("code")
    assert capped.loc["a", "rank"] == 4 and capped.loc["a", "percentile"] == 0


def test_standing_keeps_indicators_without_value(panel: pd.DataFrame) -> None:
    w = country_standing(panel, DIRECTIONS, "W").set_index("code")
    assert list(w.index) == ["a", "b"]
    assert pd.isna(w.loc["b", "value"]) and pd.isna(w.loc["b", "rank"])


def test_threat_standing_means_percentiles(panel: pd.DataFrame) -> None:
    z = country_standing(panel, DIRECTIONS, "Z")
    threats = pd.Series({"a": ["t1"], "b": ["t1", "t2"]})
    table = threat_standing(z, threats)
    assert table["threat"].tolist() == ["t1", "t2"]
    assert table["level"].tolist() == pytest.approx([100 / 3, 0.0])
    assert table["n_indicators"].tolist() == [2, 1]


def test_bad_inputs_raise_clear_errors(panel: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="'Q' is not in the country panel"):
        country_standing(panel, DIRECTIONS, "Q")
    with pytest.raises(ColumnError, match="no direction"):
        country_standing(panel, DIRECTIONS.drop("b"), "X")
    with pytest.raises(ColumnError, match="unknown indicator direction"):
        orientation(pd.Series({"a": "up"}))
    with pytest.raises(DataError, match=r"indexed by \(iso3, year\)"):
        indicator_snapshot(panel.reset_index())


def test_snapshot_percentiles_match_standing_definition(panel: pd.DataFrame) -> None:
    snap = indicator_snapshot(panel)
    p = snapshot_percentiles(snap, DIRECTIONS)
    # a@2019 threats W4 X1 Y2 Z3; b@2020 (higher better) X10 Y20 Z30
    assert p["a"].to_dict() == pytest.approx({"W": 100.0, "X": 0.0, "Y": 100 / 3, "Z": 200 / 3})
    assert p.loc[["X", "Y", "Z"], "b"].tolist() == [100.0, 50.0, 0.0]
    assert np.isnan(p.loc["W", "b"])


def test_threat_overlap_counts_severe_threats_by_pillar(panel: pd.DataFrame) -> None:
    snap = indicator_snapshot(panel)
    threats = pd.Series({"a": ["t1"], "b": ["t1", "t2"]})
    table = threat_overlap(snap, DIRECTIONS, threats, {"t1": "fear", "t2": "want"})
    # t1 = mean(a, b): W 100 (a only), X 50, Y 41.7, Z 33.3; t2 = b: X 100, Y 50, Z 0
    assert table.loc["W"].to_dict() == {
        "fear": 1,
        "want": 0,
        "total": 1,
        "measured": 1,
        "mean_level": 100.0,
    }
    assert table.loc["X", ["fear", "want", "total", "measured"]].tolist() == [0, 1, 1, 2]
    assert table.loc["Y", "total"] == 0 and table.loc["Z", "total"] == 0
    assert table.index[:2].tolist() == ["W", "X"]  # most severe first, then mean level
    with pytest.raises(ColumnError, match="have no pillar"):
        threat_overlap(snap, DIRECTIONS, threats, {"t1": "fear"})

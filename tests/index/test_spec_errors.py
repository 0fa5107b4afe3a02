"""Bad specs and bad data give clear errors that name the node and suggest fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from humsec.errors import ColumnError, SpecError
from humsec.index import IndexSpec, build


def small_spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "code": "toy",
        "root": "total",
        "orientation": "higher_is_better",
        "indicators": [
            {"code": "a", "direction": "higher_is_better"},
            {"code": "b", "direction": "higher_is_better"},
            {"code": "c", "direction": "higher_is_better"},
        ],
        "nodes": [
            {"code": "total", "children": ["ab", "c"]},
            {"code": "ab", "children": ["a", "b"]},
        ],
    }
    spec.update(changes)
    return spec


def test_valid_spec_builds_by_hand() -> None:
    spec = IndexSpec.from_dict(small_spec())
    data = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 5.0], "c": [4.0, 0.0]}, index=["u", "v"])
    result = build(spec, data)
    assert result.scores.loc["u", "ab"] == pytest.approx(1.5)
    assert result.scores.loc["u", "total"] == pytest.approx((1.5 + 4.0) / 2)
    assert list(result.scores.columns[:2]) == ["total", "ab"]


def test_missing_column_names_node_and_close_match() -> None:
    spec = IndexSpec.from_dict(small_spec())
    data = pd.DataFrame({"a": [1.0], "bb": [2.0], "c": [3.0]})
    with pytest.raises(ColumnError, match="indicator 'b'") as info:
        build(spec, data)
    assert "did you mean 'bb'" in str(info.value)


def test_duplicate_code() -> None:
    bad = small_spec()
    bad["nodes"].append({"code": "a", "children": ["c"]})
    with pytest.raises(SpecError, match="duplicate code 'a'"):
        IndexSpec.from_dict(bad)


def test_cycle_is_reported() -> None:
    bad = small_spec(
        nodes=[
            {"code": "total", "children": ["ab", "c"]},
            {"code": "ab", "children": ["a", "b"]},
            {"code": "loop", "children": ["ab2"]},
            {"code": "ab2", "children": ["loop"]},
        ]
    )
    with pytest.raises(SpecError, match="cycle"):
        IndexSpec.from_dict(bad)


def test_unknown_child_suggests() -> None:
    bad = small_spec(nodes=[{"code": "total", "children": ["ab", "cc"]},
                            {"code": "ab", "children": ["a", "b"]}])
    with pytest.raises(SpecError, match="did you mean 'c'"):
        IndexSpec.from_dict(bad)


def test_missing_direction_names_indicator() -> None:
    bad = small_spec()
    bad["indicators"][1] = {"code": "b"}
    with pytest.raises(SpecError, match=r"indicators\['b'\]\.direction"):
        IndexSpec.from_dict(bad)


def test_negative_and_zero_weights() -> None:
    neg = small_spec()
    neg["nodes"][1]["weights"] = {"a": -1, "b": 1}
    with pytest.raises(SpecError, match="negative weight"):
        IndexSpec.from_dict(neg)
    zero = small_spec()
    zero["nodes"][1]["weights"] = {"a": 0, "b": 0}
    with pytest.raises(SpecError, match="all weights are zero"):
        IndexSpec.from_dict(zero)


def test_unreachable_node() -> None:
    bad = small_spec()
    bad["indicators"].append({"code": "d", "direction": "higher_is_worse"})
    with pytest.raises(SpecError, match="not reachable from root 'total': d"):
        IndexSpec.from_dict(bad)


def test_all_missing_indicator_is_reported_not_zero() -> None:
    spec = IndexSpec.from_dict(small_spec())
    data = pd.DataFrame({"a": [1.0, 3.0], "b": [np.nan, np.nan], "c": [4.0, 0.0]})
    result = build(spec, data)
    # ab is the mean of a alone, not (a + 0)/2
    assert result.scores["ab"].tolist() == [1.0, 3.0]
    assert result.missing.loc["b", "missing_after"] == 2
    assert any("'b' has no value for any unit" in note for note in result.notes)
    assert result.coverage.loc[0, "total"] == pytest.approx(2 / 3)


def test_geometric_over_zero_errors_or_offsets() -> None:
    raw = small_spec()
    raw["nodes"][1]["method"] = "geometric"
    data = pd.DataFrame({"a": [0.0, 4.0], "b": [2.0, 1.0], "c": [1.0, 1.0]})
    with pytest.raises(SpecError, match=r"node 'ab'.*<= 0"):
        build(IndexSpec.from_dict(raw), data)
    raw["nodes"][1].update({"nonpositive": "offset", "offset": 1.0})
    result = build(IndexSpec.from_dict(raw), data)
    # sqrt((0 + 1)(2 + 1)) - 1 and sqrt(5 * 2) - 1
    assert result.scores["ab"].tolist() == pytest.approx([np.sqrt(3) - 1, np.sqrt(10) - 1])


def test_min_coverage_makes_node_missing() -> None:
    raw = small_spec()
    raw["nodes"][1]["min_coverage"] = 1.0
    data = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 5.0], "c": [4.0, 0.0]})
    result = build(IndexSpec.from_dict(raw), data)
    assert np.isnan(result.scores.loc[1, "ab"])
    assert result.scores.loc[1, "total"] == 0.0  # c alone; ab is missing, not zero


def test_custom_expression_whitelist() -> None:
    raw = small_spec()
    raw["nodes"][1].update({"method": "custom", "expression": "__import__('os').getcwd()"})
    with pytest.raises(SpecError, match="not allowed"):
        IndexSpec.from_dict(raw)
    raw["nodes"][1]["expression"] = "max(a, 0.7 * bee)"
    with pytest.raises(SpecError, match="did you mean 'b'"):
        IndexSpec.from_dict(raw)


def test_yaml_roundtrip(tmp_path: Path) -> None:
    spec = IndexSpec.from_dict(small_spec())
    path = tmp_path / "toy.yaml"
    path.write_text(spec.to_yaml(), encoding="utf-8")
    assert IndexSpec.from_yaml(path) == spec
    with pytest.raises(SpecError, match="not found"):
        IndexSpec.from_yaml(tmp_path / "nope.yaml")


def test_non_numeric_cells_and_missing_year_are_reported() -> None:
    from humsec.errors import DataError

    spec = IndexSpec.from_dict(small_spec())
    data = pd.DataFrame({"a": ["1", "two"], "b": [1.0, 2.0], "c": [3.0, 4.0]})
    with pytest.raises(DataError, match=r"'a' has 1 non-numeric value\(s\), e.g. 'two'"):
        build(spec, data)
    panel = pd.DataFrame({"iso3": ["A", "A"], "year": [2020, 2021], "a": [1.0, 2.0],
                          "b": [1.0, 2.0], "c": [1.0, 2.0]})
    with pytest.raises(DataError, match="no rows for year 2030") as info:
        build(spec, panel, year=2030)
    assert "2020-2021" in str(info.value)

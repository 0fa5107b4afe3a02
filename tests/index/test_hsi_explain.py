"""The hsi preset on the bundled panel, its quadrants and threat coverage; explain()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import indicator_registry
from humsec.errors import DataError
from humsec.index import (
    IndexSpec,
    build,
    bundled_data,
    default_year,
    explain,
    load_preset,
    quadrants,
    threat_coverage,
)


@pytest.fixture(scope="module")
def hsi_result():  # type: ignore[no-untyped-def]
    spec = load_preset("hsi")
    panel = bundled_data("hsi")
    return build(spec, panel, year=default_year(spec, panel))


def test_hsi_indicators_come_from_the_registry() -> None:
    spec = load_preset("hsi")
    registry = indicator_registry()
    for ind in spec.indicators:
        entry = registry.get(ind.code)
        assert entry.direction == ind.direction, ind.code
        assert set(ind.threats) <= set(entry.threats), ind.code
        if ind.threats:
            pillar = spec.path_to(ind.code)[1]
            assert pillar == entry.pillar, ind.code


def test_every_threat_covered_or_gap_explained() -> None:
    coverage = threat_coverage(load_preset("hsi"))
    assert len(coverage) == 13
    for item in coverage:
        assert item.indicators or (item.gap and item.gap != "not covered"), item.threat
    gaps = {c.threat for c in coverage if not c.indicators}
    assert gaps == {"crime", "environmental_degradation"}


def test_unknown_threat_id_is_an_error() -> None:
    from humsec.errors import SpecError

    spec = load_preset("hsi")
    first = spec.indicators[0].model_copy(update={"threats": ["armed_conflit"]})
    bad = spec.model_copy(update={"indicators": [first, *spec.indicators[1:]]})
    with pytest.raises(SpecError, match="did you mean 'armed_conflict'"):
        threat_coverage(bad)


def test_hsi_builds_on_bundled_data(hsi_result) -> None:  # type: ignore[no-untyped-def]
    assert hsi_result.year == 2023
    scores = hsi_result.scores
    built = scores["hsi"].dropna()
    assert len(built) >= 180
    assert built.between(0, 10).all()
    # territories with no data stay missing, never zero
    assert np.isnan(scores.loc["ABW", "hsi"])
    # sanity against common knowledge: Nordic countries are among the most secure,
    # Yemen, Afghanistan and Chad among the least
    ranks = hsi_result.ranks["hsi"]
    assert ranks["NOR"] > len(built) - 10 and ranks["DNK"] > len(built) - 10
    assert max(ranks["YEM"], ranks["AFG"], ranks["TCD"]) <= 10


def test_quadrants_by_threshold(hsi_result) -> None:  # type: ignore[no-untyped-def]
    q = quadrants(hsi_result)
    both = (q["fear"] >= 5) & (q["want"] >= 5)
    assert (q["quadrant"] == "compound insecurity").sum() == both.sum() > 10
    assert q.loc["KEN", "quadrant"] == "compound insecurity"
    assert q.loc["UKR", "quadrant"] == "fear-driven"  # war, but low deprivation
    assert pd.isna(q.loc["ABW", "quadrant"])
    lower = quadrants(hsi_result, threshold=4.0)
    assert (lower["quadrant"] == "compound insecurity").sum() >= both.sum()


def test_explain_arithmetic_points_add_up() -> None:
    spec = IndexSpec.from_dict(
        {
            "code": "toy", "root": "t", "orientation": "higher_is_worse",
            "indicators": [{"code": c, "direction": "higher_is_worse"} for c in "abc"],
            "nodes": [{"code": "t", "children": ["ab", "c"], "weights": {"ab": 3, "c": 1}},
                      {"code": "ab", "children": ["a", "b"]}],
        }
    )
    data = pd.DataFrame({"a": [2.0], "b": [6.0], "c": [8.0]}, index=["X"])
    e = explain(build(spec, data), "X")
    # t = (3 * 4 + 8) / 4 = 5; a contributes 3/4 * 1/2 * 2 = 0.75 points
    assert e.score == pytest.approx(5.0)
    points = e.indicators.set_index("indicator")["points"]
    assert points.to_dict() == pytest.approx({"a": 0.75, "b": 2.25, "c": 2.0})
    assert points.sum() == pytest.approx(e.score)


def test_explain_inform_and_unknown_unit(inform2020: pd.DataFrame) -> None:
    result = build(load_preset("inform"), inform2020)
    e = explain(result, "AFG")
    assert e.indicators["share"].sum() == pytest.approx(1.0)
    # Afghanistan's risk is driven first by current highly violent conflict
    assert e.indicators.iloc[0]["indicator"] == "current_conflict_intensity"
    with pytest.raises(DataError, match=r"did you mean .*'AFG'"):
        explain(result, "AFF")


def test_explain_geometric_log_shares(hdr2022: pd.DataFrame) -> None:
    result = build(load_preset("hdi"), hdr2022.loc[["KEN"]])
    e = explain(result, "KEN")
    nodes = e.nodes.set_index("node")
    logs = {k: np.log(nodes.loc[k, "score"]) for k in ("health", "education", "income")}
    total = sum(logs.values())
    for k, v in logs.items():
        assert nodes.loc[k, "share"] == pytest.approx(v / total)

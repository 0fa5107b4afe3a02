"""Uncertainty analysis: nominal replications reproduce the build, intervals and Sobol behave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError, SpecError
from humsec.index import IndexSpec, build, load_preset
from humsec.index.uncertainty import UncertaintySettings, uncertainty


def test_replications_with_only_spec_choices_equal_the_build(inform2020: pd.DataFrame) -> None:
    spec = load_preset("inform")
    settings = UncertaintySettings(aggregations=["spec"], imputations=["spec"])
    result = uncertainty(spec, inform2020, n=20, seed=3, vary=["aggregation", "imputation"],
                         settings=settings, sobol=False)
    built = build(spec, inform2020).scores["inform_risk"].to_numpy()
    np.testing.assert_allclose(result.scores, np.tile(built, (20, 1)), atol=1e-12)
    assert (result.summary()["mean_rank_shift"] == 0).all()


def test_seed_reproducible_and_intervals_contain_median(hdr2022: pd.DataFrame) -> None:
    data = hdr2022.dropna()
    spec = load_preset("hdi")
    a = uncertainty(spec, data, n=200, seed=7, sobol=False)
    b = uncertainty(spec, data, n=200, seed=7, sobol=False)
    np.testing.assert_array_equal(a.scores, b.scores)
    s = a.summary()
    assert (s["rank_p05"] <= s["rank_median"]).all() and (s["rank_median"] <= s["rank_p95"]).all()
    assert (s["score_p05"] <= s["score_p95"]).all()
    # "min" ranks in every replication: sorted, a new value starts at its position + 1
    # (HDI scores are published to 3 decimals, so ties occur and share the lower rank)
    ranks = np.sort(a.ranks, axis=1)
    position = np.arange(1, len(data) + 1)
    starts = np.diff(ranks, axis=1, prepend=0) > 0
    assert np.array_equal(ranks[starts], np.broadcast_to(position, ranks.shape)[starts])
    assert (ranks <= position).all()
    # the top and bottom of the HDI are stable under these choices
    assert s.loc["CHE", "rank_p95"] <= 10
    assert s.loc["SSD", "rank_p05"] >= len(data) - 10


def test_drop_one_design_and_weights_only_keep_order_for_dominated_unit() -> None:
    # unit "best" is better on every indicator: no weights and no dropped indicator can
    # change that it ranks first when aggregation is arithmetic
    data = pd.DataFrame(
        {"a": [9.0, 5.0, 1.0, 3.0], "b": [8.0, 2.0, 4.0, 6.0], "c": [9.5, 7.0, 3.0, 1.0]},
        index=["best", "u2", "u3", "u4"],
    )
    spec_dict = {
        "code": "toy",
        "root": "total",
        "orientation": "higher_is_better",
        "scale": [0, 10],
        "indicators": [{"code": c, "direction": "higher_is_better"} for c in "abc"],
        "nodes": [{"code": "total", "children": ["a", "b", "c"]}],
    }
    from humsec.index import IndexSpec

    spec = IndexSpec.from_dict(spec_dict)
    result = uncertainty(spec, data, n=300, seed=1, vary=["weights", "drop_one"],
                         settings=UncertaintySettings(sobol_n=64))
    assert (result.ranks[:, 0] == 1).all()
    assert set(result.design["drop_one"]) == {"(none)", "a", "b", "c"}
    assert result.sensitivity is not None
    assert set(result.sensitivity.index) == {"weights", "drop_one"}
    assert result.sobol_runs == 64 * (2 + 2)
    # with nominal weights, a replication that drops "a" scores the mean of b and c
    only_drop = uncertainty(spec, data, n=100, seed=2, vary=["drop_one"], sobol=False)
    rows = (only_drop.design["drop_one"] == "a").to_numpy()
    assert rows.any()
    np.testing.assert_allclose(only_drop.scores[rows][0], (data["b"] + data["c"]) / 2)


def test_sobol_identifies_the_only_influential_factor(hdr2022: pd.DataFrame) -> None:
    # with weights fixed and only normalisation varied, all rank variance is due to it
    data = hdr2022.dropna()
    result = uncertainty(load_preset("hdi"), data, n=50, seed=2,
                         vary=["normalisation", "aggregation"],
                         settings=UncertaintySettings(aggregations=["spec"], sobol_n=64))
    assert result.sensitivity is not None
    st = result.sensitivity["ST"]
    assert st["normalisation"] > 0.5
    assert abs(st["aggregation"]) < 0.05


def test_geometric_alternative_on_zero_scores_is_an_error(inform2020: pd.DataFrame) -> None:
    # named by the caller, an invalid alternative is an error that says which to drop
    # (by default it is left out instead: test_default_alternatives_valid_for_the_spec)
    settings = UncertaintySettings(aggregations=["spec", "arithmetic", "geometric"])
    with pytest.raises(SpecError, match="aggregation alternatives"):
        uncertainty(load_preset("inform"), inform2020, n=20, seed=1, vary=["aggregation"],
                    sobol=False, settings=settings)


def test_unknown_factor() -> None:
    with pytest.raises(SpecError, match="unknown uncertainty factor"):
        uncertainty(load_preset("hdi"), pd.DataFrame({"x": [1]}), vary=["wieghts"])


@pytest.mark.parametrize("preset", ["hdi", "hsi"])
def test_nominal_replications_equal_build_for_other_presets(preset: str) -> None:
    from humsec.index import bundled_data

    spec = load_preset(preset)
    data = bundled_data(preset)
    year = 2022 if preset == "hdi" else 2023
    settings = UncertaintySettings(aggregations=["spec"], normalisations=["spec"],
                                   imputations=["spec"])
    result = uncertainty(spec, data, n=4, seed=0, year=year, settings=settings, sobol=False,
                         vary=["aggregation", "normalisation", "imputation"])
    built = build(spec, data, year=year).scores[spec.root].to_numpy()
    np.testing.assert_allclose(result.scores, np.tile(built, (4, 1)), atol=1e-12)


def test_rank_rows_ties_and_missing() -> None:
    from humsec.index.uncertainty import _rank_rows

    scores = np.array([[3.0, 5.0, 5.0, np.nan, 1.0]])
    np.testing.assert_array_equal(_rank_rows(scores), [[3.0, 1.0, 1.0, np.nan, 4.0]])


def test_default_alternatives_valid_for_the_spec(inform2020: pd.DataFrame) -> None:
    # INFORM's components are often exactly 0: a geometric mean of 'natural' is undefined,
    # so the default geometric alternative is left out (and said so); arithmetic stays
    result = uncertainty(load_preset("inform"), inform2020, n=40, seed=1,
                         vary=["aggregation"], sobol=False)
    assert [(f, c) for f, c, _ in result.left_out] == [("aggregation", "geometric")]
    assert "<= 0" in result.left_out[0][2] and "natural" in result.left_out[0][2]
    assert any("'geometric' left out" in note for note in result.notes)
    assert set(result.design["aggregation"]) == {"spec", "arithmetic"}


def _minmax_spec(root_method: str, **root: object) -> IndexSpec:
    # COINr's defaults: min-max onto [0, 100] and arithmetic pillars
    return IndexSpec.from_dict(
        {
            "code": "mm",
            "root": "total",
            "orientation": "higher_is_better",
            "indicators": [
                {"code": c, "direction": "higher_is_better",
                 "normalisation": {"method": "minmax", "range": [0, 100]}}
                for c in "abcd"
            ],
            "nodes": [
                {"code": "total", "children": ["p", "q"], "method": root_method, **root},
                {"code": "p", "children": ["a", "b"]},
                {"code": "q", "children": ["c", "d"]},
            ],
        }
    )


@pytest.mark.parametrize(
    ("root", "extra", "left_out"),
    [
        # arithmetic everywhere: the geometric alternative meets the min-max zeros (the unit
        # with the lowest a and b has p = 0), so it is left out
        ("arithmetic", {}, [("aggregation", "geometric")]),
        # geometric root over min-max pillars (zeros give 0, as the product): the same
        ("geometric", {"nonpositive": "zero"}, [("aggregation", "geometric")]),
    ],
)
def test_minmax_geometric_spec_runs_with_defaults(
    root: str, extra: dict[str, object], left_out: list[tuple[str, str]]
) -> None:
    rng = np.random.default_rng(5)
    data = pd.DataFrame(rng.uniform(1, 50, (12, 4)), columns=list("abcd"),
                        index=[f"u{i}" for i in range(12)])
    data.iloc[0, :2] = 0.5  # the lowest a and b: p = 0 after min-max
    result = uncertainty(_minmax_spec(root, **extra), data, n=60, seed=2, sobol=False)
    assert [(f, c) for f, c, _ in result.left_out] == left_out
    assert "normalisation" in result.vary and "aggregation" in result.vary
    assert np.isfinite(result.scores).all()


def _ratio_spec(undefined: str) -> IndexSpec:
    # b min-max onto [0, 100]: the nominal b - 1 is -1, 49, 99; the default alternatives
    # (min-max and percentile onto [1, 100], 1 % lifted) give the lowest unit b - 1 = 0
    return IndexSpec.from_dict(
        {
            "code": "ratio", "root": "total", "orientation": "higher_is_better",
            "indicators": [
                {"code": "a", "direction": "higher_is_better"},
                {"code": "b", "direction": "higher_is_better",
                 "normalisation": {"method": "minmax", "range": [0, 100]}},
            ],
            "nodes": [{"code": "total", "children": ["a", "b"], "method": "custom",
                       "expression": "a / (b - 1)", "undefined": undefined}],
        }
    )


def test_alternatives_making_an_expression_undefined() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 5.0, 10.0]}, index=["x", "y", "z"])
    # by default both normalisation alternatives are left out, with the reason
    result = uncertainty(_ratio_spec("error"), data, n=20, seed=1, vary=["normalisation"],
                         sobol=False)
    assert {(f, c) for f, c, _ in result.left_out} == {
        ("normalisation", "minmax"), ("normalisation", "percentile")}
    assert "undefined" in result.left_out[0][2]
    assert result.vary == []
    # named by the caller: an error, or with 'undefined: missing' missing cells, counted
    named = UncertaintySettings(normalisations=["spec", "minmax"])
    with pytest.raises(DataError, match=r"undefined .* in \d+ \(replication, unit\)"):
        uncertainty(_ratio_spec("error"), data, n=20, seed=1, vary=["normalisation"],
                    sobol=False, settings=named)
    counted = uncertainty(_ratio_spec("missing"), data, n=20, seed=1, vary=["normalisation"],
                          sobol=False, settings=named)
    minmax = (counted.design["normalisation"] == "minmax").to_numpy()
    assert np.isnan(counted.scores[minmax, 0]).all() and not np.isnan(counted.scores).all()
    assert any(f"in {int(minmax.sum())} (replication, unit) cell(s)" in note
               for note in counted.notes)


def test_rank_rows_are_min_ranks_with_ties_missing_and_infinities() -> None:
    """Replication ranks equal scipy's "min" ranks of the negated scores, row by row, with
    ties (rounded scores), missing scores and infinite ones; a row without ties ranks by
    sorted position."""
    from scipy.stats import rankdata

    from humsec.index.uncertainty import _rank_rows

    rng = np.random.default_rng(3)
    scores = np.round(rng.random((60, 25)) * 6)  # many ties
    scores[rng.random(scores.shape) < 0.15] = np.nan
    scores[0, 2], scores[1, 5], scores[2, 7] = -np.inf, np.inf, -np.inf
    distinct = rng.random((40, 25))
    distinct[:, 3] = np.nan
    for table in (scores, distinct, rng.random((30, 12))):
        got = _rank_rows(table)
        for row, ranks in zip(table, got, strict=True):
            seen = ~np.isnan(row)
            expected = rankdata(-row[seen], method="min")
            np.testing.assert_array_equal(ranks[seen], expected)
            assert np.isnan(ranks[~seen]).all()


@pytest.mark.parametrize("method", ["arithmetic", "geometric"])
@pytest.mark.parametrize(("missing", "min_coverage"), [("renormalise", 0.0),
                                                       ("renormalise", 0.5),
                                                       ("propagate", 0.0)])
def test_leaf_node_replications_equal_the_aggregation_of_each_row(
    method: str, missing: str, min_coverage: float
) -> None:
    """Each replication of a weighted-mean leaf node is the build's own aggregation of the
    unit's children with that replication's weights: gaps renormalised or propagated, a
    unit with no child present missing (not 0), zero weights dropping a child."""
    from types import SimpleNamespace

    from humsec.index.aggregation import aggregate
    from humsec.index.spec import NodeSpec
    from humsec.index.uncertainty import _leaf_node

    rng = np.random.default_rng(11)
    x = rng.uniform(0.5, 10.0, (2, 30, 4))  # two (imputation x normalisation) matrices
    x[:, rng.random((30, 4)) < 0.3] = np.nan
    x[:, 0, :] = np.nan  # a unit with no child present
    x[:, 1, 1:] = np.nan  # a unit with one child
    node = NodeSpec(code="n", children=["a", "b", "c", "d"], method=method,
                    missing=missing, min_coverage=min_coverage)
    model = SimpleNamespace(codes=["a", "b", "c", "d"], x=x,
                            spec=SimpleNamespace(code="t"), scale_max=10.0)
    w = rng.dirichlet(np.ones(4), size=40) * 4
    w[:5, 2] = 0.0  # dropped children
    combo = np.repeat([0, 1], 20)
    methods = np.array([method] * 40)
    got = _leaf_node(model, node, w, combo, methods)  # type: ignore[arg-type]
    for r in range(40):
        expected, _ = aggregate(x[combo[r]], w[r][None, :], node, scale_max=10.0,
                                method=method)
        np.testing.assert_allclose(got[r], expected, rtol=1e-12, equal_nan=True)
    assert np.isnan(got[:, 0]).all()

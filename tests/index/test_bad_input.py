"""Bad input to the index engine: duplicate keys, non-finite and extreme numbers, and
expressions that are too large, take the wrong number of arguments or are undefined."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError, SpecError
from humsec.index import IndexSpec, build
from humsec.index.expression import parse_expression


def _spec(**extra: object) -> IndexSpec:
    spec = {
        "code": "toy",
        "root": "total",
        "orientation": "higher_is_better",
        "indicators": [
            {"code": "a", "direction": "higher_is_better",
             "normalisation": {"method": "minmax", "range": [0, 10]}},
            {"code": "b", "direction": "higher_is_better",
             "normalisation": {"method": "minmax", "range": [0, 10]}},
        ],
        "nodes": [{"code": "total", "children": ["a", "b"]}],
    }
    spec.update(extra)
    return IndexSpec.from_dict(spec)


def test_duplicate_unit_year_rows_are_an_error_naming_them() -> None:
    data = pd.DataFrame(
        {
            "iso3": ["KEN", "UGA", "KEN", "TZA"],
            "year": [2020, 2020, 2020, 2021],
            "a": [1.0, 2.0, 3.0, 4.0],
            "b": [4.0, 3.0, 2.0, 1.0],
        }
    )
    with pytest.raises(DataError) as caught:
        build(_spec(), data.set_index(["iso3", "year"]), year=2020)
    message = str(caught.value)
    assert "1 duplicate (iso3, year) key" in message
    assert "KEN 2020 (rows 1, 3)" in message
    # the same unit in two different years is a panel, not a duplicate
    panel = data.assign(year=[2020, 2020, 2021, 2021]).set_index(["iso3", "year"])
    assert build(_spec(), panel, year=2020).scores.index.tolist() == ["KEN", "UGA"]


def test_duplicate_units_in_a_cross_section() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, index=["X", "Y", "X"])
    with pytest.raises(DataError, match=r"duplicate \(iso3\) key.*X \(rows 1, 3\)"):
        build(_spec(), data)


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_data_value_is_an_error(bad: float) -> None:
    data = pd.DataFrame({"a": [1.0, bad, 3.0], "b": [3.0, 2.0, 1.0]}, index=["X", "Y", "Z"])
    with pytest.raises(DataError, match=r"column 'a' has 1 infinite value\(s\) \(rows Y\)"):
        build(_spec(), data)


def test_infinite_value_missing_and_counted_when_the_spec_says_so() -> None:
    data = pd.DataFrame({"a": [1.0, np.inf, 3.0], "b": [3.0, 2.0, 1.0]}, index=["X", "Y", "Z"])
    result = build(_spec(nonfinite="missing"), data)
    assert result.missing.loc["a", "nonfinite"] == 1
    assert result.missing.loc["a", "missing_after"] == 1
    assert any("infinite" in note for note in result.notes)
    # Y keeps its b score only: b is min-max 3..1 -> Y = 5, and the weights renormalise
    assert result.scores.loc["Y", "total"] == pytest.approx(5.0)


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "n/a"])
def test_nan_or_inf_written_as_text_is_an_error(text: str) -> None:
    data = pd.DataFrame({"a": ["1", text, "3"], "b": [3.0, 2.0, 1.0]}, index=["X", "Y", "Z"])
    with pytest.raises(DataError, match=r"non-numeric value.*rows Y"):
        build(_spec(), data)


def test_extreme_values_overflowing_minmax_are_an_error() -> None:
    data = pd.DataFrame({"a": [-1e308, 0.0, 1e308], "b": [3.0, 2.0, 1.0]},
                        index=["X", "Y", "Z"])
    with pytest.raises(DataError, match="minmax normalisation gives an infinite or undefined"):
        build(_spec(), data)


def test_overflowing_weights_and_node_values_are_errors() -> None:
    nodes = [{"code": "total", "children": ["a", "b"], "weights": {"a": 1e308, "b": 1e308}}]
    with pytest.raises(SpecError, match="weights sum to more than the largest"):
        _spec(nodes=nodes)
    # finite weights, but 1e300 * 1e10 overflows in the weighted sum
    plain = {"code": "a", "direction": "higher_is_better"}
    spec = _spec(
        indicators=[plain, {**plain, "code": "b"}],
        nodes=[{"code": "total", "children": ["a", "b"], "weights": {"a": 1e300, "b": 1.0}}],
    )
    data = pd.DataFrame({"a": [1e10, 1.0], "b": [1.0, 1.0]}, index=["X", "Y"])
    with pytest.raises(DataError, match=r"overflows .* for 1 unit\(s\) \(X\)"):
        build(spec, data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("weight", float("inf")), ("weight", float("nan")), ("range", [0, float("inf")]),
     ("range", [-1e308, 1e308])],
)
def test_non_finite_weights_and_ranges_are_spec_errors(field: str, value: object) -> None:
    indicator: dict[str, object] = {"code": "a", "direction": "higher_is_better"}
    if field == "range":
        indicator["normalisation"] = {"method": "minmax", "range": value}
    else:
        indicator["weight"] = value
    with pytest.raises(SpecError, match=r"finite number|too wide"):
        _spec(indicators=[indicator, {"code": "b", "direction": "higher_is_better"}])


def test_non_finite_node_weight_is_a_spec_error() -> None:
    nodes = [{"code": "total", "children": ["a", "b"], "weights": {"a": float("nan")}}]
    with pytest.raises(SpecError, match="finite number"):
        _spec(nodes=nodes)


def _custom(expression: str, **node: object) -> IndexSpec:
    plain = {"code": "a", "direction": "higher_is_better"}
    return _spec(
        indicators=[plain, {**plain, "code": "b"}],
        nodes=[{"code": "total", "children": ["a", "b"], "method": "custom",
                "expression": expression, **node}],
    )


def test_expression_dividing_by_zero_is_an_error_or_counted_missing() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 0.0], "b": [2.0, 0.0, 0.0]}, index=["X", "Y", "Z"])
    with pytest.raises(DataError, match=r"undefined for 2 unit\(s\) \(Y, Z\)"):
        build(_custom("a / b"), data)
    result = build(_custom("a / b", undefined="missing"), data)
    assert result.scores["total"].tolist()[0] == 0.5
    assert result.scores["total"].isna().tolist() == [False, True, True]
    assert any("undefined" in n and "2 unit(s)" in n for n in result.notes)
    # a missing child is missing, not undefined
    gaps = pd.DataFrame({"a": [np.nan, 1.0], "b": [1.0, 2.0]}, index=["X", "Y"])
    assert build(_custom("a / b"), gaps).scores["total"].isna().tolist() == [True, False]


def test_expression_overflow_is_an_error() -> None:
    data = pd.DataFrame({"a": [1e200, 1.0], "b": [1e200, 1.0]}, index=["X", "Y"])
    with pytest.raises(DataError, match=r"undefined for 1 unit\(s\) \(X\)"):
        build(_custom("a * b"), data)
    with pytest.raises(DataError, match=r"undefined for 1 unit\(s\) \(X\)"):
        build(_custom("mean(a * 1e10, b * 1e10) ** 2"), data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abs(a, b)", r"abs\(\) takes exactly 1 argument, got 2"),
        ("abs()", r"abs\(\) takes exactly 1 argument, got 0"),
        ("max()", r"max\(\) takes at least 1 argument, got 0"),
        ("a ** 1000", "exponent '1000' must be a number between -100 and 100"),
        ("a ** b", "exponent 'b' must be a number"),
        ("2 ** 2 ** 200", "exponent"),
        ("a * 1e300", "too large"),
        ("a + 123456789012345678901234567890", "too large"),
        ("+".join(["a"] * 600), "more than 500 terms"),
        ("(" * 150 + "a" + " * 2)" * 150, r"nested more than 100 levels"),
        ("max(" * 150 + "a" + ")" * 150, r"nested more than 100 levels|not valid"),
        ("-" * 150 + "a", "nested more than 100 levels"),
        ("+".join("ab" * 40), None),
        ("a" + " + 1" * 1000, "4001 characters, more than 2000"),
        ("a + True", "constant True"),
    ],
)
def test_expression_bounds_and_arity(text: str, message: str | None) -> None:
    if message is None:  # a long flat sum of 80 terms is fine
        parse_expression(text, ["a", "b"], location="node 'n'")
        return
    with pytest.raises(SpecError, match=message):
        parse_expression(text, ["a", "b"], location="node 'n'")


def test_expression_within_bounds_still_parses() -> None:
    expr = parse_expression("(a * b) ** (1/3) + max(a, 0.7 * b) - abs(-2) ** 2",
                            ["a", "b"], location="n")
    out = expr.evaluate({"a": np.array([8.0]), "b": np.array([1.0])})
    np.testing.assert_allclose(out, [2.0 + 8.0 - 4.0])

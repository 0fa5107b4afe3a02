"""DeprivationSpec and SurveyDesign: weights, cutoffs, k, YAML, and clear errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from humsec.deprivation import Cutoff, DeprivationSpec, SurveyDesign, parse_k
from humsec.errors import HumsecWarning, SpecError

GLOBAL_MPI = {
    "health": ["d_nutr", "d_cm"],
    "education": ["d_satt", "d_educ"],
    "living": ["d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"],
}


def test_nested_equal_weights_follow_the_global_mpi() -> None:
    spec = DeprivationSpec(
        indicators=[{"name": n, "dimension": d} for d, ns in GLOBAL_MPI.items() for n in ns]
    )
    w = spec.weights
    assert w["d_nutr"] == pytest.approx(1 / 6)
    assert w["d_educ"] == pytest.approx(1 / 6)
    assert w["d_asst"] == pytest.approx(1 / 18)
    assert sum(w.values()) == pytest.approx(1.0)
    assert spec.k == [pytest.approx(1 / 3)]


def test_equal_weights_without_dimensions_and_mapping_form() -> None:
    spec = DeprivationSpec(indicators=[{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}])
    assert spec.weights == {n: 0.25 for n in "abcd"}
    spec2 = DeprivationSpec(indicators={"a": 0.5, "b": 0.5}, k=[0.2, 0.5])
    assert spec2.k == [0.2, 0.5]


def test_weights_not_summing_to_one_error_or_normalise_with_warning() -> None:
    with pytest.raises(SpecError, match=r"sum to 1\.5"):
        DeprivationSpec(indicators={"a": 1.0, "b": 0.5})
    with pytest.warns(HumsecWarning, match="rescaled"):
        spec = DeprivationSpec(indicators={"a": 1.0, "b": 0.5}, normalise_weights=True)
    assert spec.weights == {"a": pytest.approx(2 / 3), "b": pytest.approx(1 / 3)}


@pytest.mark.parametrize("k", [0, -0.1, 1.5, 250, 33.5, float("nan"), float("inf")])
def test_k_outside_unit_interval_is_an_error(k: float) -> None:
    with pytest.raises(SpecError, match=r"outside \(0, 1\]") as info:
        DeprivationSpec(indicators={"a": 1.0}, k=k)
    # The message names both accepted forms.
    assert "fraction" in str(info.value) and "whole percent" in str(info.value)


def test_spec_k_follows_the_cli_rule() -> None:
    # One rule everywhere: a fraction in (0, 1], or a whole percent (mpitb's klist).
    assert DeprivationSpec(indicators={"a": 1.0}, k=33).k == [pytest.approx(0.33)]
    assert DeprivationSpec(indicators={"a": 1.0}, k=[20, 0.5, 1]).k == [
        pytest.approx(0.2),
        0.5,
        1.0,
    ]
    assert DeprivationSpec.from_yaml("indicators: {a: 1.0}\nk: 33\n").k == [pytest.approx(0.33)]
    assert DeprivationSpec(indicators={"a": 1.0}, want_k=50).want_k == pytest.approx(0.5)
    with pytest.raises(SpecError, match="whole percent"):
        DeprivationSpec(indicators={"a": 1.0}, fear_k=1.5)


def test_parse_k_reads_fractions_and_percents() -> None:
    assert parse_k(33) == pytest.approx(0.33)
    assert parse_k("33%") == pytest.approx(0.33)
    assert parse_k(0.5) == 0.5
    assert parse_k(100) == 1.0
    assert parse_k(1) == 1.0  # a fraction: every indicator (100 %), not 1 %
    assert parse_k("1%") == pytest.approx(0.01)
    assert parse_k(" 20 ") == pytest.approx(0.2)
    for bad in (0, -1, 1.5, 250, "33.5", "150%", "0%", "abc", "nan", "inf", ""):
        with pytest.raises(SpecError, match=r"fraction.*whole percent"):
            parse_k(bad)


def test_cutoff_parsing() -> None:
    spec = DeprivationSpec(
        indicators=[
            {"name": "school", "column": "years", "cutoff": "< 6", "weight": 0.5},
            {"name": "water", "column": "source", "cutoff": ["river", "pond"], "weight": 0.5},
        ]
    )
    assert spec.indicators[0].cutoff == Cutoff(op="<", value=6)
    assert spec.indicators[1].cutoff is not None
    assert spec.indicators[1].cutoff.categories == ["river", "pond"]
    assert spec.indicators[0].source == "years"
    with pytest.raises(SpecError):
        DeprivationSpec(indicators=[{"name": "x", "cutoff": "about six", "weight": 1.0}])


def test_duplicate_names_and_partial_weights_are_errors() -> None:
    with pytest.raises(SpecError, match="unique"):
        DeprivationSpec(indicators=[{"name": "a", "weight": 0.5}, {"name": "a", "weight": 0.5}])
    with pytest.raises(SpecError, match="every indicator or to none"):
        DeprivationSpec(indicators=[{"name": "a", "weight": 0.5}, {"name": "b"}])


def test_yaml_roundtrip_and_bundled_demo(tmp_path: Path) -> None:
    text = """
name: test
k: [0.33]
indicators:
  - {name: d_nutr, dimension: health}
  - {name: d_cm, dimension: health}
  - {name: f_violence, dimension: fear, pillar: fear, threat: armed_conflict}
"""
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    spec = DeprivationSpec.from_yaml(path)
    assert spec.weights == {"d_nutr": 0.25, "d_cm": 0.25, "f_violence": 0.5}
    assert spec.pillar_indicators("fear")[0].threat == "armed_conflict"
    assert DeprivationSpec.from_yaml(text).weights == spec.weights
    with pytest.raises(SpecError, match="file not found"):
        DeprivationSpec.from_yaml(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: {a: 2.0}\n")
    with pytest.raises(SpecError, match=r"bad\.yaml"):
        DeprivationSpec.from_yaml(bad)


def test_survey_design_defaults() -> None:
    design = SurveyDesign(weight="w", strata="s", psu="p")
    assert design.columns == ["w", "s", "p"]
    assert design.lonely_psu == "fail"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SurveyDesign().columns == []

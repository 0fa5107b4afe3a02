"""Compound fear x want insecurity, co-deprivation matrices and the left-behind ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import synthetic_survey
from humsec.deprivation import DeprivationSpec, SurveyDesign
from humsec.deprivation.compound import codeprivation_matrix, compound_insecurity, left_behind
from humsec.deprivation.groups import vulnerable_groups
from humsec.errors import ColumnError

# Person:        1  2  3  4  5  6
# want a, b      both / a / none / both / none / b
# fear f         1     0    1      0      0      1
SMALL = pd.DataFrame(
    {
        "a": [1, 1, 0, 1, 0, 0],
        "b": [1, 0, 0, 1, 0, 1],
        "f": [1, 0, 1, 0, 0, 1],
        "w": [1.0, 2.0, 1.0, 1.0, 3.0, 2.0],
    }
)
SMALL_SPEC = DeprivationSpec(
    indicators=[
        {"name": "a", "weight": 0.25},
        {"name": "b", "weight": 0.25},
        {"name": "f", "weight": 0.5, "pillar": "fear"},
    ],
    k=1.0,
    want_k=1.0,
)


def test_overlap_cells_by_hand() -> None:
    # Want-poor (a and b): persons 1, 4 (weights 1 + 1). Fear: persons 1, 3, 6 (1 + 1 + 2).
    # Both: person 1 (1). Total weight 10.
    r = compound_insecurity(SMALL, SMALL_SPEC, SurveyDesign(weight="w"))
    assert r.value("compound") == pytest.approx(0.1)
    assert r.value("want_poor") == pytest.approx(0.2)
    assert r.value("fear_deprived") == pytest.approx(0.4)
    assert r.value("want_only") == pytest.approx(0.1)
    assert r.value("fear_only") == pytest.approx(0.3)
    assert r.value("neither") == pytest.approx(0.5)
    assert r.value("fear_given_want_poor") == pytest.approx(0.5)
    table = r.overlap()
    assert table.to_numpy().sum() == pytest.approx(1.0)
    # SRS linearised SE of the compound share: z_i = w_i (y_i - 0.1) / 10, Var = n/(n-1) sum z^2
    w = SMALL["w"].to_numpy()
    y = np.array([1, 0, 0, 0, 0, 0])
    z = w * (y - 0.1) / 10
    assert r.value("compound", column="se") == pytest.approx(np.sqrt(6 / 5 * (z**2).sum()))


def test_codeprivation_matrix_by_hand() -> None:
    m = codeprivation_matrix(SMALL, SMALL_SPEC, SurveyDesign(weight="w"))
    # a: persons 1, 2, 4 -> 4/10; b: 1, 4, 6 -> 4/10; a & b: 1, 4 -> 2/10; a & f: 1 -> 1/10.
    assert m.loc["a", "a"] == pytest.approx(0.4)
    assert m.loc["a", "b"] == pytest.approx(0.2) and m.loc["b", "a"] == pytest.approx(0.2)
    assert m.loc["a", "f"] == pytest.approx(0.1)
    assert m.loc["b", "f"] == pytest.approx(0.3)  # persons 1 and 6
    cond = codeprivation_matrix(SMALL, SMALL_SPEC, SurveyDesign(weight="w"), conditional=True)
    assert cond.loc["a", "b"] == pytest.approx(0.5)
    assert np.allclose(np.diag(cond), 1.0)


def test_compound_needs_both_pillars() -> None:
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.5})
    with pytest.raises(ColumnError, match="fear indicator"):
        compound_insecurity(SMALL, spec)


@pytest.fixture(scope="module")
def survey() -> tuple[pd.DataFrame, dict[str, str]]:
    return vulnerable_groups(synthetic_survey(4_000, seed=3))


def test_vulnerable_groups_columns(survey: tuple[pd.DataFrame, dict[str, str]]) -> None:
    frame, mapping = survey
    assert set(mapping) >= {"women", "children", "refugees", "people_in_remote_areas"}
    assert frame[mapping["children"]].sum() == (frame["age"] < 18).sum()
    assert frame[mapping["refugees"]].sum() == (frame["displacement"] == "refugee").sum()
    with pytest.raises(ColumnError, match="unknown vulnerable group"):
        vulnerable_groups(frame, groups=["aliens"])


def test_left_behind_ranking(survey: tuple[pd.DataFrame, dict[str, str]]) -> None:
    frame, mapping = survey
    spec = DeprivationSpec.from_yaml("src/humsec/deprivation/specs/human_security_demo.yaml")
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
    groups = {g: mapping[g] for g in ("refugees", "people_in_remote_areas", "women", "children")}
    table = left_behind(frame, spec, groups, design, k=0.33)
    assert list(table["rank_M0"]) == sorted(table["rank_M0"])
    assert set(table["group"]) == set(groups)
    # The synthetic survey makes displaced and remote people more deprived than the rest.
    ref = table.set_index("group")
    assert ref.loc["refugees", "M0_gap_to_rest"] > 0
    assert bool(ref.loc["people_in_remote_areas", "left_behind"])
    assert (table["M0_ci_low"] <= table["M0"]).all() and (table["M0"] <= table["M0_ci_high"]).all()
    # Compound share among refugees exceeds the national share.
    national = compound_insecurity(frame, spec, design).value("compound", k=0.33)
    assert ref.loc["refugees", "compound"] > national

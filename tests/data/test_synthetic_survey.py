"""Tests of the synthetic household survey (humsec.data.synthetic_survey)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import synthetic_survey
from humsec.data.synthetic_survey import FEAR_EXPOSURES, MPI_DEPRIVATIONS
from humsec.errors import SpecError

COLUMNS = [
    "hh_id",
    "person_id",
    "stratum",
    "psu",
    "weight",
    "area",
    "region",
    "urban",
    "remote",
    "sex",
    "age",
    "disability",
    "minority",
    "displacement",
    *MPI_DEPRIVATIONS,
    *FEAR_EXPOSURES,
    "consumption",
    "income",
    "assets",
    "savings",
    "livelihood",
]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return synthetic_survey(8_000, seed=7)


def _wmean(values: pd.Series | np.ndarray, weights: pd.Series) -> float:
    return float(np.average(np.asarray(values, dtype=float), weights=weights))


def _score(frame: pd.DataFrame) -> np.ndarray:
    weights = np.array([1 / 6] * 4 + [1 / 18] * 6)
    return frame[list(MPI_DEPRIVATIONS)].to_numpy(dtype=float) @ weights


def test_columns_and_households(survey: pd.DataFrame) -> None:
    assert list(survey.columns) == COLUMNS
    assert survey["hh_id"].nunique() == 8_000
    assert survey["person_id"].is_unique
    # About 4 to 5 members per household, as in the model (1 + Poisson(3-3.8)).
    assert 3.5 < len(survey) / 8_000 < 5.5


def test_same_seed_same_survey_other_seed_differs() -> None:
    a = synthetic_survey(500, seed=3)
    b = synthetic_survey(500, seed=3)
    c = synthetic_survey(500, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["d_nutr"].equals(c["d_nutr"]) or not a["weight"].equals(c["weight"])


def test_values_and_ranges(survey: pd.DataFrame) -> None:
    for col in [*MPI_DEPRIVATIONS, *FEAR_EXPOSURES, "urban", "remote", "disability", "minority"]:
        assert set(np.unique(survey[col])) <= {0, 1}, col
    assert set(survey["sex"]) == {"female", "male"}
    assert set(survey["displacement"]) == {"none", "refugee", "idp", "returnee"}
    assert set(survey["livelihood"]) <= {"farming", "pastoral", "wage", "trade"}
    assert survey["age"].between(0, 100).all()
    assert (survey["weight"] > 0).all()
    assert (survey[["consumption", "income", "assets"]] > 0).all().all()
    assert (survey["savings"] >= 0).all()
    # Weights sum to the notional population of 20 million.
    assert survey["weight"].sum() == pytest.approx(20_000_000)


def test_household_level_variables_are_constant_within_household(survey: pd.DataFrame) -> None:
    per_hh = survey.groupby("hh_id")[
        [*MPI_DEPRIVATIONS, "weight", "psu", "consumption", "displacement"]
    ].nunique()
    assert (per_hh == 1).all().all()


def test_psus_nested_in_strata_and_areas_in_regions(survey: pd.DataFrame) -> None:
    assert (survey.groupby("psu")["stratum"].nunique() == 1).all()
    assert (survey.groupby("psu")["area"].nunique() == 1).all()
    assert (survey.groupby("area")["region"].nunique() == 1).all()
    # Strata are region x urban and each has at least two PSUs.
    assert (survey.groupby("stratum")[["region", "urban"]].nunique() == 1).all().all()
    assert (survey.groupby("stratum")["psu"].nunique() >= 2).all()
    # Unequal weights across strata (a real design, not self-weighting).
    assert survey.groupby("stratum")["weight"].mean().std() > 0


def test_vulnerable_groups_are_more_deprived(survey: pd.DataFrame) -> None:
    score = _score(survey)
    w = survey["weight"]
    for col, worse, better in [
        ("remote", 1, 0),
        ("urban", 0, 1),
        ("minority", 1, 0),
    ]:
        assert _wmean(score[survey[col] == worse], w[survey[col] == worse]) > _wmean(
            score[survey[col] == better], w[survey[col] == better]
        ), col
    displaced = survey["displacement"] != "none"
    assert _wmean(score[displaced], w[displaced]) > _wmean(score[~displaced], w[~displaced]) + 0.03
    # Consumption falls as deprivation rises.
    assert np.corrcoef(np.log(survey["consumption"]), score)[0, 1] < -0.2


def test_fear_and_want_go_together(survey: pd.DataFrame) -> None:
    fear_count = survey[list(FEAR_EXPOSURES)].sum(axis=1)
    assert np.corrcoef(fear_count, _score(survey))[0, 1] > 0.1
    poor = _score(survey) >= 1 / 3 - 1e-9
    exposed = fear_count > 0
    # P(exposed | poor) > P(exposed | not poor)
    assert exposed[poor].mean() > exposed[~poor].mean() + 0.05


def test_displaced_households_report_displacement(survey: pd.DataFrame) -> None:
    assert (survey.loc[survey["displacement"] != "none", "f_displaced"] == 1).all()


def test_want_shift_lowers_deprivation() -> None:
    base = synthetic_survey(2_000, seed=1)
    better = synthetic_survey(2_000, seed=1, want_shift=-1.0)
    assert _wmean(_score(better), better["weight"]) < _wmean(_score(base), base["weight"]) - 0.05


def test_missing_share_injects_missing_household_values() -> None:
    frame = synthetic_survey(2_000, seed=2, missing_share=0.1)
    share = frame.groupby("hh_id")["d_nutr"].first().isna().mean()
    assert 0.07 < share < 0.13
    assert (frame.groupby("hh_id")["d_nutr"].apply(lambda s: s.isna().nunique()) == 1).all()


@pytest.mark.parametrize(
    "kwargs", [{"n_households": 0}, {"n_households": 10, "missing_share": 1.5}, {"n_regions": 0}]
)
def test_bad_arguments_raise_spec_error(kwargs: dict[str, float]) -> None:
    kwargs = {"n_households": 10, "seed": 1, **kwargs}
    with pytest.raises(SpecError):
        synthetic_survey(**kwargs)  # type: ignore[arg-type]

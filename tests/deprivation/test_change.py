"""Change over time: formulas by hand, delta-method SEs, independent vs joint rounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.data import synthetic_survey
from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
from humsec.deprivation.change import change_over_time
from humsec.errors import DataError, SpecError

SPEC = DeprivationSpec(
    indicators=[
        {"name": "d_nutr", "dimension": "health"},
        {"name": "d_cm", "dimension": "health"},
        {"name": "d_educ", "dimension": "education"},
        {"name": "d_elct", "dimension": "living"},
        {"name": "d_wtr", "dimension": "living"},
    ],
    k=1 / 3,
)
DESIGN = SurveyDesign(weight="weight", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def rounds() -> pd.DataFrame:
    first = synthetic_survey(1_200, seed=5).assign(survey_year=2015)
    second = synthetic_survey(1_200, seed=6, want_shift=-0.6).assign(survey_year=2020)
    second["psu"] += 10_000  # new sample of clusters in the second round
    return pd.concat([first, second], ignore_index=True)


def test_changes_match_per_round_estimates(rounds: pd.DataFrame) -> None:
    result = change_over_time(rounds, SPEC, "survey_year", DESIGN, by="region")
    e1 = estimate(rounds[rounds["survey_year"] == 2015], SPEC, DESIGN, by="region")
    e2 = estimate(rounds[rounds["survey_year"] == 2020], SPEC, DESIGN, by="region")
    assert result.years == {"2015": 2015.0, "2020": 2020.0}
    for subgroup, level in [("total", "total"), ("region", "North")]:
        m1 = e1.value("M0", subgroup=subgroup, level=level)
        m2 = e2.value("M0", subgroup=subgroup, level=level)
        s1 = e1.value("M0", subgroup=subgroup, level=level, column="se")
        s2 = e2.value("M0", subgroup=subgroup, level=level, column="se")
        got = {
            c: result.value("M0", c, subgroup=subgroup, level=level)
            for c in ("absolute", "relative", "annualised_absolute", "annualised_relative")
        }
        assert got["absolute"] == pytest.approx(m2 - m1, abs=1e-14)
        assert got["relative"] == pytest.approx(m2 / m1 - 1, abs=1e-14)
        assert got["annualised_absolute"] == pytest.approx((m2 - m1) / 5, abs=1e-14)
        assert got["annualised_relative"] == pytest.approx((m2 / m1) ** 0.2 - 1, abs=1e-14)

        def se(c: str, subgroup: str = subgroup, level: str = level) -> float:
            return result.value("M0", c, subgroup=subgroup, level=level, column="se")

        # Independent rounds: Var(D) = Var1 + Var2; delta method for the relative change.
        assert se("absolute") == pytest.approx(np.hypot(s1, s2), rel=1e-12)
        assert se("annualised_absolute") == pytest.approx(np.hypot(s1, s2) / 5, rel=1e-12)
        assert se("relative") == pytest.approx(np.hypot(m2 / m1**2 * s1, s2 / m1), rel=1e-12)
        g = (m2 / m1) ** 0.2 / 5
        assert se("annualised_relative") == pytest.approx(np.hypot(g / m1 * s1, g / m2 * s2), 1e-12)
    # The second round was simulated with less deprivation.
    assert result.value("M0") < -0.02


def test_joint_rounds_carry_covariance_of_shared_psus() -> None:
    base = synthetic_survey(800, seed=9)
    later = synthetic_survey(800, seed=9, want_shift=-0.3)  # same PSUs, correlated outcomes
    data = pd.concat([base.assign(t=1), later.assign(t=3)], ignore_index=True)
    ind = change_over_time(data, SPEC, "t", DESIGN, independent_rounds=True)
    joint = change_over_time(data, SPEC, "t", DESIGN, independent_rounds=False)
    assert ind.value("M0") == pytest.approx(joint.value("M0"), abs=1e-15)
    # Positively correlated PSU totals across rounds make the joint SE of the change smaller.
    assert joint.value("M0", column="se") < ind.value("M0", column="se")
    assert joint.years == {"1": 1.0, "3": 3.0}


def test_change_errors(rounds: pd.DataFrame) -> None:
    one = rounds[rounds["survey_year"] == 2015]
    with pytest.raises(DataError, match="at least two rounds"):
        change_over_time(one, SPEC, "survey_year", DESIGN)
    labelled = rounds.assign(r=np.where(rounds["survey_year"] == 2015, "base", "end"))
    with pytest.raises(SpecError, match="not numeric"):
        change_over_time(labelled, SPEC, "r", DESIGN)
    result = change_over_time(labelled, SPEC, "r", DESIGN, year={"base": 2015, "end": 2020})
    assert result.value("M0", "annualised_absolute") == pytest.approx(
        result.value("M0") / 5, abs=1e-15
    )

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


def test_lonely_average_change_adds_each_rounds_svyby_variance() -> None:
    # Independent rounds under lonely_psu="average": Var(change) = Var_1 + Var_2, each with its
    # own domain factor H_d/(H_d - L_d) (the per-round estimates match R's svyby, see
    # test_against_r.py). Stratum 0 has one PSU; subgroup 'v' misses stratum 2 in round 1.
    rng = np.random.default_rng(3)
    rows = []
    for t in (1, 2):
        for h, n_psu in enumerate((1, 2, 3)):
            for p in range(n_psu):
                for _ in range(4):
                    grp = "u" if (t == 1 and h == 2) else rng.choice(["u", "v"])
                    rows.append((t, h, 100 * t + 10 * h + p, grp, *rng.integers(0, 2, 3)))
    data = pd.DataFrame(rows, columns=["t", "st", "psu", "grp", "a", "b", "c"])
    data["year"] = data["t"] * 5
    spec = DeprivationSpec(indicators={"a": 0.4, "b": 0.3, "c": 0.3}, k=0.3)
    design = SurveyDesign(strata="st", psu="psu", lonely_psu="average")
    result = change_over_time(data, spec, "t", design, by="grp", year="year")
    for level in ("u", "v"):
        per_round = [
            estimate(data[data["t"] == t], spec, design, by="grp").value(
                "M0", subgroup="grp", level=level, column="se"
            )
            for t in (1, 2)
        ]
        se = result.value("M0", subgroup="grp", level=level, column="se")
        assert se**2 == pytest.approx(per_round[0] ** 2 + per_round[1] ** 2, abs=1e-15)

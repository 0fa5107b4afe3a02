"""panel_regression's reghdfe convention against more published Stata reghdfe output: two
fixed effects with singletons dropped, fixed effects nested in one- and two-way clusters
(tests/fixtures/reghdfe/README.md says where data and output were published).

Each expected value is as Stata printed it, so each check allows half a unit in the last
printed digit.

No published reghdfe output was found, with its data, for fixed effects that split the
sample into disconnected groups, nor for three or more absorbed fixed effects; those rules
are checked against explicit-dummy regressions in test_reghdfe.py and test_regression.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.threats import panel_regression

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reghdfe"


def _printed(value: str) -> object:
    """``pytest.approx`` of a number as Stata printed it: ± half its last digit."""
    decimals = len(value.split(".")[1]) if "." in value else 0
    return pytest.approx(float(value), abs=0.5 * 10.0**-decimals)


@pytest.fixture(scope="module")
def nlswork() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "cleaned_nlswork.csv.gz")
    # `gen hours_log = log(hours)` and ln_wage are Stata floats (32-bit)
    frame["hours_log"] = np.log(frame["hours"]).astype(np.float32).astype(np.float64)
    frame["ln_wage"] = frame["ln_wage"].astype(np.float32).astype(np.float64)
    return frame


def test_two_fixed_effects_with_singletons_dropped(nlswork: pd.DataFrame) -> None:
    # . reghdfe hours_log union, absorb(year idcode)
    # (dropped 884 singleton observations)   Number of obs = 12,568   F(1, 9454)
    # union | .0922909 .0114286;  year 12 categories, 0 redundant; idcode 3102, 1 redundant
    got = panel_regression(
        nlswork, "hours_log", "union", "idcode", "year", absorb=["year", "idcode"], vcov="iid"
    )
    assert (got.nobs, got.n_singletons) == (12_568, 884)
    assert got.coef["union"] == _printed(".0922909")
    assert got.se["union"] == _printed(".0114286")
    assert got.df_absorbed == 12 + 3102 - 1 and got.df_t == 9454


def test_two_fixed_effects_keeping_singletons(nlswork: pd.DataFrame) -> None:
    # . reghdfe hours_log union, absorb(year idcode) keepsingletons
    # Number of obs = 13,452   F(1, 9454)   union | .0922909 .0114286; idcode 3986 categories
    got = panel_regression(
        nlswork,
        "hours_log",
        "union",
        "idcode",
        "year",
        absorb=["year", "idcode"],
        vcov="iid",
        drop_singletons=False,
    )
    assert (got.nobs, got.df_absorbed, got.df_t) == (13_452, 12 + 3986 - 1, 9454)
    assert got.coef["union"] == _printed(".0922909")
    assert got.se["union"] == _printed(".0114286")
    # . reghdfe ln_wage hours_log, keepsingletons absorb(year idcode)
    # hours_log | -.0058555 .0082759
    wage = panel_regression(
        nlswork,
        "ln_wage",
        "hours_log",
        "idcode",
        "year",
        absorb=["year", "idcode"],
        vcov="iid",
        drop_singletons=False,
    )
    assert wage.coef["hours_log"] == _printed("-.0058555")
    assert wage.se["hours_log"] == _printed(".0082759")
    # . reghdfe ln_wage hours_log, keepsingletons absorb(year)
    # F(1, 13439)   hours_log | .076009 .0090917
    year = panel_regression(
        nlswork,
        "ln_wage",
        "hours_log",
        "idcode",
        "year",
        absorb=["year"],
        vcov="iid",
        drop_singletons=False,
    )
    assert year.coef["hours_log"] == _printed(".076009")
    assert year.se["hours_log"] == _printed(".0090917")
    assert year.df_t == 13_439


def test_fixed_effect_nested_in_the_cluster(nlswork: pd.DataFrame) -> None:
    # . reghdfe hours_log union, absorb(year idcode) cluster(idcode)
    # Number of obs = 12,568   F(1, 3101)   Number of clusters (idcode) = 3,102
    # union | .0922909 .0140118;  idcode 3102 categories, 3102 redundant (nested in cluster)
    got = panel_regression(
        nlswork, "hours_log", "union", "idcode", "year", absorb=["year", "idcode"], cluster="idcode"
    )
    assert got.nobs == 12_568 and got.clusters == {"idcode": 3102}
    assert got.coef["union"] == _printed(".0922909")
    assert got.se["union"] == _printed(".0140118")
    assert (got.df_absorbed, got.df_t) == (12, 3101)


@pytest.mark.parametrize(
    ("cluster", "se"),
    [
        ("State", "0.0357498"),  # "stata reghxe - matches reghdfe (not areg)": nested, df_a = 0
        ("Year", "0.0220563"),  # "cluster with fe - matches areg & reghdfe"
        (["State", "Year"], "0.0405335"),  # "fe + multiway clustering - matches reghdfe"
    ],
)
def test_cigar_state_effects_clustered(cluster: str | list[str], se: str) -> None:
    # FixedEffectModels.jl test/fit.jl: reg(df, @formula(Sales ~ Price + fe(State)), vcov)
    cigar = pd.read_csv(FIXTURES / "cigar.csv")
    got = panel_regression(
        cigar, "Sales", "Price", "State", "Year", absorb=["State"], cluster=cluster
    )
    assert got.se["Price"] == _printed(se)
    assert got.coef["Price"] == _printed("-0.20984")  # test/fit.jl's coefficient, atol 1e-4

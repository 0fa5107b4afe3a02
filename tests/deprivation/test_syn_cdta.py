"""Checks on OPHI's synthetic survey ``syn_cdta`` (the mpitb / mpitbR example data).

The CSV is a GPL test fixture that lives outside the repository
(../shared/data/microdata/syn_cdta.csv); it is never copied in, and these tests skip when it is
absent.

Reference point estimates: PyPI ``mpitb`` 0.2 (``MPIToolbox.est(..., klist=[33], svy=True,
over=["area"])`` with weights=equal nested over hl/ed/ls), run in a throwaway virtualenv on the
rows without missing values (as mpitbR's example does with ``na.omit``), separately for each
round ``t``. That package uses ``score >= k/100`` and the sampling weights for its point
estimates, which must coincide with ours at k = 0.33.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate

SPEC = DeprivationSpec(
    indicators=[
        {"name": n, "dimension": d}
        for d, names in {
            "hl": ["d_nutr", "d_cm"],
            "ed": ["d_satt", "d_educ"],
            "ls": ["d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"],
        }.items()
        for n in names
    ],
    k=0.33,
)
DESIGN = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu="adjust")

# (round t, level of 'area' or "total", measure) -> mpitb 0.2 point estimate
MPITB = {
    (1, "total", "H"): 0.3352165725047081,
    (1, "total", "A"): 0.42484840378098804,
    (1, "total", "M0"): 0.1424162257495591,
    (1, "0", "M0"): 0.14401565995525725,
    (1, "1", "M0"): 0.1413461058723744,
    (1, "1", "H"): 0.33093848226313427,
    (2, "total", "H"): 0.2308207256660865,
    (2, "total", "A"): 0.40703145140500124,
    (2, "total", "M0"): 0.09395129498222281,
    (2, "0", "A"): 0.4044508950169327,
    (2, "1", "M0"): 0.09457982462677297,
}


@pytest.fixture(scope="module")
def syn(raw_data_dir: Path) -> pd.DataFrame:
    # GPL test fixture from mpitbR: read in place, never copied into the repository.
    fixture = raw_data_dir / "microdata" / "syn_cdta.csv"
    if not fixture.exists():
        pytest.skip(f"syn_cdta.csv fixture not present in {raw_data_dir}")
    return pd.read_csv(fixture)


@pytest.mark.parametrize("t", [1, 2])
def test_point_estimates_match_mpitb(syn: pd.DataFrame, t: int) -> None:
    data = syn[syn["t"] == t]
    result = estimate(data, SPEC, DESIGN, by=["area"])
    # Listwise deletion: only the rows with a missing indicator are dropped, and counted.
    indicators = [i.name for i in SPEC.indicators]
    assert result.dropped == int(data[indicators].isna().any(axis=1).sum())
    for (round_, level, measure), expected in MPITB.items():
        if round_ != t:
            continue
        subgroup = "total" if level == "total" else "area"
        assert result.value(measure, subgroup=subgroup, level=level) == pytest.approx(
            expected, abs=1e-12
        )
    assert result.decomposition["difference"].abs().max() < 1e-12
    # Design degrees of freedom: PSUs minus strata among the complete rows.
    complete = data.dropna(subset=indicators)
    assert result.df == complete["psu"].nunique() - complete["stratum"].nunique()
    assert 0 < result.value("M0", column="se") < 0.02


def test_change_over_time_between_rounds(syn: pd.DataFrame) -> None:
    from humsec.deprivation.change import change_over_time

    result = change_over_time(syn, SPEC, "t", DESIGN, year="year")
    # Rounds: 2010 and 2018.5 (syn_cdta's year column) -> 8.5 years.
    assert result.years == {"1.0": 2010.0, "2.0": 2018.5}
    m1, m2 = MPITB[(1, "total", "M0")], MPITB[(2, "total", "M0")]
    assert result.value("M0") == pytest.approx(m2 - m1, abs=1e-12)
    assert result.value("M0", "annualised_relative") == pytest.approx(
        (m2 / m1) ** (1 / 8.5) - 1, abs=1e-12
    )
    h1, h2 = MPITB[(1, "total", "H")], MPITB[(2, "total", "H")]
    assert result.value("H", "relative") == pytest.approx(h2 / h1 - 1, abs=1e-12)

"""The engine against an independent brute-force implementation on random designs.

The brute force works row by row with plain pandas: it computes each person's linearised score
for the estimator and the domain (zero outside the domain), sums the scores per PSU with
``groupby``, and applies Var = sum_h n_h/(n_h-1) sum_i (z_hi - zbar_h)^2 (METHODS.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate

INDICATORS = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}


def brute_ratio(
    frame: pd.DataFrame, y: pd.Series, x: pd.Series, domain: pd.Series
) -> tuple[float, float]:
    s = (frame["w"] * domain).to_numpy()
    y_, x_ = y.to_numpy(dtype=float), x.to_numpy(dtype=float)
    theta = float((s * y_).sum() / (s * x_).sum())
    z = s * (y_ - theta * x_) / float((s * x_).sum())
    # PSU totals, then stratum by stratum: n_h/(n_h-1) * sum of squared deviations.
    psu_codes, psu_ids = pd.factorize(frame["psu"])
    totals = np.bincount(psu_codes, weights=z)
    stratum_of_psu = frame.groupby("psu")["st"].first().reindex(psu_ids).to_numpy()
    variance = 0.0
    for h in np.unique(stratum_of_psu):
        zt = totals[stratum_of_psu == h]
        variance += len(zt) / (len(zt) - 1) * float(((zt - zt.mean()) ** 2).sum())
    return theta, float(np.sqrt(variance))


@st.composite
def designs(draw: st.DrawFn) -> tuple[pd.DataFrame, float]:
    n_strata = draw(st.integers(1, 4))
    rows = []
    psu_id = 0
    for h in range(n_strata):
        for _ in range(draw(st.integers(2, 4))):
            psu_id += 1
            for _ in range(draw(st.integers(1, 5))):
                rows.append((h, psu_id))
    n = len(rows)
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rows, columns=["st", "psu"])
    for name in INDICATORS:
        frame[name] = (rng.random(n) < rng.uniform(0.2, 0.8)).astype(np.int64)
    frame["w"] = rng.uniform(0.1, 5.0, n)
    frame["grp"] = rng.choice(["u", "v"], n)
    frame.loc[0, "grp"] = "u"
    frame.loc[n - 1, "grp"] = "v"
    k = draw(st.sampled_from([0.1, 0.3, 0.5, 0.7]))
    return frame, k


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_engine_matches_brute_force(case: tuple[pd.DataFrame, float]) -> None:
    frame, k = case
    spec = DeprivationSpec(indicators=INDICATORS, k=k)
    result = estimate(frame, spec, SurveyDesign(weight="w", strata="st", psu="psu"), by=["grp"])
    score = sum(w * frame[name] for name, w in INDICATORS.items())
    poor = (score >= k - 1e-9).astype(float)
    one = pd.Series(1.0, index=frame.index)
    for subgroup, level, domain in [
        ("total", "total", one),
        ("grp", "u", (frame["grp"] == "u").astype(float)),
        ("grp", "v", (frame["grp"] == "v").astype(float)),
    ]:
        if float((poor * domain).sum()) == 0:
            continue  # A is undefined without poor people in the domain
        checks = {
            ("M0", ""): brute_ratio(frame, score * poor, one, domain),
            ("H", ""): brute_ratio(frame, poor, one, domain),
            ("A", ""): brute_ratio(frame, score * poor, poor, domain),
            ("hdk", "a"): brute_ratio(frame, frame["a"] * poor, one, domain),
            ("hd", "c"): brute_ratio(frame, frame["c"].astype(float), one, domain),
            ("pctb", "b"): brute_ratio(frame, 0.3 * frame["b"] * poor, score * poor, domain),
        }
        for (measure, indicator), (theta, se) in checks.items():
            got = result.value(measure, subgroup=subgroup, level=level, indicator=indicator)
            got_se = result.value(
                measure, subgroup=subgroup, level=level, indicator=indicator, column="se"
            )
            assert abs(got - theta) < 1e-10, (measure, subgroup, level)
            assert abs(got_se - se) < 1e-10, (measure, subgroup, level)
        share, share_se = brute_ratio(frame, domain, one, one)
        assert abs(result.value("popshare", subgroup=subgroup, level=level) - share) < 1e-10
        got_share_se = result.value("popshare", subgroup=subgroup, level=level, column="se")
        assert abs(got_share_se - share_se) < 1e-10

"""panel_regression's reghdfe convention against published Stata reghdfe output, and its
degrees-of-freedom rules (singletons, nested fixed effects, two-way clusters) worked by hand.

The published output: Stata ``lpdid`` (Busch & Girardi), whose event-study estimates are
``reghdfe`` regressions, on its official example data ``lpdidtestdata1.dta``, which pyfixest
ships. The estimates were exported from::

    use http://fmwww.bc.edu/repec/bocode/l/lpdidtestdata1.dta, clear
    lpdid Y, time(time) unit(unit) treat(treat) pre_window(5) post_window(10) nograph

and stored in the igerber/diff-diff test suite (tests/data/lpdidtestdata1_event_stata.csv).
At horizon h, lpdid runs ``reghdfe D_h.y D.treat if D.treat == 1 | F_h.treat == 0,
absorb(time) vce(cluster unit)`` with ``D_h.y = F_h.Y − L.Y`` (``L_h.Y − L.Y`` before
treatment, with the clean-control condition ``treat == 0``).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.threats import panel_regression

# horizon: (coefficient, standard error, N) as Stata printed them to e(b), e(V), e(N)
STATA_LPDID = {
    -5: (-0.0425658601569193, 0.9483544265529035, 40662),
    0: (3.640153457831842, 0.7948941744251745, 48662),
    10: (72.63583358489238, 1.193887053903901, 28709),
}


def _lpdid_data() -> pd.DataFrame:
    spec = find_spec("pyfixest")
    if spec is None or spec.origin is None:
        pytest.skip("pyfixest is not installed, so its copy of lpdidtestdata1.dta is missing")
    path = Path(spec.origin).parent / "did" / "data" / "lpdidtestdata1.dta"
    if not path.is_file():
        pytest.skip(f"{path} is not shipped by this pyfixest version")
    frame = pd.read_stata(path, columns=["unit", "time", "treat", "Y"])
    return frame.astype(float).sort_values(["unit", "time"], ignore_index=True)


@pytest.fixture(scope="module")
def lpdid() -> pd.DataFrame:
    frame = _lpdid_data()
    by_unit = frame.groupby("unit")
    frame["lag_y"] = by_unit["Y"].shift(1)
    frame["d_treat"] = frame["treat"] - by_unit["treat"].shift(1)
    for h in STATA_LPDID:  # a balanced panel, so shifting rows within a unit shifts periods
        # lpdid makes D_h.y with Stata's -gen-, whose default storage type is float (32-bit)
        long_difference = by_unit["Y"].shift(-h) - frame["lag_y"]
        frame[f"dy{h}"] = long_difference.astype(np.float32).astype(np.float64)
        frame[f"clean{h}"] = (by_unit["treat"].shift(-h) == 0) if h >= 0 else frame["treat"] == 0
    return frame


@pytest.mark.parametrize("h", sorted(STATA_LPDID))
def test_published_reghdfe_output_lpdid(lpdid: pd.DataFrame, h: int) -> None:
    coef, se, nobs = STATA_LPDID[h]
    sample = lpdid[(lpdid["d_treat"] == 1) | lpdid[f"clean{h}"]]
    result = panel_regression(
        sample, f"dy{h}", "d_treat", entity="unit", time="time", absorb=["time"], cluster="unit"
    )
    assert result.nobs == nobs
    assert result.coef["d_treat"] == pytest.approx(coef, rel=1e-9)
    assert result.se["d_treat"] == pytest.approx(se, rel=1e-9)
    assert result.n_singletons == 0  # reghdfe found none either (N matches)


def _panel(units: int = 10, years: int = 6, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        [(f"u{i}", 2000 + t) for i in range(units) for t in range(years)], columns=["unit", "year"]
    )
    frame["x"] = rng.normal(size=len(frame))
    frame["y"] = 0.7 * frame["x"] + rng.normal(size=len(frame))
    return frame


def test_singletons_are_dropped_iteratively_and_counted() -> None:
    frame = _panel()
    # units u_a (2010) and u_c (2011) are seen once; once they go, 2010 and 2011 hold u_b
    # alone, so u_b's two rows go in the second pass: four singletons, found in turn
    extra = pd.DataFrame(
        {
            "unit": ["u_a", "u_b", "u_b"],
            "year": [2010, 2010, 2011],
            "x": [0.1, 0.2, 0.3],
            "y": [1.0, 2.0, 3.0],
        }
    )
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.loc[len(frame)] = ["u_c", 2011, 0.4, 4.0]  # 2011: u_b and u_c
    reghdfe = panel_regression(frame, "y", "x", "unit", "year")
    assert reghdfe.n_singletons == 4 and reghdfe.nobs == 60
    assert sorted(reghdfe.dropped["row"]) == [60, 61, 62, 63]
    fixest = panel_regression(frame, "y", "x", "unit", "year", convention="fixest")
    assert fixest.n_singletons == 0 and fixest.nobs == 64
    # singleton rows carry no information on x's coefficient: the estimates agree
    assert reghdfe.coef["x"] == pytest.approx(fixest.coef["x"], rel=1e-9)


def _lsdv_se(frame: pd.DataFrame, clusters: list[str] | None, k_params: int) -> float:
    """The x coefficient's SE from explicit dummies with reghdfe's factor for ``k_params``."""
    design = np.column_stack(
        [
            frame["x"],
            pd.get_dummies(frame["unit"]).to_numpy(float),
            pd.get_dummies(frame["year"]).to_numpy(float),
        ]
    )
    y = frame["y"].to_numpy()
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    resid = y - design @ beta
    bread = np.linalg.pinv(design.T @ design)
    n = len(frame)
    if clusters is None:
        meat = (design.T * resid**2) @ design
        return float(np.sqrt((bread @ meat @ bread)[0, 0] * n / (n - k_params)))
    codes = pd.factorize(frame[clusters[0]])[0]
    scores = np.zeros((codes.max() + 1, design.shape[1]))
    np.add.at(scores, codes, design * resid[:, None])
    g = codes.max() + 1
    v = bread @ scores.T @ scores @ bread
    return float(np.sqrt(v[0, 0] * (n - 1) / (n - k_params) * g / (g - 1)))


def test_absorbed_degrees_of_freedom_by_hand() -> None:
    frame = _panel()  # 10 units x 6 years, connected
    cases = [
        # (cluster, df_a, K): unit nested in unit clusters counts 0, so year is the first
        # remaining term and counts all its 6 levels (as fixest's 1 + (6 - 1))
        ("unit", 6, 1 + 6),
        # year nested in year clusters counts 0, unit all its 10 levels
        ("year", 10, 1 + 10),
    ]
    for cluster, df_a, k in cases:
        got = panel_regression(frame, "y", "x", "unit", "year", cluster=cluster)
        assert (got.df_absorbed, got.dof_k) == (df_a, k)
        assert got.se["x"] == pytest.approx(_lsdv_se(frame, [cluster], k), rel=1e-9)
    het = panel_regression(frame, "y", "x", "unit", "year", vcov="hetero")
    assert (het.df_absorbed, het.dof_k) == (10 + 6 - 1, 16)
    assert het.se["x"] == pytest.approx(_lsdv_se(frame, None, 16), rel=1e-9)
    # the unit effects alone, clustered by unit: df_a = 0, so reghdfe charges the intercept
    # (n - 1 - k), as xtreg, fe does
    alone = panel_regression(frame, "y", "x", "unit", "year", absorb=["unit"], cluster="unit")
    assert (alone.df_absorbed, alone.dof_k) == (0, 1)
    demeaned = frame.assign(x=frame["x"] - frame.groupby("unit")["x"].transform("mean"),
                            y=frame["y"] - frame.groupby("unit")["y"].transform("mean"))
    beta = (demeaned["x"] @ demeaned["y"]) / (demeaned["x"] @ demeaned["x"])
    scores = (demeaned["x"] * (demeaned["y"] - beta * demeaned["x"])).groupby(frame["unit"])
    n, g = len(frame), 10
    v = (scores.sum() ** 2).sum() / (demeaned["x"] @ demeaned["x"]) ** 2
    assert alone.se["x"] == pytest.approx(np.sqrt(v * (n - 1) / (n - 1 - 1) * g / (g - 1)),
                                          rel=1e-9)


def test_disconnected_fixed_effects_count_exact_redundancy() -> None:
    # units u0-u4 are seen in 2000-2002 only, u5-u9 in 2003-2005 only: the unit-year graph has
    # two components, so two year levels are redundant (reghdfe's exact pairwise count); the
    # dummies' rank is 10 + 6 - 2 = 14, so K = 15
    frame = _panel()
    first = frame["unit"].str[1:].astype(int) < 5
    frame = frame[(first & (frame["year"] < 2003)) | (~first & (frame["year"] >= 2003))]
    got = panel_regression(frame, "y", "x", "unit", "year", vcov="hetero")
    assert (got.df_absorbed, got.dof_k) == (14, 15)
    assert got.se["x"] == pytest.approx(_lsdv_se(frame, None, 15), rel=1e-9)
    fixest = panel_regression(frame, "y", "x", "unit", "year", vcov="hetero", convention="fixest")
    assert fixest.dof_k == 16  # fixest assumes one redundant level per extra fixed effect

"""panel_regression against a published fixest table and an independent LSDV computation."""

from __future__ import annotations

import gzip
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from humsec.threats import EstimationError, panel_regression


def r_iris() -> pd.DataFrame:
    """R's ``datasets::iris`` (Fisher 1936), rebuilt offline from the copy plotly ships.

    plotly's file is the UCI version, which has two known transcription errors against
    Fisher's published table (Bezdek et al. 1999, "Will the real iris data please stand
    up?"): sample 35 has petal width 0.2 (not 0.1) and sample 38 sepal width 3.6 and petal
    length 1.4 (not 3.1 and 1.5). With those two rows corrected it equals R's ``iris``.
    """
    path = files("plotly") / "package_data" / "datasets" / "iris.csv.gz"
    with gzip.open(str(path), "rt") as handle:
        frame = pd.read_csv(handle)
    frame.loc[34, "petal_width"] = 0.2
    frame.loc[37, ["sepal_width", "petal_length"]] = [3.6, 1.4]
    # fixest's vignette names: y1 = Sepal.Length, y2 = Sepal.Width, x1 = Petal.Length,
    # x2 = Petal.Width
    base = frame.rename(
        columns={
            "sepal_length": "y1",
            "sepal_width": "y2",
            "petal_length": "x1",
            "petal_width": "x2",
        }
    )[["y1", "y2", "x1", "x2", "species"]]
    base["obs"] = base.groupby("species").cumcount()
    return base


def test_iris_rebuild_matches_fisher_column_sums() -> None:
    # R: colSums(iris[1:4]) = 876.5 458.6 563.7 179.9
    sums = r_iris()[["y1", "y2", "x1", "x2"]].sum().round(1).tolist()
    assert sums == [876.5, 458.6, 563.7, 179.9]


@pytest.mark.parametrize(
    ("y", "estimate", "std_error"),
    [("y1", 0.906, 0.076), ("y2", 0.155, 0.073)],
)
def test_published_fixest_table_iris(y: str, estimate: float, std_error: float) -> None:
    # fixest vignette "Multiple estimations" (L. Bergé), first illustration:
    #   res_multi = feols(c(y1, y2) ~ x1 + csw(x2, x2^2) | sw0(species), base, ...)
    #   summary(res_multi, "compact", se = "hetero")
    # rows "Full sample | species | y1 | x1 + x2": x1 = 0.906*** (0.076)
    #      "Full sample | species | y2 | x1 + x2": x1 = 0.155*   (0.073)
    result = panel_regression(
        r_iris(),
        y,
        ["x1", "x2"],
        entity="species",
        time="obs",
        absorb=["species"],
        vcov="hetero",
    )
    assert round(result.coef["x1"], 3) == estimate
    assert round(result.se["x1"], 3) == std_error
    assert result.nobs == 150
    assert result.vcov == "HC1"


def _panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = [(f"c{i:02d}", 2000 + t) for i in range(12) for t in range(8) if rng.random() > 0.15]
    frame = pd.DataFrame(keys, columns=["iso3", "year"])
    i = frame["iso3"].str[1:].astype(int).to_numpy()
    t = frame["year"].to_numpy() - 2000
    a, b = rng.normal(size=12), rng.normal(size=8)
    frame["x1"] = rng.normal(size=len(frame)) + a[i]
    frame["x2"] = rng.normal(size=len(frame)) + b[t]
    noise = rng.normal(size=len(frame)) * (1 + 0.5 * np.abs(frame["x1"]))
    frame["y"] = 0.5 * frame["x1"] - 0.3 * frame["x2"] + a[i] + b[t] + noise
    return frame


def _lsdv(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Least squares with explicit dummies and the sandwich formulas of fixest's
    "On standard errors" vignette: K = k + 1 + Σ(levels − 1) over fixed effects not nested
    in a cluster variable; CRV1 factor G/(G−1)·(n−1)/(n−K), two-way with min(G). reghdfe
    charges the same here: K = k + df_a with df_a = 0 for the nested iso3 and all the year
    levels (year is then the first non-nested term), plus 1 when df_a = 0."""
    dummies = [
        pd.get_dummies(frame["iso3"]).to_numpy(float),
        pd.get_dummies(frame["year"]).to_numpy(float)[:, 1:],
    ]
    design = np.column_stack([frame[["x1", "x2"]].to_numpy(), *dummies])
    y = frame["y"].to_numpy()
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    resid = y - design @ beta
    bread = np.linalg.inv(design.T @ design)
    n = len(frame)

    def meat(groups: pd.Series) -> tuple[np.ndarray, int]:
        codes = pd.factorize(groups)[0]
        scores = np.zeros((codes.max() + 1, design.shape[1]))
        np.add.at(scores, codes, design * resid[:, None])
        return bread @ scores.T @ scores @ bread, int(codes.max() + 1)

    v_i, g_i = meat(frame["iso3"])
    v_t, g_t = meat(frame["year"])
    v_it, _ = meat(frame["iso3"] + frame["year"].astype(str))
    k_entity = 2 + 1 + (frame["year"].nunique() - 1)  # iso3 FE nested in the cluster
    k_two = 2 + 1  # both FE nested
    k_all = design.shape[1]
    g = min(g_i, g_t)
    hc = bread @ (design.T * resid**2) @ design @ bread
    return {
        "coef": beta[:2],
        "crv_entity": np.sqrt(np.diag(v_i)[:2] * g_i / (g_i - 1) * (n - 1) / (n - k_entity)),
        "crv_two": np.sqrt(np.diag(v_i + v_t - v_it)[:2] * g / (g - 1) * (n - 1) / (n - k_two)),
        "hetero": np.sqrt(np.diag(hc)[:2] * n / (n - k_all)),
    }


def test_two_way_fe_and_clustering_equal_lsdv_reference() -> None:
    frame = _panel()
    ref = _lsdv(frame)
    one = panel_regression(frame, "y", ["x1", "x2"], "iso3", "year")
    np.testing.assert_allclose(one.coef.to_numpy(), ref["coef"], rtol=1e-8)
    np.testing.assert_allclose(one.se.to_numpy(), ref["crv_entity"], rtol=1e-8)
    assert (one.convention, one.dof_k, one.df_absorbed) == ("reghdfe", 2 + 8, 8)
    assert one.clusters == {"iso3": 12}
    fixest = panel_regression(frame, "y", ["x1", "x2"], "iso3", "year", convention="fixest")
    np.testing.assert_allclose(fixest.coef.to_numpy(), ref["coef"], rtol=1e-8)
    np.testing.assert_allclose(fixest.se.to_numpy(), ref["crv_entity"], rtol=1e-8)
    for convention in ("reghdfe", "fixest"):  # the two agree here
        two = panel_regression(
            frame,
            "y",
            ["x1", "x2"],
            "iso3",
            "year",
            cluster=["iso3", "year"],
            convention=convention,
        )
        np.testing.assert_allclose(two.se.to_numpy(), ref["crv_two"], rtol=1e-8)
        assert two.df_t == 7  # min(G) - 1
        het = panel_regression(
            frame, "y", ["x1", "x2"], "iso3", "year", vcov="hetero", convention=convention
        )
        np.testing.assert_allclose(het.se.to_numpy(), ref["hetero"], rtol=1e-8)
    table = one.to_frame()
    assert table["term"].tolist() == ["x1", "x2"]
    assert (table["ci_lower"] < table["estimate"]).all()


def test_interaction_and_trend_terms_match_dummy_regression() -> None:
    frame = _panel(5)
    frame["region"] = np.where(frame["iso3"] < "c06", "north", "south")
    got = panel_regression(
        frame, "y", ["x1", "x2"], "iso3", "year", absorb=["iso3", "region^year", "iso3[year]"]
    )
    region_year = pd.get_dummies(frame["region"] + frame["year"].astype(str)).to_numpy(float)
    entity = pd.get_dummies(frame["iso3"]).to_numpy(float)
    trends = entity * frame["year"].to_numpy()[:, None]
    design = np.column_stack([frame[["x1", "x2"]].to_numpy(), entity, region_year, trends])
    beta = np.linalg.lstsq(design, frame["y"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(got.coef.to_numpy(), beta[:2], rtol=1e-7)


def test_missing_values_and_singletons_are_recorded() -> None:
    frame = _panel()
    frame.loc[[0, 5], "x1"] = np.nan
    lonely = pd.DataFrame({"iso3": ["zzz"], "year": [2003], "x1": [1.0], "x2": [0.0], "y": [2.0]})
    frame = pd.concat([frame, lonely], ignore_index=True)
    result = panel_regression(frame, "y", ["x1", "x2"], "iso3", "year")
    assert result.n_missing == 2
    assert result.n_singletons == 1
    assert result.nobs == len(frame) - 3
    assert result.dropped.set_index("row")["reason"].to_dict() == {
        0: "missing x1",
        5: "missing x1",
        len(frame) - 1: "singleton",
    }


def test_lags_use_exact_periods_within_entity() -> None:
    frame = pd.DataFrame(
        {
            "iso3": ["a"] * 4 + ["b"] * 4,
            "year": [1, 2, 4, 5, 1, 2, 3, 4],
            "x": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "y": [0.0, 1, 0, 2, 1, 0, 3, 1],
        }
    )
    result = panel_regression(frame, "y", ["x"], "iso3", "year", absorb=[], lags=1, vcov="iid")
    # a: year 1 and 4 have no t-1 value; b: year 1 has none -> 3 rows missing
    assert result.n_missing == 3
    assert list(result.coef.index) == ["x_lag1"]
    expected = np.polyfit([1.0, 3, 5, 6, 7], [1.0, 2, 0, 3, 1], 1)[0]
    assert result.coef["x_lag1"] == pytest.approx(expected, rel=1e-10)


def test_absorbed_and_collinear_regressors_are_named() -> None:
    frame = _panel()
    frame["size"] = frame["iso3"].str[1:].astype(float) * 2.0
    with pytest.raises(EstimationError, match=r"'size'.*absorbed fixed effect 'iso3'"):
        panel_regression(frame, "y", ["x1", "size"], "iso3", "year", collinear="raise")
    frame["x3"] = frame["x1"] + 2 * frame["x2"]
    with pytest.raises(EstimationError, match=r"\['x3'\] are collinear"):
        panel_regression(frame, "y", ["x1", "x2", "x3"], "iso3", "year", collinear="raise")


def test_too_few_observations() -> None:
    frame = _panel().head(6)
    with pytest.raises(EstimationError, match="too few observations"):
        panel_regression(frame, "y", ["x1", "x2"], "iso3", "year")

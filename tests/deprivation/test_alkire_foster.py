"""Alkire-Foster estimates: the published toy example, hand-worked designs, missing data and
clear errors on bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
from humsec.deprivation.alkire_foster import TABLE_COLUMNS
from humsec.errors import ColumnError, DataError, HumsecWarning, SpecError

# Alkire & Foster toy example (OPHI training material; METHODS.md): five people, four equally
# weighted indicators, k = 1/2 -> M0 = 0.35, H = 0.6, A = 0.5833, contributions
# 28.57 / 14.29 / 42.86 / 14.29 %.
TOY = pd.DataFrame(
    {
        "a": [1, 0, 1, 0, 0],
        "b": [0, 0, 1, 1, 0],
        "c": [1, 1, 1, 0, 0],
        "d": [0, 1, 0, 0, 0],
    }
)
TOY_SPEC = DeprivationSpec(indicators={"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}, k=0.5)


def test_published_toy_example() -> None:
    r = estimate(TOY, TOY_SPEC)
    assert r.value("M0") == pytest.approx(0.35, abs=1e-12)
    assert r.value("H") == pytest.approx(0.6, abs=1e-12)
    assert r.value("A") == pytest.approx(0.5833, abs=5e-5)
    pctb = [r.value("pctb", indicator=i) * 100 for i in "abcd"]
    assert pctb == pytest.approx([28.57, 14.29, 42.86, 14.29], abs=5e-3)
    actb = [r.value("actb", indicator=i) for i in "abcd"]
    assert sum(actb) == pytest.approx(r.value("M0"), abs=1e-15)
    assert sum(pctb) == pytest.approx(100.0, abs=1e-12)
    # Uncensored vs censored: person 4 is deprived in b only (c = 0.25 < k) -> censored out.
    assert r.value("hd", indicator="b") == pytest.approx(0.4)
    assert r.value("hdk", indicator="b") == pytest.approx(0.2)
    assert list(r.to_frame().columns) == TABLE_COLUMNS
    assert r.dropped == 0 and r.n_used == 5


def test_toy_srs_standard_error_by_hand() -> None:
    # No design: 5 PSUs of one person in one stratum. For H: z_i = (poor_i - 0.6) / 5,
    # Var = 5/4 * sum z_i^2 = 5/4 * (3*0.4^2 + 2*0.6^2) / 25 = 0.06 -> se = 0.2449.
    r = estimate(TOY, TOY_SPEC)
    assert r.value("H", column="se") == pytest.approx(np.sqrt(0.06), abs=1e-12)
    assert r.df == 4


def test_two_strata_two_psus_worked_by_hand() -> None:
    # One person per PSU, y = poor: [1, 0 | 1, 1]; H = 0.75;
    # z = (y - 0.75) / 4 = [1/16, -3/16 | 1/16, 1/16]; stratum 1 deviations +-1/8 ->
    # 2/1 * 2/64 = 1/16; stratum 2 adds 0. se = 1/4; df = 4 PSUs - 2 strata = 2.
    data = pd.DataFrame(
        {"g": [1, 0, 1, 1], "st": [1, 1, 2, 2], "psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1]}
    )
    spec = DeprivationSpec(indicators={"g": 1.0}, k=1.0)
    r = estimate(data, spec, SurveyDesign(weight="w", strata="st", psu="psu"))
    assert r.value("H") == 0.75
    assert r.value("H", column="se") == pytest.approx(0.25, abs=1e-15)
    assert r.df == 2
    t = sps.t.ppf(0.975, 2)  # 4.302652729911275
    logit, se_logit = np.log(3.0), 0.25 / (0.75 * 0.25)
    lo = 1 / (1 + np.exp(-(logit - t * se_logit)))
    hi = 1 / (1 + np.exp(-(logit + t * se_logit)))
    assert r.value("H", column="ci_low") == pytest.approx(lo, abs=1e-12)
    assert r.value("H", column="ci_high") == pytest.approx(hi, abs=1e-12)
    # A = 1 for a single indicator; its se is 0.
    assert r.value("A") == 1.0 and r.value("A", column="se") == pytest.approx(0.0, abs=1e-15)


def test_m0_and_a_get_the_logit_interval_worked_by_hand() -> None:
    # mpitb's convention (R svyciprop(method="logit") with df = degf(design)): M0, H, A, hd
    # and hdk get expit(logit(theta) -/+ t se / (theta (1 - theta))); contributions a t
    # interval. Two indicators of weight 1/2, k = 1/2; persons (a, b): (1,1), (1,0) | (0,0),
    # (1,0) in 2 strata x 2 PSUs. c = [1, .5, 0, .5], all but person 3 poor.
    # M0 = 2/4 = 0.5; z = (c - 0.5)/4 = [1/8, 0 | -1/8, 0]; stratum 1: 2 * 2 * (1/16)^2 = 1/64,
    # stratum 2 the same -> Var = 1/32. A = 2/3 (ratio of sum c to sum poor = 2 / 3):
    # z = (c - 2/3 poor)/3 = [1/9, -1/18 | 0, -1/18]; stratum 1: 2 * 2 * (1/12)^2 = 1/36,
    # stratum 2: 2 * 2 * (1/36)^2 = 1/324 -> Var = 10/324.
    data = pd.DataFrame(
        {"a": [1, 1, 0, 1], "b": [1, 0, 0, 0], "st": [1, 1, 2, 2], "psu": [1, 2, 3, 4]}
    )
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.5}, k=0.5)
    r = estimate(data, spec, SurveyDesign(strata="st", psu="psu"))
    t = sps.t.ppf(0.975, 2)
    for measure, theta, var in (("M0", 0.5, 1 / 32), ("A", 2 / 3, 10 / 324)):
        assert r.value(measure) == pytest.approx(theta, abs=1e-15)
        assert r.value(measure, column="se") ** 2 == pytest.approx(var, abs=1e-15)
        logit, se_logit = np.log(theta / (1 - theta)), np.sqrt(var) / (theta * (1 - theta))
        lo = 1 / (1 + np.exp(-(logit - t * se_logit)))
        hi = 1 / (1 + np.exp(-(logit + t * se_logit)))
        assert r.value(measure, column="ci_low") == pytest.approx(lo, abs=1e-12)
        assert r.value(measure, column="ci_high") == pytest.approx(hi, abs=1e-12)
        assert 0 < lo < theta < hi < 1  # the symmetric t interval would leave [0, 1] for M0
    for measure in ("hd", "hdk"):
        theta = r.value(measure, indicator="b")  # 1/4 (only person 1 is deprived in b)
        se = r.value(measure, indicator="b", column="se")
        logit, se_logit = np.log(theta / (1 - theta)), se / (theta * (1 - theta))
        hi = 1 / (1 + np.exp(-(logit + t * se_logit)))
        assert r.value(measure, indicator="b", column="ci_high") == pytest.approx(hi, abs=1e-12)
    # Contributions keep the symmetric t interval.
    actb, se = r.value("actb", indicator="a"), r.value("actb", indicator="a", column="se")
    assert r.value("actb", indicator="a", column="ci_low") == pytest.approx(actb - t * se, 1e-12)
    assert r.value("actb", indicator="a", column="ci_high") == pytest.approx(actb + t * se, 1e-12)


@pytest.mark.parametrize(
    ("option", "variance"),
    [("certainty", 1 / 9), ("remove", 1 / 9), ("adjust", 10 / 81), ("average", 2 / 9)],
)
def test_lonely_psu_options_worked_by_hand(option: str, variance: float) -> None:
    # y = [1, 0 | 1], stratum B has one PSU. theta = 2/3, z = (y - 2/3)/3 = [1/9, -2/9 | 1/9].
    # Stratum A: 2/1 * 2 * (1/6)^2 = 1/9. certainty: B adds 0. adjust: B centred at the grand
    # mean of PSU totals (0) adds (1/9)^2. average: 1/9 / (1 - 1/2).
    data = pd.DataFrame({"g": [1, 0, 1], "st": ["A", "A", "B"], "psu": [1, 2, 3]})
    spec = DeprivationSpec(indicators={"g": 1.0}, k=1.0)
    design = SurveyDesign(strata="st", psu="psu", lonely_psu=option)  # type: ignore[arg-type]
    r = estimate(data, spec, design)
    assert r.value("H", column="se") ** 2 == pytest.approx(variance, abs=1e-15)


def test_lonely_psu_average_in_a_domain_counts_the_domains_strata() -> None:
    # R svyby: the domain's rows with the whole design's PSU counts, so 'average' scales by
    # H_d / (H_d - L_d) over the strata holding the domain. y = [1, 0 | 1], stratum B lonely.
    # Domain u = rows 1, 2 (stratum A only): H_d = 1, L_d = 0, H_u = 1/2,
    # z = (y - 1/2)/2 = [1/4, -1/4], Var = 2/1 * 2/16 = 1/4 (the whole design's factor
    # H / (H - L) = 2 would give 1/2). Domain v lives only in the lonely stratum: NaN, as R.
    data = pd.DataFrame(
        {"g": [1, 0, 1], "st": ["A", "A", "B"], "psu": [1, 2, 3], "grp": ["u", "u", "v"]}
    )
    spec = DeprivationSpec(indicators={"g": 1.0}, k=1.0)
    design = SurveyDesign(strata="st", psu="psu", lonely_psu="average")
    with pytest.warns(HumsecWarning, match=r"no standard error .* grp=v"):
        r = estimate(data, spec, design, by="grp")
    assert r.value("H", subgroup="grp", level="u") == 0.5
    assert r.value("H", subgroup="grp", level="u", column="se") ** 2 == pytest.approx(0.25)
    assert np.isnan(r.value("H", subgroup="grp", level="v", column="se"))
    assert r.value("H", column="se") ** 2 == pytest.approx(2 / 9)  # the total: H = 2, L = 1


def test_lonely_psu_fail_is_a_clear_error() -> None:
    data = pd.DataFrame({"g": [1, 0, 1], "st": ["A", "A", "B"], "psu": [1, 2, 3]})
    spec = DeprivationSpec(indicators={"g": 1.0}, k=1.0)
    with pytest.raises(SpecError, match="single PSU"):
        estimate(data, spec, SurveyDesign(strata="st", psu="psu"))


def _design_frame(seed: int = 0, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    psu = np.repeat(np.arange(30), n // 30)
    return pd.DataFrame(
        {
            "a": rng.integers(0, 2, n),
            "b": rng.integers(0, 2, n),
            "c": (rng.random(n) < 0.3).astype(int),
            "psu": psu,
            "st": psu // 10,
            "w": rng.uniform(0.5, 2.0, n),
            "grp": rng.choice(["x", "y", "z"], n),
        }
    )


def test_subgroup_decomposition_holds_exactly() -> None:
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25}, k=[0.25, 0.5])
    r = estimate(_design_frame(), spec, SurveyDesign(weight="w", strata="st", psu="psu"), by="grp")
    assert len(r.decomposition) == 2
    assert r.decomposition["difference"].abs().max() < 1e-12
    assert r.decomposition["popshare_sum"].to_numpy() == pytest.approx([1.0, 1.0], abs=1e-12)
    for k in (0.25, 0.5):
        assert r.value("M0", k=k) == pytest.approx(r.value("H", k=k) * r.value("A", k=k), 1e-12)


def test_missing_values_listwise_by_default_and_counted() -> None:
    data = _design_frame().astype({"a": float})
    data.loc[[3, 50, 51], "a"] = np.nan
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25})
    design = SurveyDesign(weight="w", strata="st", psu="psu")
    r = estimate(data, spec, design)
    assert r.dropped == 3 and r.missing["a"] == 3 and r.n_used == len(data) - 3
    ref = estimate(data.dropna(), spec, design)
    pd.testing.assert_frame_equal(r.table, ref.table)


def test_missing_values_as_nondeprived_warns() -> None:
    data = _design_frame().astype({"a": float})
    data.loc[[3, 50], "a"] = np.nan
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25}, missing="nondeprived")
    design = SurveyDesign(weight="w", strata="st", psu="psu")
    with pytest.warns(HumsecWarning, match="2 missing"):
        r = estimate(data, spec, design)
    assert r.dropped == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HumsecWarning)
        ref = estimate(data.fillna({"a": 0.0}), spec, design)
    pd.testing.assert_frame_equal(r.table, ref.table)


def test_missing_subgroup_value_is_counted_not_dropped() -> None:
    data = _design_frame()
    data["grp"] = data["grp"].astype(object)
    data.loc[[0, 1], "grp"] = None
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25})
    r = estimate(data, spec, SurveyDesign(weight="w", strata="st", psu="psu"), by=["grp"])
    assert r.missing_by == {"grp": 2}
    assert r.n_used == len(data)
    assert set(r.table.loc[r.table["subgroup"] == "grp", "level"]) == {"x", "y", "z"}


def test_cutoffs_on_raw_variables() -> None:
    data = pd.DataFrame({"years": [2, 8, 5, 12], "water": ["river", "piped", "pond", "piped"]})
    spec = DeprivationSpec(
        indicators=[
            {"name": "school", "column": "years", "cutoff": "< 6", "weight": 0.5},
            {"name": "water", "cutoff": ["river", "pond"], "weight": 0.5},
        ],
        k=0.5,
    )
    r = estimate(data, spec)
    assert r.value("hd", indicator="school") == 0.5
    assert r.value("hd", indicator="water") == 0.5
    assert r.value("H") == 0.5  # persons 1 and 3
    assert r.value("A") == 1.0


def test_bad_input_errors() -> None:
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.5})
    data = pd.DataFrame({"a": [0, 1, 2], "b": [0, 1, 1], "w": [1.0, 1.0, 1.0]})
    with pytest.raises(ColumnError, match="0/1") as info:
        estimate(data, spec)
    assert "a: 1 row" in str(info.value)
    ok = pd.DataFrame({"a": [0, 1, 1], "b": [0, 1, 1], "w": [1.0, -1.0, 1.0]})
    with pytest.raises(ColumnError, match="negative"):
        estimate(ok, spec, SurveyDesign(weight="w"))
    with pytest.raises(ColumnError, match="did you mean 'a'"):
        estimate(ok, DeprivationSpec(indicators={"aa": 0.5, "b": 0.5}))
    crossed = ok.assign(w=1.0, st=[1, 1, 2], psu=[1, 2, 2])
    with pytest.raises(DataError, match="more than one stratum"):
        estimate(crossed, spec, SurveyDesign(weight="w", strata="st", psu="psu"))
    # R's nest=TRUE: PSU ids are labels within strata.
    crossed2 = pd.concat([crossed, crossed]).assign(psu=[1, 2, 1, 1, 2, 1])
    r = estimate(
        crossed2, spec, SurveyDesign(strata="st", psu="psu", nest=True, lonely_psu="certainty")
    )
    assert r.n_psu == 3
    empty = ok.assign(w=[1.0, 1.0, 0.0], grp=["x", "x", "y"])
    with pytest.raises(DataError, match="empty subgroup"):
        estimate(empty, spec, SurveyDesign(weight="w"), by="grp")
    with pytest.raises(ColumnError, match="needs 0/1 values"):
        estimate(ok.assign(a=["no", "yes", "yes"]), spec)


def test_many_levels_are_processed_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # A subgroup with many levels (e.g. areas) is summed in blocks of levels; the result is
    # the same as with one dense block.
    from humsec.deprivation.sufficient_statistics import SufficientStatistics

    data = _design_frame(seed=2, n=900).assign(area=lambda f: np.arange(len(f)) % 37)
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25}, k=0.5)
    design = SurveyDesign(weight="w", strata="st", psu="psu")
    dense = estimate(data, spec, design, by=["area", "grp"])
    original = SufficientStatistics.domain_blocks

    def tiny_blocks(self, psu_index, n_psu, variable, names, max_cells=None):  # type: ignore[no-untyped-def]
        return original(self, psu_index, n_psu, variable, names, max_cells=n_psu * len(names) * 4)

    monkeypatch.setattr(SufficientStatistics, "domain_blocks", tiny_blocks)
    blocked = estimate(data, spec, design, by=["area", "grp"])
    pd.testing.assert_frame_equal(dense.table, blocked.table)
    assert dense.table["level"].nunique() == 37 + 3 + 1


def test_k_override_like_mpitb_klist() -> None:
    # At k = 1/4 everyone deprived in at least one indicator is poor: persons 1-4 -> H = 0.8,
    # M0 = (2 + 2 + 3 + 1) / (4 * 5) = 0.4 (the censored score is then the uncensored one).
    r = estimate(TOY, TOY_SPEC, k=[0.25, 0.5])
    assert r.value("H", k=0.25) == pytest.approx(0.8)
    assert r.value("M0", k=0.25) == pytest.approx(0.4)
    assert r.value("M0", k=0.5) == pytest.approx(0.35)


def test_rows_as_psus_are_collapsed_exactly() -> None:
    # Without a PSU every row is its own PSU. Rows alike in weight, deprivations, stratum and
    # subgroup are summed into one array row with a multiplicity; the result must equal the
    # explicit one-PSU-per-row design (checked to 1e-13), with far fewer array rows.
    from humsec.deprivation.sufficient_statistics import sufficient_statistics

    rng = np.random.default_rng(8)
    n = 3_000
    data = pd.DataFrame(
        {
            "a": rng.integers(0, 2, n).astype(float),
            "b": rng.integers(0, 2, n),
            "c": (rng.random(n) < 0.3).astype(int),
            "st": rng.integers(0, 4, n),
            "w": rng.choice([1.0, 2.5, 4.0], n),
            "grp": rng.choice(["x", "y"], n),
        }
    )
    data.loc[[5, 17], "a"] = np.nan
    spec = DeprivationSpec(indicators={"a": 0.5, "b": 0.25, "c": 0.25}, k=[0.25, 0.5])
    collapsed = estimate(data, spec, SurveyDesign(weight="w", strata="st"), by="grp")
    explicit = estimate(
        data.assign(rid=np.arange(n)), spec, SurveyDesign(weight="w", strata="st", psu="rid"),
        by="grp",
    )  # fmt: skip
    for col in ("value", "se", "ci_low", "ci_high"):
        assert np.allclose(collapsed.table[col], explicit.table[col], rtol=0, atol=1e-13)
    assert collapsed.df == explicit.df == n - 2 - 4
    assert collapsed.n_psu == n - 2 and collapsed.dropped == 2
    stats = sufficient_statistics(data, spec, SurveyDesign(weight="w", strata="st"), ["grp"])
    assert len(stats.table) < 500


def test_t_quantile_is_the_student_t_quantile() -> None:
    from humsec.deprivation.linearisation import t_quantile

    # df = 2 by hand: t = (2p - 1) / sqrt(2p(1 - p)) = 0.95 / sqrt(0.04875)
    assert t_quantile(0.975, 2) == pytest.approx(0.95 / 0.04875**0.5, rel=1e-12)
    assert t_quantile(0.975, 30) == pytest.approx(2.042272456301238, rel=1e-12)  # R: qt(.975, 30)


def test_duplicate_ids_are_an_error_naming_the_rows() -> None:
    data = pd.DataFrame({"g": [1, 0, 1, 0], "hh": [7, 7, 8, 8], "line": [1, 2, 1, 1]})
    spec = DeprivationSpec(indicators={"g": 1.0}, k=1.0)
    with pytest.raises(DataError, match=r"hh=8, line=1 in rows 3, 4") as info:
        estimate(data, spec, SurveyDesign(id=["hh", "line"]))
    assert "1 value(s)" in str(info.value)
    # Polars scans name the rows too; DuckDB (no row order) the ids and their row counts.
    import duckdb
    import polars as pl

    with pytest.raises(DataError, match=r"hh=7 in rows 1, 2; hh=8 in rows 3, 4"):
        estimate(pl.from_pandas(data).lazy(), spec, SurveyDesign(id="hh"))
    with pytest.raises(DataError, match=r"hh=7 in 2 rows"):
        estimate(duckdb.from_df(data), spec, SurveyDesign(id="hh"))
    with pytest.raises(ColumnError, match="'person'"):
        estimate(data, spec, SurveyDesign(id="person"))
    data.loc[3, "line"] = 2
    assert estimate(data, spec, SurveyDesign(id=["hh", "line"])).value("H") == 0.5


def _nonfinite_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
            "x": [3.0, 8.0, 2.0, 9.0, 1.0, 7.0],  # deprived when x < 6
            "w": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        }
    )


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_nan_is_missing_and_counted_on_every_engine(engine: str) -> None:
    # Before, Polars and DuckDB (where NaN is not null) gave NaN estimates for a NaN weight and
    # counted a NaN raw value as not deprived (NaN < 6 is false).
    import duckdb
    import polars as pl

    spec = DeprivationSpec(
        indicators=[{"name": "a", "weight": 0.5}, {"name": "x", "weight": 0.5, "cutoff": "< 6"}],
        k=0.5,
    )
    frame = _nonfinite_frame()
    frame.loc[1, "w"] = np.nan
    frame.loc[2, "x"] = np.nan
    native = {
        "pandas": lambda f: f,
        "polars": lambda f: pl.from_pandas(f, nan_to_null=False),
        "duckdb": lambda f: duckdb.from_df(f),
    }[engine](frame)
    r = estimate(native, spec, SurveyDesign(weight="w"))
    assert r.dropped == 2 and r.missing["w"] == 1 and r.missing["x"] == 1
    # Rows 1, 4, 5, 6 remain (w = 1, 2, 1, 2); poor (c >= 1/2): rows 1 (a, x) and 5 (a, x).
    assert r.value("H") == pytest.approx(2 / 6, abs=1e-15)
    assert r.value("M0") == pytest.approx(2 / 6, abs=1e-15)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("w", np.inf, "infinite"),
        ("a", -np.inf, "infinite"),
        ("x", np.inf, "infinite"),
        ("w", 1e308, "weight above 1e\\+15"),
    ],
)
@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_infinite_and_absurd_values_are_errors(
    column: str, value: float, message: str, engine: str
) -> None:
    # Before, an infinite weight gave NaN estimates and no error.
    import duckdb
    import polars as pl

    spec = DeprivationSpec(
        indicators=[{"name": "a", "weight": 0.5}, {"name": "x", "weight": 0.5, "cutoff": "< 6"}],
        k=0.5,
    )
    frame = _nonfinite_frame()
    frame.loc[3, column] = value
    frame.loc[4, "w"] = np.nan  # a NaN beside it: DuckDB's max is then NaN, Polars skips it
    native = {"pandas": frame, "polars": pl.from_pandas(frame, nan_to_null=False).lazy(),
              "duckdb": duckdb.from_df(frame)}[engine]  # fmt: skip
    with pytest.raises(ColumnError, match=message) as info:
        estimate(native, spec, SurveyDesign(weight="w"))
    assert f"'{column}'" in str(info.value)


def test_overflowing_weighted_sums_are_an_error() -> None:
    from humsec.deprivation.sufficient_statistics import MAX_WEIGHT

    # Weights at the bound pass the row check, but 2e308 rows' worth would overflow: with
    # enough of them the sums are inf. Simulated by scaling the bound check away.
    frame = _nonfinite_frame().assign(w=1e308)
    spec = DeprivationSpec(indicators={"a": 1.0}, k=1.0)
    import humsec.deprivation.sufficient_statistics as ss

    try:
        ss.MAX_WEIGHT = float("inf")
        with pytest.raises(DataError, match="overflow"):
            estimate(frame, spec, SurveyDesign(weight="w"))
    finally:
        ss.MAX_WEIGHT = MAX_WEIGHT


def test_a_category_cutoff_matching_no_row_warns() -> None:
    # On an unlabelled column a misspelt category would silently give 0 % deprived.
    data = pd.DataFrame({"water": ["river", "piped", "pond"], "a": [1, 0, 1]})
    spec = DeprivationSpec(
        indicators=[{"name": "w", "column": "water", "cutoff": ["rivr"], "weight": 0.5},
                    {"name": "a", "weight": 0.5}],
        k=0.5,
    )  # fmt: skip
    with pytest.warns(HumsecWarning, match=r"indicator 'w': no row .* \['rivr'\]"):
        r = estimate(data, spec)
    assert r.value("hd", indicator="w") == 0.0

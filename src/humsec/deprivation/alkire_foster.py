"""Alkire-Foster adjusted headcount ratio and its partial indices, with design-based errors.

Alkire and Foster (2011), "Counting and multidimensional poverty measurement", J. Public Econ.
95(7-8); conventions of OPHI's mpitb (Suppa 2023). For weights s_i, deprivations g_ij,
indicator weights w_j (sum 1), score c_i = sum_j w_j g_ij, poverty status
poor_i = [c_i >= k - 1e-9] and censored score c_i(k) = c_i poor_i:

* H   = sum s poor / sum s                       (incidence, headcount ratio)
* M0  = sum s c(k) / sum s                       (adjusted headcount ratio, = H * A)
* A   = sum s c(k) / sum s poor                  (intensity; a ratio estimator)
* hd_j  = sum s g_j / sum s                      (uncensored headcount ratio)
* hdk_j = sum s g_j poor / sum s                 (censored headcount ratio)
* actb_j = w_j hdk_j  (sums to M0);  pctb_j = actb_j / M0 (sums to 1)
* popshare_g = sum s [g] / sum s                 (population share of a subgroup level)

Standard errors are Taylor-linearised from PSU totals (:mod:`.linearisation`); subgroups are
domains (no subsetting), so M0 = sum_g popshare_g M0_g holds exactly and is checked.
Confidence intervals (mpitb's convention): M0, H, A, hd, hdk and popshare, which all lie in
[0, 1], get the logit interval of R ``svyciprop(method="logit")`` with t on the design degrees
of freedom #PSU - #strata (the whole design's, also for subgroups, as mpitbR passes
``df = degf(design)``); the contributions actb and pctb get a symmetric t interval on the same
degrees of freedom.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from humsec.deprivation.linearisation import (
    PSUDesign,
    logit_ci,
    psu_sum,
    ratio_estimate,
    t_ci,
)
from humsec.deprivation.spec import DeprivationSpec, SurveyDesign
from humsec.deprivation.subgroup_cost import check_subgroup_cost
from humsec.deprivation.sufficient_statistics import SufficientStatistics, sufficient_statistics
from humsec.errors import DataError, HumsecWarning, SpecError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MEASURES", "TABLE_COLUMNS", "DeprivationResult", "estimate"]

TABLE_COLUMNS = [
    "subgroup",
    "level",
    "k",
    "measure",
    "indicator",
    "value",
    "se",
    "ci_low",
    "ci_high",
]
MEASURES = ("M0", "H", "A", "hd", "hdk", "actb", "pctb", "popshare")
#: Measures with a logit interval (mpitb: every AF measure is treated as a proportion).
_LOGIT = {"M0", "H", "A", "hd", "hdk", "popshare"}
_TEXT = ("subgroup", "level", "measure", "indicator")


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass
class DeprivationResult:
    """Alkire-Foster estimates with design-based SEs and CIs.

    ``table`` is long: one row per (subgroup, level, k, measure, indicator) with ``value, se,
    ci_low, ci_high``; ``subgroup`` is ``"total"`` or the variable name, ``level`` the level
    (``"total"`` for the total), ``indicator`` empty for M0/H/A/popshare. Values are fractions
    (pctb sums to 1 over indicators; multiply by 100 for percent).
    """

    table: pd.DataFrame
    spec: DeprivationSpec
    design: SurveyDesign
    n_rows: int
    n_used: int
    dropped: int
    missing: dict[str, int]
    missing_by: dict[str, int]
    n_psu: int
    n_strata: int
    df: int
    backend: str
    sample_sizes: pd.DataFrame = field(default_factory=_empty_frame)
    decomposition: pd.DataFrame = field(default_factory=_empty_frame)

    def to_frame(self) -> pd.DataFrame:
        """The long result table."""
        return self.table.copy()

    def value(
        self,
        measure: str,
        *,
        subgroup: str = "total",
        level: Any = "total",
        k: float | None = None,
        indicator: str = "",
        column: str = "value",
    ) -> float:
        """One number from the table, e.g. ``result.value("M0", subgroup="region",
        level="North")``."""
        t = self.table
        kk = self.spec.k[0] if k is None else k
        mask = (
            (t["subgroup"] == subgroup)
            & (t["level"] == str(level))
            & np.isclose(t["k"], kk)
            & (t["measure"] == measure)
            & (t["indicator"] == indicator)
        )
        rows = t.loc[mask, column]
        if len(rows) != 1:
            raise SpecError(
                f"no single estimate for measure={measure!r} subgroup={subgroup!r} "
                f"level={level!r} k={kk} indicator={indicator!r}",
                location="DeprivationResult.value",
                hint="see result.table for the available rows",
            )
        return float(rows.iloc[0])

    def wide(self, measure: str = "M0", k: float | None = None) -> pd.DataFrame:
        """A subgroup x (value, se, ci_low, ci_high) view of one measure."""
        t = self.table
        kk = self.spec.k[0] if k is None else k
        sel = t[(t["measure"] == measure) & np.isclose(t["k"], kk)]
        return sel.set_index(["subgroup", "level", "indicator"])[
            ["value", "se", "ci_low", "ci_high"]
        ]


def _rows(
    subgroup: str,
    levels: list[str],
    k: float,
    measure: str,
    indicator: str,
    theta: np.ndarray,
    se: np.ndarray,
    df: int,
    level: float,
) -> dict[str, Any]:
    lo, hi = (logit_ci if measure in _LOGIT else t_ci)(theta, se, df, level)
    n = len(levels)
    return {
        "subgroup": [subgroup] * n,
        "level": levels,
        "k": [k] * n,
        "measure": [measure] * n,
        "indicator": [indicator] * n,
        "value": theta,
        "se": se,
        "ci_low": lo,
        "ci_high": hi,
    }


def af_measures(
    stats: SufficientStatistics,
    spec: DeprivationSpec,
    design: SurveyDesign,
    level: float = 0.95,
) -> tuple[pd.DataFrame, PSUDesign, dict[str, int], pd.DataFrame]:
    """Finish the AF estimates from sufficient statistics (see module docstring).

    Returns the long table, the PSU design, the count of complete rows with a missing subgroup
    value per variable, and unweighted / weighted sample sizes per level.
    """
    import pandas as pd

    psu, psu_index = stats.psu_design(design.lonely_psu)
    names = stats.stats
    pos = {n: i for i, n in enumerate(names)}
    weights = np.array([spec.weights[i.name] for i in spec.indicators])
    _, total_arr, _ = stats.domain_totals(psu_index, psu.n_units, None, ["s"])
    total_s = total_arr[:, :, 0]  # (P, 1)
    pieces: list[dict[str, Any]] = []
    missing_by: dict[str, int] = {}
    sizes: list[pd.DataFrame] = []
    variables: list[tuple[str, int | None]] = [("total", None)]
    variables += [(v, i) for i, v in enumerate(stats.by)]
    n_ind = len(spec.indicators)
    blocks = (
        (name, position, *block)
        for name, position in variables
        for block in stats.domain_blocks(psu_index, psu.n_units, position, [*names, "_n"])
    )
    for subgroup, var, levels, arr, n_missing in blocks:
        if var is not None:
            missing_by[subgroup] = n_missing
            if not levels:
                raise DataError(
                    f"subgroup variable {subgroup!r} has no non-missing values among the "
                    "complete rows",
                    location=f"data column '{subgroup}'",
                    hint="choose another subgroup variable or fix its missing values",
                )
        sizes.append(
            pd.DataFrame(
                {
                    "subgroup": subgroup,
                    "level": levels,
                    "n": psu_sum(arr[:, :, -1]).astype(np.int64),
                    "weight_total": psu_sum(arr[:, :, pos["s"]]),
                }
            )
        )
        empty = psu_sum(arr[:, :, pos["s"]]) <= 0
        if empty.any():
            bad = [lv for lv, e in zip(levels, empty, strict=True) if e]
            raise DataError(
                f"subgroup {subgroup!r} level(s) {bad} have no weight among complete rows "
                "(empty subgroup)",
                location=f"data column '{subgroup}'",
                hint="drop the level, merge it with another, or check its missing values",
            )
        s = arr[:, :, pos["s"]]
        theta, se = ratio_estimate(s, np.broadcast_to(total_s, s.shape), psu)
        for q, k in enumerate(spec.k):
            # The population share does not depend on k; it is repeated per k so that each k's
            # rows are a complete table.
            pieces.append(_rows(subgroup, levels, k, "popshare", "", theta, se, psu.df, level))
            p = arr[:, :, pos[f"p{q}"]]
            c = arr[:, :, pos[f"c{q}"]]
            m0, m0_se = ratio_estimate(c, s, psu)
            h, h_se = ratio_estimate(p, s, psu)
            a, a_se = ratio_estimate(c, p, psu)
            pieces.append(_rows(subgroup, levels, k, "M0", "", m0, m0_se, psu.df, level))
            pieces.append(_rows(subgroup, levels, k, "H", "", h, h_se, psu.df, level))
            pieces.append(_rows(subgroup, levels, k, "A", "", a, a_se, psu.df, level))
            g = arr[:, :, [pos[f"g{j}"] for j in range(n_ind)]]  # (P, L, J)
            gp = arr[:, :, [pos[f"gp{j}_{q}"] for j in range(n_ind)]]
            hd, hd_se = ratio_estimate(g, s[:, :, None], psu)
            hdk, hdk_se = ratio_estimate(gp, s[:, :, None], psu)
            pctb, pctb_se = ratio_estimate(gp * weights, c[:, :, None], psu)
            for j, ind in enumerate(spec.indicators):
                for measure, th, sd in (
                    ("hd", hd[:, j], hd_se[:, j]),
                    ("hdk", hdk[:, j], hdk_se[:, j]),
                    ("actb", weights[j] * hdk[:, j], weights[j] * hdk_se[:, j]),
                    ("pctb", pctb[:, j], pctb_se[:, j]),
                ):
                    pieces.append(
                        _rows(subgroup, levels, k, measure, ind.name, th, sd, psu.df, level)
                    )
    # One frame from the pieces' columns (one DataFrame per piece would dominate small runs).
    columns = {
        name: np.concatenate(
            [np.asarray(p[name], dtype=object if name in _TEXT else float) for p in pieces]
        )
        for name in TABLE_COLUMNS
    }
    table = pd.DataFrame(columns)
    for name in _TEXT:
        table[name] = table[name].astype("str")
    sizes_frame = pd.concat(sizes, ignore_index=True)
    # Order: k, then total and the subgroups as given, levels in their natural (pre-text)
    # order, measures as in MEASURES, indicators as in the spec.
    sub_order = {name: i for i, (name, _) in enumerate(variables)}
    level_order = {
        (str(r["subgroup"]), str(r["level"])): i
        for i, r in sizes_frame[["subgroup", "level"]].iterrows()
    }
    order = {m: i for i, m in enumerate(MEASURES)}
    ind_order = {"": -1, **{n: i for i, n in enumerate(spec.names)}}
    keys = pd.DataFrame(
        {
            "k": table["k"],
            "sub": table["subgroup"].map(sub_order),
            "lev": [
                level_order[(a, b)] for a, b in zip(table["subgroup"], table["level"], strict=True)
            ],
            "meas": table["measure"].map(order),
            "ind": table["indicator"].map(ind_order),
        }
    )
    table = table.iloc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(
        drop=True
    )
    return table[TABLE_COLUMNS], psu, missing_by, sizes_frame


def _warn_undefined_se(table: pd.DataFrame, design: SurveyDesign) -> None:
    """Say which estimates have no SE (a domain found only in single-PSU strata under
    lonely_psu='average' has none, as in R) instead of leaving NaN unexplained."""
    undefined = table[np.isfinite(table["value"]) & table["se"].isna()]
    if undefined.empty:
        return
    where = sorted({f"{s}={lv}" for s, lv in zip(undefined["subgroup"], undefined["level"],
                                                  strict=True)})  # fmt: skip
    warnings.warn(
        f"{len(undefined)} estimate(s) have no standard error (NaN) in {', '.join(where[:10])}: "
        f"their domain lies only in single-PSU strata (lonely_psu={design.lonely_psu!r})",
        HumsecWarning,
        stacklevel=3,
    )


def decomposition_check(table: pd.DataFrame) -> pd.DataFrame:
    """M0 = sum_g popshare_g M0_g for each subgroup variable and k (Alkire-Foster subgroup
    consistency): the total, the weighted sum of the levels and their difference."""
    import pandas as pd

    rows = []
    m0_rows = table[table["measure"] == "M0"]
    is_total = m0_rows["subgroup"] == "total"
    totals = dict(zip(m0_rows.loc[is_total, "k"], m0_rows.loc[is_total, "value"], strict=True))
    shares = table[table["measure"] == "popshare"]
    for (sub, k), part in m0_rows[m0_rows["subgroup"] != "total"].groupby(["subgroup", "k"]):
        m0 = part.set_index("level")["value"]
        share = shares[(shares["subgroup"] == sub) & (shares["k"] == k)].set_index("level")["value"]
        recomposed = float((m0 * share.reindex(m0.index)).sum())
        m0_total = float(totals[k])
        rows.append(
            {
                "subgroup": sub,
                "k": k,
                "M0_total": m0_total,
                "M0_recomposed": recomposed,
                "popshare_sum": float(share.reindex(m0.index).sum()),
                "difference": m0_total - recomposed,
            }
        )
    return pd.DataFrame(rows, columns=["subgroup", "k", "M0_total", "M0_recomposed",
                                       "popshare_sum", "difference"])  # fmt: skip


def estimate(
    data: Any,
    spec: DeprivationSpec,
    design: SurveyDesign | None = None,
    by: list[str] | str | None = None,
    *,
    k: float | list[float] | None = None,
    level: float = 0.95,
    max_groups: int | None = None,
) -> DeprivationResult:
    """Estimate M0, H, A, hd, hdk, actb, pctb and popshare for the total and every subgroup
    level, with Taylor-linearised SEs and CIs (Alkire-Foster 2011; see the module docstring).

    ``data`` is a pandas, Polars (eager or lazy), DuckDB or Dask frame (see
    :func:`humsec.data.scan_microdata` to open files); the sums are computed on
    that engine in one pass. ``by`` (default ``spec.by``) lists subgroup variables. Missing
    values: rows with a missing indicator or design value are dropped listwise and counted in
    ``result.dropped`` (``spec.missing="nondeprived"`` treats missing indicators as 0, with a
    warning). With ``design=None`` rows are a simple random sample with equal weights.
    ``k`` (a fraction or a list) overrides the spec's poverty cutoffs, like mpitb's ``klist``.
    A ``by`` variable with more than ``max_groups`` levels (default
    :data:`humsec.workload.MAX_GROUPS`, 1,000) is refused before any estimation, as is a
    breakdown whose memory or time would be absurd (:mod:`.subgroup_cost`).
    """
    if not 0 < level < 1:
        raise SpecError(f"confidence level {level} is outside (0, 1)", location="level")
    if k is not None:
        spec = spec.with_k(k)
    design = design or SurveyDesign()
    by_list = [by] if isinstance(by, str) else list(by if by is not None else spec.by)
    stats = sufficient_statistics(data, spec, design, by_list)
    stats.validate(design)
    check_subgroup_cost(stats, len(spec.k), len(spec.indicators), max_groups=max_groups)
    table, psu, missing_by, sizes = af_measures(stats, spec, design, level)
    _warn_undefined_se(table, design)
    n_used = int(stats.complete_table["_n"].sum())
    return DeprivationResult(
        table=table,
        spec=spec,
        design=design,
        n_rows=stats.n_rows,
        n_used=n_used,
        dropped=stats.n_dropped,
        missing=stats.missing,
        missing_by=missing_by,
        n_psu=psu.n_psu,
        n_strata=psu.n_strata,
        df=psu.df,
        backend=stats.backend,
        sample_sizes=sizes,
        decomposition=decomposition_check(table),
    )

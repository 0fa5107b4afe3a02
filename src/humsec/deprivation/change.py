"""Change of Alkire-Foster measures between survey rounds, with design-consistent SEs.

Following Alkire, Roche and Vaz (2017), "Changes over time in multidimensional poverty"
(World Development 94) and OPHI mpitb's ``cotmeasures``, for a measure theta in rounds 1 and
2 that are T years apart:

* absolute change               D   = theta2 - theta1
* relative change               d   = (theta2 - theta1) / theta1
* annualised absolute change    D/T
* annualised relative change    (theta2 / theta1)^(1/T) - 1

(relative changes are fractions; multiply by 100 for percent). Standard errors use the delta
method on the linearised scores of both rounds: the score of the change is
g1 * z1 + g2 * z2 with the gradient (g1, g2) of the change function, summed per PSU and put
through the same stratified variance formula. With ``independent_rounds=True`` (the default,
METHODS.md) strata and PSUs are taken as distinct in each round, so Var(D) = Var1 + Var2. With
``independent_rounds=False`` the appended rounds are one design and PSUs that recur in both
rounds carry their covariance (what ``svyset`` on appended data in mpitb gives).
Intervals: Wald with t on the design degrees of freedom of the pooled design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from humsec.deprivation.backends import as_lazy
from humsec.deprivation.linearisation import design_variance, ratio_scores, t_ci
from humsec.deprivation.spec import DeprivationSpec, SurveyDesign
from humsec.deprivation.subgroup_cost import check_subgroup_cost
from humsec.deprivation.sufficient_statistics import SufficientStatistics, sufficient_statistics
from humsec.errors import ColumnError, DataError, SpecError

__all__ = ["CHANGE_COLUMNS", "ChangeResult", "change_over_time"]

CHANGE_COLUMNS = [
    "subgroup", "level", "k", "measure", "indicator", "round_from", "round_to", "years",
    "ctype", "value", "se", "ci_low", "ci_high",
]  # fmt: skip
CTYPES = ("absolute", "relative", "annualised_absolute", "annualised_relative")


@dataclass
class ChangeResult:
    """Changes between rounds: ``table`` long with columns :data:`CHANGE_COLUMNS`, plus the
    per-round levels in ``levels`` (subgroup, level, k, measure, indicator, round, value, se)."""

    table: pd.DataFrame
    levels: pd.DataFrame
    rounds: list[str]
    years: dict[str, float]
    dropped: int
    df: int

    def to_frame(self) -> pd.DataFrame:
        """The long change table."""
        return self.table.copy()

    def value(
        self,
        measure: str,
        ctype: str = "absolute",
        *,
        subgroup: str = "total",
        level: str = "total",
        indicator: str = "",
        column: str = "value",
    ) -> float:
        """One change, e.g. ``result.value("M0", "annualised_relative")`` (first pair, first k)."""
        t = self.table
        mask = (
            (t["measure"] == measure)
            & (t["ctype"] == ctype)
            & (t["subgroup"] == subgroup)
            & (t["level"] == level)
            & (t["indicator"] == indicator)
        )
        rows = t.loc[mask, column]
        if rows.empty:
            raise SpecError(
                f"no change estimate for {measure!r} {ctype!r} {subgroup}={level}",
                location="ChangeResult.value",
            )
        return float(rows.iloc[0])


def _round_years(frame: nw.LazyFrame[Any], rnd: str, year: str | dict[Any, float] | None) -> dict:
    rounds = frame.select(nw.col(rnd)).unique().collect().to_pandas()[rnd].dropna()
    if isinstance(year, str):
        per = (
            frame.group_by(rnd)
            .agg(nw.col(year).mean())
            .collect()
            .to_pandas()
            .dropna(subset=[rnd])
            .set_index(rnd)[year]
        )
        return {r: float(per[r]) for r in sorted(rounds)}
    if isinstance(year, dict):
        missing = [r for r in rounds if r not in year]
        if missing:
            raise SpecError(
                f"no year given for round(s) {missing}",
                location="change_over_time(year=...)",
                hint="give a year for every round value",
            )
        return {r: float(year[r]) for r in sorted(rounds)}
    try:
        return {r: float(r) for r in sorted(rounds)}
    except (TypeError, ValueError):
        raise SpecError(
            f"round column {rnd!r} is not numeric, so the years between rounds are unknown",
            location="change_over_time(year=...)",
            hint="pass year='year_column' or year={round: year, ...}",
        ) from None


def change_over_time(
    data: Any,
    spec: DeprivationSpec,
    round: str,
    design: SurveyDesign | None = None,
    by: list[str] | str | None = None,
    *,
    year: str | dict[Any, float] | None = None,
    measures: tuple[str, ...] = ("M0", "H", "A", "hd", "hdk"),
    independent_rounds: bool = True,
    level: float = 0.95,
    max_groups: int | None = None,
) -> ChangeResult:
    """Absolute, relative and annualised changes of AF measures between consecutive rounds
    (and first to last when there are more than two), with delta-method SEs (module docstring).

    ``round`` names the column identifying the survey round; ``year`` a column with the survey
    year (its mean per round is used, e.g. 2018.5 for fieldwork over two years) or a mapping
    round -> year; without it the round values themselves are years.

    Subgroup levels are estimated in blocks that hold at most
    :data:`humsec.workload.STREAM_BYTES` of per-PSU arrays
    (:func:`~humsec.deprivation.subgroup_cost.check_subgroup_cost`), so a large breakdown
    streams; a result is the same bits whatever the block size. A ``by`` variable with more
    than ``max_groups`` levels (default :data:`humsec.workload.MAX_GROUPS`) is refused.
    """
    design = design or SurveyDesign()
    by_list = [by] if isinstance(by, str) else list(by if by is not None else spec.by)
    frame = as_lazy(data)
    if round not in frame.collect_schema():
        raise ColumnError(
            f"round column {round!r} is not in the data",
            location=f"data column '{round}'",
            hint="name the column that identifies the survey round",
        )
    years = _round_years(frame, round, year)
    rounds = list(years)
    if len(rounds) < 2:
        raise DataError(
            f"change over time needs at least two rounds; column {round!r} has {len(rounds)}",
            location=f"data column '{round}'",
        )
    stats = sufficient_statistics(frame, spec, design, [round, *by_list])
    stats.validate(design)
    n_ind = len(spec.indicators)
    n_measures = sum(m in measures for m in ("M0", "H", "A"))
    n_measures += n_ind * sum(m in measures for m in ("hd", "hdk"))
    per_block = check_subgroup_cost(stats, len(spec.k), n_ind, by_round=True,
                                    n_measures=n_measures, max_groups=max_groups)  # fmt: skip
    psu, psu_index = stats.psu_design(
        design.lonely_psu, within=["_by0"] if independent_rounds else None
    )
    names = stats.stats
    pos = {n: i for i, n in enumerate(names)}
    pairs = [(rounds[i], rounds[i + 1]) for i in range(len(rounds) - 1)]
    if len(rounds) > 2:
        pairs.append((rounds[0], rounds[-1]))
    round_labels = [str(r) for r in rounds]
    change_rows: list[pd.DataFrame] = []
    level_rows: list[pd.DataFrame] = []
    variables: list[tuple[str, int | None]] = [("total", None)]
    variables += [(v, i + 1) for i, v in enumerate(by_list)]
    blocks = (
        (subgroup, *block)
        for subgroup, var in variables
        for block in _round_blocks(stats, psu_index, psu.n_units, var, names, per_block)
    )
    for subgroup, labels_r, levels, arr in blocks:
        r_pos = {lab: i for i, lab in enumerate(labels_r)}
        s = arr[..., pos["s"]]  # (P, R, L)
        for q, k in enumerate(spec.k):
            specs: list[tuple[str, str, np.ndarray, np.ndarray]] = []
            p, c = arr[..., pos[f"p{q}"]], arr[..., pos[f"c{q}"]]
            specs += [("M0", "", c, s), ("H", "", p, s), ("A", "", c, p)]
            for j, ind in enumerate(spec.indicators[:n_ind]):
                specs.append(("hd", ind.name, arr[..., pos[f"g{j}"]], s))
                specs.append(("hdk", ind.name, arr[..., pos[f"gp{j}_{q}"]], s))
            chosen = [sp for sp in specs if sp[0] in measures]
            if not chosen:
                continue
            # All measures at once: (P, R, L, M) totals -> theta (R, L, M), scores (P, R, L, M).
            m_names = np.array([sp[0] for sp in chosen], dtype=object)
            i_names = np.array([sp[1] for sp in chosen], dtype=object)
            num = np.stack([sp[2] for sp in chosen], axis=-1)
            den = np.stack([np.broadcast_to(sp[3], sp[2].shape) for sp in chosen], axis=-1)
            theta, z = ratio_scores(num, den)
            present = den != 0  # each estimate's domain, for lonely_psu="average" (svyby)
            var_r = design_variance(z, psu, present)
            n_r, n_l, n_m = theta.shape
            level_rows.append(
                pd.DataFrame(
                    {
                        "subgroup": subgroup,
                        "level": np.tile(np.repeat(levels, n_m), n_r),
                        "k": k,
                        "measure": np.tile(m_names, n_r * n_l),
                        "indicator": np.tile(i_names, n_r * n_l),
                        "round": np.repeat(labels_r, n_l * n_m),
                        "value": theta.ravel(),
                        "se": np.sqrt(var_r).ravel(),
                    }
                )
            )
            for r1, r2 in pairs:
                a, b = r_pos.get(str(r1)), r_pos.get(str(r2))
                if a is None or b is None:
                    continue
                span = years[r2] - years[r1]
                presence = (
                    (present[:, a], present[:, b])
                    if independent_rounds
                    else present[:, a] | present[:, b]
                )
                block = _changes(theta[a], theta[b], z[:, a], z[:, b], span, psu, level, presence)
                change_rows.append(
                    block.assign(
                        subgroup=subgroup,
                        level=np.tile(np.repeat(levels, n_m), len(CTYPES)),
                        k=k,
                        measure=np.tile(m_names, n_l * len(CTYPES)),
                        indicator=np.tile(i_names, n_l * len(CTYPES)),
                        round_from=str(r1),
                        round_to=str(r2),
                        years=span,
                    )
                )
    # Blocks of levels come one after another for each k, pair and type of change; put the
    # rows in the order of a single block (stable: levels stay in their order).
    sub_index = {name: i for i, (name, _) in enumerate(variables)}
    k_index = {k: i for i, k in enumerate(spec.k)}
    pair_index = {(str(a), str(b)): i for i, (a, b) in enumerate(pairs)}
    table = pd.concat(change_rows, ignore_index=True)[CHANGE_COLUMNS]
    table = table.iloc[np.lexsort((
        table["ctype"].map({c: i for i, c in enumerate(CTYPES)}).to_numpy(),
        np.array([pair_index[key] for key in zip(table["round_from"], table["round_to"],
                                                 strict=True)]),
        table["k"].map(k_index).to_numpy(),
        table["subgroup"].map(sub_index).to_numpy(),
    ))].reset_index(drop=True)  # fmt: skip
    levels_table = pd.concat(level_rows, ignore_index=True)
    levels_table = levels_table.iloc[np.lexsort((
        levels_table["round"].map({r: i for i, r in enumerate(round_labels)}).to_numpy(),
        levels_table["k"].map(k_index).to_numpy(),
        levels_table["subgroup"].map(sub_index).to_numpy(),
    ))].reset_index(drop=True)  # fmt: skip
    for col in ("subgroup", "level", "measure", "indicator", "round_from", "round_to", "ctype"):
        table[col] = table[col].astype("str")
    return ChangeResult(
        table=table,
        levels=levels_table,
        rounds=round_labels,
        years={str(r): y for r, y in years.items()},
        dropped=stats.n_dropped,
        df=psu.df,
    )


def _round_blocks(
    stats: SufficientStatistics,
    psu_index: np.ndarray,
    n_psu: int,
    variable: int | None,
    names: list[str],
    per_block: int,
) -> Iterator[tuple[list[str], list[str], np.ndarray]]:
    """PSU x round x level totals of ``names`` for the levels of subgroup ``variable`` (None:
    the total), ``per_block`` levels at a time: (round labels, level labels, (P, R, L_b, S)).

    Rows with a missing round or level are in no cell. Each cell adds its rows in the table's
    order (one ``np.bincount`` per sum), as a single dense array would."""
    table = stats.complete_table
    values = table[names].to_numpy(dtype=np.float64)
    round_codes, round_levels = pd.factorize(table["_by0"], sort=True)
    labels_r = [str(v) for v in round_levels]
    keep = round_codes >= 0
    if variable is None:
        codes, labels = np.zeros(len(table), dtype=np.int64), ["total"]
    else:
        codes, level_values = pd.factorize(table[f"_by{variable}"], sort=True)
        labels = [str(v) for v in level_values]
        keep &= codes >= 0
    n_r = len(labels_r)
    for start in range(0, len(labels), per_block):
        stop = min(start + per_block, len(labels))
        rows = keep & (codes >= start) & (codes < stop)
        dims = (n_psu, n_r, stop - start)
        cells = np.ravel_multi_index((psu_index[rows], round_codes[rows], codes[rows] - start),
                                     dims)  # fmt: skip
        n_cells = int(np.prod(dims))
        out = np.empty((n_cells, len(names)))
        for col in range(len(names)):
            out[:, col] = np.bincount(cells, weights=values[rows, col], minlength=n_cells)
        yield labels_r, labels[start:stop], out.reshape((*dims, len(names)))


def _changes(
    t1: np.ndarray,
    t2: np.ndarray,
    z1: np.ndarray,
    z2: np.ndarray,
    years: float,
    psu: Any,
    level: float,
    present: np.ndarray | tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The four change measures for each level, with delta-method SEs from the scores.

    ``present`` marks the PSU rows of the estimates' domains, for lonely_psu="average": a pair
    (round 1, round 2) for independent rounds, whose strata are disjoint, so that
    Var = Var(g1 z1) + Var(g2 z2) with each round's own factor (R: the sum of two svyby
    variances); one mask (either round's domain) for a joint design."""
    if years <= 0:
        raise SpecError(
            f"rounds must be ordered in time; got {years} years between them",
            location="change_over_time(year=...)",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = t2 / t1
        growth = np.power(ratio, 1.0 / years)
        grads = {
            "absolute": (-np.ones_like(t1), np.ones_like(t2)),
            "relative": (-t2 / t1**2, 1.0 / t1),
            "annualised_absolute": (-np.ones_like(t1) / years, np.ones_like(t2) / years),
            "annualised_relative": (-growth / (years * t1), growth / (years * t2)),
        }
        values = {
            "absolute": t2 - t1,
            "relative": ratio - 1.0,
            "annualised_absolute": (t2 - t1) / years,
            "annualised_relative": growth - 1.0,
        }
    out = []
    for ctype in CTYPES:
        g1, g2 = grads[ctype]
        with np.errstate(invalid="ignore"):  # a zero level gives an undefined relative change
            z = np.nan_to_num(g1 * z1 + g2 * z2)
        if isinstance(present, tuple):
            # An undefined gradient (a zero level) gives NaN for that change below anyway.
            part1 = np.where(np.isfinite(g1), g1, 0.0) * z1
            part2 = np.where(np.isfinite(g2), g2, 0.0) * z2
            var = design_variance(part1, psu, present[0]) + design_variance(part2, psu, present[1])
            se = np.sqrt(var)
        else:
            se = np.sqrt(design_variance(z, psu, present))
        val = values[ctype]
        se = np.where(np.isfinite(val), se, np.nan)
        lo, hi = t_ci(val, se, psu.df, level)
        out.append(pd.DataFrame({"ctype": ctype, "value": val.ravel(), "se": se.ravel(),
                                 "ci_low": lo.ravel(), "ci_high": hi.ravel()}))  # fmt: skip
    return pd.concat(out, ignore_index=True)

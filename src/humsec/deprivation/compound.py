"""Compound insecurity: people deprived in both freedom from fear and freedom from want.

The human-security approach holds that threats interlock: want breeds fear and fear deepens
want. This module measures that overlap on microdata with the same design-based machinery as
the Alkire-Foster measures.

* Each indicator of a :class:`~humsec.deprivation.spec.DeprivationSpec` is tagged ``want`` or
  ``fear``. Within each pillar the weights are rescaled to sum to 1, giving a want score and a
  fear score. A person is *want-poor* when the want score reaches ``want_k`` (default: the
  spec's k) and *fear-deprived* when the fear score reaches ``fear_k`` (default: any fear
  deprivation, score > 0).
* Compound insecurity is the population share both want-poor and fear-deprived:
  ``sum s [want-poor][fear] / sum s``; with the other three cells of the 2 x 2 overlap and the
  conditional share ``P(fear | want-poor)``. All are ratios of totals with linearised SEs.
* Co-deprivation matrices: the weighted share deprived in both indicator a and b
  (Alkire et al. 2015, "Multidimensional Poverty Measurement and Analysis", ch. 6, uses such
  joint-distribution tables to read redundancy between indicators).
* "Who is left behind": vulnerable groups ranked by M0 and by compound insecurity, with CIs and
  the gap to everyone else (a domain difference with its exact design SE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from humsec.categories import column_labels, resolve_categories
from humsec.deprivation.alkire_foster import af_measures
from humsec.deprivation.linearisation import (
    PSUDesign,
    design_variance,
    logit_ci,
    ratio_scores,
    t_ci,
)
from humsec.deprivation.spec import DeprivationSpec, SurveyDesign
from humsec.deprivation.subgroup_cost import check_subgroup_cost
from humsec.deprivation.sufficient_statistics import SufficientStatistics, sufficient_statistics
from humsec.errors import ColumnError, SpecError, did_you_mean

__all__ = [
    "COMPOUND_MEASURES",
    "CompoundResult",
    "codeprivation_matrix",
    "compound_insecurity",
    "group_members",
    "left_behind",
]

COMPOUND_MEASURES = (
    "compound",
    "want_only",
    "fear_only",
    "neither",
    "want_poor",
    "fear_deprived",
    "fear_given_want_poor",
)


@dataclass
class CompoundResult:
    """Fear x want overlap shares with SEs: ``table`` columns subgroup, level, k, measure,
    value, se, ci_low, ci_high (measures :data:`COMPOUND_MEASURES`)."""

    table: pd.DataFrame
    dropped: int
    df: int

    def to_frame(self) -> pd.DataFrame:
        """The long table."""
        return self.table.copy()

    def value(
        self,
        measure: str = "compound",
        *,
        subgroup: str = "total",
        level: str = "total",
        k: float | None = None,
        column: str = "value",
    ) -> float:
        """One number, e.g. ``result.value("compound", subgroup="sex", level="female")``."""
        t = self.table
        mask = (t["measure"] == measure) & (t["subgroup"] == subgroup) & (t["level"] == level)
        if k is not None:
            mask &= np.isclose(t["k"], k)
        rows = t.loc[mask, column]
        if rows.empty:
            raise SpecError(
                f"no compound estimate {measure!r} for {subgroup}={level}",
                location="CompoundResult.value",
            )
        return float(rows.iloc[0])

    def overlap(self, subgroup: str = "total", level: str = "total") -> pd.DataFrame:
        """The 2 x 2 fear x want table of population shares (rows want, columns fear)."""
        cell = {m: self.value(m, subgroup=subgroup, level=level) for m in COMPOUND_MEASURES}
        return pd.DataFrame(
            [[cell["compound"], cell["want_only"]], [cell["fear_only"], cell["neither"]]],
            index=pd.Index(["want-poor", "not want-poor"], name="want"),
            columns=pd.Index(["fear-deprived", "not fear-deprived"], name="fear"),
        )


def _compound_table(
    stats: SufficientStatistics,
    spec: DeprivationSpec,
    psu: PSUDesign,
    psu_index: np.ndarray,
    level: float,
) -> pd.DataFrame:
    pos = {n: i for i, n in enumerate(stats.stats)}
    frames = []
    variables: list[tuple[str, int | None]] = [("total", None)]
    variables += [(v, i) for i, v in enumerate(stats.by)]
    blocks = (
        (subgroup, block[0], block[1])
        for subgroup, var in variables
        for block in stats.domain_blocks(psu_index, psu.n_units, var, stats.stats)
    )
    for subgroup, levels, arr in blocks:
        s, fd = arr[:, :, pos["s"]], arr[:, :, pos["fd"]]
        for q, k in enumerate(spec.k):
            wp, wf = arr[:, :, pos[f"wp{q}"]], arr[:, :, pos[f"wf{q}"]]
            cells = {
                "compound": (wf, s),
                "want_only": (wp - wf, s),
                "fear_only": (fd - wf, s),
                "neither": (s - wp - fd + wf, s),
                "want_poor": (wp, s),
                "fear_deprived": (fd, s),
                "fear_given_want_poor": (wf, wp),
            }
            for measure, (num, den) in cells.items():
                theta, z = ratio_scores(num, den)
                se = np.where(np.isnan(theta), np.nan, np.sqrt(design_variance(z, psu)))
                lo, hi = logit_ci(theta, se, psu.df, level)
                frames.append(
                    pd.DataFrame(
                        {
                            "subgroup": subgroup,
                            "level": levels,
                            "k": k,
                            "measure": measure,
                            "value": theta,
                            "se": se,
                            "ci_low": lo,
                            "ci_high": hi,
                        }
                    )
                )
    table = pd.concat(frames, ignore_index=True)
    for col in ("subgroup", "level", "measure"):
        table[col] = table[col].astype("str")
    return table


def compound_insecurity(
    data: Any,
    spec: DeprivationSpec,
    design: SurveyDesign | None = None,
    by: list[str] | str | None = None,
    *,
    level: float = 0.95,
    max_groups: int | None = None,
) -> CompoundResult:
    """Shares of people want-poor and fear-deprived, alone and together, for the total and
    every subgroup level, with linearised SEs and logit CIs (see the module docstring).
    A ``by`` variable with more than ``max_groups`` levels (default
    :data:`humsec.workload.MAX_GROUPS`) is refused up front."""
    design = design or SurveyDesign()
    by_list = [by] if isinstance(by, str) else list(by if by is not None else spec.by)
    stats = sufficient_statistics(data, spec, design, by_list, compound=True)
    stats.validate(design)
    check_subgroup_cost(stats, 1, len(spec.indicators), max_groups=max_groups)
    psu, psu_index = stats.psu_design(design.lonely_psu)
    table = _compound_table(stats, spec, psu, psu_index, level)
    return CompoundResult(table=table, dropped=stats.n_dropped, df=psu.df)


def codeprivation_matrix(
    data: Any,
    spec: DeprivationSpec,
    design: SurveyDesign | None = None,
    *,
    conditional: bool = False,
) -> pd.DataFrame:
    """Indicator x indicator co-deprivation: the weighted share deprived in both a and b,
    ``sum s g_a g_b / sum s`` (diagonal: the uncensored headcount hd_a). With
    ``conditional=True`` row a gives P(g_b = 1 | g_a = 1) = joint(a, b) / hd_a."""
    design = design or SurveyDesign()
    stats = sufficient_statistics(data, spec, design, [], codeprivation=True)
    stats.validate(design)
    totals = stats.complete_table[stats.stats].sum()
    n = len(spec.indicators)
    joint = np.zeros((n, n))
    for a in range(n):
        joint[a, a] = totals[f"g{a}"]
        for b in range(a + 1, n):
            joint[a, b] = joint[b, a] = totals[f"gg{a}_{b}"]
    joint = joint / float(totals["s"])
    if conditional:
        with np.errstate(divide="ignore", invalid="ignore"):
            joint = joint / np.diag(joint)[:, None]
    names = spec.names
    return pd.DataFrame(joint, index=pd.Index(names, name="a"), columns=pd.Index(names, name="b"))


def group_members(
    data: Any, groups: Mapping[str, str | tuple[str, Sequence[Any]]]
) -> tuple[Any, dict[str, str]]:
    """Membership columns for group rules: (data with them, {group: 0/1 column}).

    A rule is a 0/1 column name, or ``(column, categories)``: members are the rows whose
    ``column`` is one of ``categories``, written as value labels or codes on Stata/SPSS columns
    (:func:`humsec.categories.resolve_categories`; a category that is neither is an error
    listing the labels). A missing value gives missing membership. The new column is named
    ``column=cat1|cat2`` as the user wrote it.
    """
    labels = column_labels(data)
    derived: dict[str, nw.Expr] = {}
    columns: dict[str, str] = {}
    for group, rule in groups.items():
        if isinstance(rule, str):
            columns[group] = rule
            continue
        column, categories = rule
        codes = resolve_categories(
            list(categories), labels.get(column), column=column, where=f"group '{group}'"
        )
        name = f"{column}={'|'.join(str(c) for c in categories)}"
        x = nw.col(column)
        derived[name] = nw.when(x.is_null()).then(None).otherwise(x.is_in(codes).cast(nw.Float64))
        columns[group] = name
    if not derived:
        return data, columns
    frame = nw.from_native(data)
    missing = [name for name in {r[0] for r in groups.values() if not isinstance(r, str)}
               if name not in frame.columns]  # fmt: skip
    if missing:
        raise ColumnError(
            f"group rule column {missing[0]!r} is not in the data",
            location=f"data column '{missing[0]}'",
            hint=did_you_mean(missing[0], list(frame.columns)) or "check the column name",
        )
    out = frame.with_columns(*[e.alias(n) for n, e in derived.items()]).to_native()
    return out, columns


def left_behind(
    data: Any,
    spec: DeprivationSpec,
    groups: Mapping[str, str | tuple[str, Sequence[Any]]],
    design: SurveyDesign | None = None,
    *,
    k: float | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Rank vulnerable groups by M0 and by compound fear x want insecurity: who is left behind.

    ``groups`` maps a group id (e.g. framework ids ``women``, ``refugees``) to a 0/1 membership
    column, or to a rule ``(column, categories)`` read by :func:`group_members` (labels or
    codes, e.g. ``{"women": ("sex", ["female"])}`` on a Stata column coded 1/2). For each
    group: M0, H and compound share among members with SEs and CIs, the
    population share, the gap in M0 to non-members (members minus non-members; its SE uses the
    scores of both domains, so their design covariance is exact), whether the gap is
    significant at ``level``, and the ranks (1 = most deprived). Rows are sorted by M0.
    """
    if not groups:
        raise SpecError("left_behind needs at least one group", location="groups")
    design = design or SurveyDesign()
    data, group_columns = group_members(data, groups)
    columns = list(group_columns.values())
    stats = sufficient_statistics(data, spec, design, columns, compound=True)
    stats.validate(design)
    kk = spec.k[0] if k is None else k
    if not any(np.isclose(kk, x) for x in spec.k):
        raise SpecError(f"k={kk} is not one of the spec's cutoffs {spec.k}", location="k")
    q = int(np.argmin([abs(kk - x) for x in spec.k]))
    af, psu, _, _ = af_measures(stats, spec, design, level)
    psu_index = stats.psu_design(design.lonely_psu)[1]
    comp = _compound_table(stats, spec, psu, psu_index, level)
    pos = {n: i for i, n in enumerate(stats.stats)}
    rows = []
    total_m0 = float(
        af.loc[(af["subgroup"] == "total") & (af["measure"] == "M0") & np.isclose(af["k"], kk),
               "value"].iloc[0]
    )  # fmt: skip
    af_at_k = _lookup(af[np.isclose(af["k"], kk)])
    comp_at_k = _lookup(comp[np.isclose(comp["k"], kk)])
    for var, (group, column) in enumerate(group_columns.items()):
        levels, arr, _ = stats.domain_totals(psu_index, psu.n_units, var, stats.stats)
        member = _member_level(levels, column)
        theta, z = ratio_scores(arr[:, :, pos[f"c{q}"]], arr[:, :, pos["s"]])
        others = [i for i in range(len(levels)) if i != member]
        gap_se = np.nan
        gap = np.nan
        if others:
            rest_num = arr[:, others, pos[f"c{q}"]].sum(axis=1)
            rest_den = arr[:, others, pos["s"]].sum(axis=1)
            rest, z_rest = ratio_scores(rest_num, rest_den)
            gap = float(theta[member] - rest)
            gap_se = float(np.sqrt(design_variance(z[:, member] - z_rest, psu)))
        gap_lo, gap_hi = t_ci(np.array(gap), np.array(gap_se), psu.df, level)

        label = levels[member]

        def pick(lookup: dict[tuple[str, str, str], dict[str, float]], measure: str,
                 col: str, column: str = column, label: str = label) -> float:  # fmt: skip
            return float(lookup[(column, label, measure)][col])

        rows.append(
            {
                "group": group,
                "column": column,
                "popshare": pick(af_at_k, "popshare", "value"),
                "M0": pick(af_at_k, "M0", "value"),
                "M0_se": pick(af_at_k, "M0", "se"),
                "M0_ci_low": pick(af_at_k, "M0", "ci_low"),
                "M0_ci_high": pick(af_at_k, "M0", "ci_high"),
                "H": pick(af_at_k, "H", "value"),
                "compound": pick(comp_at_k, "compound", "value"),
                "compound_ci_low": pick(comp_at_k, "compound", "ci_low"),
                "compound_ci_high": pick(comp_at_k, "compound", "ci_high"),
                "M0_gap_to_rest": gap,
                "M0_gap_se": gap_se,
                "M0_gap_ci_low": float(gap_lo),
                "M0_gap_ci_high": float(gap_hi),
                "M0_ratio_to_total": pick(af_at_k, "M0", "value") / total_m0,
            }
        )
    out = pd.DataFrame(rows)
    out["left_behind"] = out["M0_gap_ci_low"] > 0
    out["rank_M0"] = out["M0"].rank(ascending=False, method="min").astype(int)
    out["rank_compound"] = out["compound"].rank(ascending=False, method="min").astype(int)
    return out.sort_values("rank_M0", kind="stable").reset_index(drop=True)


def _lookup(table: pd.DataFrame) -> dict[tuple[str, str, str], dict[str, float]]:
    """(subgroup, level, measure) -> {value, se, ci_low, ci_high}, for rows without indicator."""
    if "indicator" in table.columns:
        table = table[table["indicator"] == ""]
    keys = zip(table["subgroup"], table["level"], table["measure"], strict=True)
    cols = ("value", "se", "ci_low", "ci_high")
    values = table[list(cols)].to_numpy(dtype=float)
    return {
        (str(a), str(b), str(c)): dict(zip(cols, (float(x) for x in row), strict=True))
        for (a, b, c), row in zip(keys, values, strict=True)
    }


def _member_level(levels: list[str], column: str) -> int:
    for candidate in ("1", "True", "1.0", "true"):
        if candidate in levels:
            return levels.index(candidate)
    raise ColumnError(
        f"group column {column!r} has no members (no value 1/True); levels: {levels}",
        location=f"data column '{column}'",
        hint="group columns must be 0/1 membership indicators, e.g. from vulnerable_groups()",
    )

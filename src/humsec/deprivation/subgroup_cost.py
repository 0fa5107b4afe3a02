"""What a breakdown into subgroup levels will cost, checked before the estimation.

The estimators stream the levels of a subgroup variable in blocks
(:meth:`~humsec.deprivation.sufficient_statistics.SufficientStatistics.domain_blocks`), so
memory stays bounded; the work does not. Every level's measures and their linearised standard
errors read one total per PSU for each of the ``S`` sufficient statistics, and the result table
holds ``4 + 4J`` rows per level and poverty cutoff (M0, H, A, popshare; hd, hdk, actb, pctb per
indicator). :func:`check_subgroup_cost` feeds

    PSUs x (1 + sum of levels) x S    and    (1 + sum of levels) x n_k x (4 + 4J) rows

to :func:`humsec.workload.check_breakdown`, which refuses an absurd breakdown (``--by`` on an
id column of a large survey, say) with both estimates and what to change; every reasonable
breakdown runs.
"""

from __future__ import annotations

from humsec.deprivation.sufficient_statistics import PSU, STRATUM, SufficientStatistics
from humsec.workload import check_breakdown

__all__ = ["check_subgroup_cost"]


def check_subgroup_cost(stats: SufficientStatistics, n_k: int, n_indicators: int, *,
                        by_round: bool = False) -> None:
    """Refuse the subgroup breakdown of ``stats`` when its cost is absurd (module docstring).

    With ``by_round`` the first subgroup variable is the survey round and every other level is
    estimated in every round, from dense ``PSUs x rounds x levels`` arrays (change over time
    does not stream them): the ``S`` totals, and per poverty cutoff the numerators,
    denominators, scores and domain masks of its ``M = 3 + 2J`` measures, so
    memory = 8 x PSUs x rounds x levels x (S + 4M); groups = rounds x (1 + levels)."""
    if not stats.by:
        return
    table = stats.complete_table
    levels = {name: int(table[key].nunique()) for name, key in zip(stats.by, stats.by_keys,
                                                                 strict=True)}  # fmt: skip
    units = len(table[[STRATUM, PSU]].drop_duplicates())
    values = len(stats.stats)
    if by_round:
        rounds = levels.pop(stats.by[0])
        if not levels:
            return
        groups = rounds * (1 + sum(levels.values()))
        measures = 3 + 2 * n_indicators
        dense = 8.0 * units * rounds * max(levels.values()) * (values + 4 * measures)
    else:
        groups, dense = 1 + sum(levels.values()), 5.12e8
    named = ", ".join(f"{name!r} {n:,}" for name, n in levels.items())
    check_breakdown(
        f"estimating {sum(levels.values()):,} subgroup levels ({named}) over {units:,} PSUs",
        units=units,
        groups=groups,
        values=values,
        stream_bytes=dense,
        table_rows=groups * n_k * (4 + 4 * n_indicators),
        location="by",
        fix="break the estimate down by fewer or coarser variables (a region rather than a "
        "village or household id), or estimate on a subset of the rows",
    )

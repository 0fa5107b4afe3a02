"""What a breakdown into subgroup levels will cost, checked before the estimation.

The estimators stream the levels of a subgroup variable in blocks
(:meth:`~humsec.deprivation.sufficient_statistics.SufficientStatistics.domain_blocks`, and
change over time in blocks sized by :func:`check_subgroup_cost`), so memory stays bounded;
the work does not. Every level's measures and their linearised standard errors read one total
per PSU for each of the ``S`` sufficient statistics, and the result table holds ``4 + 4J``
rows per level and poverty cutoff (M0, H, A, popshare; hd, hdk, actb, pctb per indicator).
:func:`check_subgroup_cost` feeds

    PSUs x (1 + sum of levels) x S    and    (1 + sum of levels) x n_k x (4 + 4J) rows

to :func:`humsec.workload.check_breakdown`, which refuses an absurd breakdown (``--by`` on an
id column of a large survey, say) with both estimates and what to change, and caps the levels
of each variable at :data:`humsec.workload.MAX_GROUPS` (``max_groups`` raises it); every
reasonable breakdown runs.
"""

from __future__ import annotations

from humsec import workload
from humsec.deprivation.sufficient_statistics import PSU, STRATUM, SufficientStatistics
from humsec.errors import WorkloadError
from humsec.workload import check_breakdown

__all__ = ["check_subgroup_cost", "round_level_bytes"]

_FIX = (
    "break the estimate down by fewer or coarser variables (a region rather than a village or "
    "household id), or estimate on a subset of the rows"
)


def round_level_bytes(units: int, rounds: int, values: int, measures: int) -> float:
    """Memory that change over time holds for one subgroup level while it estimates it:
    ``8 x PSUs x rounds x (S + 8 M)`` bytes (the S per-PSU totals in every round, and per
    poverty cutoff the numerators, denominators, scores and domain masks of its M measures
    with the transposed copies their sums over PSUs make)."""
    return 8.0 * units * rounds * (values + 8 * measures)


def check_subgroup_cost(
    stats: SufficientStatistics,
    n_k: int,
    n_indicators: int,
    *,
    by_round: bool = False,
    n_measures: int | None = None,
    max_groups: int | None = None,
) -> int:
    """Refuse the subgroup breakdown of ``stats`` when its cost is absurd (module docstring),
    or when a variable has more than ``max_groups`` levels (default
    :data:`humsec.workload.MAX_GROUPS`); return the levels to estimate per streamed block.

    With ``by_round`` the first subgroup variable is the survey round and every other level
    is estimated in every round (change over time): a level holds
    :func:`round_level_bytes` (``n_measures``, default the 3 + 2J of M0, H, A, hd and hdk),
    the levels are streamed in blocks of at most :data:`humsec.workload.STREAM_BYTES`, and
    only a request whose single level exceeds :data:`humsec.workload.MAX_MEMORY_BYTES` is
    refused for its memory. groups = rounds x (1 + levels); the table has, per level, cutoff
    and measure, a row per round and four changes per pair of rounds compared."""
    if not stats.by:
        return 1
    table = stats.complete_table
    levels = {name: int(table[key].nunique()) for name, key in zip(stats.by, stats.by_keys,
                                                                 strict=True)}  # fmt: skip
    units = len(table[[STRATUM, PSU]].drop_duplicates())
    values = len(stats.stats)
    per_block = max(1, *levels.values())
    if by_round:
        rounds = levels.pop(stats.by[0])
        measures = 3 + 2 * n_indicators if n_measures is None else n_measures
        one_level = round_level_bytes(units, rounds, values, measures)
        if one_level > workload.MAX_MEMORY_BYTES:
            raise WorkloadError(
                f"change over time over {units:,} PSUs and {rounds:,} rounds would hold about "
                f"{one_level / 1e9:,.1f} GB for a single subgroup level (limit "
                f"{workload.MAX_MEMORY_BYTES / 1e9:,.1f} GB)",
                location="round",
                hint="compare fewer rounds in one run (each run compares the rounds its data "
                "hold), or fewer measures",
            )
        per_block = max(1, int(workload.STREAM_BYTES // one_level))
        if not levels:
            return per_block
        groups = rounds * (1 + sum(levels.values()))
        stream = min(per_block, 1 + max(levels.values())) * one_level
        pairs = rounds - 1 + (rounds > 2)  # consecutive rounds, and first to last
        rows = (1 + sum(levels.values())) * n_k * measures * (rounds + 4 * pairs)
    else:
        groups, stream = 1 + sum(levels.values()), None
        rows = groups * n_k * (4 + 4 * n_indicators)
    named = ", ".join(f"{name!r} {n:,}" for name, n in levels.items())
    check_breakdown(
        f"estimating {sum(levels.values()):,} subgroup levels ({named}) over {units:,} PSUs",
        units=units,
        groups=groups,
        values=values,
        stream_bytes=stream,
        table_rows=rows,
        levels=levels,
        max_groups=max_groups,
        location="by",
        fix=_FIX,
    )
    return per_block

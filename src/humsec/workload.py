"""Refuse absurd requests up front: estimate a task's memory and time before doing it.

A request such as 10**8 demo households, 10**12 simulated years, 10**6 Monte Carlo
replications or a hazard that strikes 10**9 times a year would exhaust memory or run for days;
the operating system would then kill the process with no message. Engines call
:func:`check_workload` with the number of array cells the task needs at its peak. The
estimates are

    memory = cells x bytes_per_cell            time = cells / cells_per_second

and a task over :data:`MAX_MEMORY_BYTES` or :data:`MAX_SECONDS` raises
:class:`~humsec.errors.WorkloadError` stating both estimates and what to change. Work below the
limits runs (streaming in chunks where the engine supports it). :func:`check_breakdown` is the
cost model of a table broken down into many subgroups (PSUs x subgroups x sums).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from humsec.errors import SpecError, WorkloadError

__all__ = [
    "MAX_GROUPS",
    "MAX_MEMORY_BYTES",
    "MAX_SECONDS",
    "STREAM_BYTES",
    "check_breakdown",
    "check_workload",
]


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


#: Peak memory a single task may need (override with ``HUMSEC_MAX_MEMORY_BYTES``).
MAX_MEMORY_BYTES = _limit("HUMSEC_MAX_MEMORY_BYTES", 16e9)
#: Longest a single task may be expected to run (override with ``HUMSEC_MAX_SECONDS``).
MAX_SECONDS = _limit("HUMSEC_MAX_SECONDS", 6 * 3600.0)
#: Memory one streamed chunk of a task may hold (override with ``HUMSEC_STREAM_BYTES``):
#: engines that stream size their chunks to it; a task whose smallest chunk would exceed
#: :data:`MAX_MEMORY_BYTES` is refused.
STREAM_BYTES = _limit("HUMSEC_STREAM_BYTES", 5.12e8)
#: Most levels one breakdown (``--by``) variable may have unless the request raises it
#: (``max_groups``; CLI ``--max-groups``; default from ``HUMSEC_MAX_GROUPS``). 1,000 is above
#: every published survey breakdown (the largest, India's NFHS-5, reports 707 districts); a
#: variable with more levels is an id or a typo (a village or household code) rather than a
#: domain a survey can represent, and its table (44 rows a level per cutoff) is unreadable.
MAX_GROUPS = int(_limit("HUMSEC_MAX_GROUPS", 1000))


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} bytes"


def _duration(seconds: float) -> str:
    for unit, size in (("years", 3.15e7), ("days", 86400.0), ("hours", 3600.0),
                       ("minutes", 60.0)):  # fmt: skip
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:,.0f} s" if seconds >= 1 else f"{seconds:.2g} s"


def check_workload(
    task: str,
    cells: float,
    *,
    location: str,
    fix: str,
    bytes_per_cell: float = 8.0,
    cells_per_second: float = 2e7,
) -> None:
    """Raise :class:`~humsec.errors.WorkloadError` when ``cells`` would need more than
    :data:`MAX_MEMORY_BYTES` or :data:`MAX_SECONDS` (formulas in the module docstring).

    ``task`` says what is being done ("simulating 10**12 years"), ``location`` names the
    argument that sets the size (``n_years``) and ``fix`` says what to change.
    """
    cells = float(cells)
    _refuse(task, cells * bytes_per_cell, cells / cells_per_second, location, fix)


def check_breakdown(
    task: str,
    *,
    units: float,
    groups: float,
    values: float,
    table_rows: float,
    location: str,
    fix: str,
    levels: Mapping[str, int] | None = None,
    max_groups: int | None = None,
    cells_per_second: float = 3e6,
    bytes_per_row: float = 150.0,
    stream_bytes: float | None = None,
) -> None:
    """Refuse a breakdown into ``groups`` subgroups (a ``--by`` table) whose cost is absurd.

    Every subgroup's estimates and their design-based standard errors read, for each of its
    ``values`` sums, one total per ``units`` (PSU); the work is streamed in blocks of
    subgroups, so memory is the result table plus the blocks::

        seconds = units x groups x values / cells_per_second
        memory  = table_rows x bytes_per_row + stream_bytes

    (``cells_per_second`` measured on the Alkire-Foster estimator, a 2-core machine under load
    giving 1-3e6; ``stream_bytes``: a streamed block, default :data:`STREAM_BYTES`, or what a
    dense path keeps.) Over :data:`MAX_MEMORY_BYTES` or :data:`MAX_SECONDS` it raises
    :class:`~humsec.errors.WorkloadError` with both estimates and ``fix``.

    ``levels`` maps each breakdown variable to its number of levels: one with more than
    ``max_groups`` (default :data:`MAX_GROUPS`) is refused too, whatever the cost, with the
    column, its levels, the estimates and how to go on (a coarser column, or ``max_groups``
    raised to the levels).
    """
    cells = float(units) * float(groups) * float(values)
    memory = float(table_rows) * bytes_per_row + (
        STREAM_BYTES if stream_bytes is None else stream_bytes
    )
    seconds = cells / cells_per_second
    if max_groups is not None and (isinstance(max_groups, bool) or int(max_groups) < 1):
        raise SpecError(
            f"the most levels a breakdown may have must be a whole number >= 1, got "
            f"{max_groups!r}",
            location="max_groups",
            hint=f"give the number of levels to allow, e.g. max_groups={MAX_GROUPS}",
        )
    cap = MAX_GROUPS if max_groups is None else int(max_groups)
    over = {name: n for name, n in (levels or {}).items() if n > cap}
    if over:
        name, n = max(over.items(), key=lambda item: item[1])
        raise WorkloadError(
            f"breakdown column {name!r} has {n:,} levels, more than the {cap:,} a breakdown "
            f"may have; {task} would give {float(table_rows):,.0f} result rows and need about "
            f"{_bytes(memory)} of memory and {_duration(seconds)}",
            location=location,
            hint=f"break the estimate down by a coarser column than {name!r} (a region rather "
            f"than a village or household id), or pass max_groups={n} to estimate all "
            f"{n:,} levels",
        )
    _refuse(task, memory, seconds, location, fix)


def _refuse(task: str, memory: float, seconds: float, location: str, fix: str) -> None:
    if memory <= MAX_MEMORY_BYTES and seconds <= MAX_SECONDS:
        return
    raise WorkloadError(
        f"{task} would need about {_bytes(memory)} of memory and {_duration(seconds)} "
        f"(limits {_bytes(MAX_MEMORY_BYTES)}, {_duration(MAX_SECONDS)})",
        location=location,
        hint=fix,
    )

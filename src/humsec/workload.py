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

from humsec.errors import WorkloadError

__all__ = ["MAX_MEMORY_BYTES", "MAX_SECONDS", "check_breakdown", "check_workload"]


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


#: Peak memory a single task may need (override with ``HUMSEC_MAX_MEMORY_BYTES``).
MAX_MEMORY_BYTES = _limit("HUMSEC_MAX_MEMORY_BYTES", 16e9)
#: Longest a single task may be expected to run (override with ``HUMSEC_MAX_SECONDS``).
MAX_SECONDS = _limit("HUMSEC_MAX_SECONDS", 6 * 3600.0)


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
    cells_per_second: float = 3e6,
    bytes_per_row: float = 150.0,
    stream_bytes: float = 5.12e8,
) -> None:
    """Refuse a breakdown into ``groups`` subgroups (a ``--by`` table) whose cost is absurd.

    Every subgroup's estimates and their design-based standard errors read, for each of its
    ``values`` sums, one total per ``units`` (PSU); the work is streamed in blocks of
    subgroups, so memory is the result table plus the blocks::

        seconds = units x groups x values / cells_per_second
        memory  = table_rows x bytes_per_row + stream_bytes

    (``cells_per_second`` measured on the Alkire-Foster estimator, a 2-core machine under load
    giving 1-3e6; ``stream_bytes``: a block of 8e6 numbers and its temporaries, or what a
    dense path keeps.) Over :data:`MAX_MEMORY_BYTES` or :data:`MAX_SECONDS` it raises
    :class:`~humsec.errors.WorkloadError` with both estimates and ``fix``.
    """
    cells = float(units) * float(groups) * float(values)
    memory = float(table_rows) * bytes_per_row + stream_bytes
    _refuse(task, memory, cells / cells_per_second, location, fix)


def _refuse(task: str, memory: float, seconds: float, location: str, fix: str) -> None:
    if memory <= MAX_MEMORY_BYTES and seconds <= MAX_SECONDS:
        return
    raise WorkloadError(
        f"{task} would need about {_bytes(memory)} of memory and {_duration(seconds)} "
        f"(limits {_bytes(MAX_MEMORY_BYTES)}, {_duration(MAX_SECONDS)})",
        location=location,
        hint=fix,
    )

"""The Monte Carlo engine: simulate years of shocks and gather the loss tables.

:func:`simulate` draws (or takes) the hazard occurrences, turns them into compound loss
shares per area-year pair (:mod:`humsec.shocks.pairs`), prepares the per-unit arrays
(:mod:`humsec.shocks.units`), evaluates every dense block of households x pairs
(:mod:`humsec.shocks.blocks`, whose docstring gives the formulas) on the chosen backend
(:mod:`humsec.shocks.backends`) and sums the block results in a fixed order into a
:class:`~humsec.shocks.risk.ShockRisk`.

**Streaming.** The work streams in chunks: each area's pairs are cut into chunks of at most
:data:`CHUNK_CELLS` household x pair cells (whole pairs; an area larger than that is one pair
per chunk), and ``block_size`` only groups consecutive chunks into one task. The chunks, and
the order in which their sums are added, therefore do not depend on ``block_size``, the
backend or the number of workers: every choice gives the same bytes, seed for seed. Group and
hazard results are added straight into ``years x group`` and ``years x hazard`` arrays (a
chunk holds one area, so each of its pairs is a different year), never kept per area-year
pair. Before any of it, :func:`humsec.workload.check_workload` refuses a simulation whose
result arrays would not fit (``years x areas`` per metric, the per-pair loss shares and the
chunk arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from humsec.errors import SpecError
from humsec.shocks.backends import map_blocks
from humsec.shocks.blocks import (
    DETAIL_COLUMNS,
    GROUP_METRICS,
    HAZARD_METRICS,
    UNIT_METRICS,
    YEAR_METRICS,
    Block,
    BlockResult,
    area_blocks,
    evaluate_block,
    evaluate_block_fused,
    fused_inputs,
)
from humsec.shocks.hazards import Occurrences, simulate_occurrences
from humsec.shocks.kernel import HAVE_NUMBA, MAX_KERNEL_INDICATORS, compiled_kernel
from humsec.shocks.model import Scenario
from humsec.shocks.pairs import pair_log_survival
from humsec.shocks.risk import ShockRisk
from humsec.shocks.units import Units, unit_arrays
from humsec.shocks.wellbeing import PhiTable
from humsec.workload import check_workload

#: Household x pair cells of one chunk: the unit of work whose sums are added in a fixed order.
CHUNK_CELLS = 262_144

__all__ = ["simulate"]


def simulate(
    scenario: Scenario,
    n_years: int = 1000,
    seed: int = 1,
    *,
    occurrences: Occurrences | None = None,
    backend: Literal["numpy", "threads", "dask", "distributed"] = "numpy",
    workers: int = 2,
    block_size: int = 262_144,
    detail_year: int | None = None,
    kernel: bool = True,
    counted: np.ndarray | None = None,
) -> ShockRisk:
    """Run the Monte Carlo over ``n_years`` simulated years and return a :class:`ShockRisk`.

    ``occurrences`` lets several scenarios share the same simulated shocks (common random
    numbers; :func:`humsec.shocks.appraise_measures` does this). ``backend`` runs the dense
    household blocks serially (``numpy``), on a thread pool (numpy releases the GIL), as Dask
    delayed tasks when Dask is installed, or on the cluster of the running
    ``distributed.Client`` (``distributed``); every backend gives identical numbers because
    block results are summed in a fixed order. ``detail_year`` keeps every unit's outcome in that
    simulated year (``ShockRisk.detail``). ``kernel`` uses the compiled numba kernel when numba
    is installed (same numbers as the numpy blocks; ``kernel=False`` forces numpy).
    ``block_size`` (cells) groups the fixed chunks into tasks: it sets how work is shared
    between workers, never the numbers (streaming: module docstring).
    ``counted`` (a boolean mask in exposure order) sums every result over those units only, a
    sub-population such as a programme's target group: the other units still exist (enrolment
    draws and the reference consumption are those of the whole exposure) but their weight in
    every sum is 0. Formulas: module docstring.
    """
    if backend not in ("numpy", "threads", "dask", "distributed"):
        raise SpecError(f"unknown backend {backend!r}", location="simulate(backend=...)",
                        hint="use 'numpy', 'threads', 'dask' or 'distributed'")
    exp = scenario.exposure
    areas = exp.areas
    hazards = scenario.hazards.hazard_names
    if occurrences is None:
        if isinstance(n_years, int | np.integer) and n_years >= 1:  # else a SpecError below
            _check_result_size(scenario, int(n_years), _expected_pairs(scenario, n_years), 0)
        occurrences = simulate_occurrences(scenario.hazards, areas, n_years, seed)
    elif occurrences.areas != tuple(areas) or occurrences.hazards != tuple(hazards):
        raise SpecError("the occurrences were simulated for other areas or hazards",
                        location="simulate(occurrences=...)",
                        hint="simulate them with the same scenario's hazards and exposure")
    n_years = occurrences.n_years
    if detail_year is not None and not 0 <= detail_year < n_years:
        raise SpecError(f"detail_year {detail_year} is outside 0..{n_years - 1}",
                        location="simulate(detail_year=...)")
    livelihoods = exp.livelihoods
    cop = scenario.coping
    key = occurrences.year * len(areas) + occurrences.area  # sorted by year, then area
    _check_result_size(scenario, n_years, int(np.count_nonzero(np.diff(key))) + int(len(key) > 0),
                       len(key))
    pair_key, la, li = pair_log_survival(scenario, occurrences, livelihoods)
    pair_year = pair_key // len(areas)
    pair_area = pair_key % len(areas)

    rates = sorted({float(r) for r in
                    cop.reconstruction_rate * (scenario.adjustments.recovery_factor
                                               if scenario.adjustments.recovery_factor is not None
                                               else np.ones(1))})
    units, group_names, c_ref = unit_arrays(scenario, seed, hazards, livelihoods, rates)
    counted_note: tuple[str, ...] = ()
    if counted is not None:
        mask = np.asarray(counted)
        if mask.dtype != bool or mask.shape != (len(exp),):
            raise SpecError(f"counted must be a boolean mask of the {len(exp)} exposure units",
                            location="simulate(counted=...)")
        units.weight = np.ascontiguousarray(units.weight * mask)
        counted_note = (f"results count {int(mask.sum())} of {len(exp)} exposure units",)
    table = PhiTable(eta=cop.eta, rho=cop.discount_rate, rates=rates,
                     z_max=cop.max_consumption_drop)
    ins_cover = cop.insurance.hazards
    ins_hazards = np.array([ins_cover is None or h in ins_cover for h in hazards])
    area_codes = exp.area_codes
    starts = np.searchsorted(area_codes, np.arange(len(areas)), side="left")
    stops = np.searchsorted(area_codes, np.arange(len(areas)), side="right")
    af_people = max(float(np.sum(units.weight * units.pop * (
        units.af_valid if units.af_valid is not None else 1.0))), 1e-300)
    deprivations = scenario.deprivations
    n_indicators = (len({r.indicator for r in deprivations.rules})
                    if deprivations is not None else 0)
    fused = (HAVE_NUMBA and kernel and detail_year is None
             and n_indicators <= MAX_KERNEL_INDICATORS)

    prepared = None
    if fused:
        compiled_kernel()  # import numba and load the kernel here, before any worker starts
        prepared = fused_inputs(units, table, deprivations, af_people)

    def run(block: Block) -> BlockResult:
        if fused:
            return evaluate_block_fused(block, la, li, units, cop, table, ins_hazards,
                                         deprivations, af_people, prepared)
        row = None
        if detail_year is not None:
            hits = np.flatnonzero(pair_year[block.pairs] == detail_year)
            row = int(hits[0]) if hits.size else None
        return evaluate_block(block, la, li, units, cop, table, ins_hazards, deprivations,
                               af_people, row)

    chunks = list(area_blocks(pair_area, starts, stops, CHUNK_CELLS))
    sums = _Sums.empty(len(pair_key), len(exp), n_years, len(group_names), len(hazards),
                       len(areas))
    detail = None
    if detail_year is not None:
        detail = exp.units[["unit_id", "area", "livelihood", "weight", "population"]].copy()
        for col in DETAIL_COLUMNS:
            detail[col] = 0.0
    def run_task(task: list[Block]) -> list[BlockResult]:
        return [run(chunk) for chunk in task]

    for results in map_blocks(run_task, _tasks(chunks, block_size), backend, workers):
        for res in results:
            sums.add(res, pair_year[res.pairs], int(pair_area[res.pairs[0]]))
            if detail is not None and res.detail is not None:
                for col, values in res.detail.items():
                    detail.loc[res.start:res.stop - 1, col] = values

    return _risk(scenario, sums, units, group_names, c_ref, pair_year, pair_area, n_years,
                 seed, detail, counted_note)



def _tasks(chunks: list[Block], block_size: int) -> list[list[Block]]:
    """Consecutive chunks grouped into tasks of at most ``block_size`` cells (at least one
    chunk each); the grouping changes how work is shared, never the sums."""
    tasks: list[list[Block]] = []
    cells = 0
    for chunk in chunks:
        size = len(chunk.pairs) * (chunk.stop - chunk.start)
        if tasks and cells + size <= block_size:
            tasks[-1].append(chunk)
            cells += size
        else:
            tasks.append([chunk])
            cells = size
    return tasks


def _expected_pairs(scenario: Scenario, n_years: int) -> float:
    """Expected area-years hit: ``years x min(areas, sum of area rates + sum_e f_e |fp_e|)``
    (every occurrence hits at most one new area-year; an event hits its footprint)."""
    model = scenario.hazards
    areas = scenario.exposure.areas
    hits = sum(float(np.sum(hz.rate_by_area(areas))) for hz in model.area_hazards)
    for es in model.event_sets:
        sizes = np.diff(es.footprint_matrix(areas).indptr)
        hits += float(np.sum(es.frequencies * sizes))
    return n_years * min(float(len(areas)), hits)


def _check_result_size(scenario: Scenario, n_years: int, n_pairs: float,
                       n_occurrences: float) -> None:
    """Refuse a simulation whose arrays would not fit, before they are allocated: per metric a
    ``years x areas`` array (:data:`~humsec.shocks.blocks.YEAR_METRICS`), per area-year pair
    its loss shares (2 x hazards x livelihoods) and year sums, per occurrence its loss shares,
    ``years x (groups, hazards)`` results, per unit its sums, and about 30 chunk arrays."""
    exp = scenario.exposure
    n_areas = len(exp.areas)
    n_hazards = len(scenario.hazards.hazard_names)
    n_livelihoods = len(exp.livelihoods)
    n_groups = 16  # an upper bound of the framework's vulnerable groups, known later
    cells = (n_years * n_areas * len(YEAR_METRICS)
             + n_pairs * (2 * n_hazards * n_livelihoods + len(YEAR_METRICS) + 2)
             + n_occurrences * 2 * n_livelihoods
             + n_years * (len(GROUP_METRICS) * n_groups + len(HAZARD_METRICS) * n_hazards)
             + len(exp) * (len(UNIT_METRICS) + 40) + 30 * CHUNK_CELLS)
    check_workload(
        f"the results of {n_years:,} simulated years x {n_areas:,} areas (about "
        f"{n_pairs:,.0f} area-years hit)",
        cells,
        location="n_years",
        fix="simulate fewer years, or group the exposure into fewer areas (the results keep "
        "one value per year and area)",
    )


def _risk(scenario: Scenario, sums: _Sums, units: Units, group_names: list[str], c_ref: float,
          pair_year: np.ndarray, pair_area: np.ndarray, n_years: int, seed: int,
          detail: pd.DataFrame | None, extra_notes: tuple[str, ...] = ()) -> ShockRisk:
    """Year-loss tables from the pair sums: a year's value is the sum over its area pairs."""
    exp = scenario.exposure
    areas = exp.areas
    area_codes = exp.area_codes

    def by_year(values: np.ndarray) -> np.ndarray:
        # bincount adds each year's pairs in pair order (areas ascending), as _Sums.add does
        return np.stack([np.bincount(pair_year, values[:, j], minlength=n_years)
                         for j in range(values.shape[1])], axis=1).astype(float)

    year = pd.DataFrame(by_year(sums.year), columns=list(YEAR_METRICS))
    year.index.name = "year"
    if scenario.deprivations is None:
        year = year.drop(columns=["mpi_m0_change", "mpi_h_change"])
    area_year = {}
    for j, name in enumerate(YEAR_METRICS):
        if name in year.columns:
            grid = np.zeros((n_years, len(areas)))
            grid[pair_year, pair_area] = sums.year[:, j]
            area_year[name] = grid
    per_unit = exp.units[["unit_id", "area", "livelihood", "weight", "population",
                          "consumption"]].copy()
    for i, m in enumerate(UNIT_METRICS):
        per_unit[m] = sums.unit[i] / n_years
    area_units = np.bincount(area_codes, minlength=len(areas))
    return ShockRisk(
        scenario=scenario.name,
        n_years=n_years,
        seed=seed,
        areas=tuple(areas),
        groups=tuple(group_names),
        hazards=tuple(scenario.hazards.hazard_names),
        threats=dict(scenario.hazards.threats),
        year=year,
        area_year=area_year,
        group_year={m: sums.group[i] for i, m in enumerate(GROUP_METRICS)},
        hazard_year={m: sums.hazard[i] for i, m in enumerate(HAZARD_METRICS)},
        area_hazard={m: sums.area_hazard[i] / n_years for i, m in enumerate(HAZARD_METRICS)},
        units=per_unit,
        group_people=pd.Series((units.groups * units.weight[:, None]).sum(axis=0),
                               index=group_names, name="people"),
        area_people=pd.Series(np.bincount(area_codes, units.weight * units.pop,
                                          minlength=len(areas)), index=list(areas),
                              name="people"),
        baseline=_baseline(scenario, units, c_ref, group_names),
        notes=tuple(exp.notes) + tuple(f"measure applied: {m}"
                                       for m in scenario.adjustments.applied) + extra_notes,
        detail=detail,
        evaluations=int(np.sum(area_units[pair_area])),
    )



@dataclass
class _Sums:
    """Chunk results gathered in chunk order (so every backend and block size sums alike)."""

    year: np.ndarray  # (pairs, len(YEAR_METRICS))
    unit: np.ndarray  # (len(UNIT_METRICS), units)
    group: np.ndarray  # (len(GROUP_METRICS), years, groups)
    hazard: np.ndarray  # (len(HAZARD_METRICS), years, hazards)
    area_hazard: np.ndarray  # (len(HAZARD_METRICS), areas, hazards), summed over years

    @classmethod
    def empty(cls, n_pairs: int, n_units: int, n_years: int, n_groups: int,
              n_hazards: int, n_areas: int) -> _Sums:
        return cls(np.zeros((n_pairs, len(YEAR_METRICS))),
                   np.zeros((len(UNIT_METRICS), n_units)),
                   np.zeros((len(GROUP_METRICS), n_years, n_groups)),
                   np.zeros((len(HAZARD_METRICS), n_years, n_hazards)),
                   np.zeros((len(HAZARD_METRICS), n_areas, n_hazards)))

    def add(self, res: BlockResult, years: np.ndarray, area: int) -> None:
        """Add one chunk of ``area``; ``years`` of its pairs are distinct (one area's pairs).

        The chunk's hazard attribution is also added to its area's row: a chunk holds one
        area, so the loss by area x hazard costs one sum over the chunk's pairs."""
        self.year[res.pairs] = res.year_sums
        self.unit[:, res.start:res.stop] += res.unit_sums
        self.group[:, years] += res.group_sums
        self.hazard[:, years] += res.hazard_sums
        self.area_hazard[:, area] += res.hazard_sums.sum(axis=1)



def _baseline(scenario: Scenario, units: Units, c_ref: float, groups: list[str]
              ) -> dict[str, float]:
    wn = units.weight * units.pop
    out = {
        "people": float(wn.sum()),
        "assets": float(np.sum(units.weight * units.assets)),
        "consumption": float(np.sum(wn * units.cons)),
        "people_in_poverty": float(np.sum(wn * (units.cons < scenario.coping.poverty_line))),
        "poverty_line": scenario.coping.poverty_line,
        "reference_consumption": c_ref,
    }
    if units.af_base is not None and units.af_poor is not None and units.af_valid is not None:
        valid = units.af_valid
        denom = float(np.sum(wn * valid))
        out["mpi_m0"] = float(np.sum(wn * valid * units.af_base * units.af_poor) / denom)
        out["mpi_h"] = float(np.sum(wn * valid * units.af_poor) / denom)
        out["mpi_units_excluded_missing"] = float((~valid).sum())
    return out


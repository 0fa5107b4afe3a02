"""The Monte Carlo engine: shocks -> asset, income, consumption and well-being losses.

For every simulated year ``y`` and every area ``a`` hit that year, every household ``h`` of ``a``
is evaluated (vectorised over a dense ``pairs x households`` block of the area, never a loop over
households or years):

1. **Asset and income loss shares.** Each hazard ``t`` hitting ``(y, a)`` gives shares
   ``v_t = f_t(intensity)`` from the impact function of the household's livelihood (several events
   of one hazard combine as ``1 - prod(1 - v)``), scaled by any measure's vulnerability factor.
   Hazards compound multiplicatively on what is left: ``share = 1 - prod_t (1 - v_t)``.
2. **Losses.** ``dk = share_asset * exposed_share * assets``, ``dy = share_income * income``.
3. **Consumption path (Unbreakable).** With reconstruction rate ``lambda`` and average
   productivity of capital ``pi`` the household loses consumption
   ``dc(t) = [(pi + lambda) dk + lambda dy] e^(-lambda t)``: lost production on the missing
   capital, reconstruction spending and the income loss, decaying as the household rebuilds. Its
   undiscounted total is ``C = dk (1 + pi/lambda) + dy``.
4. **Coping.** Savings, post-shock transfers (delayed transfers only cover the part of the loss
   still to come, ``e^(-lambda d) C``), an insurance payout ``min(cover, max(0, dk - attachment))``
   and extra remittances add to a support ``L`` that is spread over the recovery in proportion to
   the loss: the path is scaled by ``max(0, 1 - L/C)``.
5. **Well-being.** ``z = dc0 / c0`` per capita (capped at ``max_consumption_drop`` and counted);
   the equivalent consumption loss ``c0^(1-eta) c_ref^eta Phi(z)`` (see
   :mod:`humsec.shocks.wellbeing`) for each member.
6. **Poverty.** A member of a household starting above the line ``z_p`` is pushed below it if
   ``c0 - dc0 < z_p`` and stays below for ``ln(dc0 / (c0 - z_p)) / lambda`` years.

All shocks of one year are treated as simultaneous and each simulated year starts from the
baseline (as in Unbreakable's event-by-event treatment); compounding therefore acts through
the shares of step 1 and the concavity of utility in step 5.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from humsec.errors import SpecError
from humsec.shocks.coping import Coping
from humsec.shocks.exposure import Exposure
from humsec.shocks.hazards import HazardModel, Occurrences, simulate_occurrences
from humsec.shocks.multidimensional import ShockDeprivations
from humsec.shocks.risk import ShockRisk
from humsec.shocks.threats import GROUP_IDS
from humsec.shocks.vulnerability import ImpactFunctionSet
from humsec.shocks.wellbeing import PhiTable

__all__ = ["Adjustments", "Scenario", "simulate", "unit_uniform"]

YEAR_METRICS = (
    "asset_loss",
    "income_loss",
    "consumption_loss",
    "wellbeing_loss",
    "people_affected",
    "people_pushed_into_poverty",
    "poverty_person_years",
    "units_capped",
    "transfers_paid",
    "insurance_payouts",
    "mpi_m0_change",
    "mpi_h_change",
)
UNIT_METRICS = ("asset_loss", "income_loss", "consumption_loss", "wellbeing_loss",
                "pushed_into_poverty", "poverty_years")
GROUP_METRICS = ("asset_loss", "wellbeing_loss", "people_pushed_into_poverty")
HAZARD_METRICS = ("asset_loss", "wellbeing_loss")
_ALMOST_ONE = 1.0 - 1e-15


def unit_uniform(n: int, seed: int, label: str) -> np.ndarray:
    """Uniform draws per unit, fixed by ``(seed, label)``: who is enrolled or insured.

    Enrolment is drawn once per scenario and kept over all simulated years, and the same
    ``(seed, label)`` gives the same households in every scenario (common random numbers).
    """
    return np.random.default_rng([int(seed), zlib.crc32(label.encode())]).random(n)


@dataclass(frozen=True)
class IntensityChange:
    """A hazard-level effect: ``intensity' = max(0, scale * intensity + shift)`` in ``areas``."""

    hazard: str
    areas: tuple[str, ...]
    scale: float = 1.0
    shift: float = 0.0


@dataclass(frozen=True)
class Adjustments:
    """Changes that measures make to a scenario; the defaults change nothing.

    Per-unit arrays have one value per exposure unit (exposure order). Factors multiply,
    additions add, ``transfer_delay`` replaces the delay for units that get a measure's transfer.
    """

    asset_factor: Mapping[str, np.ndarray] = field(default_factory=dict)
    income_factor: Mapping[str, np.ndarray] = field(default_factory=dict)
    exposed_share: np.ndarray | None = None
    savings_add: np.ndarray | None = None
    transfer_share: np.ndarray | None = None
    transfer_per_capita: np.ndarray | None = None
    transfer_delay: np.ndarray | None = None
    insured: np.ndarray | None = None
    attachment: np.ndarray | None = None
    cover: np.ndarray | None = None
    remittance_response: np.ndarray | None = None
    recovery_factor: np.ndarray | None = None
    intensity: tuple[IntensityChange, ...] = ()
    applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """Everything a simulation needs: exposure, hazards, vulnerability and coping.

    ``deprivations`` switches on Alkire-Foster effects (needs ``exposure.deprivations``).
    Measures return new scenarios with more :class:`Adjustments` (CLIMADA style: pure
    transforms). Construction validates that every hazard area is in the exposure and that an
    impact function exists for every hazard x livelihood.
    """

    exposure: Exposure
    hazards: HazardModel
    impact_functions: ImpactFunctionSet
    coping: Coping = field(default_factory=Coping)
    deprivations: ShockDeprivations | None = None
    adjustments: Adjustments = field(default_factory=Adjustments)
    name: str = "baseline"

    def __post_init__(self) -> None:
        self.hazards.check_areas(self.exposure.areas)
        for hazard in self.hazards.hazard_names:
            for liv in self.exposure.livelihoods:
                self.impact_functions.lookup(hazard, liv)
        if self.deprivations is not None:
            dep = self.exposure.deprivations
            absent = [] if dep is None else [c for c in self.deprivations.weights
                                              if c not in dep.columns]
            if dep is None or absent:
                raise SpecError(
                    "Alkire-Foster effects need the deprivation indicators "
                    f"{absent or list(self.deprivations.weights)} in the exposure",
                    location=f"scenario {self.name!r}",
                    hint="build the exposure from a survey with d_* columns, or drop "
                    "'deprivations'",
                )


@dataclass
class _Units:
    """Per-unit arrays the blocks read (exposure order)."""

    weight: np.ndarray
    pop: np.ndarray
    cons: np.ndarray
    income: np.ndarray
    assets_exposed: np.ndarray
    assets: np.ndarray
    savings: np.ndarray
    remit: np.ndarray
    liv: np.ndarray
    lam: np.ndarray
    lam_index: np.ndarray
    wb_coef: np.ndarray
    sp_share: np.ndarray
    sp_pc: np.ndarray
    sp_delay: np.ndarray
    insured: np.ndarray
    attach: np.ndarray
    cover: np.ndarray
    asset_factor: dict[int, np.ndarray]
    income_factor: dict[int, np.ndarray]
    groups: np.ndarray
    af_base: np.ndarray | None
    af_poor: np.ndarray | None
    af_gain: dict[str, np.ndarray]
    af_valid: np.ndarray | None


def _group_matrix(scenario: Scenario) -> tuple[np.ndarray, list[str]]:
    exp = scenario.exposure
    pop = exp.column("population")
    poor = exp.column("consumption") < scenario.coping.poverty_line
    cols = {"people_in_poverty": pop * poor}
    for g in exp.groups.columns:
        cols[str(g)] = exp.groups[g].to_numpy(dtype=float)
    names = [g for g in GROUP_IDS if g in cols]
    return np.stack([cols[g] for g in names], axis=1), names


def _targeted(scenario: Scenario, targeting: str | list[str], groups: np.ndarray,
              names: list[str]) -> np.ndarray:
    exp = scenario.exposure
    if targeting == "all":
        return np.ones(len(exp), dtype=bool)
    if targeting == "poor":
        return exp.column("consumption") < scenario.coping.poverty_line
    present = [names.index(g) for g in targeting if g in names]
    return groups[:, present].sum(axis=1) > 0 if present else np.zeros(len(exp), dtype=bool)


def _units(scenario: Scenario, seed: int, hazards: list[str], livelihoods: list[str],
           rates: list[float]) -> tuple[_Units, list[str], float]:
    exp, cop, adj = scenario.exposure, scenario.coping, scenario.adjustments
    n = len(exp)
    groups, names = _group_matrix(scenario)
    pop = exp.column("population")
    weight = exp.column("weight")
    cons = exp.column("consumption")
    c_ref = cop.reference_consumption or float(np.sum(weight * pop * cons) / np.sum(weight * pop))

    def arr(value: np.ndarray | None, default: float) -> np.ndarray:
        return np.full(n, default) if value is None else np.asarray(value, dtype=float)

    lam = cop.reconstruction_rate * arr(adj.recovery_factor, 1.0)
    rate_values = np.asarray(rates)
    lam_index = np.searchsorted(rate_values, lam)

    sp = cop.social_protection
    enrolled = (unit_uniform(n, seed, "social_protection") < sp.coverage) & _targeted(
        scenario, sp.targeting, groups, names)
    sp_share = np.where(enrolled, sp.share_of_loss, 0.0) + arr(adj.transfer_share, 0.0)
    sp_pc = np.where(enrolled, sp.per_capita, 0.0) + arr(adj.transfer_per_capita, 0.0)
    sp_delay = np.where(np.isnan(arr(adj.transfer_delay, np.nan)), sp.delay_years,
                        arr(adj.transfer_delay, np.nan))
    ins = cop.insurance
    insured = unit_uniform(n, seed, "insurance") < ins.penetration
    attach = np.where(insured, ins.attachment, 0.0)
    cover = np.where(insured, ins.cover, 0.0)
    if adj.insured is not None:
        newly = np.asarray(adj.insured, dtype=bool)
        attach = np.where(newly, arr(adj.attachment, 0.0), attach)
        cover = np.where(newly, np.maximum(cover, arr(adj.cover, 0.0)), cover)
        insured = insured | newly

    hidx = {h: i for i, h in enumerate(hazards)}
    af = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.asset_factor.items() if h in hidx}
    inf = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.income_factor.items() if h in hidx}

    af_base = af_poor = af_valid = None
    af_gain: dict[str, np.ndarray] = {}
    if scenario.deprivations is not None and exp.deprivations is not None:
        spec = scenario.deprivations
        dep = exp.deprivations[list(spec.weights)].to_numpy(dtype=float)
        af_valid = ~np.isnan(dep).any(axis=1)
        w = np.array(list(spec.weights.values()))
        dep0 = np.nan_to_num(dep)
        af_base = dep0 @ w
        af_poor = af_base >= spec.k - 1e-9
        for j, name in enumerate(spec.weights):
            af_gain[name] = w[j] * (1.0 - dep0[:, j])

    units = _Units(
        weight=weight, pop=pop, cons=cons, income=exp.column("income"),
        assets_exposed=exp.column("assets") * arr(adj.exposed_share, 1.0),
        assets=exp.column("assets"),
        savings=exp.column("savings") * cop.savings_use + arr(adj.savings_add, 0.0),
        remit=exp.column("remittances") * (cop.remittance_response
                                           + arr(adj.remittance_response, 0.0)),
        liv=np.searchsorted(np.asarray(livelihoods), exp.units["livelihood"].to_numpy()),
        lam=lam, lam_index=lam_index,
        wb_coef=np.power(cons, 1.0 - cop.eta) * c_ref**cop.eta,
        sp_share=sp_share, sp_pc=sp_pc, sp_delay=sp_delay,
        insured=insured, attach=attach, cover=cover,
        asset_factor=af, income_factor=inf, groups=groups,
        af_base=af_base, af_poor=af_poor, af_gain=af_gain, af_valid=af_valid,
    )
    return units, names, c_ref


@dataclass
class _Block:
    """One dense ``pairs x households`` block of one area."""

    pairs: np.ndarray  # pair indices (into the pair arrays)
    start: int
    stop: int


@dataclass
class _BlockResult:
    pairs: np.ndarray
    start: int
    stop: int
    year_sums: np.ndarray  # (P, len(YEAR_METRICS))
    unit_sums: np.ndarray  # (len(UNIT_METRICS), n)
    group_sums: np.ndarray  # (len(GROUP_METRICS), P, G)
    hazard_sums: np.ndarray  # (len(HAZARD_METRICS), P, H)
    detail: dict[str, np.ndarray] | None = None  # per-unit outcomes in the detail year


def _evaluate_block(block: _Block, va: np.ndarray, vi: np.ndarray, u: _Units,
                    cop: Coping, table: PhiTable, ins_hazards: np.ndarray,
                    deprivations: ShockDeprivations | None, total_af_people: float,
                    detail_row: int | None = None) -> _BlockResult:
    sl = slice(block.start, block.stop)
    liv = u.liv[sl]
    pa = va[block.pairs]  # (P, H, L)
    pi_ = vi[block.pairs]
    n_hz = pa.shape[1]
    shape = (len(block.pairs), block.stop - block.start)
    log_a = np.zeros(shape)
    log_i = np.zeros(shape)
    partial = not ins_hazards.all()
    log_ins = np.zeros(shape) if partial else log_a
    log_ins_i = np.zeros(shape) if partial else log_i
    terms: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    present = np.flatnonzero((pa > 0).any(axis=(0, 2)) | (pi_ > 0).any(axis=(0, 2)))
    for t in (int(i) for i in present):
        sa = pa[:, t, :][:, liv]
        si = pi_[:, t, :][:, liv]
        if t in u.asset_factor:
            sa = sa * u.asset_factor[t][sl]
        if t in u.income_factor:
            si = si * u.income_factor[t][sl]
        ta = np.log1p(-np.minimum(sa, _ALMOST_ONE))
        ti = np.log1p(-np.minimum(si, _ALMOST_ONE))
        log_a += ta
        log_i += ti
        if partial and ins_hazards[t]:
            log_ins += ta
            log_ins_i += ti
        terms[t] = (ta, ti)
    asset_share = -np.expm1(log_a)
    dk = asset_share * u.assets_exposed[sl]
    dy = -np.expm1(log_i) * u.income[sl]
    lam = u.lam[sl]
    total = dk * (1.0 + cop.productivity_of_capital / lam) + dy
    hit = total > 0
    safe_total = np.where(hit, total, 1.0)
    transfer = u.sp_share[sl] * dk + u.sp_pc[sl] * u.pop[sl]
    transfer = np.minimum(transfer, np.exp(-lam * u.sp_delay[sl]) * total)
    insured_loss = dk + dy if not partial else (-np.expm1(log_ins) * u.assets_exposed[sl]
                                                -np.expm1(log_ins_i) * u.income[sl])
    assets = u.assets[sl]
    payout = np.minimum(u.cover[sl] * assets,
                        np.maximum(0.0, insured_loss - u.attach[sl] * assets))
    support = transfer + payout + u.savings[sl] + u.remit[sl]
    scale = np.where(hit, np.clip(1.0 - support / safe_total, 0.0, 1.0), 0.0)
    dc0_pc = scale * ((cop.productivity_of_capital + lam) * dk + lam * dy) / u.pop[sl]
    cons = u.cons[sl]
    z = dc0_pc / cons
    capped = z > cop.max_consumption_drop
    z = np.minimum(z, cop.max_consumption_drop)
    wb = u.pop[sl] * u.wb_coef[sl] * table.evaluate(z, u.lam_index[sl])
    wb = np.where(hit, wb, 0.0)
    cons_loss = scale * total
    drop = z * cons
    gap = cons - cop.poverty_line
    pushed = (gap > 0) & (drop > gap)
    with np.errstate(divide="ignore", invalid="ignore"):
        years_below = np.where(pushed, np.log(np.where(pushed, drop / gap, 1.0)) / lam, 0.0)

    w = u.weight[sl]
    wn = w * u.pop[sl]
    pw = wn * pushed
    year_cols = [
        dk @ w, dy @ w, cons_loss @ w, wb @ w, hit @ wn, pushed @ wn, years_below @ wn,
        capped @ w, transfer @ w, payout @ w,
    ]
    if deprivations is not None and u.af_base is not None and u.af_poor is not None:
        triggers = {
            "asset_loss_share": asset_share,
            "consumption_drop_share": z,
            "years_below_poverty_line": years_below,
        }
        added = np.zeros(shape)
        for indicator in {r.indicator for r in deprivations.rules}:
            fired = np.zeros(shape, dtype=bool)
            for rule in deprivations.rules:
                if rule.indicator == indicator:
                    fired |= triggers[rule.trigger] >= rule.threshold
            added += fired * u.af_gain[indicator][sl]
        base = u.af_base[sl]
        poor0 = u.af_poor[sl]
        new = base + added
        poor1 = new >= deprivations.k - 1e-9
        valid = u.af_valid[sl] if u.af_valid is not None else np.ones(shape[1], dtype=bool)
        wv = wn * valid / total_af_people
        year_cols += [(new * poor1 - base * poor0) @ wv, (poor1.astype(float) - poor0) @ wv]
    else:
        year_cols += [np.zeros(shape[0]), np.zeros(shape[0])]
    year_sums = np.stack(year_cols, axis=1)
    unit_sums = np.stack([dk.sum(0), dy.sum(0), cons_loss.sum(0), wb.sum(0), pushed.sum(0),
                          years_below.sum(0)])
    g = u.groups[sl] / u.pop[sl, None]
    group_sums = np.stack([(dk * w) @ g, (wb * w) @ g, pw @ g])
    hazard_sums = np.zeros((2, shape[0], n_hz))
    if terms:
        both = log_a + log_i
        safe_a = np.where(log_a < 0, log_a, -1.0)
        safe_b = np.where(both < 0, both, -1.0)
        for t, (ta, ti) in terms.items():
            hazard_sums[0, :, t] = (dk * ta / safe_a) @ w
            hazard_sums[1, :, t] = (wb * (ta + ti) / safe_b) @ w
    detail = None
    if detail_row is not None:
        r = detail_row
        detail = {"asset_loss_share": asset_share[r], "asset_loss": dk[r], "income_loss": dy[r],
                  "consumption_drop_share": z[r], "wellbeing_loss": wb[r],
                  "pushed_into_poverty": pushed[r].astype(float),
                  "years_below_poverty_line": years_below[r]}
    return _BlockResult(block.pairs, block.start, block.stop, year_sums, unit_sums,
                        group_sums, hazard_sums, detail)


def _blocks(pair_area: np.ndarray, starts: np.ndarray, stops: np.ndarray, block_size: int
            ) -> Iterator[_Block]:
    order = np.argsort(pair_area, kind="stable")
    bounds = np.searchsorted(pair_area[order], np.arange(len(starts) + 1))
    for a in range(len(starts)):
        pairs = order[bounds[a]:bounds[a + 1]]
        size = int(stops[a] - starts[a])
        if pairs.size == 0 or size == 0:
            continue
        step = max(1, block_size // size)
        for i in range(0, len(pairs), step):
            yield _Block(pairs[i:i + step], int(starts[a]), int(stops[a]))


def simulate(
    scenario: Scenario,
    n_years: int = 1000,
    seed: int = 1,
    *,
    occurrences: Occurrences | None = None,
    backend: Literal["numpy", "threads", "dask"] = "numpy",
    workers: int = 2,
    block_size: int = 262_144,
    detail_year: int | None = None,
) -> ShockRisk:
    """Run the Monte Carlo over ``n_years`` simulated years and return a :class:`ShockRisk`.

    ``occurrences`` lets several scenarios share the same simulated shocks (common random
    numbers; :func:`humsec.shocks.appraise_measures` does this). ``backend`` runs the dense
    household blocks serially (``numpy``), on a thread pool (numpy releases the GIL) or as Dask
    delayed tasks when Dask is installed; every backend gives identical numbers because block
    results are summed in a fixed order. ``detail_year`` keeps every unit's outcome in that
    simulated year (``ShockRisk.detail``). Formulas: module docstring.
    """
    if backend not in ("numpy", "threads", "dask"):
        raise SpecError(f"unknown backend {backend!r}", location="simulate(backend=...)",
                        hint="use 'numpy', 'threads' or 'dask'")
    exp = scenario.exposure
    areas = exp.areas
    hazards = scenario.hazards.hazard_names
    if occurrences is None:
        occurrences = simulate_occurrences(scenario.hazards, areas, n_years, seed)
    elif occurrences.areas != tuple(areas) or occurrences.hazards != tuple(hazards):
        raise SpecError("the occurrences were simulated for other areas or hazards",
                        location="simulate(occurrences=...)",
                        hint="simulate them with the same scenario's hazards and exposure")
    n_years = occurrences.n_years
    livelihoods = exp.livelihoods
    cop = scenario.coping

    intensity = occurrences.intensity
    for change in scenario.adjustments.intensity:
        if change.hazard not in hazards:
            continue
        mask = (occurrences.hazard == hazards.index(change.hazard)) & np.isin(
            occurrences.area, [areas.index(a) for a in change.areas if a in areas])
        intensity = np.where(mask, np.maximum(0.0, change.scale * intensity + change.shift),
                             intensity)

    asset, income = scenario.impact_functions.shares(hazards, intensity, occurrences.hazard,
                                                     livelihoods)
    key = occurrences.year * len(areas) + occurrences.area
    pair_key, pair_of = np.unique(key, return_inverse=True)
    n_hz, n_liv = len(hazards), len(livelihoods)
    cell = (pair_of * n_hz + occurrences.hazard)
    size = len(pair_key) * n_hz
    log_a = np.stack([np.bincount(cell, np.log1p(-np.minimum(asset[:, j], _ALMOST_ONE)),
                                  minlength=size) for j in range(n_liv)], axis=1)
    log_i = np.stack([np.bincount(cell, np.log1p(-np.minimum(income[:, j], _ALMOST_ONE)),
                                  minlength=size) for j in range(n_liv)], axis=1)
    va = -np.expm1(log_a).reshape(len(pair_key), n_hz, n_liv)
    vi = -np.expm1(log_i).reshape(len(pair_key), n_hz, n_liv)
    keep = (va > 0).any(axis=(1, 2)) | (vi > 0).any(axis=(1, 2))
    pair_key, va, vi = pair_key[keep], va[keep], vi[keep]
    pair_year = pair_key // len(areas)
    pair_area = pair_key % len(areas)

    rates = sorted({float(r) for r in
                    cop.reconstruction_rate * (scenario.adjustments.recovery_factor
                                               if scenario.adjustments.recovery_factor is not None
                                               else np.ones(1))})
    units, group_names, c_ref = _units(scenario, seed, hazards, livelihoods, rates)
    table = PhiTable(eta=cop.eta, rho=cop.discount_rate, rates=rates,
                     z_max=cop.max_consumption_drop)
    ins_cover = cop.insurance.hazards
    ins_hazards = np.array([ins_cover is None or h in ins_cover for h in hazards])
    area_codes = np.searchsorted(np.asarray(areas), exp.units["area"].to_numpy())
    starts = np.searchsorted(area_codes, np.arange(len(areas)), side="left")
    stops = np.searchsorted(area_codes, np.arange(len(areas)), side="right")
    af_people = float(np.sum(units.weight * units.pop * (units.af_valid if units.af_valid
                                                          is not None else 1.0)))
    deprivations = scenario.deprivations

    def run(block: _Block) -> _BlockResult:
        row = None
        if detail_year is not None:
            hits = np.flatnonzero(pair_year[block.pairs] == detail_year)
            row = int(hits[0]) if hits.size else None
        return _evaluate_block(block, va, vi, units, cop, table, ins_hazards, deprivations,
                               max(af_people, 1e-300), row)

    blocks = list(_blocks(pair_area, starts, stops, block_size))
    results: Iterator[_BlockResult] | list[_BlockResult]
    if backend == "numpy" or workers <= 1 or len(blocks) <= 1:
        results = map(run, blocks)
    elif backend == "threads":
        pool = ThreadPoolExecutor(max_workers=workers)
        results = pool.map(run, blocks)
    else:
        results = _dask_map(run, blocks, workers)

    n_pairs = len(pair_key)
    year_sums = np.zeros((n_pairs, len(YEAR_METRICS)))
    unit_sums = np.zeros((len(UNIT_METRICS), len(exp)))
    group_sums = np.zeros((len(GROUP_METRICS), n_pairs, len(group_names)))
    hazard_sums = np.zeros((len(HAZARD_METRICS), n_pairs, n_hz))
    detail = None
    if detail_year is not None:
        if not 0 <= detail_year < n_years:
            raise SpecError(f"detail_year {detail_year} is outside 0..{n_years - 1}",
                            location="simulate(detail_year=...)")
        detail = exp.units[["unit_id", "area", "livelihood", "weight", "population"]].copy()
        for col in ("asset_loss_share", "asset_loss", "income_loss", "consumption_drop_share",
                    "wellbeing_loss", "pushed_into_poverty", "years_below_poverty_line"):
            detail[col] = 0.0
    for res in results:
        if detail is not None and res.detail is not None:
            for col, values in res.detail.items():
                detail.loc[res.start:res.stop - 1, col] = values
        year_sums[res.pairs] = res.year_sums
        unit_sums[:, res.start:res.stop] += res.unit_sums
        group_sums[:, res.pairs] = res.group_sums
        hazard_sums[:, res.pairs] = res.hazard_sums
    if backend == "threads" and workers > 1 and len(blocks) > 1:
        pool.shutdown()

    def by_year(values: np.ndarray) -> np.ndarray:
        return np.stack([np.bincount(pair_year, values[:, j], minlength=n_years)
                         for j in range(values.shape[1])], axis=1)

    year = pd.DataFrame(by_year(year_sums), columns=list(YEAR_METRICS))
    year.index.name = "year"
    if deprivations is None:
        year = year.drop(columns=["mpi_m0_change", "mpi_h_change"])
    area_year = {}
    for name, j in (("asset_loss", 0), ("wellbeing_loss", 3), ("people_pushed_into_poverty", 5)):
        grid = np.zeros((n_years, len(areas)))
        grid[pair_year, pair_area] = year_sums[:, j]
        area_year[name] = grid
    group_year = {m: by_year(group_sums[i]) for i, m in enumerate(GROUP_METRICS)}
    hazard_year = {m: by_year(hazard_sums[i]) for i, m in enumerate(HAZARD_METRICS)}
    per_unit = exp.units[["unit_id", "area", "livelihood", "weight", "population",
                          "consumption"]].copy()
    for i, m in enumerate(UNIT_METRICS):
        per_unit[m] = unit_sums[i] / n_years
    baseline = _baseline(scenario, units, c_ref, group_names)
    return ShockRisk(
        scenario=scenario.name,
        n_years=n_years,
        seed=seed,
        areas=tuple(areas),
        groups=tuple(group_names),
        hazards=tuple(hazards),
        threats=dict(scenario.hazards.threats),
        year=year,
        area_year=area_year,
        group_year=group_year,
        hazard_year=hazard_year,
        units=per_unit,
        group_people=pd.Series((units.groups * units.weight[:, None]).sum(axis=0),
                               index=group_names, name="people"),
        area_people=pd.Series(np.bincount(area_codes, units.weight * units.pop,
                                          minlength=len(areas)), index=list(areas),
                              name="people"),
        baseline=baseline,
        notes=tuple(exp.notes) + tuple(f"measure applied: {m}"
                                       for m in scenario.adjustments.applied),
        detail=detail,
    )


def _baseline(scenario: Scenario, units: _Units, c_ref: float, groups: list[str]
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


def _dask_map(run: Callable[[_Block], _BlockResult], blocks: list[_Block], workers: int
              ) -> list[_BlockResult]:
    try:
        import dask
    except ImportError as error:  # pragma: no cover - dask is an optional extra
        raise SpecError("backend='dask' needs Dask", location="simulate(backend=...)",
                        hint="pip install 'humsec[dask]' or use backend='threads'") from error
    tasks = [dask.delayed(run)(b) for b in blocks]
    return list(dask.compute(*tasks, scheduler="threads", num_workers=workers))

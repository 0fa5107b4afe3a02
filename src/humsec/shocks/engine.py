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
from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from humsec.errors import SpecError
from humsec.shocks.coping import Coping
from humsec.shocks.exposure import Exposure
from humsec.shocks.hazards import HazardModel, Occurrences, simulate_occurrences
from humsec.shocks.kernel import HAVE_NUMBA, fused_block
from humsec.shocks.multidimensional import ShockDeprivations
from humsec.shocks.risk import ShockRisk
from humsec.shocks.threats import group_ids
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
GROUP_METRICS = ("asset_loss", "wellbeing_loss", "people_pushed_into_poverty",
                 "poverty_person_years")
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
    names = [g for g in group_ids() if g in cols]
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


def _per_unit(value: np.ndarray | None, default: float, n: int) -> np.ndarray:
    """A measure's per-unit array, or ``default`` for every unit when no measure set it."""
    return np.full(n, default) if value is None else np.asarray(value, dtype=float)


def _transfers(scenario: Scenario, seed: int, groups: np.ndarray, names: list[str]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Post-shock transfer terms per unit: share of asset loss, amount per person and delay.

    A fixed random ``coverage`` share of the targeted units is enrolled in the baseline
    programme; measures add their shares and amounts for covered units and may shorten the delay.
    """
    sp, adj = scenario.coping.social_protection, scenario.adjustments
    n = len(scenario.exposure)
    enrolled = (unit_uniform(n, seed, "social_protection") < sp.coverage) & _targeted(
        scenario, sp.targeting, groups, names)
    share = np.where(enrolled, sp.share_of_loss, 0.0) + _per_unit(adj.transfer_share, 0.0, n)
    per_capita = (np.where(enrolled, sp.per_capita, 0.0)
                  + _per_unit(adj.transfer_per_capita, 0.0, n))
    measure_delay = _per_unit(adj.transfer_delay, np.nan, n)
    delay = np.where(np.isnan(measure_delay), sp.delay_years, measure_delay)
    return share, per_capita, delay


def _insurance(scenario: Scenario, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Insured flag, attachment and cover (shares of assets) per unit.

    A fixed random ``penetration`` share holds the baseline policy; a measure's policy replaces
    the attachment and keeps the larger cover for the units it insures.
    """
    ins, adj = scenario.coping.insurance, scenario.adjustments
    n = len(scenario.exposure)
    insured = unit_uniform(n, seed, "insurance") < ins.penetration
    attach = np.where(insured, ins.attachment, 0.0)
    cover = np.where(insured, ins.cover, 0.0)
    if adj.insured is not None:
        newly = np.asarray(adj.insured, dtype=bool)
        attach = np.where(newly, _per_unit(adj.attachment, 0.0, n), attach)
        cover = np.where(newly, np.maximum(cover, _per_unit(adj.cover, 0.0, n)), cover)
        insured = insured | newly
    return insured, attach, cover


def _deprivation_arrays(scenario: Scenario) -> tuple[np.ndarray | None, np.ndarray | None,
                                                      dict[str, np.ndarray], np.ndarray | None]:
    """Alkire-Foster baseline per unit: score ``c = sum_j w_j g_j``, poor ``c >= k``, the gain
    ``w_j (1 - g_j)`` if indicator ``j`` becomes deprived, and which units have no missing
    indicator (``None`` everywhere when deprivations are off)."""
    exp, spec = scenario.exposure, scenario.deprivations
    if spec is None or exp.deprivations is None:
        return None, None, {}, None
    dep = exp.deprivations[list(spec.weights)].to_numpy(dtype=float)
    valid = ~np.isnan(dep).any(axis=1)
    w = np.array(list(spec.weights.values()))
    dep0 = np.nan_to_num(dep)
    base = dep0 @ w
    gain = {name: w[j] * (1.0 - dep0[:, j]) for j, name in enumerate(spec.weights)}
    return base, base >= spec.k - 1e-9, gain, valid


def _units(scenario: Scenario, seed: int, hazards: list[str], livelihoods: list[str],
           rates: list[float]) -> tuple[_Units, list[str], float]:
    """Per-unit arrays of one scenario, its group names and the reference consumption.

    ``c_ref`` is the weighted mean consumption per person unless the coping spec fixes it;
    ``lambda = ln(20) / T`` times any measure's recovery factor; the well-being coefficient
    is ``c0^(1-eta) c_ref^eta`` (equivalent consumption loss = coefficient x ``Phi(z)``).
    """
    exp, cop, adj = scenario.exposure, scenario.coping, scenario.adjustments
    n = len(exp)
    groups, names = _group_matrix(scenario)
    pop = exp.column("population")
    weight = exp.column("weight")
    cons = exp.column("consumption")
    c_ref = cop.reference_consumption or float(np.sum(weight * pop * cons) / np.sum(weight * pop))

    def arr(value: np.ndarray | None, default: float) -> np.ndarray:
        return _per_unit(value, default, n)

    lam = cop.reconstruction_rate * arr(adj.recovery_factor, 1.0)
    rate_values = np.asarray(rates)
    lam_index = np.searchsorted(rate_values, lam)

    sp_share, sp_pc, sp_delay = _transfers(scenario, seed, groups, names)
    insured, attach, cover = _insurance(scenario, seed)

    hidx = {h: i for i, h in enumerate(hazards)}
    af = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.asset_factor.items() if h in hidx}
    inf = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.income_factor.items() if h in hidx}

    af_base, af_poor, af_gain, af_valid = _deprivation_arrays(scenario)

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
    # Contiguous arrays of fixed dtypes: one compiled kernel signature, fast slices.
    for name, dtype in (("weight", float), ("pop", float), ("cons", float), ("income", float),
                        ("assets_exposed", float), ("assets", float), ("savings", float),
                        ("remit", float), ("liv", np.int64), ("lam", float),
                        ("lam_index", np.int64), ("wb_coef", float), ("sp_share", float),
                        ("sp_pc", float), ("sp_delay", float), ("insured", bool),
                        ("attach", float), ("cover", float), ("groups", float)):
        setattr(units, name, np.ascontiguousarray(getattr(units, name), dtype=dtype))
    if units.af_base is not None and units.af_poor is not None:
        units.af_base = np.ascontiguousarray(units.af_base, dtype=float)
        units.af_poor = np.ascontiguousarray(units.af_poor, dtype=bool)
        units.af_gain = {k: np.ascontiguousarray(v, dtype=float)
                         for k, v in units.af_gain.items()}
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


def _factor_fixes(la_h: np.ndarray, li_h: np.ndarray, u: _Units, sl: slice, liv: np.ndarray
                  ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Corrections to the log-survival for hazards with unit-specific measure factors.

    ``log(1 - f v) - log(1 - v)`` per (pair, unit) for each hazard a measure scales; ``None``
    when no measure touches the block.
    """
    out: list[np.ndarray | None] = []
    for factors, logs in ((u.asset_factor, la_h), (u.income_factor, li_h)):
        fix = None
        for t, f in factors.items():
            fs = f[sl]
            term = logs[:, t, :]
            if np.all(fs == 1.0) or not np.any(term < 0):
                continue
            share = -np.expm1(term)[:, liv] * fs
            part = np.log1p(-np.minimum(share, _ALMOST_ONE)) - term[:, liv]
            fix = part if fix is None else fix + part
        out.append(fix)
    return out[0], out[1]


def _hazard_attribution(la_h: np.ndarray, li_h: np.ndarray, dk_liv: np.ndarray,
                        wb_liv: np.ndarray) -> np.ndarray:
    """Split each pair's (livelihood-level) losses between hazards by their share of the
    pair-level log-survival: ``loss_t = sum_l loss_l * log S_tl / log S_l``."""
    la_pl = la_h.sum(axis=1)
    both = la_pl + li_h.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac_a = np.where(la_pl[:, None, :] < 0, la_h / la_pl[:, None, :], 0.0)
        frac_w = np.where(both[:, None, :] < 0, (la_h + li_h) / both[:, None, :], 0.0)
    return np.stack([np.einsum("pl,phl->ph", dk_liv, frac_a),
                     np.einsum("pl,phl->ph", wb_liv, frac_w)])


def _kernel_deprivation_args(deprivations: ShockDeprivations | None, u: _Units, sl: slice,
                             total_af_people: float) -> tuple[bool, tuple[Any, ...]]:
    """The deprivation rules as the compiled kernel's flat arrays (empty when switched off):
    base score, poor flag, population share, ``k``, gains per indicator, and per rule its
    indicator row, trigger code and threshold."""
    n = sl.stop - sl.start
    if deprivations is None or u.af_base is None or u.af_poor is None:
        none = np.zeros(0, dtype=np.int64)
        return False, (np.zeros(n), np.zeros(n, dtype=bool), np.zeros(n), 1.0,
                       np.zeros((0, n)), none, none, np.zeros(0))
    indicators = sorted({r.indicator for r in deprivations.rules})
    codes = {"asset_loss_share": 0, "consumption_drop_share": 1, "years_below_poverty_line": 2}
    valid = u.af_valid[sl] if u.af_valid is not None else np.ones(n, dtype=bool)
    return True, (
        u.af_base[sl], u.af_poor[sl], u.weight[sl] * u.pop[sl] * valid / total_af_people,
        deprivations.k, np.stack([u.af_gain[i][sl] for i in indicators]),
        np.array([indicators.index(r.indicator) for r in deprivations.rules]),
        np.array([codes[r.trigger] for r in deprivations.rules]),
        np.array([r.threshold for r in deprivations.rules], dtype=float),
    )


def _evaluate_block_fused(block: _Block, la: np.ndarray, li: np.ndarray, u: _Units,
                          cop: Coping, table: PhiTable, ins_hazards: np.ndarray,
                          deprivations: ShockDeprivations | None, total_af_people: float
                          ) -> _BlockResult:
    """The same block through the compiled kernel (:mod:`humsec.shocks.kernel`)."""
    sl = slice(block.start, block.stop)
    liv = u.liv[sl]
    la_h = la[block.pairs]
    li_h = li[block.pairs]
    n_pairs = la_h.shape[0]
    la_pl = np.ascontiguousarray(la_h.sum(axis=1))
    li_pl = np.ascontiguousarray(li_h.sum(axis=1))
    fix_a, fix_i = _factor_fixes(la_h, li_h, u, sl, liv)
    has_fix = fix_a is not None or fix_i is not None
    shape = (n_pairs, block.stop - block.start)
    dummy = np.zeros((1, 1))
    fa = np.ascontiguousarray(fix_a if fix_a is not None else np.zeros(shape)) if has_fix \
        else dummy
    fi = np.ascontiguousarray(fix_i if fix_i is not None else np.zeros(shape)) if has_fix \
        else dummy
    ins_all = bool(ins_hazards.all())
    covered = np.flatnonzero(ins_hazards)
    ins_la = la_pl if ins_all else np.ascontiguousarray(la_h[:, covered, :].sum(axis=1))
    ins_li = li_pl if ins_all else np.ascontiguousarray(li_h[:, covered, :].sum(axis=1))
    lam = u.lam[sl]
    af_on, af_args = _kernel_deprivation_args(deprivations, u, sl, total_af_people)
    year_sums = np.zeros((n_pairs, len(YEAR_METRICS)))
    unit_sums = np.zeros((len(UNIT_METRICS), shape[1]))
    dk_w = np.zeros(shape)
    wb_w = np.zeros(shape)
    pushed_w = np.zeros(shape)
    years_w = np.zeros(shape)
    fused_block(
        la_pl, li_pl, ins_la, ins_li, liv, u.assets_exposed[sl], u.assets[sl], u.income[sl],
        lam, u.pop[sl], u.cons[sl], u.wb_coef[sl], u.savings[sl] + u.remit[sl],
        u.sp_share[sl], u.sp_pc[sl], np.exp(-lam * u.sp_delay[sl]), u.cover[sl],
        u.attach[sl], u.lam_index[sl], u.weight[sl],
        table.values, np.pad(table.slopes, ((0, 0), (0, 1))), table.step, table.z_max,
        cop.productivity_of_capital, cop.poverty_line,
        bool(np.any(u.sp_share[sl] > 0) or np.any(u.sp_pc[sl] > 0)),
        bool(np.any(u.cover[sl] > 0)), ins_all, has_fix, fa, fi,
        af_on, *af_args,
        year_sums, unit_sums, dk_w, wb_w, pushed_w, years_w,
    )
    group_sums, hazard_sums = _group_and_hazard_sums(u, sl, la_h, li_h, dk_w, wb_w, pushed_w,
                                                     years_w)
    return _BlockResult(block.pairs, block.start, block.stop, year_sums, unit_sums,
                        group_sums, hazard_sums)


def _group_and_hazard_sums(u: _Units, sl: slice, la_h: np.ndarray, li_h: np.ndarray,
                           dk_w: np.ndarray, wb_w: np.ndarray, pushed_w: np.ndarray,
                           years_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group totals and hazard attribution of one block from weighted ``(pair, unit)`` outcomes.

    ``dk_w``, ``wb_w`` are weighted asset and well-being losses, ``pushed_w``, ``years_w`` the
    weighted poverty outcomes per person. Losses are shared equally among a unit's members, so
    a group's loss is ``sum_h dk_w[h] * members_g[h] / size[h]``; one product with
    ``[members / size | livelihood one-hot]`` gives group and livelihood totals (BLAS).
    """
    liv = u.liv[sl]
    n_g = u.groups.shape[1]
    onehot = np.zeros((len(liv), la_h.shape[2]))
    onehot[np.arange(len(liv)), liv] = 1.0
    mix = np.concatenate([u.groups[sl] / u.pop[sl, None], onehot], axis=1)
    dk_mix = dk_w @ mix
    wb_mix = wb_w @ mix
    pushed_groups = np.zeros((dk_w.shape[0], n_g))
    years_groups = np.zeros((dk_w.shape[0], n_g))
    rows = np.flatnonzero(pushed_w.any(axis=1))
    if rows.size:
        pushed_groups[rows] = pushed_w[rows] @ u.groups[sl]
        years_groups[rows] = years_w[rows] @ u.groups[sl]
    group_sums = np.stack([dk_mix[:, :n_g], wb_mix[:, :n_g], pushed_groups, years_groups])
    return group_sums, _hazard_attribution(la_h, li_h, dk_mix[:, n_g:], wb_mix[:, n_g:])


def _mpi_change(deprivations: ShockDeprivations, u: _Units, sl: slice,
                triggers: Mapping[str, np.ndarray], share: np.ndarray) -> list[np.ndarray]:
    """Change in M0 and H per pair from the deprivations shocks add (Alkire-Foster 2011).

    ``c' = c + sum_j w_j (1 - g_j) [any rule for j fired]``, poor if ``c' >= k``;
    ``dM0 = sum_h s_h (c'_h q'_h - c_h q_h)`` and ``dH = sum_h s_h (q'_h - q_h)`` with
    ``s_h`` the unit's population share (``share``; units with missing indicators count 0).
    """
    assert u.af_base is not None and u.af_poor is not None
    shape = next(iter(triggers.values())).shape
    added = np.zeros(shape)
    for indicator in {r.indicator for r in deprivations.rules}:
        fired = np.zeros(shape, dtype=bool)
        for rule in deprivations.rules:
            if rule.indicator == indicator:
                fired |= triggers[rule.trigger] >= rule.threshold
        added += fired * u.af_gain[indicator][sl]
    base, poor0 = u.af_base[sl], u.af_poor[sl]
    new = base + added
    poor1 = new >= deprivations.k - 1e-9
    valid = u.af_valid[sl] if u.af_valid is not None else np.ones(shape[1], dtype=bool)
    wv = share * valid
    return [(new * poor1 - base * poor0) @ wv, (poor1.astype(float) - poor0) @ wv]


def _support(u: _Units, sl: slice, dk: np.ndarray, dy: np.ndarray, total: np.ndarray,
             la_h: np.ndarray, li_h: np.ndarray, ins_hazards: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Coping support ``L = savings + remittances + transfer + payout`` per (pair, unit).

    ``transfer = min(s * dk + p * n, e^(-lambda d) C)`` (a delayed transfer only covers what
    is still to come of the loss ``C``); ``payout = min(cover * K, max(0, loss - attach * K))``
    on the losses of insured hazards. Transfer and payout are ``None`` when nobody gets any.
    """
    lam = u.lam[sl]
    support = u.savings[sl] + u.remit[sl]  # (n,) broadcasts
    transfer = payout = None
    if np.any(u.sp_share[sl] > 0) or np.any(u.sp_pc[sl] > 0):
        transfer = np.minimum(u.sp_share[sl] * dk + u.sp_pc[sl] * u.pop[sl],
                              np.exp(-lam * u.sp_delay[sl]) * total)
        support = support + transfer
    if np.any(u.cover[sl] > 0):
        if ins_hazards.all():
            insured_loss = dk + dy
        else:
            liv = u.liv[sl]
            covered = np.flatnonzero(ins_hazards)
            insured_loss = (-np.expm1(la_h[:, covered, :].sum(axis=1))[:, liv]
                            * u.assets_exposed[sl]
                            - np.expm1(li_h[:, covered, :].sum(axis=1))[:, liv] * u.income[sl])
        assets = u.assets[sl]
        payout = np.minimum(u.cover[sl] * assets,
                            np.maximum(0.0, insured_loss - u.attach[sl] * assets))
        support = support + payout
    return support, transfer, payout


def _evaluate_block(block: _Block, la: np.ndarray, li: np.ndarray, u: _Units,
                    cop: Coping, table: PhiTable, ins_hazards: np.ndarray,
                    deprivations: ShockDeprivations | None, total_af_people: float,
                    detail_row: int | None = None) -> _BlockResult:
    """Evaluate one area's households in the block's pair-years (formulas: module docstring).

    ``la`` / ``li`` hold ``log(1 - share)`` per (pair, hazard, livelihood), so the compound
    survival of a household is one gather of their sum over hazards; hazards with
    unit-specific measure factors are corrected term by term.
    """
    sl = slice(block.start, block.stop)
    liv = u.liv[sl]
    la_h = la[block.pairs]  # (P, H, L)
    li_h = li[block.pairs]
    la_pl = la_h.sum(axis=1)  # (P, L)
    li_pl = li_h.sum(axis=1)
    fix_a, fix_i = _factor_fixes(la_h, li_h, u, sl, liv)
    log_a = la_pl[:, liv] if fix_a is None else la_pl[:, liv] + fix_a
    log_i = li_pl[:, liv] if fix_i is None else li_pl[:, liv] + fix_i
    asset_share = -np.expm1(log_a)
    dk = asset_share * u.assets_exposed[sl]
    dy = -np.expm1(log_i) * u.income[sl]
    lam = u.lam[sl]
    pi = cop.productivity_of_capital
    total = dk * (1.0 + pi / lam) + dy
    hit = total > 0
    support, transfer, payout = _support(u, sl, dk, dy, total, la_h, li_h, ins_hazards)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.clip(1.0 - support / total, 0.0, 1.0)
    scale[~hit] = 0.0
    cons = u.cons[sl]
    z = scale * ((pi + lam) * dk + lam * dy) / (u.pop[sl] * cons)
    capped = z > cop.max_consumption_drop
    np.minimum(z, cop.max_consumption_drop, out=z)
    wb = table.evaluate(z, u.lam_index[sl]) * (u.pop[sl] * u.wb_coef[sl])
    cons_loss = scale * total
    drop = z * cons
    gap = cons - cop.poverty_line
    pushed = (drop > gap) & (gap > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        years_below = np.log(np.where(pushed, drop / gap, 1.0)) / lam

    w = u.weight[sl]
    wn = w * u.pop[sl]
    shape = dk.shape
    zeros = np.zeros(shape[0])
    year_cols = [
        dk @ w, dy @ w, cons_loss @ w, wb @ w, hit @ wn, pushed @ wn, years_below @ wn,
        capped @ w,
        transfer @ w if transfer is not None else zeros,
        payout @ w if payout is not None else zeros,
    ]
    if deprivations is not None and u.af_base is not None and u.af_poor is not None:
        triggers = {
            "asset_loss_share": asset_share,
            "consumption_drop_share": z,
            "years_below_poverty_line": years_below,
        }
        year_cols += _mpi_change(deprivations, u, sl, triggers, wn / total_af_people)
    else:
        year_cols += [zeros, zeros]
    year_sums = np.stack(year_cols, axis=1)
    unit_sums = np.stack([dk.sum(0), dy.sum(0), cons_loss.sum(0), wb.sum(0), pushed.sum(0),
                          years_below.sum(0)])
    group_sums, hazard_sums = _group_and_hazard_sums(u, sl, la_h, li_h, dk * w, wb * w,
                                                     pushed * w, years_below * w)
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
    kernel: bool = True,
) -> ShockRisk:
    """Run the Monte Carlo over ``n_years`` simulated years and return a :class:`ShockRisk`.

    ``occurrences`` lets several scenarios share the same simulated shocks (common random
    numbers; :func:`humsec.shocks.appraise_measures` does this). ``backend`` runs the dense
    household blocks serially (``numpy``), on a thread pool (numpy releases the GIL) or as Dask
    delayed tasks when Dask is installed; every backend gives identical numbers because block
    results are summed in a fixed order. ``detail_year`` keeps every unit's outcome in that
    simulated year (``ShockRisk.detail``). ``kernel`` uses the compiled numba kernel when numba
    is installed (same numbers as the numpy blocks; ``kernel=False`` forces numpy). Formulas:
    module docstring.
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
    if detail_year is not None and not 0 <= detail_year < n_years:
        raise SpecError(f"detail_year {detail_year} is outside 0..{n_years - 1}",
                        location="simulate(detail_year=...)")
    livelihoods = exp.livelihoods
    cop = scenario.coping
    pair_key, la, li = _pair_log_survival(scenario, occurrences, livelihoods)
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
    af_people = max(float(np.sum(units.weight * units.pop * (
        units.af_valid if units.af_valid is not None else 1.0))), 1e-300)
    deprivations = scenario.deprivations
    fused = HAVE_NUMBA and kernel and detail_year is None

    def run(block: _Block) -> _BlockResult:
        if fused:
            return _evaluate_block_fused(block, la, li, units, cop, table, ins_hazards,
                                         deprivations, af_people)
        row = None
        if detail_year is not None:
            hits = np.flatnonzero(pair_year[block.pairs] == detail_year)
            row = int(hits[0]) if hits.size else None
        return _evaluate_block(block, la, li, units, cop, table, ins_hazards, deprivations,
                               af_people, row)

    blocks = list(_blocks(pair_area, starts, stops, block_size))
    sums = _Sums.empty(len(pair_key), len(exp), len(group_names), len(hazards))
    detail = None
    if detail_year is not None:
        detail = exp.units[["unit_id", "area", "livelihood", "weight", "population"]].copy()
        for col in DETAIL_COLUMNS:
            detail[col] = 0.0
    for res in _map_blocks(run, blocks, backend, workers):
        sums.add(res)
        if detail is not None and res.detail is not None:
            for col, values in res.detail.items():
                detail.loc[res.start:res.stop - 1, col] = values

    return _risk(scenario, sums, units, group_names, c_ref, pair_year, pair_area, n_years,
                 seed, detail)


def _risk(scenario: Scenario, sums: _Sums, units: _Units, group_names: list[str], c_ref: float,
          pair_year: np.ndarray, pair_area: np.ndarray, n_years: int, seed: int,
          detail: pd.DataFrame | None) -> ShockRisk:
    """Year-loss tables from the pair sums: a year's value is the sum over its area pairs."""
    exp = scenario.exposure
    areas = exp.areas
    area_codes = np.searchsorted(np.asarray(areas), exp.units["area"].to_numpy())

    def by_year(values: np.ndarray) -> np.ndarray:
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
        group_year={m: by_year(sums.group[i]) for i, m in enumerate(GROUP_METRICS)},
        hazard_year={m: by_year(sums.hazard[i]) for i, m in enumerate(HAZARD_METRICS)},
        units=per_unit,
        group_people=pd.Series((units.groups * units.weight[:, None]).sum(axis=0),
                               index=group_names, name="people"),
        area_people=pd.Series(np.bincount(area_codes, units.weight * units.pop,
                                          minlength=len(areas)), index=list(areas),
                              name="people"),
        baseline=_baseline(scenario, units, c_ref, group_names),
        notes=tuple(exp.notes) + tuple(f"measure applied: {m}"
                                       for m in scenario.adjustments.applied),
        detail=detail,
        evaluations=int(np.sum(area_units[pair_area])),
    )


def _pair_log_survival(scenario: Scenario, occurrences: Occurrences, livelihoods: list[str]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compound log-survival ``log(1 - share)`` per (area-year pair, hazard, livelihood).

    Measures' intensity changes apply first (``max(0, scale * I + shift)`` in their areas);
    several events of one hazard in a pair add their ``log(1 - v)`` terms, i.e. combine as
    ``1 - prod(1 - v)``. Returns the pair keys ``year * n_areas + area`` and the asset and
    income arrays of shape ``(pairs, hazards, livelihoods)``; pairs where nothing is lost are
    dropped.
    """
    areas = scenario.exposure.areas
    hazards = scenario.hazards.hazard_names
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
    pair_key, pair_of = np.unique(occurrences.year * len(areas) + occurrences.area,
                                  return_inverse=True)
    n_hz, n_liv = len(hazards), len(livelihoods)
    cell = pair_of * n_hz + occurrences.hazard
    size = len(pair_key) * n_hz

    def log_survival(share: np.ndarray) -> np.ndarray:
        return np.stack([np.bincount(cell, np.log1p(-np.minimum(share[:, j], _ALMOST_ONE)),
                                     minlength=size) for j in range(n_liv)],
                        axis=1).reshape(len(pair_key), n_hz, n_liv)

    la, li = log_survival(asset), log_survival(income)
    keep = (la < 0).any(axis=(1, 2)) | (li < 0).any(axis=(1, 2))
    return pair_key[keep], la[keep], li[keep]


#: Per-unit outcomes kept for the detail year (``ShockRisk.detail``).
DETAIL_COLUMNS = ("asset_loss_share", "asset_loss", "income_loss", "consumption_drop_share",
                  "wellbeing_loss", "pushed_into_poverty", "years_below_poverty_line")


@dataclass
class _Sums:
    """Block results gathered in pair and unit order (so every backend sums alike)."""

    year: np.ndarray  # (pairs, len(YEAR_METRICS))
    unit: np.ndarray  # (len(UNIT_METRICS), units)
    group: np.ndarray  # (len(GROUP_METRICS), pairs, groups)
    hazard: np.ndarray  # (len(HAZARD_METRICS), pairs, hazards)

    @classmethod
    def empty(cls, n_pairs: int, n_units: int, n_groups: int, n_hazards: int) -> _Sums:
        return cls(np.zeros((n_pairs, len(YEAR_METRICS))),
                   np.zeros((len(UNIT_METRICS), n_units)),
                   np.zeros((len(GROUP_METRICS), n_pairs, n_groups)),
                   np.zeros((len(HAZARD_METRICS), n_pairs, n_hazards)))

    def add(self, res: _BlockResult) -> None:
        self.year[res.pairs] = res.year_sums
        self.unit[:, res.start:res.stop] += res.unit_sums
        self.group[:, res.pairs] = res.group_sums
        self.hazard[:, res.pairs] = res.hazard_sums


def _map_blocks(run: Callable[[_Block], _BlockResult], blocks: list[_Block], backend: str,
                workers: int) -> Iterator[_BlockResult]:
    """Block results, in block order, from the chosen backend."""
    # The block products are skinny (pairs x households times households x groups): BLAS
    # threads only contend with the block workers, so BLAS runs single-threaded here.
    with threadpool_limits(limits=1, user_api="blas"):
        if backend == "numpy" or workers <= 1 or len(blocks) <= 1:
            yield from map(run, blocks)
        elif backend == "threads":
            with ThreadPoolExecutor(max_workers=workers) as pool:
                yield from pool.map(run, blocks)
        else:
            yield from _dask_map(run, blocks, workers)


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

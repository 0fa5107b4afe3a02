"""One dense block of households x area-year pairs: shocks -> asset, income, consumption and
well-being losses, people pushed into poverty and Alkire-Foster changes.

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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from humsec.shocks.coping import Coping
from humsec.shocks.deprivation_rules import ShockDeprivations
from humsec.shocks.kernel import compiled_kernel
from humsec.shocks.pairs import ALMOST_ONE
from humsec.shocks.units import Units
from humsec.shocks.wellbeing import PhiTable

__all__ = [
    "DETAIL_COLUMNS",
    "GROUP_METRICS",
    "HAZARD_METRICS",
    "UNIT_METRICS",
    "YEAR_METRICS",
    "Block",
    "BlockResult",
    "FusedInputs",
    "area_blocks",
    "evaluate_block",
    "evaluate_block_fused",
    "fused_inputs",
]

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

#: Per-unit outcomes kept for the detail year (``ShockRisk.detail``).
DETAIL_COLUMNS = ("asset_loss_share", "asset_loss", "income_loss", "consumption_drop_share",
                  "wellbeing_loss", "pushed_into_poverty", "years_below_poverty_line")



@dataclass
class Block:
    """One dense ``pairs x households`` block of one area."""

    pairs: np.ndarray  # pair indices (into the pair arrays)
    start: int
    stop: int


@dataclass
class BlockResult:
    pairs: np.ndarray
    start: int
    stop: int
    year_sums: np.ndarray  # (P, len(YEAR_METRICS))
    unit_sums: np.ndarray  # (len(UNIT_METRICS), n)
    group_sums: np.ndarray  # (len(GROUP_METRICS), P, G)
    hazard_sums: np.ndarray  # (len(HAZARD_METRICS), P, H)
    detail: dict[str, np.ndarray] | None = None  # per-unit outcomes in the detail year



def _factor_fixes(la_h: np.ndarray, li_h: np.ndarray, u: Units, sl: slice, liv: np.ndarray
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
            part = np.log1p(-np.minimum(share, ALMOST_ONE)) - term[:, liv]
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


@dataclass
class FusedInputs:
    """Per-unit arrays the compiled kernel reads that do not depend on the pair: computed
    once per simulation (the same elementwise operations the blocks would repeat, so the
    same bytes) and sliced per block."""

    own_support: np.ndarray  # savings + remittances
    delay_factor: np.ndarray  # e^(-lambda d)
    member_share: np.ndarray  # members / household size, (units, groups)
    slopes: np.ndarray  # the well-being table's slopes padded with a zero column
    af_share: np.ndarray | None  # population share counted in M0 and H
    af_gains: list[np.ndarray]  # gain per indicator, in sorted indicator order


def fused_inputs(u: Units, table: PhiTable, deprivations: ShockDeprivations | None,
                 total_af_people: float) -> FusedInputs:
    """The pair-independent kernel inputs of one simulation (:class:`FusedInputs`)."""
    af_share = None
    gains: list[np.ndarray] = []
    if deprivations is not None and u.af_base is not None and u.af_poor is not None:
        valid = u.af_valid if u.af_valid is not None else np.ones(len(u.pop), dtype=bool)
        af_share = u.weight * u.pop * valid / total_af_people
        gains = [u.af_gain[i] for i in sorted({r.indicator for r in deprivations.rules})]
    return FusedInputs(
        own_support=u.savings + u.remit,
        delay_factor=np.exp(-u.lam * u.sp_delay),
        member_share=np.ascontiguousarray(u.groups / u.pop[:, None]),
        slopes=np.pad(table.slopes, ((0, 0), (0, 1))),
        af_share=af_share,
        af_gains=gains,
    )


def _kernel_deprivation_args(deprivations: ShockDeprivations | None, u: Units, sl: slice,
                             prepared: FusedInputs) -> tuple[bool, tuple[Any, ...]]:
    """The deprivation rules as the compiled kernel's flat arrays (empty when switched off):
    base score, poor flag, population share, ``k``, gains per indicator, and per rule its
    indicator row, trigger code and threshold."""
    n = sl.stop - sl.start
    if (deprivations is None or u.af_base is None or u.af_poor is None
            or prepared.af_share is None):
        none = np.zeros(0, dtype=np.int64)
        return False, (np.zeros(n), np.zeros(n, dtype=bool), np.zeros(n), 1.0,
                       np.zeros((0, n)), none, none, np.zeros(0))
    indicators = sorted({r.indicator for r in deprivations.rules})
    codes = {"asset_loss_share": 0, "consumption_drop_share": 1, "years_below_poverty_line": 2}
    return True, (
        u.af_base[sl], u.af_poor[sl], prepared.af_share[sl],
        deprivations.k, np.stack([g[sl] for g in prepared.af_gains]),
        np.array([indicators.index(r.indicator) for r in deprivations.rules]),
        np.array([codes[r.trigger] for r in deprivations.rules]),
        np.array([r.threshold for r in deprivations.rules], dtype=float),
    )


def evaluate_block_fused(block: Block, la: np.ndarray, li: np.ndarray, u: Units,
                          cop: Coping, table: PhiTable, ins_hazards: np.ndarray,
                          deprivations: ShockDeprivations | None, total_af_people: float,
                          prepared: FusedInputs | None = None) -> BlockResult:
    """The same block through the compiled kernel (:mod:`humsec.shocks.kernel`), which also
    sums the group and livelihood totals (:func:`_group_and_hazard_sums` for the numpy
    block). ``prepared`` holds the pair-independent inputs (:func:`fused_inputs`; computed
    here when not given)."""
    if prepared is None:
        prepared = fused_inputs(u, table, deprivations, total_af_people)
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
    dummy = np.zeros((1, 1))  # the fixes are read only when has_fix
    fa = np.ascontiguousarray(fix_a if fix_a is not None else np.zeros(shape)) if has_fix \
        else dummy
    fi = np.ascontiguousarray(fix_i if fix_i is not None else np.zeros(shape)) if has_fix \
        else dummy
    ins_all = bool(ins_hazards.all())
    covered = np.flatnonzero(ins_hazards)
    ins_la = la_pl if ins_all else np.ascontiguousarray(la_h[:, covered, :].sum(axis=1))
    ins_li = li_pl if ins_all else np.ascontiguousarray(li_h[:, covered, :].sum(axis=1))
    af_on, af_args = _kernel_deprivation_args(deprivations, u, sl, prepared)
    n_units = block.stop - block.start
    members = u.groups[sl]
    year_sums = np.zeros((n_pairs, len(YEAR_METRICS)))
    unit_sums = np.zeros((len(UNIT_METRICS), n_units))
    group_sums = np.zeros((len(GROUP_METRICS), n_pairs, members.shape[1]))
    livelihood_sums = np.zeros((2, n_pairs, la_h.shape[2]))
    compiled_kernel()(
        la_pl, li_pl, ins_la, ins_li, liv, u.assets_exposed[sl], u.assets[sl], u.income[sl],
        u.lam[sl], u.pop[sl], u.cons[sl], u.wb_coef[sl], prepared.own_support[sl],
        u.sp_share[sl], u.sp_pc[sl], prepared.delay_factor[sl], u.cover[sl],
        u.attach[sl], u.lam_index[sl], u.weight[sl],
        table.values, prepared.slopes, table.step, table.z_max,
        cop.productivity_of_capital, cop.poverty_line,
        bool(np.any(u.sp_share[sl] > 0) or np.any(u.sp_pc[sl] > 0)),
        bool(np.any(u.cover[sl] > 0)), ins_all, has_fix, fa, fi,
        af_on, *af_args, members, prepared.member_share[sl],
        year_sums, unit_sums, group_sums, livelihood_sums,
    )
    hazard_sums = _hazard_attribution(la_h, li_h, livelihood_sums[0], livelihood_sums[1])
    return BlockResult(block.pairs, block.start, block.stop, year_sums, unit_sums,
                        group_sums, hazard_sums)


def _group_and_hazard_sums(u: Units, sl: slice, la_h: np.ndarray, li_h: np.ndarray,
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


def _mpi_change(deprivations: ShockDeprivations, u: Units, sl: slice,
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


def _support(u: Units, sl: slice, dk: np.ndarray, dy: np.ndarray, total: np.ndarray,
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


def evaluate_block(block: Block, la: np.ndarray, li: np.ndarray, u: Units,
                    cop: Coping, table: PhiTable, ins_hazards: np.ndarray,
                    deprivations: ShockDeprivations | None, total_af_people: float,
                    detail_row: int | None = None) -> BlockResult:
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
    return BlockResult(block.pairs, block.start, block.stop, year_sums, unit_sums,
                        group_sums, hazard_sums, detail)



def area_blocks(pair_area: np.ndarray, starts: np.ndarray, stops: np.ndarray, block_size: int
            ) -> Iterator[Block]:
    order = np.argsort(pair_area, kind="stable")
    bounds = np.searchsorted(pair_area[order], np.arange(len(starts) + 1))
    for a in range(len(starts)):
        pairs = order[bounds[a]:bounds[a + 1]]
        size = int(stops[a] - starts[a])
        if pairs.size == 0 or size == 0:
            continue
        step = max(1, block_size // size)
        for i in range(0, len(pairs), step):
            yield Block(pairs[i:i + step], int(starts[a]), int(stops[a]))


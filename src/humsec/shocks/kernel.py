"""A fused, compiled version of the engine's block evaluation (numba, optional).

The numpy block in :mod:`humsec.shocks.blocks` makes some forty passes over a dense
``pairs x households`` array, each with its own temporary. This kernel computes exactly the same
formulas in one pass per household-year with no temporaries, and releases the GIL so that
blocks run in parallel threads. When numba is not installed the engine uses the numpy block;
tests check that both give the same numbers (to floating-point summation order).

What keeps the pass short (each change gives the same numbers as the straightforward loop):

* the loss shares ``1 - e^(log S)`` depend on the pair and the livelihood only, unless a
  measure scales a hazard for some households, so they are computed once per (pair,
  livelihood) before the household loop, not once per household-year;
* the deprivation rules fire rarely: the indicators a shock deprives are a bit mask, and a
  household-year whose mask is empty (and whose poverty status is unchanged) adds exactly
  zero to the M0 and H changes, so it is skipped;
* the group and livelihood totals (for the group tables and the hazard attribution) are
  accumulated in the same pass instead of being written to four dense ``pairs x households``
  arrays and multiplied out afterwards, into small per-pair accumulators that are added to
  the output once per pair (the output arrays start at zero and each accumulator adds the
  households in the same order, so the sums are the same bytes; about 5 % less time than
  adding into the output arrays, which the compiler cannot keep out of memory).

``numba`` compiles the kernel once and caches it on disk (``cache=True``), so later processes
load it instead of compiling it; :func:`compiled_kernel` imports numba and loads the kernel
on first use only.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from typing import Any

import numpy as np

#: numba is optional: the numpy block is the reference implementation. It is imported (and
#: the kernel loaded from its cache) only when a simulation first uses the kernel, so that
#: importing humsec.shocks does not pay numba's ~0.5 s import.
HAVE_NUMBA = importlib.util.find_spec("numba") is not None

__all__ = ["HAVE_NUMBA", "MAX_KERNEL_INDICATORS", "compiled_kernel"]

#: Deprivation indicators the kernel's bit mask can hold (more fall back to the numpy block).
MAX_KERNEL_INDICATORS = 62


def _fused_block_py(
    la_pl: np.ndarray, li_pl: np.ndarray, ins_la: np.ndarray, ins_li: np.ndarray,
    liv: np.ndarray, assets_exposed: np.ndarray, assets: np.ndarray, income: np.ndarray,
    lam: np.ndarray, pop: np.ndarray, cons: np.ndarray, wb_coef: np.ndarray,
    own_support: np.ndarray, sp_share: np.ndarray, sp_pc: np.ndarray, delay_factor: np.ndarray,
    cover: np.ndarray, attach: np.ndarray, lam_index: np.ndarray, weight: np.ndarray,
    table_values: np.ndarray, table_slopes: np.ndarray, step: float, z_max: float,
    pi: float, poverty_line: float, has_sp: bool, has_ins: bool, ins_all: bool,
    has_fix: bool, fix_a: np.ndarray, fix_i: np.ndarray,
    af_on: bool, af_base: np.ndarray, af_poor: np.ndarray, af_valid_w: np.ndarray,
    af_k: float, af_gain: np.ndarray, rule_indicator: np.ndarray, rule_trigger: np.ndarray,
    rule_threshold: np.ndarray, members: np.ndarray, member_share: np.ndarray,
    year_sums: np.ndarray, unit_sums: np.ndarray, group_sums: np.ndarray,
    livelihood_sums: np.ndarray,
) -> None:
    """Add one block's outcomes into the output arrays (formulas: :mod:`humsec.shocks.blocks`).

    ``year_sums`` columns follow ``blocks.YEAR_METRICS`` (0 asset, 1 income, 2 consumption,
    3 well-being loss, 4 people affected, 5 pushed into poverty, 6 poverty person-years, 7 capped
    units, 8 transfers, 9 payouts, 10-11 M0/H change); ``unit_sums`` rows follow
    ``blocks.UNIT_METRICS``; ``group_sums`` rows follow ``blocks.GROUP_METRICS`` per (pair,
    group), from the weighted outcomes times ``member_share`` (members / household size: losses
    are shared equally) or ``members`` (people pushed into poverty); ``livelihood_sums`` holds
    the weighted asset and well-being losses per (pair, livelihood). The engine's
    kernel-versus-numpy test guards this layout.
    """
    n_pairs = la_pl.shape[0]
    n_liv = la_pl.shape[1]
    n_units = liv.shape[0]
    n_points = table_values.shape[1]
    n_ind = af_gain.shape[0]
    n_rules = rule_indicator.shape[0]
    n_groups = members.shape[1]
    # Per-household constants, hoisted out of the pair loop (no divisions in the hot path
    # except support / total).
    k_total = np.empty(n_units)
    k_drop = np.empty(n_units)
    inv_pc = np.empty(n_units)
    wb_scale = np.empty(n_units)
    gap_line = np.empty(n_units)
    for j in range(n_units):
        k_total[j] = 1.0 + pi / lam[j]
        k_drop[j] = 1.0 / (pop[j] * cons[j])
        inv_pc[j] = 1.0 / lam[j]
        wb_scale[j] = pop[j] * wb_coef[j]
        gap_line[j] = cons[j] - poverty_line
    # Loss shares per (pair, livelihood): the same expm1 the household loop would compute.
    share_a = np.empty((n_pairs, n_liv))
    share_i = np.empty((n_pairs, n_liv))
    ins_share_a = np.empty((n_pairs, n_liv))
    ins_share_i = np.empty((n_pairs, n_liv))
    for p in range(n_pairs):
        for v in range(n_liv):
            share_a[p, v] = -math.expm1(la_pl[p, v])
            share_i[p, v] = -math.expm1(li_pl[p, v])
            ins_share_a[p, v] = -math.expm1(ins_la[p, v])
            ins_share_i[p, v] = -math.expm1(ins_li[p, v])
    inv_step = 1.0 / step
    g_acc = np.zeros((4, n_groups))
    l_acc = np.zeros((2, n_liv))
    for p in range(n_pairs):
        g_acc[:] = 0.0
        l_acc[:] = 0.0
        # this pair's year sums, in registers (added in the same order as in year_sums)
        s_dk = s_dy = s_cons = s_wb = s_people = s_pushed = s_years = s_capped = 0.0
        s_transfer = s_payout = s_m0 = s_h = 0.0
        for j in range(n_units):
            lv = liv[j]
            if has_fix:
                asset_share = -math.expm1(la_pl[p, lv] + fix_a[p, j])
                income_share = -math.expm1(li_pl[p, lv] + fix_i[p, j])
            else:
                asset_share = share_a[p, lv]
                income_share = share_i[p, lv]
            dk = asset_share * assets_exposed[j]
            dy = income_share * income[j]
            lj = lam[j]
            total = dk * k_total[j] + dy
            if total <= 0.0:
                continue
            support = own_support[j]
            transfer = 0.0
            if has_sp:
                transfer = min(sp_share[j] * dk + sp_pc[j] * pop[j], delay_factor[j] * total)
                support += transfer
            payout = 0.0
            if has_ins:
                if ins_all:
                    insured = dk + dy
                else:
                    insured = (ins_share_a[p, lv] * assets_exposed[j]
                               + ins_share_i[p, lv] * income[j])
                payout = min(cover[j] * assets[j], max(0.0, insured - attach[j] * assets[j]))
                support += payout
            scale = 1.0 - support / total
            scale = 0.0 if scale < 0.0 else (1.0 if scale > 1.0 else scale)
            c = cons[j]
            z = scale * ((pi + lj) * dk + lj * dy) * k_drop[j]
            capped = z > z_max
            if capped:
                z = z_max
            pos = z * inv_step
            if pos < 0.0:
                pos = 0.0
            if pos > n_points - 1.0:
                pos = n_points - 1.0
            idx = int(pos)
            if idx > n_points - 2:
                idx = n_points - 2
            r = lam_index[j]
            phi = table_values[r, idx] + (pos - idx) * table_slopes[r, idx]
            wb = phi * wb_scale[j]
            cons_loss = scale * total
            drop = z * c
            gap = gap_line[j]
            pushed = gap > 0.0 and drop > gap
            years_below = math.log(drop / gap) * inv_pc[j] if pushed else 0.0
            w = weight[j]
            wn = w * pop[j]
            dk_w = dk * w
            wb_w = wb * w
            s_dk += dk_w
            s_dy += dy * w
            s_cons += cons_loss * w
            s_wb += wb_w
            s_people += wn
            if pushed:
                s_pushed += wn
                s_years += years_below * wn
            if capped:
                s_capped += w
            s_transfer += transfer * w
            s_payout += payout * w
            unit_sums[0, j] += dk
            unit_sums[1, j] += dy
            unit_sums[2, j] += cons_loss
            unit_sums[3, j] += wb
            for g in range(n_groups):
                share = member_share[j, g]
                g_acc[0, g] += dk_w * share
                g_acc[1, g] += wb_w * share
            l_acc[0, lv] += dk_w
            l_acc[1, lv] += wb_w
            if pushed:
                unit_sums[4, j] += 1.0
                unit_sums[5, j] += years_below
                years_w = years_below * w
                for g in range(n_groups):
                    g_acc[2, g] += w * members[j, g]
                    g_acc[3, g] += years_w * members[j, g]
            if af_on:
                # the indicators this shock deprives, as a bit mask
                mask = 0
                for q in range(n_rules):
                    trig = rule_trigger[q]
                    value = asset_share if trig == 0 else (z if trig == 1 else years_below)
                    if value >= rule_threshold[q]:
                        mask |= 1 << rule_indicator[q]
                base = af_base[j]
                poor0 = af_poor[j]
                if mask == 0 and (base >= af_k - 1e-9) == poor0:
                    continue  # nothing changes: both differences below are exactly zero
                added = 0.0
                for k in range(n_ind):
                    if (mask >> k) & 1:
                        added += af_gain[k, j]
                new = base + added
                poor1 = new >= af_k - 1e-9
                s_m0 += ((new if poor1 else 0.0) - (base if poor0 else 0.0)) \
                    * af_valid_w[j]
                s_h += ((1.0 if poor1 else 0.0) - (1.0 if poor0 else 0.0)) \
                    * af_valid_w[j]
        for m in range(4):
            for g in range(n_groups):
                group_sums[m, p, g] += g_acc[m, g]
        for v in range(n_liv):
            livelihood_sums[0, p, v] += l_acc[0, v]
            livelihood_sums[1, p, v] += l_acc[1, v]
        for col, value in enumerate((s_dk, s_dy, s_cons, s_wb, s_people, s_pushed, s_years,
                                     s_capped, s_transfer, s_payout, s_m0, s_h)):
            year_sums[p, col] += value


_LOCK = threading.Lock()
_COMPILED: list[Any] = []


def compiled_kernel() -> Any:
    """The compiled kernel (same arguments as :func:`_fused_block_py`): numba's ``njit`` with
    ``nogil`` and the on-disk cache, made on first use (under a lock, so threads that start
    simulations together load it once)."""
    with _LOCK:
        if not _COMPILED:
            from numba import njit

            _COMPILED.append(njit(nogil=True, cache=True, fastmath=False)(_fused_block_py))
        return _COMPILED[0]

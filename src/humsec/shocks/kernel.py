"""A fused, compiled version of the engine's block evaluation (numba, optional).

The numpy block in :mod:`humsec.shocks.blocks` makes some forty passes over a dense
``pairs x households`` array, each with its own temporary. This kernel computes exactly the same
formulas in one pass per household-year with no temporaries, and releases the GIL so that
blocks run in parallel threads. When numba is not installed the engine uses the numpy block;
tests check that both give the same numbers (to floating-point summation order).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

try:  # numba is optional: the numpy block is the reference implementation.
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    HAVE_NUMBA = False

__all__ = ["HAVE_NUMBA", "fused_block"]


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
    rule_threshold: np.ndarray,
    year_sums: np.ndarray, unit_sums: np.ndarray, dk_w: np.ndarray, wb_w: np.ndarray,
    pushed_w: np.ndarray, years_w: np.ndarray,
) -> None:
    """Add one block's outcomes into the output arrays (formulas: :mod:`humsec.shocks.blocks`).

    ``year_sums`` columns follow ``blocks.YEAR_METRICS`` (0 asset, 1 income, 2 consumption,
    3 well-being loss, 4 people affected, 5 pushed into poverty, 6 poverty person-years, 7 capped
    units, 8 transfers, 9 payouts, 10-11 M0/H change); ``unit_sums`` rows follow
    ``blocks.UNIT_METRICS``. The engine's kernel-versus-numpy test guards this layout.
    """
    n_pairs = la_pl.shape[0]
    n_units = liv.shape[0]
    n_points = table_values.shape[1]
    n_ind = af_gain.shape[0]
    fired = np.zeros(max(n_ind, 1), dtype=np.bool_)
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
    inv_step = 1.0 / step
    for p in range(n_pairs):
        for j in range(n_units):
            lv = liv[j]
            log_a = la_pl[p, lv]
            log_i = li_pl[p, lv]
            if has_fix:
                log_a += fix_a[p, j]
                log_i += fix_i[p, j]
            asset_share = -math.expm1(log_a)
            dk = asset_share * assets_exposed[j]
            dy = -math.expm1(log_i) * income[j]
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
                    insured = (-math.expm1(ins_la[p, lv]) * assets_exposed[j]
                               - math.expm1(ins_li[p, lv]) * income[j])
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
            year_sums[p, 0] += dk * w
            year_sums[p, 1] += dy * w
            year_sums[p, 2] += cons_loss * w
            year_sums[p, 3] += wb * w
            year_sums[p, 4] += wn
            if pushed:
                year_sums[p, 5] += wn
                year_sums[p, 6] += years_below * wn
            if capped:
                year_sums[p, 7] += w
            year_sums[p, 8] += transfer * w
            year_sums[p, 9] += payout * w
            unit_sums[0, j] += dk
            unit_sums[1, j] += dy
            unit_sums[2, j] += cons_loss
            unit_sums[3, j] += wb
            if pushed:
                unit_sums[4, j] += 1.0
                unit_sums[5, j] += years_below
            dk_w[p, j] = dk * w
            wb_w[p, j] = wb * w
            if pushed:
                pushed_w[p, j] = w
                years_w[p, j] = years_below * w
            if af_on:
                for k in range(n_ind):
                    fired[k] = False
                for q in range(rule_indicator.shape[0]):
                    trig = rule_trigger[q]
                    value = asset_share if trig == 0 else (z if trig == 1 else years_below)
                    if value >= rule_threshold[q]:
                        fired[rule_indicator[q]] = True
                added = 0.0
                for k in range(n_ind):
                    if fired[k]:
                        added += af_gain[k, j]
                base = af_base[j]
                new = base + added
                poor1 = new >= af_k - 1e-9
                poor0 = af_poor[j]
                year_sums[p, 10] += ((new if poor1 else 0.0) - (base if poor0 else 0.0)) \
                    * af_valid_w[j]
                year_sums[p, 11] += ((1.0 if poor1 else 0.0) - (1.0 if poor0 else 0.0)) \
                    * af_valid_w[j]


fused_block: Any = (njit(nogil=True, cache=True, fastmath=False)(_fused_block_py)
                    if HAVE_NUMBA else None)
"""The compiled kernel (``None`` without numba); same arguments as the Python function."""

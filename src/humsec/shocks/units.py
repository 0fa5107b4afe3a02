"""Per-unit arrays of one scenario: what every household brings into a shock year.

Exposure columns, coping terms (savings used, remittance response, enrolment in transfers and
insurance), measure factors, vulnerable-group members and the Alkire-Foster baseline, as
contiguous arrays in exposure order that the block evaluation (:mod:`humsec.shocks.blocks`)
slices by area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humsec.shocks.enrolment import insurance, per_unit, transfers
from humsec.shocks.exposure import Exposure
from humsec.shocks.model import Scenario

__all__ = ["Units", "deprivation_arrays", "group_matrix", "unit_arrays"]


@dataclass
class Units:
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



def group_matrix(scenario: Scenario) -> tuple[np.ndarray, list[str]]:
    exp = scenario.exposure
    pop = exp.column("population")
    poor = exp.column("consumption") < scenario.coping.poverty_line
    cols = {"people_in_poverty": pop * poor}
    for g in exp.groups.columns:
        cols[str(g)] = exp.groups[g].to_numpy(dtype=float)
    names = [g for g in scenario.framework.group_ids if g in cols]
    return np.stack([cols[g] for g in names], axis=1), names


def deprivation_arrays(scenario: Scenario) -> tuple[np.ndarray | None, np.ndarray | None,
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



def _livelihood_codes(exp: Exposure, livelihoods: list[str]) -> np.ndarray:
    """Each unit's position in ``livelihoods`` (the exposure's own, cached, when they match)."""
    if list(livelihoods) == exp.livelihoods:
        return exp.livelihood_codes
    return np.searchsorted(np.asarray(livelihoods), exp.units["livelihood"].to_numpy())


def unit_arrays(scenario: Scenario, seed: int, hazards: list[str], livelihoods: list[str],
           rates: list[float]) -> tuple[Units, list[str], float]:
    """Per-unit arrays of one scenario, its group names and the reference consumption.

    ``c_ref`` is the weighted mean consumption per person unless the coping spec fixes it;
    ``lambda = ln(20) / T`` times any measure's recovery factor; the well-being coefficient
    is ``c0^(1-eta) c_ref^eta`` (equivalent consumption loss = coefficient x ``Phi(z)``).
    """
    exp, cop, adj = scenario.exposure, scenario.coping, scenario.adjustments
    n = len(exp)
    groups, names = group_matrix(scenario)
    pop = exp.column("population")
    weight = exp.column("weight")
    cons = exp.column("consumption")
    c_ref = cop.reference_consumption or float(np.sum(weight * pop * cons) / np.sum(weight * pop))

    def arr(value: np.ndarray | None, default: float) -> np.ndarray:
        return per_unit(value, default, n)

    lam = cop.reconstruction_rate * arr(adj.recovery_factor, 1.0)
    rate_values = np.asarray(rates)
    lam_index = np.searchsorted(rate_values, lam)

    sp_share, sp_pc, sp_delay = transfers(scenario, seed, groups, names)
    insured, attach, cover = insurance(scenario, seed)

    hidx = {h: i for i, h in enumerate(hazards)}
    af = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.asset_factor.items() if h in hidx}
    inf = {hidx[h]: np.asarray(v, dtype=float) for h, v in adj.income_factor.items() if h in hidx}

    af_base, af_poor, af_gain, af_valid = deprivation_arrays(scenario)

    units = Units(
        weight=weight, pop=pop, cons=cons, income=exp.column("income"),
        assets_exposed=exp.column("assets") * arr(adj.exposed_share, 1.0),
        assets=exp.column("assets"),
        savings=exp.column("savings") * cop.savings_use + arr(adj.savings_add, 0.0),
        remit=exp.column("remittances") * (cop.remittance_response
                                           + arr(adj.remittance_response, 0.0)),
        liv=_livelihood_codes(exp, livelihoods),
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


"""Event-by-event impacts of an event set (CLIMADA ``ImpactCalc``), without Monte Carlo.

For event ``e`` with intensity ``I_ea`` in area ``a``, the asset impact is

    impact_e = sum_a sum_l f_l(I_ea) * A_al,

where ``f_l`` is the asset-loss impact function of livelihood ``l`` and ``A_al`` the exposed
assets of livelihood ``l`` in area ``a`` (survey-weighted). Income impacts use the income-loss
functions and incomes. The expected annual impact is ``sum_e f_e impact_e`` and the exceedance
curve is the occurrence (per-event) curve of CLIMADA. For a single hazard whose events rarely
coincide in a year, the Monte Carlo EAI of :func:`humsec.shocks.simulate` converges to this value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from humsec.shocks.events import EventSet
from humsec.shocks.exposure import Exposure
from humsec.shocks.metrics import ExceedanceCurve, exceedance_curve
from humsec.shocks.vulnerability import ImpactFunctionSet

__all__ = ["EventImpact", "event_impacts"]


@dataclass(frozen=True)
class EventImpact:
    """Per-event asset and income impacts, in total and per area (sparse ``events x areas``)."""

    event_ids: tuple[str, ...]
    frequency: np.ndarray
    asset_loss: np.ndarray
    income_loss: np.ndarray
    asset_loss_by_area: sp.csr_matrix
    areas: tuple[str, ...]

    def eai(self, metric: str = "asset_loss") -> float:
        """``sum_e f_e impact_e`` (CLIMADA ``aai_agg``)."""
        return float(np.dot(self.frequency, getattr(self, metric)))

    def eai_by_area(self) -> pd.Series:
        """Expected annual asset impact per area (CLIMADA ``eai_exp`` summed by area)."""
        values = self.asset_loss_by_area.T @ self.frequency
        return pd.Series(np.asarray(values).ravel(), index=list(self.areas), name="eai")

    def exceedance(self, metric: str = "asset_loss") -> ExceedanceCurve:
        """Occurrence exceedance curve of per-event impacts."""
        return exceedance_curve(getattr(self, metric), self.frequency)

    def at_return_periods(self, return_periods: Sequence[float], metric: str = "asset_loss"
                          ) -> np.ndarray:
        """Per-event impacts at ``return_periods``."""
        return self.exceedance(metric).at(return_periods)

    def to_frame(self) -> pd.DataFrame:
        """One row per event: id, frequency, asset and income loss."""
        return pd.DataFrame({"event": self.event_ids, "frequency": self.frequency,
                             "asset_loss": self.asset_loss, "income_loss": self.income_loss})


def event_impacts(event_set: EventSet, exposure: Exposure,
                  impact_functions: ImpactFunctionSet) -> EventImpact:
    """Deterministic impact of every event of ``event_set`` on ``exposure`` (module docstring).

    Vectorised over the sparse footprint: one interpolation per livelihood over all
    (event, area) entries.
    """
    areas = exposure.areas
    livelihoods = exposure.livelihoods
    fp = event_set.footprint_matrix(areas).tocoo()
    units = exposure.units
    area_idx = np.searchsorted(np.asarray(areas), units["area"].to_numpy())
    liv_idx = np.searchsorted(np.asarray(livelihoods), units["livelihood"].to_numpy())
    weight = exposure.column("weight")
    shape = (len(areas), len(livelihoods))
    assets = np.zeros(shape)
    income = np.zeros(shape)
    np.add.at(assets, (area_idx, liv_idx), weight * exposure.column("assets"))
    np.add.at(income, (area_idx, liv_idx), weight * exposure.column("income"))
    asset_entry = np.zeros(fp.nnz)
    income_entry = np.zeros(fp.nnz)
    for j, liv in enumerate(livelihoods):
        f = impact_functions.lookup(event_set.hazard, liv)
        asset_entry += f.asset_share(fp.data) * assets[fp.col, j]
        income_entry += f.income_share(fp.data) * income[fp.col, j]
    n_events = len(event_set.events)
    by_area = sp.csr_matrix((asset_entry, (fp.row, fp.col)), shape=(n_events, len(areas)))
    return EventImpact(
        event_ids=tuple(e.id for e in event_set.events),
        frequency=event_set.frequencies,
        asset_loss=np.bincount(fp.row, asset_entry, minlength=n_events),
        income_loss=np.bincount(fp.row, income_entry, minlength=n_events),
        asset_loss_by_area=by_area,
        areas=tuple(areas),
    )

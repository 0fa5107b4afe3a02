"""The result of a shock simulation: year-loss tables and risk metrics by area, group, hazard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from humsec.errors import SpecError, did_you_mean
from humsec.shocks.metrics import ExceedanceCurve, exceedance_curve, year_frequencies

__all__ = ["DEFAULT_RETURN_PERIODS", "ShockRisk"]

DEFAULT_RETURN_PERIODS = (5, 10, 20, 50, 100, 250)

By = Literal["area", "group", "hazard"] | None


@dataclass(frozen=True)
class ShockRisk:
    """Simulated downside risk of one scenario.

    * ``year`` - the year-loss table (one row per simulated year): asset, income, consumption and
      well-being losses (money; well-being as equivalent consumption loss), people affected,
      people pushed below the poverty line, poverty person-years added, units whose consumption
      drop was capped, and (with deprivations) the change in M0 and H;
    * ``area_year`` / ``group_year`` / ``hazard_year`` - ``years x area|group|hazard`` arrays of
      the main metrics (hazard shares of a compound year are attributed in proportion to each
      hazard's log-survival term);
    * ``area_hazard`` - ``areas x hazards`` arrays of the expected annual asset and
      well-being loss of each hazard in each area (the same attribution, summed per area;
      :meth:`by_area_hazard`);
    * ``units`` - expected annual values per household or cell.

    Expected annual impact (EAI) is the mean over simulated years (each year has frequency
    ``1/N``); exceedance curves and return-period impacts follow CLIMADA conventions
    (:mod:`humsec.shocks.metrics`).
    """

    scenario: str
    n_years: int
    seed: int
    areas: tuple[str, ...]
    groups: tuple[str, ...]
    hazards: tuple[str, ...]
    threats: dict[str, str]
    year: pd.DataFrame
    area_year: dict[str, np.ndarray]
    group_year: dict[str, np.ndarray]
    hazard_year: dict[str, np.ndarray]
    units: pd.DataFrame
    group_people: pd.Series
    area_people: pd.Series
    baseline: dict[str, float]
    notes: tuple[str, ...] = field(default_factory=tuple)
    detail: pd.DataFrame | None = None
    evaluations: int = 0
    """Household x pair-year evaluations the engine made (a work count for benchmarks)."""
    area_hazard: dict[str, np.ndarray] = field(default_factory=dict)

    def year_at_return_period(self, return_period: float = 20,
                              metric: str = "wellbeing_loss") -> int:
        """The simulated year whose ``metric`` ranks at ``return_period``: the
        ``round(N / RP)``-th largest year (a representative "1-in-RP" year)."""
        if return_period < 1 or return_period > self.n_years:
            raise SpecError(f"return period {return_period} is outside 1..{self.n_years}",
                            location="year_at_return_period")
        values = self._matrix(metric, None)[0][:, 0]
        rank = max(1, round(self.n_years / return_period))
        return int(np.argsort(-values, kind="stable")[rank - 1])

    # -- selection ----------------------------------------------------------------------------
    def _matrix(self, metric: str, by: By) -> tuple[np.ndarray, list[str]]:
        if by is None:
            if metric not in self.year.columns:
                raise SpecError(f"unknown metric {metric!r}", location="ShockRisk",
                                hint=did_you_mean(metric, self.year.columns)
                                or f"use one of {list(self.year.columns)}")
            return self.year[[metric]].to_numpy(), ["total"]
        table, labels = {
            "area": (self.area_year, list(self.areas)),
            "group": (self.group_year, list(self.groups)),
            "hazard": (self.hazard_year, list(self.hazards)),
        }.get(by, ({}, []))
        if not labels and by not in ("area", "group", "hazard"):
            raise SpecError(f"unknown breakdown {by!r}", location="ShockRisk",
                            hint="use by='area', 'group' or 'hazard'")
        if metric not in table:
            raise SpecError(f"metric {metric!r} is not available by {by}", location="ShockRisk",
                            hint=f"available by {by}: {sorted(table)}")
        return table[metric], labels

    # -- metrics ------------------------------------------------------------------------------
    def eai(self, metric: str = "asset_loss", by: By = None) -> pd.Series:
        """Expected annual impact ``sum_y (1/N) impact_y``, in total or by area/group/hazard."""
        values, labels = self._matrix(metric, by)
        return pd.Series(values.mean(axis=0), index=labels, name=f"eai_{metric}")

    def exceedance(self, metric: str = "asset_loss", by: By = None,
                   key: str | None = None) -> ExceedanceCurve:
        """Aggregate exceedance curve of yearly ``metric`` (total, or one area/group/hazard)."""
        values, labels = self._matrix(metric, by)
        col = 0
        if by is not None:
            if key not in labels:
                raise SpecError(f"{by} {key!r} not in the result", location="ShockRisk",
                                hint=did_you_mean(str(key), labels) or f"use one of {labels}")
            col = labels.index(str(key))
        return exceedance_curve(values[:, col], year_frequencies(self.n_years))

    def at_return_periods(self, return_periods: Sequence[float] = DEFAULT_RETURN_PERIODS,
                          metric: str = "asset_loss", by: By = None) -> pd.DataFrame:
        """Yearly ``metric`` at ``return_periods`` (rows) in total or per area/group/hazard.

        Return periods longer than the simulation are clamped to the largest simulated year
        and listed in the ``beyond_simulation`` column.
        """
        values, labels = self._matrix(metric, by)
        freq = year_frequencies(self.n_years)
        out = pd.DataFrame(
            {lab: exceedance_curve(values[:, j], freq).at(return_periods)
             for j, lab in enumerate(labels)},
            index=pd.Index(list(return_periods), name="return_period"),
        )
        out["beyond_simulation"] = np.asarray(return_periods, dtype=float) > self.n_years
        return out

    def pml(self, return_period: float = 250, metric: str = "asset_loss") -> float:
        """Probable maximum loss: the yearly ``metric`` at ``return_period`` (aggregate basis)."""
        return float(self.exceedance(metric).at([return_period])[0])

    def resilience(self, by: By = None) -> pd.Series:
        """Socio-economic resilience = EAI asset loss / EAI well-being loss (Hallegatte 2017)."""
        asset = self.eai("asset_loss", by)
        wb = self.eai("wellbeing_loss", by)
        out = asset / wb.where(wb > 0)
        out.name = "resilience"
        return out

    # -- tables -------------------------------------------------------------------------------
    def by_group(self) -> pd.DataFrame:
        """Per vulnerable group: people, EAI asset and well-being loss (total and per person),
        resilience and people pushed below the poverty line per year."""
        people = self.group_people
        out = pd.DataFrame({
            "people": people,
            "eai_asset_loss": self.eai("asset_loss", "group"),
            "eai_wellbeing_loss": self.eai("wellbeing_loss", "group"),
            "pushed_into_poverty_per_year": self.eai("people_pushed_into_poverty", "group"),
            "poverty_person_years_per_year": self.eai("poverty_person_years", "group"),
        })
        pos = people.where(people > 0)
        out["asset_loss_per_person"] = out["eai_asset_loss"] / pos
        out["wellbeing_loss_per_person"] = out["eai_wellbeing_loss"] / pos
        out["resilience"] = self.resilience("group")
        out.index.name = "group"
        return out

    def by_area(self) -> pd.DataFrame:
        """Per area: people, EAI asset and well-being loss, resilience, 1-in-20 and 1-in-100
        year asset losses, people pushed into poverty per year."""
        out = pd.DataFrame({
            "people": self.area_people,
            "eai_asset_loss": self.eai("asset_loss", "area"),
            "eai_wellbeing_loss": self.eai("wellbeing_loss", "area"),
            "pushed_into_poverty_per_year": self.eai("people_pushed_into_poverty", "area"),
            "poverty_person_years_per_year": self.eai("poverty_person_years", "area"),
        })
        out["resilience"] = self.resilience("area")
        rp = self.at_return_periods([20, 100], "asset_loss", "area")
        out["asset_loss_rp20"] = rp.loc[20, list(self.areas)].to_numpy(dtype=float)
        out["asset_loss_rp100"] = rp.loc[100, list(self.areas)].to_numpy(dtype=float)
        out.index.name = "area"
        return out

    def by_hazard(self) -> pd.DataFrame:
        """Per hazard: framework threat, EAI asset and well-being loss (attributed)."""
        out = pd.DataFrame({
            "threat": [self.threats.get(h, "") for h in self.hazards],
            "eai_asset_loss": self.eai("asset_loss", "hazard").to_numpy(),
            "eai_wellbeing_loss": self.eai("wellbeing_loss", "hazard").to_numpy(),
        }, index=pd.Index(list(self.hazards), name="hazard"))
        out["resilience"] = out["eai_asset_loss"] / out["eai_wellbeing_loss"].where(
            out["eai_wellbeing_loss"] > 0)
        return out

    def by_area_hazard(self) -> pd.DataFrame:
        """Per area and hazard: framework threat, EAI asset and well-being loss, the hazard's
        share of the area's attributed EAI well-being loss and its rank in the area (1 = the
        dominant hazard; ties broken by hazard name).

        ``EAI_ah = (1/N) sum_y sum_l loss_yal * log S_yhal / log S_yal``: each area-year's
        losses (per livelihood ``l``) split between the hazards that hit it by their share of
        the log-survival, as :meth:`by_hazard`, but kept per area (Hallegatte et al. 2017's
        asset and well-being losses; attribution: :mod:`humsec.shocks.blocks`). Summed over
        areas it is :meth:`by_hazard`'s EAI; over hazards, the area's attributed EAI.
        """
        if not self.area_hazard:
            raise SpecError("this result has no loss by area x hazard",
                            location="ShockRisk.by_area_hazard",
                            hint="simulate it with humsec.shocks.simulate")
        n_a, n_h = len(self.areas), len(self.hazards)
        asset = self.area_hazard["asset_loss"]
        wellbeing = self.area_hazard["wellbeing_loss"]
        out = pd.DataFrame({
            "area": np.repeat(np.asarray(self.areas, dtype=object), n_h),
            "hazard": np.tile(np.asarray(self.hazards, dtype=object), n_a),
            "threat": np.tile(np.asarray([self.threats.get(h, "") for h in self.hazards],
                                         dtype=object), n_a),
            "eai_asset_loss": asset.ravel(),
            "eai_wellbeing_loss": wellbeing.ravel(),
        })
        area_total = np.repeat(wellbeing.sum(axis=1), n_h)
        out["share_of_area_wellbeing_loss"] = np.divide(
            out["eai_wellbeing_loss"].to_numpy(), area_total,
            out=np.full(len(out), np.nan), where=area_total > 0)
        ranked = out.sort_values(["area", "eai_wellbeing_loss", "hazard"],
                                 ascending=[True, False, True])
        out["rank_in_area"] = ranked.groupby("area", sort=False).cumcount().reindex(
            out.index).to_numpy() + 1
        return out

    def summary(self, return_periods: Sequence[float] = DEFAULT_RETURN_PERIODS
                ) -> dict[str, float]:
        """Headline numbers: EAIs, resilience, PMLs and poverty effects."""
        out: dict[str, float] = {"years": float(self.n_years)}
        for metric in self.year.columns:
            out[f"eai_{metric}"] = float(self.year[metric].mean())
        wb = out["eai_wellbeing_loss"]
        out["resilience"] = out["eai_asset_loss"] / wb if wb > 0 else float("nan")
        curve = self.exceedance("asset_loss")
        for rp, value in zip(return_periods, curve.at(return_periods), strict=True):
            out[f"asset_loss_rp{rp:g}"] = float(value)
        wcurve = self.exceedance("wellbeing_loss")
        for rp, value in zip(return_periods, wcurve.at(return_periods), strict=True):
            out[f"wellbeing_loss_rp{rp:g}"] = float(value)
        out.update({f"baseline_{k}": v for k, v in self.baseline.items()})
        return out

    def to_frame(self) -> pd.DataFrame:
        """The year-loss table (one row per simulated year)."""
        return self.year.copy()

"""humsec.threats: how threats move together, estimated from panel data.

:func:`panel_regression` is the fixed-effects workhorse (reghdfe / fixest equivalent);
:func:`estimate_network` estimates the directed network between framework threats from a
country (or area) panel, with country-block bootstrap intervals, the system multiplier and
each threat's leverage. Estimates are associations after fixed effects, never causal effects.
"""

from humsec.threats.network import WORDING, ThreatNetwork, estimate_network
from humsec.threats.overlap import Overlap, overlapping_threats
from humsec.threats.regression import EstimationError, PanelResult, panel_regression
from humsec.threats.spatial import country_neighbours, neighbours_from_geometry, spatial_lag
from humsec.threats.threat_series import (
    ThreatSeries,
    choose_indicators,
    registry_from_table,
    threat_series,
)

__all__ = [
    "WORDING",
    "EstimationError",
    "Overlap",
    "PanelResult",
    "ThreatNetwork",
    "ThreatSeries",
    "choose_indicators",
    "country_neighbours",
    "estimate_network",
    "neighbours_from_geometry",
    "overlapping_threats",
    "panel_regression",
    "registry_from_table",
    "spatial_lag",
    "threat_series",
]

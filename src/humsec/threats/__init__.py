"""humsec.threats: how threats move together, estimated from panel data.

:func:`panel_regression` is the fixed-effects workhorse (reghdfe / fixest equivalent);
estimates are associations after fixed effects, never causal effects.
"""

from humsec.threats.regression import EstimationError, PanelResult, panel_regression

__all__ = ["EstimationError", "PanelResult", "panel_regression"]

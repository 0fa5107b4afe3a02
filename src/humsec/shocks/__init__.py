"""humsec.shocks: downside-risk simulation of compound shocks on people and places.

Hazard x exposure x vulnerability in CLIMADA conventions (event sets, impact functions,
expected annual impact, exceedance curves, cost-benefit of measures) joined to the World Bank
"Unbreakable" view of well-being losses and socio-economic resilience (Hallegatte et al. 2017),
with losses by area and vulnerable group, people pushed into poverty, Alkire-Foster effects and
the erosion of development gains.

>>> from humsec.shocks import demo_scenario, simulate
>>> risk = simulate(demo_scenario(2000), n_years=50, seed=1)
>>> bool(risk.eai("asset_loss").iloc[0] > 0)
True
"""

from humsec.shocks.appraisal import Appraisal, appraise_measures, load_measures
from humsec.shocks.coping import Coping, Insurance, SocialProtection
from humsec.shocks.cost_benefit import (
    CostBenefitResult,
    annuity_factor,
    cost_benefit,
    net_present_value,
)
from humsec.shocks.deprivation_rules import DeprivationRule, ShockDeprivations
from humsec.shocks.engine import simulate
from humsec.shocks.erosion import (
    ErosionResult,
    ProgrammeGains,
    erosion_of_gains,
    load_programme_gains,
    programme_scenario,
)
from humsec.shocks.events import Event, EventSet, event_set_from_return_periods
from humsec.shocks.exposure import Exposure, exposure_from_survey
from humsec.shocks.hazards import (
    AreaHazard,
    Dependence,
    HazardModel,
    Intensity,
    Occurrences,
    simulate_occurrences,
)
from humsec.shocks.impact import EventImpact, event_impacts
from humsec.shocks.measures import Measure, Target, apply_measures
from humsec.shocks.metrics import (
    ExceedanceCurve,
    exceedance_curve,
    expected_annual_impact,
    impacts_at_return_periods,
)
from humsec.shocks.model import Adjustments, Scenario
from humsec.shocks.multidimensional import mpi_after_shocks
from humsec.shocks.risk import ShockRisk
from humsec.shocks.scenario import build_scenario, demo_exposure, demo_scenario
from humsec.shocks.spec import parse_spec
from humsec.shocks.vulnerability import ImpactFunction, ImpactFunctionSet
from humsec.shocks.wellbeing import (
    crra_utility,
    equivalent_consumption_loss,
    time_below_line,
    wellbeing_loss,
)

__all__ = [
    "Adjustments",
    "Appraisal",
    "AreaHazard",
    "Coping",
    "CostBenefitResult",
    "Dependence",
    "DeprivationRule",
    "ErosionResult",
    "Event",
    "EventImpact",
    "EventSet",
    "ExceedanceCurve",
    "Exposure",
    "HazardModel",
    "ImpactFunction",
    "ImpactFunctionSet",
    "Insurance",
    "Intensity",
    "Measure",
    "Occurrences",
    "ProgrammeGains",
    "Scenario",
    "ShockDeprivations",
    "ShockRisk",
    "SocialProtection",
    "Target",
    "annuity_factor",
    "apply_measures",
    "appraise_measures",
    "build_scenario",
    "cost_benefit",
    "crra_utility",
    "demo_exposure",
    "demo_scenario",
    "equivalent_consumption_loss",
    "erosion_of_gains",
    "event_impacts",
    "event_set_from_return_periods",
    "exceedance_curve",
    "expected_annual_impact",
    "exposure_from_survey",
    "impacts_at_return_periods",
    "load_measures",
    "load_programme_gains",
    "mpi_after_shocks",
    "net_present_value",
    "parse_spec",
    "programme_scenario",
    "simulate",
    "simulate_occurrences",
    "time_below_line",
    "wellbeing_loss",
]

"""humsec.deprivation: people-centred Alkire-Foster measures of fear and want on survey
microdata, with design-based standard errors, subgroup decomposition and out-of-core scale."""

from humsec.deprivation.alkire_foster import DeprivationResult, estimate
from humsec.deprivation.backends import scan_microdata
from humsec.deprivation.spec import Cutoff, DeprivationSpec, Indicator, SurveyDesign, parse_k

__all__ = [
    "Cutoff",
    "DeprivationResult",
    "DeprivationSpec",
    "Indicator",
    "SurveyDesign",
    "estimate",
    "parse_k",
    "scan_microdata",
]

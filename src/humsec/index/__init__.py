"""humsec.index: the composite-index engine (COINr-class), presets and uncertainty analysis.

Public API::

    spec = load_preset("inform")            # or IndexSpec.from_yaml("my_index.yaml")
    result = build(spec, data)               # IndexResult: scores, ranks, classes, coverage
    explain(result, "KEN")                   # which indicators drive Kenya's score
    uncertainty(spec, data, n=1000, seed=1)  # score/rank intervals and Sobol indices
    quadrants(build(load_preset("hsi"), bundled_data("hsi"), year=2023))
"""

from humsec.index.build import IndexResult, build, coverage_by_year, default_year
from humsec.index.explain import Explanation, explain
from humsec.index.hsi import (
    QUADRANTS,
    ThreatCoverage,
    compound_probability,
    quadrant_settings,
    quadrants,
    threat_coverage,
)
from humsec.index.presets import bundled_data, list_presets, load_preset, preset_text
from humsec.index.spec import (
    ClassBins,
    Imputation,
    IndexSpec,
    IndicatorSpec,
    NodeSpec,
    Normalisation,
    Treatment,
)
from humsec.index.uncertainty import FACTORS, UncertaintyResult, UncertaintySettings, uncertainty

__all__ = [
    "FACTORS",
    "QUADRANTS",
    "ClassBins",
    "Explanation",
    "Imputation",
    "IndexResult",
    "IndexSpec",
    "IndicatorSpec",
    "NodeSpec",
    "Normalisation",
    "ThreatCoverage",
    "Treatment",
    "UncertaintyResult",
    "UncertaintySettings",
    "build",
    "bundled_data",
    "compound_probability",
    "coverage_by_year",
    "default_year",
    "explain",
    "list_presets",
    "load_preset",
    "preset_text",
    "quadrant_settings",
    "quadrants",
    "threat_coverage",
    "uncertainty",
]

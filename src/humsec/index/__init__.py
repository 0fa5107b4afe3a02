"""humsec.index: the composite-index engine (COINr-class), presets and uncertainty analysis.

Public API::

    spec = load_preset("inform")            # or IndexSpec.from_yaml("my_index.yaml")
    result = build(spec, data)               # IndexResult: scores, ranks, classes, coverage
"""

from humsec.index.build import IndexResult, build
from humsec.index.presets import list_presets, load_preset, preset_text
from humsec.index.spec import (
    ClassBins,
    Imputation,
    IndexSpec,
    IndicatorSpec,
    NodeSpec,
    Normalisation,
    Treatment,
)

__all__ = [
    "ClassBins",
    "Imputation",
    "IndexResult",
    "IndexSpec",
    "IndicatorSpec",
    "NodeSpec",
    "Normalisation",
    "Treatment",
    "build",
    "list_presets",
    "load_preset",
    "preset_text",
]

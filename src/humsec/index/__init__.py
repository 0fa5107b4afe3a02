"""humsec.index: the composite-index engine (COINr-class), presets and uncertainty analysis.

Public API::

    spec = load_preset("inform")            # or IndexSpec.from_yaml("my_index.yaml")
    result = build(spec, data)               # IndexResult: scores, ranks, classes, coverage
    explain(result, "KEN")                   # which indicators drive Kenya's score
    uncertainty(spec, data, n=1000, seed=1)  # score/rank intervals and Sobol indices
    quadrants(build(load_preset("hsi"), bundled_data("hsi"), year=2023))

Exports load on first use (:mod:`humsec.lazy_exports`): listing the presets reads no table
library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from humsec.lazy_exports import export_lazily

if TYPE_CHECKING:
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
        FACTORS,
        ClassBins,
        Imputation,
        IndexSpec,
        IndicatorSpec,
        NodeSpec,
        Normalisation,
        Treatment,
    )
    from humsec.index.uncertainty import (
        UncertaintyResult,
        UncertaintySettings,
        uncertainty,
    )

#: Where each exported name is defined (loaded on first use).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "humsec.index.build": (
        "IndexResult",
        "build",
        "coverage_by_year",
        "default_year",
    ),
    "humsec.index.explain": (
        "Explanation",
        "explain",
    ),
    "humsec.index.hsi": (
        "QUADRANTS",
        "ThreatCoverage",
        "compound_probability",
        "quadrant_settings",
        "quadrants",
        "threat_coverage",
    ),
    "humsec.index.presets": (
        "bundled_data",
        "list_presets",
        "load_preset",
        "preset_text",
    ),
    "humsec.index.spec": (
        "FACTORS",
        "ClassBins",
        "Imputation",
        "IndexSpec",
        "IndicatorSpec",
        "NodeSpec",
        "Normalisation",
        "Treatment",
    ),
    "humsec.index.uncertainty": (
        "UncertaintyResult",
        "UncertaintySettings",
        "uncertainty",
    ),
}

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

export_lazily(__name__, _EXPORTS)

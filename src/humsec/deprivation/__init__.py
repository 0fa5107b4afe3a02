"""humsec.deprivation: people-centred Alkire-Foster measures of fear and want on survey
microdata, with design-based standard errors, subgroup decomposition, change over time,
compound fear x want insecurity, sector severity and out-of-core scale. The engine takes
frames (pandas, Polars, DuckDB, Dask); files are opened by :func:`humsec.data.scan_microdata`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from humsec.lazy_exports import export_lazily

if TYPE_CHECKING:
    from humsec.deprivation.alkire_foster import DeprivationResult, estimate
    from humsec.deprivation.change import ChangeResult, change_over_time
    from humsec.deprivation.compound import (
        CompoundResult,
        codeprivation_matrix,
        compound_insecurity,
        group_members,
        left_behind,
    )
    from humsec.deprivation.groups import vulnerable_groups
    from humsec.deprivation.severity import SeverityResult, sector_severity
    from humsec.deprivation.spec import Cutoff, DeprivationSpec, Indicator, SurveyDesign, parse_k
    from humsec.deprivation.specs import bundled_spec

#: Where each exported name is defined (loaded on first use).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "humsec.deprivation.alkire_foster": (
        "DeprivationResult",
        "estimate",
    ),
    "humsec.deprivation.change": (
        "ChangeResult",
        "change_over_time",
    ),
    "humsec.deprivation.compound": (
        "CompoundResult",
        "codeprivation_matrix",
        "compound_insecurity",
        "group_members",
        "left_behind",
    ),
    "humsec.deprivation.groups": ("vulnerable_groups",),
    "humsec.deprivation.severity": (
        "SeverityResult",
        "sector_severity",
    ),
    "humsec.deprivation.spec": (
        "Cutoff",
        "DeprivationSpec",
        "Indicator",
        "SurveyDesign",
        "parse_k",
    ),
    "humsec.deprivation.specs": ("bundled_spec",),
}

__all__ = [
    "ChangeResult",
    "CompoundResult",
    "Cutoff",
    "DeprivationResult",
    "DeprivationSpec",
    "Indicator",
    "SeverityResult",
    "SurveyDesign",
    "bundled_spec",
    "change_over_time",
    "codeprivation_matrix",
    "compound_insecurity",
    "estimate",
    "group_members",
    "left_behind",
    "parse_k",
    "sector_severity",
    "vulnerable_groups",
]

export_lazily(__name__, _EXPORTS)

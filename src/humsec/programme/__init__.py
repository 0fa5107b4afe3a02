"""humsec.programme: programme appraisal through the human-security lens.

A :class:`Programme` is read from YAML (:meth:`Programme.from_yaml`), validated against the
framework in use.

>>> from humsec.programme import Programme, example_programme
>>> example_programme("integrated").programme.country
'KEN'
"""

from humsec.programme.codelists import (
    CODELIST_SOURCE,
    SectorThreats,
    codelist,
    load_sector_threats,
    sector_category,
    sector_name,
)
from humsec.programme.examples import EXAMPLES, example_path, example_programme
from humsec.programme.model import (
    ACTOR_ROLES,
    ACTOR_TYPES,
    LEVELS,
    MODES,
    Actor,
    Beneficiaries,
    Component,
    Indicator,
    Programme,
    ProgrammeInfo,
    programme_problems,
)

__all__ = [
    "ACTOR_ROLES",
    "ACTOR_TYPES",
    "CODELIST_SOURCE",
    "EXAMPLES",
    "LEVELS",
    "MODES",
    "Actor",
    "Beneficiaries",
    "Component",
    "Indicator",
    "Programme",
    "ProgrammeInfo",
    "SectorThreats",
    "codelist",
    "example_path",
    "example_programme",
    "load_sector_threats",
    "programme_problems",
    "sector_category",
    "sector_name",
]

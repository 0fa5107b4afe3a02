"""humsec.actors: who does what where.

Read 3W/4W/5W tables (HXL-tagged, legacy HXL or untagged) into one long table with
:func:`read_3w`, normalise organisation names (:func:`normalise_names`), link them to IATI
organisation identifiers (:func:`link_iati`, :func:`link_iati_orgs`), count operational
presence (:func:`presence`), compare it with need (:func:`coverage`) and build the actors'
collaboration network (:func:`collaboration_network`).
"""

from humsec.actors.iati_orgs import (
    IATI_ORG_COLUMNS,
    LINK_COLUMNS,
    LINK_CONFIDENCE,
    iati_org_list,
    iati_orgs_from_activities,
    link_iati_orgs,
)
from humsec.actors.names import FUZZY_CUTOFF, acronym, name_key, normalise_names
from humsec.actors.network import collaboration_network, network_frame
from humsec.actors.presence import (
    IATI_COVERAGE_COLUMNS,
    NOT_LOOKED_UP,
    PRESENCE_COLUMNS,
    Coverage,
    coverage,
    presence,
)
from humsec.actors.threew import (
    HEADER_TAGS,
    IATI_LINK_COLUMNS,
    LEGACY_TAGS,
    ROLES,
    THREEW_COLUMNS,
    THREEW_FIELDS,
    ThreeW,
    link_iati,
    org_type,
    read_3w,
)

__all__ = [
    "FUZZY_CUTOFF",
    "HEADER_TAGS",
    "IATI_COVERAGE_COLUMNS",
    "IATI_LINK_COLUMNS",
    "IATI_ORG_COLUMNS",
    "LEGACY_TAGS",
    "LINK_COLUMNS",
    "LINK_CONFIDENCE",
    "NOT_LOOKED_UP",
    "PRESENCE_COLUMNS",
    "ROLES",
    "THREEW_COLUMNS",
    "THREEW_FIELDS",
    "Coverage",
    "ThreeW",
    "acronym",
    "collaboration_network",
    "coverage",
    "iati_org_list",
    "iati_orgs_from_activities",
    "link_iati",
    "link_iati_orgs",
    "name_key",
    "network_frame",
    "normalise_names",
    "org_type",
    "presence",
    "read_3w",
]

"""The ordered list of sections the report shows. Capabilities append theirs here.

Sections render in list order, except *closing* sections (a true ``closing`` attribute, e.g.
the attribution), which the builder always places last.
"""

from __future__ import annotations

from humsec.report.section import Section
from humsec.report.sections.actors import ACTORS
from humsec.report.sections.attribution import ATTRIBUTION
from humsec.report.sections.country_profile import COUNTRY_PROFILE
from humsec.report.sections.deprivation import DEPRIVATION
from humsec.report.sections.framework import FRAMEWORK
from humsec.report.sections.index import INDEX_SECTION
from humsec.report.sections.portfolio import PROJECT_PORTFOLIO
from humsec.report.sections.programmes import PROGRAMMES
from humsec.report.sections.project import AREAS, CONFLICT
from humsec.report.sections.shocks import SHOCKS
from humsec.report.sections.threat_map import THREAT_MAP
from humsec.report.sections.threat_network import THREAT_NETWORK

# The order follows the approach's questions: who is threatened by what, where (countries),
# where threats pile up on the same people, what shocks would undo, then the framework's lens
# on links between threats and on programmes. Attribution is a closing section: always last.
SECTIONS: list[Section] = [
    THREAT_MAP,
    INDEX_SECTION,
    COUNTRY_PROFILE,
    DEPRIVATION,
    SHOCKS,
    FRAMEWORK,
    THREAT_NETWORK,
    ATTRIBUTION,
]
# Capabilities append further sections below this line.
SECTIONS.insert(SECTIONS.index(FRAMEWORK) + 1, PROGRAMMES)


def project_sections() -> list[Section]:
    """The sections of a report on a project, in order: its areas, conflict, deprivation and
    shocks from its own data, then the project's framework, the threat network of its area
    panel, the appraisal of its programmes in its context, who does what where, and its
    portfolio plan (attribution closes it). The
    national country profile is left out (it shows bundled national data, not the
    project's); the areas section carries the national INFORM values as context."""
    return [
        AREAS,
        CONFLICT,
        DEPRIVATION,
        SHOCKS,
        FRAMEWORK,
        THREAT_NETWORK,
        PROGRAMMES,
        ACTORS,
        PROJECT_PORTFOLIO,
        ATTRIBUTION,
    ]

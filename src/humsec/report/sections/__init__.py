"""The ordered list of sections the report shows. Capabilities append theirs here.

Sections render in list order, except *closing* sections (a true ``closing`` attribute, e.g.
the attribution), which the builder always places last.
"""

from __future__ import annotations

from humsec.report.section import Section
from humsec.report.sections.attribution import ATTRIBUTION
from humsec.report.sections.country_profile import COUNTRY_PROFILE
from humsec.report.sections.deprivation import DEPRIVATION
from humsec.report.sections.framework import FRAMEWORK
from humsec.report.sections.index import INDEX_SECTION
from humsec.report.sections.shocks import SHOCKS
from humsec.report.sections.threat_map import THREAT_MAP

SECTIONS: list[Section] = [THREAT_MAP, COUNTRY_PROFILE, SHOCKS, ATTRIBUTION]
SECTIONS.append(FRAMEWORK)
SECTIONS.append(DEPRIVATION)
SECTIONS.insert(1, INDEX_SECTION)

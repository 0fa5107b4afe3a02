"""humsec.framework: the human-security approach as versioned, user-extensible data.

>>> from humsec.framework import default_framework
>>> fw = default_framework()
>>> [t.id for t in fw.threats_by_pillar("want")][:2]
['poverty', 'hunger']
"""

from humsec.framework.files import (
    default_framework,
    default_framework_text,
    framework_from_dict,
    load_framework,
    read_framework_file,
)
from humsec.framework.group_rules import (
    AgeScope,
    GroupMembership,
    GroupRule,
    group_membership,
)
from humsec.framework.model import (
    HDR_SECURITIES,
    PILLARS,
    SCHEMA_VERSION,
    SECTIONS,
    Framework,
    GlobalRisk,
    Interlinkage,
    KeyApproach,
    PracticePolicy,
    Principle,
    Security,
    Threat,
    VulnerableGroup,
)

__all__ = [
    "HDR_SECURITIES",
    "PILLARS",
    "SCHEMA_VERSION",
    "SECTIONS",
    "AgeScope",
    "Framework",
    "GlobalRisk",
    "GroupMembership",
    "GroupRule",
    "Interlinkage",
    "KeyApproach",
    "PracticePolicy",
    "Principle",
    "Security",
    "Threat",
    "VulnerableGroup",
    "default_framework",
    "default_framework_text",
    "framework_from_dict",
    "group_membership",
    "load_framework",
    "read_framework_file",
]

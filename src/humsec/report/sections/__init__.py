"""The ordered list of sections the report shows. Capabilities append theirs here."""

from __future__ import annotations

from humsec.report.section import Section

SECTIONS: list[Section] = []

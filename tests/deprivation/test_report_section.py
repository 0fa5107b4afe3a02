"""The deprivation report section renders real estimates offline."""

from __future__ import annotations

import re

import pytest

from humsec.report.section import ReportContext, Section
from humsec.report.sections import SECTIONS
from humsec.report.sections import deprivation as deprivation_section
from humsec.report.sections.deprivation import DEPRIVATION


def test_section_is_registered_and_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    # A smaller survey keeps the test fast; the report itself uses 20,000 households.
    monkeypatch.setattr(deprivation_section, "HOUSEHOLDS", 4_000)
    assert DEPRIVATION in SECTIONS
    assert isinstance(DEPRIVATION, Section)
    rendered = DEPRIVATION.render(ReportContext(seed=3))
    html = rendered.html
    for div in ("deprivation-contrib", "deprivation-subgroups", "deprivation-left-behind"):
        assert f'id="{div}"' in html
    assert "<script src" not in html
    assert 'id="deprivation-af"' in html and 'id="deprivation-overlap"' in html
    # The headline numbers are consistent: M0 = H x A as printed in the text.
    match = re.search(r"([\d.]+)% of people are deprived.*?on average ([\d.]+)%.*?is ([\d.]+) ",
                      html)  # fmt: skip
    assert match is not None
    h, a, m0 = (float(x) for x in match.groups())
    assert abs(h / 100 * a / 100 - m0) < 0.002
    assert rendered.attributions

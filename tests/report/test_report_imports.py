"""The report package imports no engine: a section loads its engine when it renders, so a
report whose sections are kept (humsec.report.cache) or few pays only for what it shows."""

from __future__ import annotations

import subprocess
import sys

ENGINES = (
    "humsec.index",
    "humsec.shocks",
    "humsec.deprivation",
    "humsec.threats",
    "humsec.programme",
    "humsec.project.project",
    "scipy",
    "polars",
    "numba",
    "duckdb",
    "pyfixest",
    "matplotlib",
    "plotly.subplots",
)

_PROBE = f"""
import sys
import humsec.report
import humsec.report.sections
print(sorted(name for name in {ENGINES!r} if name in sys.modules))
"""


def test_importing_the_report_and_its_sections_loads_no_engine() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"

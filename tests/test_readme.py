"""The README's Python examples run as written (docs stay in step with the code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the examples write files
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "kenya-report.html").stat().st_size > 1_000_000
    # Spot checks of what the examples compute.
    res = namespace["res"]
    table = res.table  # type: ignore[attr-defined]
    total = table[(table["subgroup"] == "total") & (table["measure"] == "M0")]
    assert 0 < float(total["value"].iloc[0]) < 1
    bcr = (2.0e9 - 0.3e9) * sum(1.02**-t for t in range(23)) / 1.0e10
    from humsec.shocks import cost_benefit

    result = cost_benefit(2.0e9, 0.3e9, 1.0e10, 2018, 2040, 0.02)
    assert abs(result.bcr - bcr) < 1e-12

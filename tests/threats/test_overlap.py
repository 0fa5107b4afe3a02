"""Threats whose years do not overlap: the network keeps the largest set it can estimate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.threats import EstimationError, overlapping_threats


def _values() -> pd.DataFrame:
    """Three series on 6 units: a 2000-2009, b 2003-2009, c 2010-2014 (no year shared with a)."""
    rng = np.random.default_rng(3)
    index = pd.MultiIndex.from_product(
        [[f"u{i}" for i in range(6)], range(2000, 2015)], names=["unit", "year"]
    )
    frame = pd.DataFrame(rng.normal(size=(len(index), 3)), index=index, columns=["a", "b", "c"])
    year = frame.index.get_level_values("year")
    frame.loc[year > 2009, "a"] = np.nan
    frame.loc[(year < 2003) | (year > 2009), "b"] = np.nan
    frame.loc[year < 2010, "c"] = np.nan
    return frame


def test_the_largest_overlapping_set_is_kept_and_the_rest_named() -> None:
    found = overlapping_threats(_values(), lags=1)
    # a and b overlap 2003-2009; with one lag the usable years are 2004-2009 (b needs b at t-1):
    # 6 units x 6 years = 36 rows per equation; c shares no year with either.
    assert found.kept == ("a", "b")
    assert found.rows == 36
    assert set(found.dropped) == {"c"}
    assert "2010–2014" in found.dropped["c"] and "a 2000–2009, b 2003–2009" in found.dropped["c"]
    # two lags: b needs 2003 and 2004 lags, so 2005-2009: 5 years x 6 units
    assert overlapping_threats(_values(), lags=2).rows == 30


def test_no_pair_overlaps() -> None:
    frame = _values()
    frame["b"] = np.nan
    assert overlapping_threats(frame[["a", "c"]], lags=1).kept == ()


def test_demo_project_network_runs_without_threats(tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    result = CliRunner().invoke(
        app, ["threats", "estimate", "--project", "demo", "--bootstrap", "0", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    # conflict (UCDP 1989-2023) and health (GDL 2010-2019) overlap; IPC (2019-2025) does not
    assert saved["threats"] == ["armed_conflict", "lack_of_health_care"]
    assert "2019–2025" in saved["gaps"]["hunger"]
    assert "hunger not estimated" in result.output


def test_named_threats_that_cannot_overlap_name_their_years() -> None:
    from humsec.project import Project, demo_project_dir
    from humsec.threats import estimate_network, registry_from_table

    project = Project.load(demo_project_dir())
    with pytest.raises(EstimationError, match=r"hunger 2019–2025 \(7 years\)"):
        estimate_network(
            project.indicator_wide(),
            threats=["armed_conflict", "hunger", "lack_of_health_care"],
            bootstrap=0,
            registry=registry_from_table(project.area_indicators),
        )

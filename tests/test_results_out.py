"""`--out` writes what the console showed, for the commands that printed only (issue 8 §3):
framework cascades, the indicator list, shocks tables by group; and a bad target fails before
any work (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.data.indicators import indicator_registry

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def test_framework_cascade_out_holds_the_printed_paths(tmp_path: Path) -> None:
    out = tmp_path / "cascade.parquet"
    result = runner.invoke(app, ["framework", "cascade", "disasters", "--steps", "2",
                                 "--out", str(out)], env=WIDE)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert "(" + f"{len(table)} threats reached)" in result.output
    row = table.set_index("threat").loc["crime"]
    assert row["path"] == "disasters -> poverty -> crime" and row["steps"] == 2
    assert table["steps"].max() <= 2 and "lack_of_education" not in set(table["threat"])
    for path in table["path"]:
        assert path in result.output


def test_data_indicators_out_lists_the_indicators_and_the_coverage(tmp_path: Path) -> None:
    out = tmp_path / "indicators.csv"
    result = runner.invoke(app, ["data", "indicators", "--threat", "hunger", "--out", str(out)],
                           env=WIDE)  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(out)
    assert "Indicators (3)" in result.output and len(listed) == 3
    assert "inform_food_security" in set(listed["code"])
    expected = {i.code: i.unit for i in indicator_registry().by_threat("hunger")}
    assert dict(zip(listed["code"], listed["unit"], strict=True)) == expected
    coverage = pd.read_csv(tmp_path / "indicators_coverage.csv", keep_default_na=False)
    gaps = coverage[coverage["n_indicators"] == 0]["threat"]
    assert "crime" in set(gaps) and "Coverage gaps: crime" in result.output


def test_shocks_simulate_by_group_is_written_next_to_the_year_losses(tmp_path: Path) -> None:
    out = tmp_path / "losses.csv"
    result = runner.invoke(app, ["shocks", "simulate", "--years", "30", "--households", "300",
                                 "--by", "group", "--out", str(out)],
                           env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    # readable at 80 columns: no line longer, no scientific notation (the old view wrapped
    # 9 columns of "2.61e+08" across lines)
    shown = [line for line in result.output.splitlines() if not line.startswith("wrote ")]
    assert max(len(line) for line in shown) <= 80  # (a written path prints unbroken)
    assert "e+0" not in result.output
    groups = pd.read_csv(tmp_path / "losses_by_group.csv", index_col="group")
    assert len(groups) > 0 and "people" in groups.columns
    for name, row in groups.iterrows():
        assert str(name) in result.output
        assert f"{row['people']:,.0f}" in result.output  # the console's plain numbers
    assert len(pd.read_csv(out)) == 30  # one row per simulated year


@pytest.mark.parametrize(
    "args",
    [
        ["framework", "cascade", "disasters"],
        ["data", "indicators"],
        ["data", "panel", "-i", "hdi"],
        ["shocks", "simulate", "--years", "20", "--households", "200"],
        ["shocks", "erosion", "--consumption-gain", "0.1", "--income-gain", "0"],
        ["index", "build", "hdi"],
        ["index", "uncertainty", "hdi", "--n", "20"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
@pytest.mark.parametrize("target", ["/dev/null", "table.txt", "folder"])
def test_a_bad_out_fails_before_any_work(
    args: list[str], target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if target == "folder":
        (tmp_path / target).mkdir()
    result = runner.invoke(app, [*args, "--out", target], env=WIDE)
    assert result.exit_code == 2, result.output
    assert result.output.lstrip().startswith("error"), result.output  # nothing printed first
    assert [p.name for p in tmp_path.iterdir()] == (["folder"] if target == "folder" else [])


def test_sobol_out_without_sobol_fails_before_the_replications(tmp_path: Path) -> None:
    target = tmp_path / "sobol.csv"
    result = runner.invoke(app, ["index", "uncertainty", "hdi", "--n", "20", "--no-sobol",
                                 "--sobol-out", str(target)], env=WIDE)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output.lstrip().startswith("error") and "--no-sobol" in result.output
    assert not target.exists()

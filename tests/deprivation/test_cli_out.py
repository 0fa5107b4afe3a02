"""`--out` of the deprivation commands: the file holds the numbers the console showed, and a
bad target fails before any estimation (issue 8 §3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app

runner = CliRunner()


def test_severity_writes_people_in_need_and_every_needs_profile(tmp_path: Path) -> None:
    sev = tmp_path / "sev.csv"
    pd.DataFrame({"food": [1, 3, 4], "wash": [2, 2, 5], "area": ["A", "A", "B"]}).to_csv(
        sev, index=False
    )
    out = tmp_path / "pin.xlsx"
    result = runner.invoke(
        app, ["deprivation", "severity", "--data", str(sev), "--sectors", "food,wash",
              "--area", "area", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pin = pd.read_excel(out, engine="openpyxl").set_index("area")
    # Unit 2 (food 3) is in need in A; unit 3 (food 4, wash 5) in B; unit 1 (max 2) is not.
    assert pin.loc["A", "people"] == 2 and pin.loc["A", "pin_max_sector"] == 1
    assert pin.loc["B", "pin_food"] == 1 and pin.loc["B", "pin_wash"] == 1
    profiles = pd.read_excel(tmp_path / "pin_profiles.xlsx", engine="openpyxl")
    profiles = profiles.set_index("profile")["share"]
    assert profiles.to_dict() == pytest.approx({"none": 1 / 3, "food": 1 / 3, "food+wash": 1 / 3})
    assert "0.333" in result.output  # the console showed the same shares


def test_compound_writes_the_overlap_it_printed(tmp_path: Path) -> None:
    out = tmp_path / "compound.json"
    result = runner.invoke(
        app, ["deprivation", "compound", "--demo", "--households", "500", "--out", str(out)],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    overlap = pd.read_json(tmp_path / "compound_overlap.json", orient="records")
    overlap = overlap.set_index("want")
    cells = overlap[["fear-deprived", "not fear-deprived"]].to_numpy()
    assert cells.sum() == pytest.approx(1.0)  # the four cells partition the population
    for value in cells.ravel():
        assert f"{round(float(value), 4):g}"[:6] in result.output
    table = pd.read_json(out, orient="records")
    total = table[(table["subgroup"] == "total") & (table["measure"] == "compound")]
    assert float(total["value"].iloc[0]) == pytest.approx(overlap.loc["want-poor",
                                                                      "fear-deprived"])
    ranking = pd.read_json(tmp_path / "compound_left_behind.json", orient="records")
    for row in ranking.to_dict("records"):  # each group's M0 and gap as the console showed
        assert f"{row['M0']:.4f}" in result.output and str(row["group"]) in result.output
    shown = [line for line in result.output.splitlines() if not line.startswith("wrote ")]
    assert max(len(line) for line in shown) <= 80  # readable at 80 columns, names unbroken


@pytest.mark.parametrize("command", ["estimate", "change", "compound"])
@pytest.mark.parametrize("target", ["/dev/null", "result.txt"])
def test_bad_out_fails_before_the_estimation(
    command: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["deprivation", command, "--demo", "--households", "200",
                                 "--out", target])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "error" in result.output and "M0" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_severity_bad_out_fails_before_reading_the_data(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.csv"  # would be a different error if it were read
    result = runner.invoke(app, ["deprivation", "severity", "--data", str(missing),
                                 "--sectors", "food", "--out", "/dev/null"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "device" in result.output

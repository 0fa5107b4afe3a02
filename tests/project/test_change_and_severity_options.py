"""`--project` on `humsec deprivation change` and `humsec deprivation severity`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.project import Project
from humsec.project.run import open_project_store

runner = CliRunner()


def test_change_compares_the_project_survey_rounds(tmp_path: Path) -> None:
    from humsec.deprivation import SurveyDesign, estimate

    folder = tmp_path / "demo"
    assert runner.invoke(app, ["project", "init", str(folder), "--demo"]).exit_code == 0
    one = runner.invoke(app, ["deprivation", "change", "--project", str(folder)])
    assert one.exit_code == 2
    assert "1 survey(s): survey (2024)" in one.output and "--role survey --year" in one.output
    survey = pd.read_parquet(folder / "data" / "survey_synthetic.parquet")
    earlier = survey[survey["psu"] % 2 == 0]  # a smaller, different sample as the 2019 round
    earlier.to_parquet(folder / "data" / "survey_2019.parquet", index=False)
    added = runner.invoke(
        app,
        ["project", "add", str(folder), str(folder / "data" / "survey_2019.parquet"),
         "--role", "survey", "--year", "2019"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["deprivation", "change", "--project", str(folder)])
    assert result.exit_code == 0, result.output
    project = Project.load(folder)
    with open_project_store(project) as store:
        history = store.history()
        run = history[history["analysis"] == "cli deprivation change"]["run_id"].iloc[-1]
        table = store.tables(str(run))["result"]
    total = table[(table["subgroup"] == "total") & (table["measure"] == "M0")
                  & (table["ctype"] == "absolute")].iloc[0]  # fmt: skip
    assert (int(total["round_from"]), int(total["round_to"])) == (2019, 2024)
    spec = project.deprivation_spec()
    assert spec is not None
    design = SurveyDesign(weight="weight", psu="psu", strata="stratum")

    def m0(frame: pd.DataFrame) -> float:
        t = estimate(frame, spec.with_k(0.33), design).table
        return float(t[(t["subgroup"] == "total") & (t["measure"] == "M0")]["value"].iloc[0])

    assert float(total["value"]) == pytest.approx(m0(survey) - m0(earlier), rel=1e-10)


def test_severity_checks_areas_against_the_project_and_records_the_run(
    tiny_project: Path, tmp_path: Path
) -> None:
    scores = tmp_path / "scores.csv"
    # three households of 1 person each (weight 1): AA01 has food 3 and 1, AA02 wash 4
    pd.DataFrame(
        {"hh": [1, 2, 3], "ADM1_PCODE": ["AA01", "AA01", "AA02"],
         "food": [3, 1, 2], "wash": [2, 1, 4]}
    ).to_csv(scores, index=False)  # fmt: skip
    command = ["deprivation", "severity", "--data", str(scores), "--sectors", "food,wash",
               "--household", "hh", "--project", str(tiny_project)]  # fmt: skip
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    project = Project.load(tiny_project)
    with open_project_store(project) as store:
        history = store.history()
        run = history[history["analysis"] == "cli deprivation severity"]["run_id"].iloc[-1]
        pin = store.tables(str(run))["result"]
    by_area = pin.set_index("ADM1_PCODE")
    assert by_area.loc["AA01", "pin_food"] == 1 and by_area.loc["AA02", "pin_wash"] == 1
    assert by_area.loc["AA01", "pin_wash"] == 0
    again = runner.invoke(app, command)
    assert "reuse noted" in again.output
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"hh": [1], "area": ["AA09"], "food": [3], "wash": [1]}).to_csv(bad, index=False)
    wrong = runner.invoke(
        app,
        ["deprivation", "severity", "--data", str(bad), "--sectors", "food,wash",
         "--area", "area", "--project", str(tiny_project)],
    )  # fmt: skip
    assert wrong.exit_code == 2
    assert "AA09" in wrong.output and "AA01" in wrong.output  # the closest p-codes

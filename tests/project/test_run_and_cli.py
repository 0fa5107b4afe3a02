"""`humsec project` end to end on the tiny project: run, reuse, a new version after a change,
history, compare, the report from the project, and errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from humsec.cli import app
from humsec.project import Project
from humsec.project.run import open_project_store, run_project

runner = CliRunner()

SPEC = {
    "code": "tiny", "unit": "pcode", "root": "risk", "scale": [0, 10],
    "indicators": [
        {"code": "water", "direction": "higher_is_worse",
         "normalisation": {"method": "minmax", "range": [0, 10]}},
        {"code": "school", "direction": "higher_is_better",
         "normalisation": {"method": "minmax", "range": [0, 10]}},
    ],
    "nodes": [{"code": "risk", "children": ["water", "school"]}],
}  # fmt: skip


@pytest.fixture
def indexed(tiny_project: Path) -> Path:
    (tiny_project / "index.yaml").write_text(yaml.safe_dump(SPEC))
    config = yaml.safe_load((tiny_project / "humsec.yaml").read_text())
    config["specs"] = {"index": "index.yaml"}
    (tiny_project / "humsec.yaml").write_text(yaml.safe_dump(config))
    return tiny_project


def test_rerun_reuses_and_a_changed_input_makes_a_new_version(indexed: Path) -> None:
    project = Project.load(indexed)
    with open_project_store(project) as store:
        first = run_project(project, store)
        again = run_project(project, store)
    assert first.records["area_index"].reused is False
    assert again.records["area_index"].reused is True
    assert again.records["area_index"].source_run_id == first.records["area_index"].run_id
    pd.testing.assert_frame_equal(first.tables["area_index"]["scores"],
                                  again.tables["area_index"]["scores"])  # fmt: skip
    assert set(first.skipped) == {
        "deprivation",
        "deprivation_groups",
        "shocks",
        "measures",
        "events",
        "appraisal",
        "plan",
        "threat_network",
    }
    assert "--role survey" in " ".join(first.skipped["deprivation"])
    # Change one value: a new run with a new input hash; the old run is kept.
    frame = pd.read_csv(indexed / "data" / "indicators.csv")
    frame.loc[3, "water"] = 40.0  # AA01 2020: now the worst on water
    frame.to_csv(indexed / "data" / "indicators.csv", index=False)
    changed = Project.load(indexed)
    with open_project_store(changed) as store:
        third = run_project(changed, store)
        history = store.history()
        diff = store.compare(first.records["area_index"].run_id,
                             third.records["area_index"].run_id)  # fmt: skip
    assert third.records["area_index"].reused is False
    assert third.records["area_index"].input_hash != first.records["area_index"].input_hash
    index_runs = history[history["analysis"] == "area_index"]
    assert list(index_runs["status"]) == ["new", "reused", "new"]
    scores = third.tables["area_index"]["scores"].set_index("pcode")["risk"]
    # water 40, 22, 32 -> 10, 0, 5.56; school 91, 81, 71 -> 0, 5, 10; mean.
    assert scores.round(1).tolist() == [5.0, 2.5, 7.8]
    assert not diff.empty


def test_cli_run_history_compare_and_report(indexed: Path) -> None:
    result = runner.invoke(app, ["project", "run", str(indexed)])
    assert result.exit_code == 0, result.output
    assert "area_index" in result.output and "skipped" in result.output
    result = runner.invoke(app, ["project", "report", str(indexed), "--out",
                                 str(indexed / "r.html")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("r.html")
    html = (indexed / "r.html").read_text()
    assert "window.humsecAreas = {" in html  # the one shared geometry object
    assert html.count("window.humsecAreas = ") == 1
    assert "area_index.csv" in html  # the table's CSV download
    # No survey: the deprivation section says what would fill it, never the synthetic demo.
    assert "No data for this section yet" in html and "--role survey" in html
    assert "synthetic survey of" not in html
    out = indexed / "history.csv"
    result = runner.invoke(app, ["project", "history", str(indexed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    runs = pd.read_csv(out)
    assert list(runs["status"]) == ["new", "reused"]
    result = runner.invoke(app, ["project", "compare", str(indexed), *runs["run_id"]])
    assert result.exit_code == 0 and "identical" in result.output


def test_cli_errors_exit_2_and_list_problems(indexed: Path) -> None:
    config = yaml.safe_load((indexed / "humsec.yaml").read_text())
    config["datasets"][0]["columns"] = {"area": "county"}
    (indexed / "humsec.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["project", "validate", str(indexed)])
    assert result.exit_code == 2
    assert "no column 'county'" in result.output


def test_init_demo_never_writes_into_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no folder called demo here: "demo" is the bundled project
    result = runner.invoke(app, ["project", "run", "demo"])
    assert result.exit_code == 2 and "read-only" in result.output
    result = runner.invoke(app, ["project", "init", str(tmp_path / "d"), "--demo"])
    assert result.exit_code == 0, result.output
    assert "47 areas" in result.output
    assert (tmp_path / "d" / "humsec.yaml").is_file()
    assert not (tmp_path / "d" / ".humsec").exists()


def test_engine_commands_take_inputs_from_the_project(indexed: Path) -> None:
    result = runner.invoke(app, ["index", "build", "index.yaml", "--project", str(indexed)])
    assert result.exit_code == 0, result.output
    assert "recorded run" in result.output
    again = runner.invoke(app, ["index", "build", "index.yaml", "--project", str(indexed)])
    assert "reuse noted" in again.output
    project = Project.load(indexed)
    with open_project_store(project) as store:
        history = store.history()
        tables = store.tables(str(history["run_id"].iloc[0]))
    assert list(history["analysis"]) == ["cli index build", "cli index build"]
    assert list(history["status"]) == ["new", "reused"]
    # The same scores as `humsec project run` computes: 2020, risk 0, 5, 10.
    result_table = tables["result"].set_index("pcode").sort_index()
    assert result_table["risk"].round(6).tolist() == [0.0, 5.0, 10.0]


def test_report_takes_a_project(indexed: Path) -> None:
    out = indexed / "national-cli.html"
    result = runner.invoke(app, ["report", "--project", str(indexed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "areas-index-map" in out.read_text()


def test_cli_and_project_run_give_the_same_deprivation(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    assert runner.invoke(app, ["project", "init", str(folder), "--demo"]).exit_code == 0
    result = runner.invoke(app, ["deprivation", "estimate", "--project", str(folder)])
    assert result.exit_code == 0, result.output
    project = Project.load(folder)
    with open_project_store(project) as store:
        cli_run = store.history()["run_id"].iloc[-1]
        cli_table = store.tables(str(cli_run))["result"]
        ran = run_project(project, store, only=["deprivation"])
    total = cli_table[(cli_table["subgroup"] == "total") & (cli_table["measure"] == "M0")]
    national = ran.tables["deprivation"]["national"].iloc[0]
    assert float(total["value"].iloc[0]) == pytest.approx(float(national["M0"]), rel=1e-12)
    assert float(total["se"].iloc[0]) == pytest.approx(float(national["M0_se"]), rel=1e-12)
    by_area = ran.tables["deprivation"]["by_area"].set_index("pcode")
    mombasa = cli_table[(cli_table["level"] == "KE001") & (cli_table["measure"] == "M0")]
    assert float(mombasa["value"].iloc[0]) == pytest.approx(by_area.loc["KE001", "M0"], rel=1e-12)

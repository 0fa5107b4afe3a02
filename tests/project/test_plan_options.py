"""One set of plan options (humsec.programme.PlanOptions) for humsec.yaml's plan: section,
the API's portfolio-plan body and `humsec programme plan`: the same options give the same plan
by every path, and a bad option the same message, named as each interface writes it."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from humsec.cli import app
from humsec.errors import ProjectError
from humsec.programme import PlanOptions, solve_portfolio
from humsec.project import Project, run_project

from .conftest import write_project

runner = CliRunner()
# the tiny project's three areas; by hand (one package per area) the best within 10 is
# b + c (cost 4 + 6, benefit 5 + 7 = 12)
CANDIDATES = pd.DataFrame(
    {
        "area": ["AA01", "AA01", "AA02", "AA03"],
        "package": ["a", "b", "c", "d"],
        "cost": [3.0, 4.0, 6.0, 7.0],
        "benefit": [4.0, 5.0, 7.0, 6.0],
    }
)
OPTIONS: dict[str, Any] = {
    "budgets": [{"amount": 10, "name": "budget1"}],
    "one_per_area": True,
    "gap": 0,
    "alternatives": 2,
    "min_difference": 1,
    "frontier": [5, 10, 15],
}
FLAGS = ["--budget", "10", "--one-per-area", "--gap", "0", "--alternatives", "2",
         "--min-difference", "1", "--frontier", "5,10,15"]  # fmt: skip
GAP_MESSAGE = (
    "must be a number from 0 to 0.5 (the relative MIP gap at which HiGHS stops; its default "
    "is 1e-4); got -1"
)

UNKNOWN_MESSAGE = (
    "unknown option 'gapp' (did you mean 'gap'?); the options are budget, budgets, "
    "one_per_area, aversion, cover_fear_and_want, min_empowerment_share, high_risk_areas, gap, "
    "time_limit, alternatives, min_difference, frontier"
)


def _brute_force(budget: float) -> float:
    sets = [list(c) for k in range(1, 5) for c in combinations(CANDIDATES.index, k)]
    return max(
        float(CANDIDATES.loc[c, "benefit"].sum())
        for c in sets
        if CANDIDATES.loc[c, "cost"].sum() <= budget and CANDIDATES.loc[c, "area"].is_unique
    )


def _project(folder: Path, plan: dict[str, Any] | None) -> Path:
    write_project(folder)
    CANDIDATES.to_csv(folder / "data" / "candidates.csv", index=False)
    config = yaml.safe_load((folder / "humsec.yaml").read_text(encoding="utf-8"))
    config["datasets"].append(
        {"name": "candidates", "file": "data/candidates.csv", "role": "candidates"}
    )
    if plan is not None:
        config["plan"] = plan
    (folder / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return folder


def _chosen(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["area"].astype(str) + ":" + frame["package"].astype(str))


def test_same_options_give_the_same_plan_by_every_path(tmp_path: Path) -> None:
    from humsec.api.project_kinds import PlanParams, compute_tables

    folder = _project(tmp_path / "tiny", OPTIONS)
    project = Project.load(folder)
    # python: the engine call every interface makes
    python = solve_portfolio(CANDIDATES, PlanOptions.model_validate(OPTIONS), areas=project.pcodes)
    assert _chosen(python.plan.chosen) == ["AA01:b", "AA02:c"]
    assert python.plan.objective == pytest.approx(_brute_force(10) == 12 and 12.0)
    assert python.frontier["objective"].tolist() == pytest.approx(
        [_brute_force(a) for a in (5, 10, 15)])  # fmt: skip
    # humsec.yaml's plan: section, through `humsec project run`'s plan analysis
    ran = run_project(project, None, only=["plan"]).tables["plan"]
    # the API's portfolio-plan job: the body as the route passes it on (validated, dumped to
    # JSON), then the job's compute function on the same project
    body = PlanParams.model_validate({"candidates": "candidates.csv", **OPTIONS})
    api = compute_tables(
        project, "portfolio_plan", body.model_dump(mode="json"),
        {"candidates.csv": CANDIDATES.to_csv(index=False).encode()}, lambda *_: None,
    )  # fmt: skip
    # the CLI, with the same options as flags
    out = tmp_path / "chosen.csv"
    cli = runner.invoke(app, ["programme", "plan", str(folder / "data" / "candidates.csv"),
                              *FLAGS, "--out", str(out)])  # fmt: skip
    assert cli.exit_code == 0, cli.output
    cli_chosen = pd.read_csv(out)
    for chosen in (ran["chosen"], api["chosen"], cli_chosen):
        assert _chosen(chosen) == _chosen(python.plan.chosen)
    want_alternatives = [p.objective for p in python.alternatives]
    assert len(want_alternatives) == 2
    assert ran["alternatives"]["objective"].iloc[1:].tolist() == pytest.approx(want_alternatives)
    by_alternative = api["alternatives"].groupby("alternative")["objective"].first()
    assert by_alternative.tolist() == pytest.approx(want_alternatives)
    for frontier in (ran["frontier"], api["frontier"]):
        pd.testing.assert_frame_equal(
            frontier.reset_index(drop=True), python.frontier, check_dtype=False
        )
    flat = " ".join(cli.output.split())
    assert "objective 12," in flat
    for k, value in enumerate(want_alternatives, start=1):
        assert f"alternative {k}: objective {value:,.6g}," in flat


def test_default_frontier_is_six_points_to_one_and_a_half_budgets() -> None:
    options = PlanOptions.model_validate({"budget": 10})
    assert options.gap == 1e-4  # HiGHS's default mip_rel_gap
    assert options.frontier_amounts(10) == pytest.approx([2.5, 5.0, 7.5, 10.0, 12.5, 15.0])
    assert PlanOptions.model_validate({"frontier": 0}).frontier_amounts(10) == []
    assert PlanOptions.model_validate({"frontier": [2e7, 4e7]}).frontier_amounts(10) == [2e7, 4e7]


def test_a_bad_option_has_one_message_named_as_each_interface_writes_it(tmp_path: Path) -> None:
    from humsec.api import ServiceSettings, create_app

    # humsec.yaml: the key path
    folder = _project(tmp_path / "projects" / "tiny", {"budget": 10, "gap": -1})
    with pytest.raises(ProjectError) as caught:
        Project.load(folder)
    assert f"humsec.yaml: plan.gap: {GAP_MESSAGE}" in " ".join(str(caught.value).split())
    _project(folder, {"budget": 10, "gapp": 0.01})  # a misspelt option
    with pytest.raises(ProjectError) as caught:
        Project.load(folder)
    assert f"humsec.yaml: plan.gapp: {UNKNOWN_MESSAGE}" in " ".join(str(caught.value).split())
    # the CLI: the flag
    table = tmp_path / "candidates.csv"
    CANDIDATES.to_csv(table, index=False)
    cli = runner.invoke(app, ["programme", "plan", str(table), "--budget", "10", "--gap", "-1"])
    assert cli.exit_code == 2
    assert f"--gap: {GAP_MESSAGE}" in " ".join(cli.output.split())
    # the API: the body field
    _project(folder, {"budget": 10})
    settings = ServiceSettings(
        store=str(tmp_path / "store.duckdb"), projects=str(tmp_path / "projects"),
        admin_token="admin-token",
    )  # fmt: skip
    with TestClient(create_app(settings)) as client:
        admin = {"Authorization": "Bearer admin-token"}
        made = client.post("/api/v1/tokens", json={"role": "analyst", "project": "tiny"},
                           headers=admin)  # fmt: skip
        assert made.status_code == 201, made.text
        analyst = {"Authorization": f"Bearer {made.json()['token']}"}
        answer = client.post(
            "/api/v1/projects/tiny/portfolio-plans",
            json={"candidates": "candidates.csv", "budget": 10, "gap": -1},
            headers=analyst,
        )
        misspelt = client.post(
            "/api/v1/projects/tiny/portfolio-plans",
            json={"candidates": "candidates.csv", "budget": 10, "gapp": 0.01},
            headers=analyst,
        )
    assert answer.status_code == 422, answer.text
    assert {"location": "body.gap", "message": GAP_MESSAGE} in answer.json()["errors"]
    assert misspelt.status_code == 422, misspelt.text
    assert {"location": "body.gapp", "message": UNKNOWN_MESSAGE} in misspelt.json()["errors"]


@pytest.mark.parametrize(
    ("option", "value", "flag", "message"),
    [
        ("frontier", -5, ["--frontier", "-5"], "must be a count of points from 0 to 100"),
        ("aversion", 11, ["--aversion", "11"], "must be a number from 0 to 10"),
        ("alternatives", 2.5, ["--alternatives", "2.5"], "must be a whole number from 0 to 20"),
        ("min_difference", 0, ["--min-difference", "0"], "must be a whole number from 1 to 100"),
    ],
)
def test_other_bad_options_read_the_same_in_yaml_and_cli(
    tmp_path: Path, option: str, value: object, flag: list[str], message: str
) -> None:
    folder = _project(tmp_path / "tiny", {"budget": 10, option: value})
    with pytest.raises(ProjectError) as caught:
        Project.load(folder)
    yaml_text = " ".join(str(caught.value).split())
    table = tmp_path / "candidates.csv"
    CANDIDATES.to_csv(table, index=False)
    cli = runner.invoke(app, ["programme", "plan", str(table), "--budget", "10", *flag])
    cli_text = " ".join(cli.output.split())
    said = yaml_text.split(f"plan.{option}: ", 1)[1].split(" hint")[0]
    assert said.startswith(message) and said.endswith(f"got {value:g}")
    assert cli.exit_code == 2 and f"{flag[0]}: {said}" in cli_text

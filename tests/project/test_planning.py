"""Portfolio planning from a project: the candidates role, the plan: section, the plan run,
`humsec programme plan --project`, and the report's portfolio, actors and appraisal sections."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from humsec.cli import app
from humsec.errors import ProjectError
from humsec.project import Project, run_project
from humsec.project.run import ProjectRun

runner = CliRunner()
# Four candidates on the tiny project's three areas (benefit given): by hand, under a budget of
# 10 with at most one package per area, the best is b + c (cost 4 + 6, benefit 5 + 7 = 12).
CANDIDATES = pd.DataFrame(
    {
        "area": ["AA01", "AA01", "AA02", "AA03"],
        "package": ["a", "b", "c", "d"],
        "cost": [3.0, 4.0, 6.0, 7.0],
        "benefit": [4.0, 5.0, 7.0, 6.0],
        "threats": ["poverty", "poverty", "armed_conflict", "hunger"],
    }
)


def _with_candidates(folder: Path, frame: pd.DataFrame, plan: dict[str, object] | None) -> Path:
    frame.to_csv(folder / "data" / "candidates.csv", index=False)
    config = yaml.safe_load((folder / "humsec.yaml").read_text(encoding="utf-8"))
    config["datasets"].append(
        {"name": "candidates", "file": "data/candidates.csv", "role": "candidates"}
    )
    if plan is not None:
        config["plan"] = plan
    (folder / "humsec.yaml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return folder


def _brute_force(budget: float) -> float:
    """Best benefit of any set of candidates within budget, one per area."""
    sets = [list(c) for k in range(1, 5) for c in combinations(CANDIDATES.index, k)]
    return max(
        [
            float(CANDIDATES.loc[c, "benefit"].sum())
            for c in sets
            if CANDIDATES.loc[c, "cost"].sum() <= budget and CANDIDATES.loc[c, "area"].is_unique
        ]
        or [0.0]
    )


def test_plan_runs_from_the_project_and_matches_brute_force(tiny_project: Path) -> None:
    folder = _with_candidates(
        tiny_project, CANDIDATES, {"budget": 10, "one_per_area": True, "gap": 0, "alternatives": 2}
    )
    project = Project.load(folder)
    tables = run_project(project, None, only=["plan"]).tables["plan"]
    assert sorted(tables["chosen"]["package"]) == ["b", "c"]  # by hand: 5 + 7 for 4 + 6
    summary = tables["summary"].set_index("metric")["value"]
    assert _brute_force(10) == 12.0 and summary["objective"] == pytest.approx(12.0)
    frontier = tables["frontier"].set_index("amount")
    for amount in (2.5, 5.0, 7.5, 10.0, 12.5, 15.0):  # 25 % ... 150 % of the budget
        assert frontier.loc[amount, "objective"] == pytest.approx(_brute_force(amount))
    alternatives = tables["alternatives"]
    assert alternatives["portfolio"].iloc[0] == "optimum"
    assert (alternatives["objective"].iloc[1:] <= 12.0 + 1e-9).all()
    assert "benefits as given" in tables["notes"]["note"].iloc[0]


def test_plan_is_skipped_without_a_budget_and_says_where_it_lives(tiny_project: Path) -> None:
    _with_candidates(tiny_project, CANDIDATES, None)
    result = runner.invoke(app, ["project", "run", str(tiny_project)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.replace("│", " ").split())
    assert "skipped" in flat and "plan: {budget: 5000000}" in flat and "humsec.yaml" in flat
    planned = runner.invoke(
        app, ["programme", "plan", "--project", str(tiny_project), "--budget", "10",
              "--one-per-area"])  # fmt: skip
    assert planned.exit_code == 0, planned.output
    assert "2 of 4 candidates chosen" in planned.output


def test_project_add_infers_the_candidates_role(tiny_project: Path, tmp_path: Path) -> None:
    table = tmp_path / "packages.csv"
    CANDIDATES.to_csv(table, index=False)
    result = runner.invoke(app, ["project", "add", str(tiny_project), str(table)])
    assert result.exit_code == 0, result.output
    assert "as candidates" in result.output
    assert Project.load(tiny_project).mappings["packages"]["benefit"] == "benefit"


def test_candidate_areas_and_columns_are_checked(tiny_project: Path) -> None:
    bad = CANDIDATES.assign(area=["AA01", "AA09", "AA02", "AA03"], cost=[3.0, -1.0, 6.0, 7.0])
    _with_candidates(tiny_project, bad, {"budget": 10, "high_risk_areas": ["AA07"]})
    with pytest.raises(ProjectError) as caught:
        Project.load(tiny_project)
    text = str(caught.value)
    assert "AA09" in text and "AA01" in text  # the unknown area with the closest p-codes
    assert "negative" in text and "row 2" in text
    assert "plan.high_risk_areas" in text and "AA07" in text


def test_demo_plan_derives_benefits_from_the_project(
    demo_analysed: tuple[Project, ProjectRun],
) -> None:
    project, ran = demo_analysed
    folder = project.root
    tables = ran.tables["plan"]
    cand = tables["candidates"].set_index(["area", "package"])
    # benefit = people x w_a x (1 - e_a) x with_ripples, w_a = H_a / H (deprivation run)
    dep = ran.tables["deprivation"]
    h_nat = float(dep["national"]["H"].iloc[0])
    h_turkana = float(dep["by_area"].set_index("pcode").loc["KE023", "H"])
    row = cand.loc[("KE023", "drought_resilience")]
    assert row["equity_weight"] == pytest.approx(h_turkana / h_nat, rel=1e-12)
    # e_a = EAI well-being loss / annual consumption of the area's survey households
    survey = pd.read_parquet(folder / "data" / "survey_synthetic.parquet")
    turkana = survey[survey["area"] == "KE023"]
    loss = ran.tables["shocks"]["by_area"].set_index("pcode").loc["KE023", "eai_wellbeing_loss"]
    consumption = float((turkana["weight"] * turkana["consumption"]).sum())
    assert row["erosion"] == pytest.approx(loss / consumption, rel=1e-12)
    assert row["direct"] == pytest.approx(0.6)  # two threats x 0.3
    assert row["benefit"] == pytest.approx(
        row["people"] * row["equity_weight"] * (1 - row["erosion"]) * row["with_ripples"]
    )
    chosen = tables["chosen"]
    assert chosen["area"].is_unique  # one package per area, as the demo's plan: says
    assert chosen["cost"].sum() <= 40_000_000
    assert list(tables["frontier"]["amount"]) == [2e7, 4e7]


def test_project_report_has_actor_maps_portfolio_and_appraisal_in_context(
    demo_analysed: tuple[Project, ProjectRun],
) -> None:
    from humsec.report import ReportContext, build_report
    from humsec.report.sections import project_sections

    project, ran = demo_analysed
    folder = project.root
    wanted = [
        s
        for s in project_sections()
        if s.id in ("programmes", "actors", "portfolio", "threat-network")
    ]
    html = build_report(ReportContext(project=project, project_run=ran), wanted)
    for div in (
        "actor-presence-map",
        "actor-gap-map",
        "plan-map",
        "plan-frontier",
        "programme-radar",
    ):
        assert f'id="{div}"' in html
    assert "Synthetic data." in html and "Illustrative data." in html
    # the threat network is read from the stored run: the demo's two overlapping threats
    from humsec.project import NETWORK_BOOTSTRAP, stored_network

    network = stored_network(ran.tables["threat_network"])
    assert network.threats == ("armed_conflict", "lack_of_health_care")
    assert "2019–2025" in network.gaps["hunger"] and network.bootstrap == NETWORK_BOOTSTRAP
    assert 'id="threat-network-figure"' in html and 'id="threat-leverage"' in html
    assert "appraised in the project's context" in html
    assert "The project's programmes: programmes/integrated.yaml" in html
    # the CLI's coverage from the project's needs finds the gaps the report maps
    gaps = int(html.split("at most 1 organisation works there: ")[1].split(" of 47")[0])
    result = runner.invoke(
        app, ["actors", "coverage", str(folder / "data" / "threew_synthetic.csv"), "--project",
              str(folder)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"47 need rows: {gaps} gap(s)" in result.output


def test_several_3w_tables_are_stacked(tiny_project: Path, tmp_path: Path) -> None:
    from humsec.project import project_presence

    for i, (area, org) in enumerate((("AA01", "Alpha Relief"), ("AA02", "Beta Water Trust"))):
        table = tmp_path / f"who_{i}.csv"
        table.write_text(f"adm1 pcode,org,sector\n{area},{org},WASH\n", encoding="utf-8")
        result = runner.invoke(app, ["project", "add", str(tiny_project), str(table),
                                     "--role", "3w"])  # fmt: skip
        assert result.exit_code == 0, result.output
    presence = project_presence(Project.load(tiny_project))
    assert presence is not None
    assert sorted(zip(presence["area"], presence["org"], strict=True)) == [
        ("AA01", "Alpha Relief"), ("AA02", "Beta Water Trust")
    ]

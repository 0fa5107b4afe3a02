"""The project layer builds the appraisal context from the project's own data and results, and
the two example programmes of the demo differ criterion by criterion in the expected ways."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from humsec.cli import app
from humsec.programme import Programme, appraise
from humsec.project import (
    Project,
    ProjectContext,
    appraisal_context,
    context_tables,
    top_threats,
)
from humsec.project.run import ProjectRun


@pytest.fixture(scope="module")
def demo(demo_analysed: tuple[Project, ProjectRun]) -> Project:
    return demo_analysed[0]


@pytest.fixture(scope="module")
def run(demo_analysed: tuple[Project, ProjectRun]) -> ProjectRun:
    return demo_analysed[1]


@pytest.fixture(scope="module")
def context(demo: Project, run: ProjectRun) -> ProjectContext:
    return appraisal_context(demo, run)


def _programme(demo: Project, name: str) -> Programme:
    return Programme.from_yaml(
        demo.path(f"programmes/{name}.yaml"), framework=demo.framework, areas=demo.pcodes
    )


def test_every_part_comes_from_the_project(
    demo: Project, run: ProjectRun, context: ProjectContext
) -> None:
    assert context.notes == ()
    ctx = context.context
    assert {
        p
        for p in ("top_threats", "deprivation", "presence", "dominant_hazards", "scenario")
        if ctx.has(p)
    } == {"top_threats", "deprivation", "presence", "dominant_hazards", "scenario"}
    assert "SYNTHETIC" in ctx.source("presence")
    # top threats by hand: a threat's score is the mean 0-10 score of its indicators
    scores = run.tables["area_index"]["indicators"].set_index("pcode")
    turkana = scores.loc["KE023"]
    by_hand = {
        "poverty": turkana["floor_earth"],
        "hunger": turkana["food_insecurity"],
        "armed_conflict": turkana[["conflict_events_5y", "conflict_fatalities_5y"]].mean(),
        "lack_of_health_care": turkana[["children_u5_share", "health_index"]].mean(),
        "lack_of_basic_infrastructure": turkana[
            [
                "water_unimproved",
                "sanitation_unimproved",
                "cooking_solid_fuel",
                "no_electricity",
                "no_internet",
            ]
        ].mean(),
    }
    assert ctx.top_threats["KE023"] == sorted(by_hand, key=lambda t: -by_hand[t])
    assert top_threats(demo, run.tables["area_index"]["indicators"]) == dict(ctx.top_threats)
    # deprived people = H x weighted people of the cell; group "all" sums to the national count
    groups = run.tables["deprivation_groups"]["by_group_area"]
    everyone = groups[groups["group"] == "all"]
    assert (everyone["deprived"] - everyone["H"] * everyone["people"]).abs().max() < 1e-6
    survey = pd.read_parquet(demo.path("data/survey_synthetic.parquet"))
    assert everyone["people"].sum() == pytest.approx(survey["weight"].sum(), rel=1e-9)
    assert set(groups["group"]) > {"all", "women", "children", "people_in_poverty"}


def test_dominant_hazards_rank_each_areas_own_losses(
    run: ProjectRun, context: ProjectContext
) -> None:
    # the shocks run keeps loss by area x hazard; an area's dominant hazard is its largest
    # expected annual well-being loss there, and the per-area losses sum to by_hazard's EAI
    table = run.tables["shocks"]["by_area_hazard"]
    national = run.tables["shocks"]["by_hazard"].set_index("hazard")["eai_wellbeing_loss"]
    summed = table.groupby("hazard")["eai_wellbeing_loss"].sum()
    assert (summed - national.reindex(summed.index)).abs().max() <= 1e-9 * national.abs().max()
    ctx = context.context
    assert ": shocks.by_area_hazard" in ctx.source("dominant_hazards")
    for area, rows in table.groupby("area"):
        hit = rows[rows["eai_wellbeing_loss"] > 0]
        by_hand = sorted(
            zip(hit["hazard"], hit["eai_wellbeing_loss"], strict=True), key=lambda r: (-r[1], r[0])
        )
        assert list(ctx.dominant_hazards.get(str(area), [])) == [h for h, _ in by_hand]
    assert any(len(v) > 1 for v in ctx.dominant_hazards.values())


def test_the_two_examples_differ_criterion_by_criterion(
    demo: Project, run: ProjectRun, context: ProjectContext
) -> None:
    ctx = context.context
    integrated = appraise(_programme(demo, "integrated"), ctx, None, demo.framework)
    siloed = appraise(_programme(demo, "siloed"), ctx, None, demo.framework)
    design = appraise(_programme(demo, "siloed"), None, None, demo.framework)
    i = dict(zip(integrated.to_frame()["criterion"], integrated.to_frame()["score"], strict=True))
    s = dict(zip(siloed.to_frame()["criterion"], siloed.to_frame()["score"], strict=True))
    # with context the integrated programme is ahead on every criterion
    assert all(i[c] > s[c] for c in i), (i, s)
    assert (i["comprehensive"], s["comprehensive"]) == (4, 0)
    assert (i["context_specific"], s["context_specific"]) == (3, 2)
    assert integrated.not_checked == () and siloed.not_checked == ()
    assert design.not_checked  # the design-only appraisal says what it could not check
    ev_i, ev_s = integrated.evidence, siloed.evidence
    # top threats addressed: |P ∩ T| / |T| over the top 3 of each area, by hand
    top = list(
        dict.fromkeys(t for a in ("KE026", "KE027", "KE032") for t in ctx.top_threats[a][:3])
    )
    assert ev_s["top_threats_addressed_share"].value == pytest.approx(
        len({"poverty"} & set(top)) / len(top)
    )
    assert ev_i["top_threats_addressed_share"].value == 1.0
    # reach: coverage c = B / D_all over the programme's areas; the siloed one counts no group
    groups = run.tables["deprivation_groups"]["by_group_area"]
    d_all = groups[(groups["group"] == "all") & groups["area"].isin(["KE026", "KE027", "KE032"])][
        "deprived"
    ]
    assert ev_s["reach_gap_max"].detail.endswith(
        f"coverage {65_000 / d_all.sum():.3f} of {d_all.sum():,.0f} deprived people"
    )
    assert ev_s["reach_gap_max"].value == 1.0
    # hazards: the integrated programme's measures cover its areas' two dominant hazards
    assert (
        ev_i["dominant_hazards_covered_share"].value,
        ev_s["dominant_hazards_covered_share"].value,
    ) == (1.0, 0.0)
    # who is there: the siloed programme's areas host only NGOs in the 3W table
    present = context.context.presence
    assert present is not None
    here = set(present[present["area"].isin(["KE026", "KE027", "KE032"])]["org_type"])
    assert ev_s["new_actor_types"].value == len({"government", "private"} - here)
    # erosion of gains is simulated on the project's scenario (a share between 0 and 1)
    assert 0 < ev_i["expected_erosion"].value < ev_i["erosion_rp20"].value < 1
    assert ev_i["erosion_cut"].value > 0  # the project's measures it carries cut erosion
    assert ev_s["erosion_cut"].value == 0  # it carries none
    # the project's stored appraisal (humsec project run, read by the report) is the same
    stored = run.tables["appraisal"]["scores"]
    for result in (integrated, siloed):
        mine = stored[stored["programme"] == result.programme]
        assert mine["score"].astype(int).tolist() == result.to_frame()["score"].tolist()
        assert set(mine["marker"]) == {result.marker}


def test_without_data_the_context_says_which_checks_it_cannot_make(tiny_project: Path) -> None:
    project = Project.load(tiny_project)
    built = appraisal_context(project, tables=context_tables(project))
    text = " ".join(built.notes)
    for what in ("area index", "deprivation", "3W", "scenario"):
        assert what in text
    (tiny_project / "prog.yaml").write_text(
        yaml.safe_dump(
            {
                "programme": {
                    "id": "P1",
                    "name": "Tiny",
                    "country": "KEN",
                    "areas": ["AA01"],
                    "start": "2025-01-01",
                    "end": "2026-01-01",
                },
                "components": [
                    {
                        "id": "c1",
                        "name": "water",
                        "threats": ["lack_of_basic_infrastructure"],
                        "beneficiaries": {"total": 100},
                        "mode": "empowerment",
                        "level": "community",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["programme", "appraise", str(tiny_project / "prog.yaml"), "--project", str(tiny_project)],
    )
    assert result.exit_code == 0, result.output
    assert "the project has no 3W table" in result.output
    assert "not checked" in result.output

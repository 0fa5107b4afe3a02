"""The dashboard end to end in headless Chromium: sign-in, the project pages on the demo
project's own data, jobs with progress, downloads, keyboard use and a 900 px window."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from tests.web.conftest import ADMIN, LiveService, screenshot, sign_in

pytestmark = pytest.mark.browser


def _only_own_requests(page: Any, live: LiveService) -> None:
    foreign = [u for u in page.requests if not u.startswith(live.url) and not u.startswith("data:")]
    assert foreign == []  # offline: every script and style comes from the service


def test_sign_in_refuses_a_wrong_token_then_lists_the_project(page: Any, live: LiveService) -> None:
    page.goto("/")
    assert page.url.startswith(f"{live.url}/sign-in")
    page.get_by_label("API token").fill("hs_not-a-token")
    page.get_by_role("button", name="Sign in").click()
    assert "not valid" in page.get_by_role("alert").inner_text()
    screenshot(page, "sign-in")
    sign_in(page, ADMIN)
    assert page.url == f"{live.url}/"
    link = page.get_by_role("link", name="Kenya counties (humsec demo)")
    assert link.is_visible()
    # the token is in an HttpOnly cookie, never in the page or a script's reach
    assert ADMIN not in page.content()
    assert page.evaluate("document.cookie") == ""
    cookie = next(c for c in page.context.cookies() if c["name"] == "humsec_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    _only_own_requests(page, live)


def test_overview_lists_ready_and_missing_analyses(page: Any, live: LiveService) -> None:
    viewer = live.token("viewer", "kenya")
    sign_in(page, viewer, "/projects/kenya")
    assert page.get_by_role("heading", name="Kenya counties (humsec demo)").is_visible()
    rows = page.locator("table[aria-labelledby=analyses-heading] tbody tr")
    # area_index, deprivation, deprivation_groups, shocks, measures, events, appraisal, plan,
    # threat_network
    assert rows.count() == 9
    texts = {r.locator("td").nth(0).inner_text(): r.inner_text() for r in rows.all()}
    assert "ready" in texts["Area risk index (area_index)"]
    # the demo has no point-event dataset: the events analysis says what it needs
    events = texts["Point events by area and year (events)"]
    assert "missing" in events and "--role events" in events
    assert page.locator("#run-analyses").count() == 0  # a viewer cannot compute
    screenshot(page, "overview")


def test_keyboard_skip_link_and_900px_layout(page: Any, live: LiveService) -> None:
    sign_in(page, ADMIN, "/projects/kenya")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the project navigation is reachable by Tab as real links
    labels = page.locator("nav.project-nav a").all_inner_texts()
    assert labels[:2] == ["Overview", "Map"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 900  # nothing overflows a 900 px window


def test_an_analyst_runs_the_analyses_and_sees_them_finish(page: Any, live: LiveService) -> None:
    analyst = live.token("analyst", "kenya")
    sign_in(page, analyst, "/projects/kenya")
    page.locator("#run-analyses").click()
    jobs = page.locator("#jobs tr.job")
    jobs.first.wait_for()
    # the eight ready analyses: area_index, deprivation, deprivation_groups, shocks, measures,
    # appraisal, plan, threat_network
    assert jobs.count() == 8
    page.locator("#jobs .jobs caption", has_text="finished").wait_for(timeout=120_000)
    statuses = page.locator("#jobs tr.job").evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses == ["done"] * 8
    screenshot(page, "jobs")
    store = live.app.state.workspace.store("kenya")
    assert set(store.history()["analysis"]) >= {
        "area_index",
        "deprivation",
        "deprivation_groups",
        "shocks",
        "measures",
        "appraisal",
        "plan",
        "threat_network",
    }


def test_map_changes_indicator_by_htmx_swap(page: Any, live: LiveService) -> None:
    sign_in(page, ADMIN, "/projects/kenya/map")
    page.locator("#map-figure .main-svg").first.wait_for()  # Plotly drew the map
    page.get_by_label("Indicator").select_option("indicator:no_electricity")
    page.locator("#map-figure[data-key='indicator:no_electricity'] .main-svg").first.wait_for()
    assert "no_electricity" not in page.url  # swapped in place, not a new page
    caption = page.locator("#map-table caption").inner_text()
    assert caption.startswith("Households without mains electricity")
    # the table's top row is the area with the highest value in the project's own data
    project = live.app.state.workspace.project("kenya")
    long = project.area_indicators
    rows = long[(long["indicator"] == "no_electricity") & long["value"].notna()]
    top = rows.sort_values("value").iloc[-1]
    first = page.locator("#map-table tbody tr").first.inner_text()
    assert top["pcode"] in first
    # 47 county polygons + the colour bar trace
    traces = page.evaluate("document.getElementById('map-figure').data.length")
    assert traces == 48
    screenshot(page, "map")
    _only_own_requests(page, live)


def test_fear_want_profile_groups_and_history_download(page: Any, analysed: LiveService) -> None:
    sign_in(page, ADMIN, "/projects/kenya/fear-want")
    page.locator("#fear-want-figure .main-svg").first.wait_for()
    store = analysed.app.state.workspace.store("kenya")
    history = store.history()
    run_id = str(history[history["analysis"] == "area_index"]["run_id"].iloc[-1])
    scores = store.tables(run_id)["indicators"].set_index("pcode")
    fear = scores[["conflict_events_5y", "conflict_fatalities_5y"]].mean(axis=1)
    top = fear.idxmax()
    first = page.locator("#fear-want-table tbody tr").first
    assert first.locator("td").nth(1).inner_text() == f"{fear[top]:.3g}"
    screenshot(page, "fear-want")

    first.get_by_role("link").click()
    page.wait_for_url(f"**/areas/{top}")
    assert page.locator("#profile-index").is_visible()
    assert "KEN national" in page.locator("#profile-index thead").inner_text()
    screenshot(page, "profile")

    page.get_by_role("link", name="Left behind").click()
    # the click only starts the navigation: wait for the page before counting its rows
    page.wait_for_url("**/projects/kenya/groups")
    page.locator("#groups-table tbody tr").first.wait_for()
    assert page.locator("#groups-table tbody tr").count() >= 1
    page.locator("#group-figure .main-svg").first.wait_for()

    page.get_by_role("link", name="Run history").click()
    link = page.locator(f"#run-{run_id} a", has_text="scores")
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    import pandas as pd

    got = pd.read_csv(path)
    want = store.tables(run_id)["scores"]
    assert list(got["pcode"]) == list(want["pcode"])
    assert got["risk"].to_numpy() == pytest.approx(want["risk"].to_numpy())
    screenshot(page, "history")


def test_stress_test_runs_as_a_job_with_progress_and_results(
    page: Any, analysed: LiveService
) -> None:
    analyst = analysed.token("analyst", "kenya")
    sign_in(page, analyst, "/projects/kenya/stress-test")
    page.get_by_label("Simulated years").fill("60")
    page.get_by_label("Seed").fill("5")
    for box in page.locator("fieldset input[type=checkbox]").all()[1:]:
        box.uncheck()  # keep only the first measure
    page.get_by_role("button", name="Run the stress test").click()
    page.locator("#stress-job").wait_for()
    page.locator("#stress-job[data-status='done'] #stress-results").wait_for(timeout=60_000)
    # The progress came from the job's event stream, and the results fragment was fetched
    # once, when the stream said the job had ended (no polling).
    job_id = page.locator("#stress-job").get_attribute("data-job-id")
    fragment = f"{analysed.url}/projects/kenya/stress-test/jobs/{job_id}"
    assert page.evaluate("document.body.dataset.jobProgress") == "events"
    assert page.requests.count(fragment + "/events") == 1
    assert page.requests.count(fragment) == 1
    # The page's numbers are the stored run's, which equal the project analysis run in Python
    store = analysed.app.state.workspace.store("kenya")
    history = store.history()
    run_id = str(history[history["analysis"] == "stress_test"]["run_id"].iloc[-1])
    run = store.run(run_id)
    assert run.seed == 5 and run.spec["n_years"] == 60 and len(run.spec["measures"]) == 1
    measures = store.tables(run_id)["measures"]
    assert set(measures["measure"]) >= set(run.spec["measures"])
    text = page.locator("#stress-measures").inner_text()
    assert run.spec["measures"][0] in text
    screenshot(page, "stress-test")


def test_stress_test_progress_is_polled_where_there_is_no_event_stream(
    page: Any, analysed: LiveService
) -> None:
    page.add_init_script("delete window.EventSource;")  # a browser without server-sent events
    analyst = analysed.token("analyst", "kenya")
    sign_in(page, analyst, "/projects/kenya/stress-test")
    page.get_by_label("Simulated years").fill("40")
    page.get_by_label("Seed").fill("6")
    for box in page.locator("fieldset input[type=checkbox]").all():
        box.uncheck()
    page.get_by_role("button", name="Run the stress test").click()
    page.locator("#stress-job[data-status='done'] #stress-results").wait_for(timeout=60_000)
    job_id = page.locator("#stress-job").get_attribute("data-job-id")
    fragment = f"{analysed.url}/projects/kenya/stress-test/jobs/{job_id}"
    assert page.evaluate("document.body.dataset.jobProgress") == "polling"
    assert page.requests.count(fragment + "/events") == 0
    assert page.requests.count(fragment) >= 1
    store = analysed.app.state.workspace.store("kenya")
    run = store.run(str(store.history()["run_id"].iloc[-1]))
    assert (run.analysis, run.seed, run.spec["n_years"]) == ("stress_test", 6, 40)
    # without measures the page shows the impacts and no appraisal (this used to be a 500)
    assert page.locator("#stress-summary tr").count() >= 3
    assert page.locator("#stress-measures").count() == 0


def test_appraisal_runs_in_the_projects_context_as_a_job(page: Any, analysed: LiveService) -> None:
    import httpx

    from humsec.programme import Programme, example_path

    analyst = analysed.token("analyst", "kenya")
    sign_in(page, analyst, "/projects/kenya/appraisal")
    path = example_path("integrated")
    page.get_by_label("Programme or IATI file").set_input_files(str(path))
    page.get_by_label("Years simulated for the erosion of gains").fill("20")
    page.get_by_role("button", name="Appraise", exact=True).click()
    page.locator("#appraisal-job").wait_for()
    page.locator("#appraisal-job[data-status='done'] #appraisal-results").wait_for(timeout=120_000)
    job_id = page.locator("#appraisal-job").get_attribute("data-job-id")
    fragment = f"{analysed.url}/projects/kenya/appraisal/jobs/{job_id}"
    assert page.requests.count(fragment + "/events") == 1  # progress from the event stream
    # The page shows the stored run: appraised in the project's context.
    store = analysed.app.state.workspace.store("kenya")
    history = store.history()
    run_id = str(history[history["analysis"] == "programme.appraisal"]["run_id"].iloc[-1])
    tables = store.tables(run_id)
    summary = tables["summary"].iloc[0]
    assert (
        bool(summary["with_context"])
        and summary["marker"] in page.locator("#appraisal-marker").inner_text()
    )
    rows = page.locator("#appraisal-results table.appraisal-scores tbody tr")
    shown = [int(r.locator("td").nth(1).inner_text()) for r in rows.all()]
    assert shown == [int(v) for v in tables["scores"]["score"]]
    parts = page.locator("#appraisal-sources tbody td:first-child").all_inner_texts()
    assert parts == [str(p).replace("_", " ") for p in tables["sources"]["part"]]
    assert "top threats" in parts  # from the project's area index
    checks = page.locator("#appraisal-checks").inner_text()
    assert "without the project's context" not in checks
    page.locator("#appraisal-results .radar .main-svg").first.wait_for()
    screenshot(page, "appraisal")
    # It is the API's appraisal: the programme was kept under its id, and the API's
    # appraisal of it in the same context reuses the page's run.
    project = analysed.app.state.workspace.project("kenya")
    programme = Programme.from_yaml(path, framework=project.framework, areas=project.pcodes)
    api = httpx.post(
        f"{analysed.url}/api/v1/projects/kenya/programmes/{programme.id}/appraisal",
        json={"n_years": 20},
        headers={"Authorization": f"Bearer {analyst}"},
    )
    assert api.status_code == 202, api.text
    view = api.json()
    assert view["reused"] is True and store.run(view["run_id"]).reused_from == run_id
    # The programme is now one of the project's, offered for appraisal on the page.
    page.reload()
    assert page.get_by_role("button", name=f"Appraise {programme.id} in context").is_visible()


def test_an_iati_file_is_imported_and_its_programmes_kept_to_appraise(
    page: Any, live: LiveService
) -> None:
    from pathlib import Path

    from humsec.programme import read_iati

    iati = Path(__file__).parents[1] / "fixtures" / "iati" / "kenya_activities_203.xml"
    analyst = live.token("analyst", "kenya")
    sign_in(page, analyst, "/projects/kenya/appraisal")
    page.get_by_label("Programme or IATI file").set_input_files(str(iati))
    page.get_by_role("button", name="Appraise", exact=True).click()
    page.locator("#appraisal-import").wait_for()
    project = live.app.state.workspace.project("kenya")
    imported = read_iati(iati, framework=project.framework).programmes
    buttons = page.locator("#appraisal-import button").all_inner_texts()
    assert buttons == [f"Appraise {p.id} in context" for p in imported[:20]]
    store = live.app.state.workspace.store("kenya")
    kept = set(store.datasets()["name"])
    assert {f"programme/{p.id}" for p in imported[:20]} <= kept


def test_planner_uses_the_projects_candidates_and_budget(page: Any, analysed: LiveService) -> None:
    from humsec.programme import Budget, plan

    sign_in(page, ADMIN, "/projects/kenya/planner")
    store = analysed.app.state.workspace.store("kenya")
    history = store.history()
    run_id = str(history[history["analysis"] == "plan"]["run_id"].iloc[-1])
    tables = store.tables(run_id)
    stored = sorted(zip(tables["chosen"]["package"], tables["chosen"]["area"], strict=True))
    # The project's plan run is shown; the slider starts at the plan's own budget.
    texts = page.locator("#plan-stored-chosen tbody tr").all_inner_texts()
    assert len(texts) == len(stored)
    project = analysed.app.state.workspace.project("kenya")
    budget = float(project.config.plan.budget)
    assert float(page.locator("#budget").input_value()) == budget
    page.get_by_role("button", name="Plan", exact=True).click()
    page.locator(f"#plan-solved[data-budget='{budget}']").wait_for(timeout=120_000)

    def chosen() -> list[tuple[str, str]]:
        rows = page.locator("#plan-chosen tbody tr").all()
        return sorted(
            (r.locator("td").nth(0).inner_text(), r.locator("td").nth(1).inner_text()) for r in rows
        )

    assert chosen() == stored  # the project's candidates and budget: the plan run's portfolio
    # Running the project's plan again is a job; with nothing changed it reuses the run.
    page.get_by_role("button", name="Run the project's plan again").click()
    page.locator("#plan-job[data-status='done'] #plan-stored").wait_for(timeout=60_000)
    assert "reused" in page.locator("#plan-job").inner_text()
    assert len(page.locator("#plan-job #plan-stored-chosen tbody tr").all()) == len(stored)
    # Another point on the slider: the same candidates and options, the fund scaled.
    step = float(page.locator("#budget").get_attribute("step") or 1)
    lower = step * round(budget / 2 / step)
    page.locator("#budget").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }",
        lower,
    )
    page.locator(f"#plan-solved[data-budget='{lower}']").wait_for(timeout=120_000)
    settings = project.config.plan
    want = plan(
        tables["candidates"],
        [Budget(lower, None, "budget")],
        areas=project.pcodes,
        one_per_area=settings.one_per_area,
        aversion=settings.aversion,
        gap=settings.gap,
    )
    assert chosen() == sorted(zip(want.chosen["package"], want.chosen["area"], strict=True))
    page.locator("#frontier-figure .main-svg").first.wait_for()
    screenshot(page, "planner")


def test_planner_on_the_measures_budget_slider_frontier_and_alternatives(
    page: Any, analysed: LiveService
) -> None:
    sign_in(page, ADMIN, "/projects/kenya/planner")
    store = analysed.app.state.workspace.store("kenya")
    history = store.history()
    run_id = str(history[history["analysis"] == "measures"]["run_id"].iloc[-1])
    table = store.tables(run_id)["measures"]
    own = table[~table["measure"].str.contains("combined")]
    step = float(page.locator("#budget").get_attribute("step") or 1)
    budget = step * math.ceil(float(own["cost_pv"].min()) / step)  # a point on the slider
    page.get_by_label("Candidates").select_option("measures")  # solved at the preset budget
    preset = float(page.locator("#budget").input_value())
    page.locator(f"#plan-solved[data-budget='{preset}']").wait_for(timeout=60_000)
    page.locator("#budget").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }",
        budget,
    )
    page.locator(f"#plan-solved[data-budget='{budget}']").wait_for(timeout=60_000)
    chosen = page.locator("#plan-chosen tbody td:first-child").all_inner_texts()
    # brute force over every subset of the measures: the best that fits the budget
    rows = list(zip(own["measure"], own["cost_pv"], own["benefit_wellbeing_npv"], strict=True))
    best = max(
        (
            s
            for k in range(len(rows) + 1)
            for s in itertools.combinations(rows, k)
            if sum(r[1] for r in s) <= budget
        ),
        key=lambda s: sum(r[2] for r in s),
    )
    assert sorted(chosen) == sorted(r[0] for r in best)
    # the frontier's last point funds everything: its objective is the sum of all benefits
    last = page.locator("#plan-frontier tbody tr").last.locator("td").nth(3).inner_text()
    assert int(last) == len(own)

"""The dashboard end to end in headless Chromium: sign-in, the project pages on the demo
project's own data, jobs with progress, downloads, keyboard use and a 900 px window."""

from __future__ import annotations

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
    assert rows.count() == 5
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
    assert jobs.count() == 4  # the four ready analyses
    page.locator("#jobs .jobs caption", has_text="finished").wait_for(timeout=60_000)
    statuses = page.locator("#jobs tr.job").evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses == ["done"] * 4
    screenshot(page, "jobs")
    store = live.app.state.workspace.store("kenya")
    assert set(store.history()["analysis"]) >= {"area_index", "deprivation", "shocks", "measures"}

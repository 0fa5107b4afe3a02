"""A live humsec service on loopback (uvicorn in a thread) with the Kenya demo project, and a
headless Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN = "web-test-admin-token"
SHOTS = os.environ.get("HUMSEC_DASHBOARD_SCREENSHOTS")


@dataclass
class LiveService:
    url: str
    app: Any

    def token(self, role: str, project: str | None = None) -> str:
        made = httpx.post(
            f"{self.url}/api/v1/tokens",
            json={"role": role, "project": project},
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        assert made.status_code == 201, made.text
        return str(made.json()["token"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    import uvicorn

    from humsec.api import ServiceSettings, create_app
    from humsec.web import mount_dashboard

    root = tmp_path_factory.mktemp("web")
    settings = ServiceSettings(
        store=str(root / "store.duckdb"),
        projects=str(root / "projects"),
        admin_token=ADMIN,
    )
    app = create_app(settings)
    mount_dashboard(app)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    made = httpx.post(
        f"{url}/api/v1/projects",
        json={"name": "kenya"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=60,
    )
    assert made.status_code == 201, made.text
    yield LiveService(url, app)
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live: LiveService) -> Iterator[Any]:
    """A fresh browser context 900 px wide that records every request it makes."""
    context = browser.new_context(viewport={"width": 900, "height": 800}, base_url=live.url)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.on("request", lambda r: tab.requests.append(r.url))  # type: ignore[attr-defined]
    yield tab
    context.close()


def sign_in(page: Any, token: str, next_path: str = "/") -> None:
    page.goto(next_path)
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot for docs/ when HUMSEC_DASHBOARD_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"dashboard-{name}.png"))


@pytest.fixture
def analysed(live: LiveService) -> LiveService:
    """The demo project with its analyses in the store (run here unless a test ran them)."""
    from humsec.project import run_project

    workspace = live.app.state.workspace
    store = workspace.store("kenya")
    if "area_index" not in set(store.history()["analysis"]):
        run_project(workspace.project("kenya"), store)
    return live

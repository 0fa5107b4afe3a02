"""Dashboard sign-in and CSRF rules, and the offline assets (no browser needed)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from humsec.api import ServiceSettings, create_app
from humsec.report import plotly_bundle_path
from humsec.web import mount_dashboard

ADMIN = "session-admin-token"
BASE = "http://127.0.0.1:8000"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("session")
    settings = ServiceSettings(
        store=str(root / "s.duckdb"), projects=str(root / "p"), admin_token=ADMIN
    )
    app = create_app(settings)
    mount_dashboard(app)
    with TestClient(app, base_url=BASE) as c:
        assert (
            c.post(
                "/api/v1/projects",
                json={"name": "kenya"},
                headers={"Authorization": f"Bearer {ADMIN}"},
            ).status_code
            == 201
        )
        yield c


def test_pages_need_a_session_and_the_cookie_is_httponly_strict(client: TestClient) -> None:
    client.cookies.clear()
    first = client.get("/projects/kenya", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in?next=/projects/kenya"
    signed = client.post(
        "/sign-in",
        data={"token": ADMIN, "next": "/projects/kenya"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/projects/kenya"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = client.get("/projects/kenya")
    assert page.status_code == 200 and ADMIN not in page.text
    client.cookies.clear()


def test_a_wrong_token_is_refused_and_next_never_leaves_the_site(client: TestClient) -> None:
    wrong = client.post("/sign-in", data={"token": "hs_x", "next": "/"}, headers={"Origin": BASE})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    off_site = client.post(
        "/sign-in",
        data={"token": ADMIN, "next": "//evil.example/x"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert off_site.headers["location"] == "/"
    client.cookies.clear()


def test_posts_from_another_origin_are_refused(client: TestClient) -> None:
    for headers in ({"Origin": "http://evil.example"}, {}):
        refused = client.post("/sign-in", data={"token": ADMIN, "next": "/"}, headers=headers)
        assert refused.status_code == 403 and "not sent from the dashboard" in refused.text
    by_referer = client.post(
        "/sign-in",
        data={"token": ADMIN, "next": "/"},
        headers={"Referer": f"{BASE}/sign-in"},
        follow_redirects=False,
    )
    assert by_referer.status_code == 303
    analyst_run = client.post("/projects/kenya/runs", headers={"Origin": "http://evil.example"})
    assert analyst_run.status_code == 403
    client.cookies.clear()


def test_roles_hold_on_pages_as_on_the_api(client: TestClient) -> None:
    made = client.post(
        "/api/v1/tokens",
        json={"role": "viewer", "project": "other"},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    other = made.json()["token"]
    denied = client.get("/projects/kenya", headers={"Authorization": f"Bearer {other}"})
    assert denied.status_code == 403 and "viewer role for project &#39;kenya&#39;" in denied.text
    listed = client.get("/", headers={"Authorization": f"Bearer {other}"})
    assert "Kenya counties" not in listed.text


def test_the_api_keeps_its_problem_documents(client: TestClient) -> None:
    missing = client.get("/api/v1/projects/nope", headers={"Authorization": f"Bearer {ADMIN}"})
    assert missing.headers["content-type"] == "application/problem+json"
    assert "/sign-in" not in client.get("/openapi.json").text


def test_assets_are_served_from_the_package_and_vendored_htmx_is_the_recorded_one(
    client: TestClient,
) -> None:
    htmx = client.get("/assets/htmx.min.js")
    assert hashlib.sha256(htmx.content).hexdigest() == HTMX_SHA256
    plotly = client.get("/assets/plotly.min.js")
    assert plotly.content == plotly_bundle_path().read_bytes()  # the report's partial bundle
    assert client.get("/assets/..%2Fsession.py").status_code == 404
    assert "0BSD" in client.get("/assets/htmx.LICENSE.txt").text or "Zero-Clause BSD" in (
        client.get("/assets/htmx.LICENSE.txt").text
    )


def test_a_viewer_reads_the_appraisal_and_planner_but_cannot_start_them(
    client: TestClient,
) -> None:
    made = client.post(
        "/api/v1/tokens",
        json={"role": "viewer", "project": "kenya"},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    viewer = {"Authorization": f"Bearer {made.json()['token']}", "Origin": BASE}
    page = client.get("/projects/kenya/appraisal", headers=viewer)
    assert page.status_code == 200 and "needs the analyst role" in page.text
    assert "appraisal-form" not in page.text
    planner = client.get("/projects/kenya/planner", headers=viewer)
    assert planner.status_code == 200 and "run-plan" not in planner.text
    for path, data in (
        ("/projects/kenya/appraisal", {"example": "integrated"}),
        ("/projects/kenya/appraisal/programmes/KE-DRYLANDS-HS", {}),
        ("/projects/kenya/planner/run", {}),
        ("/projects/kenya/planner", {"budget": "1000"}),
    ):
        refused = client.post(path, data=data, headers=viewer)
        assert refused.status_code == 403 and "analyst" in refused.text, path
    # nothing was kept or queued for the viewer
    store = client.app.state.workspace.store("kenya")  # type: ignore[attr-defined]
    assert not any(str(n).startswith("programme/") for n in store.datasets()["name"])
    assert client.app.state.jobs.views("kenya") == []  # type: ignore[attr-defined]

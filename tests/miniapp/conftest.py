"""The mini-app in headless Chromium at a phone's size (390×844), against gunicorn on a database of its own with the
demo data; every screen is checked with axe-core (vendored, injected from disk) and photographed for a person to see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine

from config import PROJECT_ROOT
from tests.browser import ARTIFACTS, chromium, free_port, page_in, server
from tests.conftest import drop_database, new_database

SHOTS = ARTIFACTS / "miniapp"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# The schema by its migrations, then the demo data: one process, as `flask db upgrade` and `flask seed demo` would.
PREPARE = """
import flask_migrate
from api import create_app
from api.extensions import db
from api.seed.demo import seed_demo
app = create_app()
with app.app_context():
    flask_migrate.upgrade()
    seed_demo(db.session, app.config)
"""


@pytest.fixture(scope="session")
def miniapp_url(tmp_path_factory):
    """gunicorn (2 workers) on a fresh database with the demo data: the mini-app as a resident would open it."""
    url = new_database(tmp_path_factory, "miniapp")
    env = os.environ | {"DATABASE_URL": url, "APP_ENV": "development", "ZLB_MOCK": "1"}
    subprocess.run([sys.executable, "-c", PREPARE], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"]
    try:
        with server(gunicorn, env, f"{base}/api/v1/health"):
            yield Server(base, url)
    finally:
        drop_database(url)


class Server(str):
    """The mini-app's base URL, which also knows its database (to move a booking's window into the past)."""

    def __new__(cls, base: str, database_url: str):
        made = super().__new__(cls, base)
        made.database_url = database_url
        return made

    def execute(self, statement) -> None:
        engine = create_engine(self.database_url)
        try:
            with engine.begin() as conn:
                conn.execute(statement)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


class Phone:
    """A resident's phone: a fresh browser context, signed in, in normal or 长辈版 mode."""

    def __init__(self, page, base: str):
        self.page, self.base, self.server = page, base, base
        self.axe_checked: list[str] = []

    def open(self, path: str = "home") -> None:
        url = f"{self.base}/miniapp/#/{path}"
        again = self.page.url == url
        self.page.goto(url)
        if again:  # the same hash fires no hashchange: load the screen afresh
            self.page.reload()
        self.ready(path.split("?")[0])

    def ready(self, path: str) -> None:
        self.page.wait_for_selector(f"main[data-ready='{path}']")
        self.page.wait_for_function("!document.querySelector('main .state.loading')")

    def sign_in(self, name: str, *, elder: bool = False) -> None:
        self.page.goto(f"{self.base}/miniapp/#/login")
        self.page.evaluate(f"sessionStorage.clear(); localStorage.setItem('elder', '{1 if elder else 0}')")
        self.page.reload()
        self.page.locator(".resident", has_text=name).click()
        self.ready("home")

    def check(self, name: str) -> None:
        """axe-core on the screen as it stands (no serious or critical violation), then a full-page screenshot."""
        self.page.wait_for_function("!document.querySelector('main .state.loading')")
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter((v) => ['serious', 'critical'].includes(v.impact))
                 .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""
        )
        self.page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top of the full-page picture
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        self.axe_checked.append(name)
        assert violations == [], f"{name}: {json.dumps(violations, ensure_ascii=False, indent=1)}"

    def confirm(self, answer: bool = True) -> None:
        """Answer the confirmation dialog that an irreversible action opens."""
        dialog = self.page.locator("dialog#confirm[open]")
        dialog.wait_for()
        dialog.locator("#confirm-ok" if answer else "#confirm-cancel").click()
        self.page.locator("dialog#confirm[open]").wait_for(state="detached")

    def api(self, path: str, method: str = "GET", **kwargs) -> requests.Response:
        """The same API, with the token the page holds (to count what a tap created)."""
        token = self.page.evaluate("sessionStorage.getItem('token')")
        return requests.request(method, f"{self.base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10, **kwargs)


@pytest.fixture
def phone(request, browser, miniapp_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with page_in(browser, PHONE["width"], PHONE["height"], **{k: v for k, v in PHONE.items() if k not in ("width", "height")}) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield Phone(page, miniapp_url)
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            page.screenshot(path=SHOTS / f"FAILED_{request.node.name}.png", full_page=True)  # what the user saw
        assert page.outside_requests == [], page.outside_requests
        assert errors == [], errors

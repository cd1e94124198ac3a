"""The cockpit served by `streamlit run`, signed into in headless Chromium, each page photographed."""

from __future__ import annotations

import os
import sys

import pytest

from api.seed.demo import DEMO_PASSWORD
from tests.browser import ARTIFACTS, browser_page, free_port, server

pytestmark = pytest.mark.browser

PAGES = [("总览", "overview"), ("入学一掌通", "admission"), ("双碳绿币", "greencoins"), ("海洋云仓", "pickup"),
         ("短信通知", "notifications")]


@pytest.fixture
def cockpit_url(demo_data, database_url):
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "APP_ENV": "development"}
    command = [sys.executable, "-m", "streamlit", "run", "cockpit/app.py", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    url = f"http://127.0.0.1:{port}"
    with server(command, env, f"{url}/_stcore/health"):
        yield url


def test_an_official_signs_in_and_every_page_shows_its_map_or_chart(cockpit_url):
    folder = ARTIFACTS / "cockpit"
    folder.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(cockpit_url)
        page.get_by_label("用户名").fill("official")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator('[data-testid="stSidebarNavLink"]').first.wait_for(timeout=30_000)
        for title, name in PAGES:
            page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
            page.wait_for_load_state("networkidle")
            visual = page.locator('[data-testid="stDeckGlJsonChart"], [data-testid="stVegaLiteChart"], '
                                  '[data-testid="stMetric"]').first
            visual.wait_for(timeout=30_000)
            page.wait_for_timeout(2500)  # let deck.gl and vega finish drawing
            assert not page.locator('[data-testid="stException"]').count(), title
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        assert page.outside_requests == [], page.outside_requests

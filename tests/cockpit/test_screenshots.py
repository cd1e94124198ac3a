"""The cockpit served by `streamlit run`, signed into in headless Chromium, each page and the kiosk photographed at
1920×1080 into test-artifacts/cockpit/ (look at them)."""

from __future__ import annotations

import pytest

from api.alerts import facts, service
from api.auth.sessions import COOKIE_NAME
from api.extensions import db
from api.seed.demo import DEMO_PASSWORD
from tests.browser import ARTIFACTS, browser_page

pytestmark = pytest.mark.browser

PAGES = [("", "overview"), ("admission", "admission"), ("greencoins", "greencoins"), ("pickup", "pickup")]
PAGES += [("notifications", "notifications"), ("alerts", "alerts")]
PAGES += [("pickup?detail=red_vessels", "pickup_red_vessels_detail"), ("notifications?detail=failed_sms", "sms_failed_detail")]


@pytest.fixture
def rolled_up(demo_data):
    facts.rollup(db.session)
    service.scan(db.session)  # the demo's low stocks open alerts


def signed_in(page, url: str, username: str = "official") -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator('[data-testid="stSidebarNavLink"]').first.wait_for(timeout=30_000)
    for _ in range(100):  # the page collects its session cookie right after sign-in
        if any(c["name"] == COOKIE_NAME for c in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no session cookie")


def test_an_official_signs_in_and_every_page_shows_its_map_or_chart(rolled_up, cockpit_url):
    folder = ARTIFACTS / "cockpit"
    folder.mkdir(parents=True, exist_ok=True)
    with browser_page(width=1920, height=1080) as page:
        signed_in(page, cockpit_url)
        for path, name in PAGES:
            page.goto(f"{cockpit_url}/{path}")
            visual = page.locator('[data-testid="stDeckGlJsonChart"], [data-testid="stVegaLiteChart"], [data-testid="stMetric"]').first
            if name != "alerts":
                visual.wait_for(timeout=30_000)
            page.wait_for_timeout(3000)  # let deck.gl and vega finish drawing
            assert not page.locator('[data-testid="stException"]').count(), name
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        assert page.outside_requests == [], page.outside_requests


def test_the_kiosk_is_dark_fits_1080_rows_without_scrolling_and_shows_the_headline_and_alerts(rolled_up, cockpit_url):
    with browser_page(width=1920, height=1080) as page:
        signed_in(page, cockpit_url)
        page.goto(f"{cockpit_url}/kiosk")
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=30_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
        page.wait_for_timeout(3000)
        page.screenshot(path=str(ARTIFACTS / "cockpit" / "kiosk.png"))
        assert page.locator('[data-testid="stSidebar"]').count() == 0 or not page.locator('[data-testid="stSidebar"]').is_visible()
        height = page.evaluate("Math.max(document.querySelector('[data-testid=stMain]').scrollHeight, document.body.scrollHeight)")
        assert height <= 1080, height
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert background == "rgb(6, 18, 43)", background
        text = page.locator("body").inner_text()
        assert "服务渔船" in text and "631" in text and "452" in text  # the seed's pickups and tonnes
        assert "未处理预警" in text and "库存" in text  # the demo's low stocks are open alerts
        assert "每 60 秒自动刷新" in text
        assert "近 7 日" in text and "待办" in text and "红码渔船" in text  # the bottom half: this week, the open work
        bottom = page.get_by_text("每 60 秒自动刷新").bounding_box()
        assert bottom is not None and 900 < bottom["y"] + bottom["height"] <= 1080, bottom  # the screen is filled, not cut

"""No page and no data before sign-in, from the first second of a fresh server; sign-in that survives a reload
without a secret in the URL; shared links; failed sign-ins counted in shared storage, not per browser session."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from streamlit.testing.v1 import AppTest

from api.auth.models import StaffUser
from api.auth.sessions import COOKIE_NAME
from api.auth.throttle import login_allowed, storage_for
from api.extensions import db
from api.seed.demo import DEMO_PASSWORD
from cockpit.main import VIEWS
from tests.browser import browser_page
from tests.cockpit.conftest import APP, signed_in_cockpit
from tests.factories import PASSWORD, make_staff

# What a page or its data would show: page headings, port and school names, vessel numbers, chart and table labels.
LEAKS = ("海洋云仓 / 渔省心", "入学一掌通 ·", "双碳绿币", "短信通知", "大陈渔港", "浙椒渔", "实验小学", "服务渔船", "报名", "兑换")
ADDRESSES = ["/", *[f"/{v.path}" for v in VIEWS]]
QUERIES = ["", f"?port={quote('大陈渔港')}&from=2020-01-01&to=2030-12-31", "?screen=big&kiosk=1&community=x&level=primary"]


def _nav_links(page) -> list[str]:
    return page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()


def _sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_a_fresh_server_shows_only_the_login_at_every_address_and_sends_no_data(cockpit_url):
    # A second after start (the fixture only waits for the health check): every page address, with and without
    # query parameters, gets the login form, an empty navigation and not one byte of a page over the WebSocket.
    received: list[bytes] = []
    with browser_page() as page:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(payload)))
        for address in ADDRESSES:
            for query in QUERIES:
                page.goto(cockpit_url + address + query)
                page.get_by_label("用户名").wait_for(timeout=30_000)
                page.wait_for_timeout(500)
                assert _nav_links(page) == [], address + query
                shown = page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]')
                assert shown.count() == 0, address + query
                assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 0
                text = page.locator("body").inner_text()
                assert not [word for word in LEAKS if word in text], (address + query, text[:300])
    frames = b"".join(p if isinstance(p, bytes) else p.encode() for p in received)
    assert frames, "the WebSocket was watched"
    assert not [word for word in LEAKS if word.encode() in frames]
    # The raw HTTP side: the same static shell at every address, nothing of the data in it.
    for address in ADDRESSES:
        body = requests.get(cockpit_url + address, timeout=10).text
        assert not [word for word in LEAKS if word in body], address


@pytest.mark.browser
def test_a_shared_link_lands_on_its_page_after_sign_in_and_a_reload_keeps_the_official_signed_in(cockpit_url):
    link = f"{cockpit_url}/pickup?port={quote('大陈渔港')}"
    with browser_page() as page:
        page.goto(link)
        _sign_in(page, "ocean1")
        page.get_by_role("heading", name="海洋云仓 / 渔省心").wait_for(timeout=30_000)
        assert "/pickup" in page.url and quote("大陈渔港") in page.url
        assert _nav_links(page) == [v.title for v in VIEWS if v.bureau in (None, "pickup")]
        assert "入学一掌通" not in _nav_links(page) and "双碳绿币" not in _nav_links(page)
        page.wait_for_timeout(1000)  # the page posts its one-time claim for the cookie
        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # a session cookie
        assert cookie["value"] not in page.url
        page.reload()
        page.get_by_role("heading", name="海洋云仓 / 渔省心").wait_for(timeout=30_000)
        assert page.get_by_label("用户名").count() == 0
        page.get_by_role("button", name="退出登录").click()
        page.get_by_label("用户名").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert not [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
        # The old cookie, replayed by hand, no longer signs anybody in: the session ended on the server.
        page.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
        page.reload()
        page.get_by_label("用户名").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert _nav_links(page) == []


@pytest.mark.browser
def test_another_bureaus_page_is_not_listed_and_its_address_is_refused(cockpit_url):
    with browser_page() as page:
        page.goto(cockpit_url + "/pickup")
        _sign_in(page, "edu1")
        page.get_by_role("heading", name="无权访问").wait_for(timeout=30_000)
        assert "海洋云仓" not in _nav_links(page) and "入学一掌通" in _nav_links(page)
        assert page.locator('[data-testid="stMetric"], [data-testid="stDeckGlJsonChart"]').count() == 0


def test_the_claim_route_gives_no_cookie_for_an_unknown_or_cross_site_claim(cockpit_url):
    answer = requests.post(f"{cockpit_url}/cockpit-session/claim", data="guessed-claim-code", timeout=10)
    assert answer.status_code == 404 and COOKIE_NAME not in answer.headers.get("set-cookie", "")
    answer = requests.post(f"{cockpit_url}/cockpit-session/claim", data="x", headers={"Origin": "http://evil.example"}, timeout=10)
    assert answer.status_code == 403


def _try_login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="username").input(username)
    at.text_input(key="password").input(password)
    at.button[0].click().run()
    return at


@pytest.fixture
def fresh_counters():
    storage_for("memory://").reset()
    yield
    storage_for("memory://").reset()


def test_failed_sign_ins_are_counted_across_browser_sessions_in_the_shared_store(cockpit_env, fresh_counters):
    make_staff("edu1", roles=("edu_official",))
    db.session.commit()
    for _ in range(5):
        assert any("用户名或密码错误" in e.value for e in _try_login("edu1", "wrong").error)
    # A new browser session (a new AppTest) does not start the count again; even the right password is refused now.
    refused = _try_login("edu1", PASSWORD)
    assert any("登录失败次数过多" in e.value for e in refused.error) and "cockpit_token" not in refused.session_state
    # The API counts in the same store (RATELIMIT_STORAGE_URI) under the same keys.
    assert not login_allowed("edu1", None, storage_uri="memory://", limit="5 per 5 minutes", prefix="zheli")


def test_the_cockpit_asks_for_an_official_login_first(cockpit_env, fresh_counters):
    make_staff("official")
    make_staff("collector1", roles=("collector",))
    db.session.commit()  # the cockpit signs in through its own connection
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value.startswith("浙里民生") and not at.metric
    at.text_input(key="username").input("collector1")
    at.text_input(key="password").input(PASSWORD)
    at.button[0].click().run()
    assert any("不是驾驶舱用户" in e.value for e in at.error)
    at.text_input(key="username").input("official")
    at.text_input(key="password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["official"]["username"] == "official" and at.metric


def test_a_deactivated_official_is_signed_out_on_the_next_run(demo_data):
    at = signed_in_cockpit("eco1")
    at.run()
    assert at.metric
    db.session.scalar(db.select(StaffUser).where(StaffUser.username == "eco1")).active = False
    db.session.commit()
    at.run()
    assert not at.metric and at.text_input(key="username")

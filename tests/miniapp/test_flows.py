"""The mini-app in headless Chromium against a running API with the demo data: the three flows end to end."""

from __future__ import annotations

import os
import sys

import pytest

from api.extensions import db
from api.seed.demo import seed_demo
from tests.browser import ARTIFACTS, browser_page, free_port, server

SHOTS = ARTIFACTS / "miniapp"
pytestmark = pytest.mark.browser


@pytest.fixture
def miniapp_url(app, database_url):
    seed_demo(db.session, app.config)
    db.session.remove()
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "APP_ENV": "development", "ZLB_MOCK": "1"}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"]
    url = f"http://127.0.0.1:{port}"
    with server(command, env, f"{url}/api/v1/health"):
        yield url


@pytest.fixture
def phone(request):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page(width=400, height=860, device_scale_factor=2, is_mobile=True, has_touch=True) as page:
        yield page
        if getattr(request.node, "report_call", None) is not None and request.node.report_call.failed:
            page.screenshot(path=SHOTS / f"FAILED_{request.node.name}.png", full_page=True)  # what the user saw
        assert page.outside_requests == [], page.outside_requests


def sign_in(page, url: str, name: str) -> None:
    page.goto(f"{url}/miniapp/")
    page.locator(".resident", has_text=name).click()
    page.get_by_text("您好").wait_for()


def shot(page, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_parent_finds_the_catchment_checks_eligibility_applies_and_tracks(miniapp_url, phone):
    page = phone
    page.goto(f"{miniapp_url}/miniapp/")
    page.locator(".resident").first.wait_for()
    shot(page, "01_sign_in")
    page.locator(".resident", has_text="王建国").click()
    page.get_by_text("您好").wait_for()
    shot(page, "02_home")
    page.get_by_role("button", name="入学一掌通").click()
    page.fill("#q", "东山小区")
    page.get_by_role("button", name="搜索").click()
    page.locator("[data-address]").first.click()
    page.locator("svg.map").wait_for()
    assert page.locator("#district .tag").count() == 2
    page.get_by_role("button", name="资格自检").click()
    page.get_by_text("符合条件").wait_for()
    assert "A 类" in page.locator("#eligibility").inner_text()
    page.get_by_role("button", name="提交报名").click()
    page.get_by_text("报名已提交").wait_for()
    page.locator("#applications").get_by_text("已提交").first.wait_for()
    shot(page, "03_admission_applied")
    page.get_by_role("button", name="提交报名").click()
    page.get_by_text("已有进行中的报名").wait_for()


def test_an_ineligible_child_sees_the_reasons(miniapp_url, phone):
    sign_in(phone, miniapp_url, "赵磊")
    phone.get_by_role("button", name="入学一掌通").click()
    phone.get_by_role("button", name="资格自检").click()
    phone.get_by_text("暂不符合").wait_for()
    assert "未满 6 周岁" in phone.locator("#eligibility").inner_text()
    phone.get_by_role("button", name="提交报名").click()
    phone.locator("#notice", has_text="未满 6 周岁").wait_for()
    shot(phone, "04_admission_refused")


def test_a_resident_earns_redeems_for_a_pickup_code_and_cancels(miniapp_url, phone):
    sign_in(phone, miniapp_url, "周丽君")
    phone.get_by_role("button", name="双碳绿币").click()
    phone.locator("#balance-value").wait_for()
    before = int(phone.locator("#balance-value").inner_text())
    phone.get_by_role("button", name="同步").click()
    phone.get_by_text("获得").wait_for()
    phone.locator("[data-redeem]").first.wait_for()
    phone.locator("#rewards li", has_text="毛巾").get_by_role("button", name="兑换").click()
    code = phone.locator("#pickup-code")
    code.wait_for()
    assert code.inner_text().strip().isdigit() and len(code.inner_text().strip()) == 6
    phone.wait_for_function(f"Number(document.querySelector('#balance-value').textContent) < {before}")
    shot(phone, "05_greencoins_code")
    phone.locator("[data-cancel]").first.click()
    phone.get_by_text("已取消,绿币已退回").wait_for()
    shot(phone, "06_greencoins_cancelled")


def test_a_failed_api_call_shows_its_message_on_the_page(miniapp_url, phone):
    sign_in(phone, miniapp_url, "王建国")
    phone.get_by_role("button", name="双碳绿币").click()
    phone.locator("[data-redeem]").first.wait_for()
    for _ in range(12):  # spend until the balance no longer covers flowers
        phone.locator("#rewards li", has_text="鲜花").get_by_role("button", name="兑换").click()
        phone.wait_for_timeout(250)
        if "余额不足" in phone.locator("#notice").inner_text():
            break
    assert "绿币余额不足" in phone.locator("#notice").inner_text()
    shot(phone, "07_error_shown")


def test_a_captain_sees_the_credit_code_and_books_a_pickup_in_jin(miniapp_url, phone):
    sign_in(phone, miniapp_url, "阮吉良")
    phone.get_by_role("button", name="海洋云仓").click()
    phone.locator("#credit").wait_for()  # the demo data binds 浙椒渔77033 to him
    assert phone.locator("#credit").inner_text() == "绿码"
    phone.locator("[data-slot]:not([disabled])").first.click()
    phone.get_by_text("预约成功").wait_for()
    phone.locator("#bookings").get_by_text("已确认").first.wait_for()
    assert "75kg" in phone.locator("#bookings").inner_text()  # 150 斤 = 75 kg
    shot(phone, "08_pickup_booked")


def test_the_elder_mode_switch_enlarges_the_text(miniapp_url, phone):
    sign_in(phone, miniapp_url, "王建国")
    size = phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    phone.check("#elder")
    assert phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > size
    shot(phone, "09_elder_mode")

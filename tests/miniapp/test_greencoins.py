"""双碳绿币 in the mini-app: balance and expiry, the green code as a QR code, steps, redeeming once however often one
taps, cancelling, the ledger, the leaderboard, the month's budget, donations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_resident_sees_the_balance_expiry_and_budget_syncs_steps_and_shows_the_green_code(phone):
    page = phone.page
    phone.sign_in("周丽君")
    page.get_by_role("link", name="双碳绿币").click()
    phone.ready("greencoins")
    page.locator("#balance-value").wait_for()
    assert page.locator("#steps-date").get_attribute("type") == "date"
    page.locator("#sync").click()
    page.locator("#steps-result .form-ok").wait_for()
    assert "获得" in page.locator("#steps-result").inner_text()
    phone.check("30_greencoins_home")

    page.get_by_role("link", name="我的绿码").click()
    phone.ready("greencoins/code")
    qr = page.locator("#green-code svg")
    qr.wait_for()
    assert qr.locator("path").get_attribute("d").count("M") > 100  # a real QR matrix, drawn locally
    phone.check("31_greencoins_code")

    phone.open("greencoins/ledger")
    assert page.locator("#ledger li").count() >= 1
    phone.check("32_greencoins_ledger")

    phone.open("greencoins/leaderboard")
    page.locator("#board li").first.wait_for()
    assert "*" in page.locator("#board").inner_text()  # names masked
    phone.check("33_greencoins_leaderboard")


def test_a_double_tap_on_redeem_redeems_once_and_cancelling_asks_first(phone):
    page = phone.page
    phone.sign_in("周丽君")
    before = len(phone.api("/api/v1/greencoins/redemptions?limit=100").json()["items"])
    phone.open("greencoins/rewards")
    button = page.locator("#rewards li", has_text="毛巾").get_by_role("button", name="立即兑换")
    button.dblclick()  # a double tap: one question, one redemption
    phone.check("34_greencoins_redeem_confirm")
    phone.confirm(True)
    page.locator("#pickup-code").wait_for()
    code = page.locator("#pickup-code").inner_text().strip()
    assert code.isdigit() and len(code) == 6
    page.wait_for_timeout(500)
    assert len(phone.api("/api/v1/greencoins/redemptions?limit=100").json()["items"]) == before + 1
    phone.check("35_greencoins_pickup_code")

    phone.open("greencoins/redemptions")
    newest = phone.api("/api/v1/greencoins/redemptions?limit=1").json()["items"][0]
    cancel = page.locator(f"[data-cancel='{newest['id']}']")  # offered because the API says it may still be cancelled
    assert page.locator("[data-cancel]").count() == sum(
        r["can_cancel"] for r in phone.api(f"/api/v1/greencoins/redemptions?limit={10}").json()["items"]
    )
    phone.check("36_greencoins_redemptions")
    cancel.click()
    phone.confirm(True)
    page.locator(".toast").wait_for()
    assert "绿币已退回" in page.locator(".toast").inner_text()
    assert phone.api("/api/v1/greencoins/redemptions?limit=1").json()["items"][0]["status"] == "cancelled"


def test_a_resident_donates_to_a_project_after_confirming_and_gets_a_certificate(phone):
    page = phone.page
    phone.sign_in("周丽君", elder=True)
    phone.open("greencoins/projects")
    project = page.locator(".project").first
    project.locator("input").fill("5")
    project.get_by_role("button", name="捐赠").click()
    phone.confirm(True)
    page.locator("#certificate").wait_for()
    assert "证书编号" in page.locator("#certificate").inner_text()
    phone.check("37_greencoins_donated_elder")


def test_too_few_coins_are_refused_in_chinese_beside_the_reward(phone):
    page = phone.page
    phone.sign_in("林海生")  # a captain with no coins
    phone.open("greencoins/rewards")
    page.locator("#rewards li", has_text="鲜花").get_by_role("button", name="立即兑换").click()
    phone.confirm(True)
    error = page.locator("#rewards ~ .form-error")
    error.wait_for()
    text = error.inner_text()
    assert "绿币余额不足" in text and "(" not in text and "insufficient" not in text  # the English tail stays in the API
    header = page.locator("#bar").bounding_box()
    assert error.bounding_box()["y"] >= header["y"] + header["height"]  # not hidden under the sticky header
    phone.check("38_greencoins_error")

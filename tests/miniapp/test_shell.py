"""The mini-app's shell: sign-in, a home page like a 浙里办 service page, 我的 and 消息, 长辈版, messages in Chinese."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_resident_signs_in_and_sees_the_services_their_cases_and_notices(phone):
    page = phone.page
    page.goto(f"{phone.base}/miniapp/")
    page.locator(".resident").first.wait_for()
    phone.check("01_sign_in")
    page.locator(".resident", has_text="周丽君").click()
    phone.ready("home")
    for service in ("入学一掌通", "双碳绿币", "海洋云仓"):
        assert page.get_by_role("link", name=service).is_visible()
    page.locator("#cases li .tag").first.wait_for()  # the demo gave her redemptions: her cases, with their state
    assert page.locator("#notices li").count() >= 1
    phone.check("02_home")


def test_the_elder_switch_is_large_and_gives_bigger_text_fewer_items_and_unbroken_names(phone):
    page = phone.page
    phone.sign_in("王建国")
    switch = page.get_by_role("switch", name="长辈版")
    assert switch.get_attribute("aria-checked") == "false"
    box = switch.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 88  # a large target, not a 13 px checkbox
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    switch.click()
    phone.ready("home")
    assert switch.get_attribute("aria-checked") == "true"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= size * 1.2
    assert page.locator(".grid").evaluate("g => getComputedStyle(g).gridTemplateColumns.split(' ').length") == 1  # one column
    phone.check("03_home_elder")

    phone.open("admission/map?lat=28.6766&lon=121.4397&name=东山小区")
    page.locator("#near-list li").first.wait_for()
    # every school name and status tag sits on one line: no word is broken across lines
    broken = page.evaluate(
        """() => [...document.querySelectorAll('#near-list .name, .tag, .btn')].filter((el) => {
             const range = document.createRange(); range.selectNodeContents(el);
             const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
             return lines.size > 1; }).map((el) => el.textContent)"""
    )
    assert broken == []
    phone.check("04_admission_map_elder")
    switch.click()
    assert page.evaluate("localStorage.getItem('elder')") == "0"


def test_mine_shows_one_timeline_across_the_services_and_the_inbox_each_sms_with_its_status(phone):
    page = phone.page
    phone.sign_in("阮吉良")  # a captain with bookings, credit entries and SMS in the demo history
    page.get_by_role("link", name="我的", exact=True).click()
    phone.ready("mine")
    page.locator("#list li .tag").first.wait_for()
    expected = phone.api("/api/v1/me/timeline?limit=10").json()["items"]
    assert page.locator("#list > li").count() == len(expected)
    phone.check("05_mine_timeline")
    if not page.locator("#more-box").is_hidden():
        page.get_by_role("button", name="加载更多").click()
        page.wait_for_function(f"document.querySelectorAll('#list > li').length > {len(expected)}")

    page.get_by_role("link", name="消息", exact=True).click()
    phone.ready("inbox")
    messages = phone.api("/api/v1/me/messages?limit=10").json()["items"]
    assert messages, "the demo sends him SMS"
    page.locator("#list li .tag").first.wait_for()
    assert messages[0]["body"] in page.locator("#list").inner_text()
    phone.check("06_inbox")

    phone.sign_in("王建国", elder=True)
    phone.open("mine")
    phone.check("07_mine_elder")
    phone.open("inbox")
    phone.check("08_inbox_elder")

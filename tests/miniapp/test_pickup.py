"""海洋云仓 / 渔省心 in the mini-app: binding a vessel, booking every pollutant type in 斤 or kg (shown back as entered,
once however often one taps), port reports, safety self-checks, the credit explained, appeals and partner consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from api.common.db import utcnow
from api.pickup.models import Booking

pytestmark = pytest.mark.browser


def test_a_captain_binds_only_a_vessel_registered_to_him_with_the_refusal_beside_the_field(phone):
    page = phone.page
    phone.sign_in("郑海波")
    page.get_by_role("link", name="海洋云仓").click()
    phone.ready("pickup")
    page.fill("#vessel-no", "浙椒渔77033")  # someone else's vessel
    page.locator("#bind").click()
    error = page.locator("#bind-form .form-error")
    error.wait_for()
    assert error.inner_text().strip() and not any(c.isascii() and c.isalpha() for c in error.inner_text())  # Chinese only
    phone.check("40_pickup_bind_refused")
    page.fill("#vessel-no", "浙椒渔52718")
    page.locator("#bind").click()
    page.locator("#vessel-no-title").wait_for()
    assert page.locator("#vessel-no-title").inner_text() == "浙椒渔52718"
    phone.check("41_pickup_bound")


def test_a_captain_books_several_pollutants_in_jin_and_kg_once_however_often_he_taps(phone):
    page = phone.page
    phone.sign_in("阮吉良")
    before = len(phone.api("/api/v1/pickup/bookings?limit=100").json()["items"])
    phone.open("pickup/book")
    page.locator("input[name=slot]:checked").wait_for()
    page.locator("#add-item").click()
    page.locator("#type-1").select_option("waste_oil")
    page.fill("#qty-1", "12")
    page.locator("#unit-1").select_option("kg")
    assert page.locator("#type-0 option").count() >= 4  # every pollutant type can be booked
    assert page.locator("#date").get_attribute("type") == "date"
    phone.check("42_pickup_book_form")
    page.locator("#book").dblclick()  # a double tap
    page.locator("#booked").wait_for()
    text = page.locator("#booked").inner_text()
    assert "150 斤" in text and "12 kg" in text  # shown back as entered
    page.wait_for_timeout(500)
    assert len(phone.api("/api/v1/pickup/bookings?limit=100").json()["items"]) == before + 1
    phone.check("43_pickup_booked")

    phone.open("pickup/bookings")
    assert "150 斤" in page.locator("#bookings").inner_text()
    phone.check("44_pickup_bookings")
    newest = phone.api("/api/v1/pickup/bookings?limit=1").json()["items"][0]
    cancel = page.locator(f"[data-cancel='{newest['id']}']")  # offered because the API says it may be cancelled
    cancel.click()
    phone.confirm(False)
    assert phone.api("/api/v1/pickup/bookings?limit=1").json()["items"][0]["status"] == "confirmed"  # 取消: nothing sent
    cancel.click()
    phone.confirm(True)
    page.locator(".toast").wait_for()
    assert phone.api("/api/v1/pickup/bookings?limit=1").json()["items"][0]["status"] == "cancelled"

    # Another booking whose window has started and no crew came: the API now offers 漏收.
    slot = phone.api(f"/api/v1/pickup/slots?port_id={newest['port_id']}&date={newest['slot_start'][:10]}").json()["items"][-1]
    body = {
        "vessel_id": newest["vessel_id"],
        "port_id": newest["port_id"],
        "slot_start": slot["start"],
        "items": [{"type": "garbage", "est_qty_kg": 30}],
    }
    late = phone.api("/api/v1/pickup/bookings", "POST", json=body).json()["id"]
    window = {"slot_start": utcnow() - timedelta(hours=1), "slot_end": utcnow() + timedelta(hours=1)}  # started an hour ago
    phone.server.execute(update(Booking).where(Booking.id == late).values(**window))
    phone.open("pickup/bookings")
    missed = page.locator(f"[data-missed='{late}']")
    missed.click()
    form = page.locator(f".missed-form[data-id='{late}']")
    form.locator("textarea").fill("约定时段在 3 号泊位等候,收集船未到")
    form.get_by_role("button", name="提交漏收报告").click()
    page.get_by_text("漏收报告已提交").wait_for()
    phone.check("44b_pickup_missed_reported")


def test_a_captain_reports_leaving_port_and_files_a_safety_self_check(phone):
    page = phone.page
    phone.sign_in("阮吉良", elder=True)
    phone.open("pickup/reports")
    page.get_by_role("button", name="出港报告").click()
    page.locator("#reported").wait_for()
    phone.check("45_pickup_port_report_elder")
    phone.open("pickup/safety")
    for box in page.locator("#safety-form input[type=checkbox]").all():
        box.check()
    page.locator("#safety-submit").click()
    page.locator("#checked").wait_for()
    phone.check("46_pickup_safety_check_elder")


def test_a_red_captain_reads_why_appeals_a_deduction_and_gives_a_bank_consent(phone):
    page = phone.page
    phone.sign_in("林海生")
    phone.open("pickup")
    phone.check("47_pickup_home_red")
    phone.open("pickup/credit")
    assert page.locator("#reasons li").count() >= 1  # why this colour
    assert "恢复绿码" in page.locator("#to-green").inner_text()  # and what brings it back to green
    assert page.locator("#credit").inner_text().strip()
    phone.check("48_pickup_credit_explained")
    appeal = page.locator("[data-appeal]").first
    if appeal.count():
        entry = appeal.get_attribute("data-appeal")
        appeal.click()
        page.fill(f"#appeal-{entry}", "当天台风停航,已向港口报备")
        page.locator(f"[data-entry='{entry}'] .appeal-form button").click()
        phone.confirm(True)
        page.locator(f"[data-entry='{entry}'] .tag").wait_for()
        phone.check("49_pickup_appealed")

    phone.open("pickup/consent")
    page.locator("#partner option").first.wait_for(state="attached")
    assert page.locator("#expires").get_attribute("type") == "date"
    page.locator("#give").click()
    phone.confirm(True)
    page.locator("[data-revoke]").first.wait_for()
    phone.check("50_pickup_consent")
    page.locator("[data-revoke]").first.click()
    phone.confirm(True)
    page.locator(".toast").wait_for()
    phone.check("51_pickup_consent_revoked")

"""入学一掌通 in the mini-app: the 8 functions, then the allocation result, the waitlist and the offer, as parents use them."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.browser


def test_a_parent_uses_the_look_ups_policies_catchment_map_seats_and_points(phone):
    page = phone.page
    phone.sign_in("王建国")
    page.get_by_role("link", name="入学一掌通").click()
    phone.ready("admission")
    assert page.locator(".menu .tile").count() == 8
    phone.check("10_admission_menu")

    page.get_by_role("link", name="政策查询").click()
    phone.ready("admission/policies")
    page.locator("#policies details").first.locator("summary").click()
    assert page.locator("#policies details[open] .prose").first.inner_text().strip()
    phone.check("11_admission_policies")

    phone.open("admission/district")
    page.fill("#addr-q", "东山小区")
    page.get_by_role("button", name="搜索").click()
    page.locator("[data-pick]").first.click()
    page.locator("#district-result svg.map").wait_for()
    assert page.locator("#district-result .list li").count() == 2  # a primary and a junior-high catchment school
    phone.check("12_admission_district")

    page.get_by_role("link", name="附近学校").click()
    phone.ready("admission/map")
    page.locator("#near-list li").first.wait_for()
    texts = page.locator("#near-list .muted").all_inner_texts()
    distances = [int(t.split("·")[-1].replace("米", "").replace(",", "").strip()) for t in texts]
    assert distances == sorted(distances) and distances  # nearest first
    phone.check("13_admission_map")

    page.locator("#near-list [href*='seats']").first.click()
    phone.ready("admission/seats")
    page.locator("#seat-remaining").wait_for()
    assert page.locator("#props").inner_text().strip()  # his own property's seat use
    phone.check("14_admission_seats")

    phone.open("admission/points")
    phone.check("15_admission_points")


def _official(base: str) -> dict:
    token = requests.post(f"{base}/api/v1/auth/login", json={"username": "edu1", "password": "demo12345"}, timeout=10).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_parents_apply_with_confirmation_then_see_the_allocation_accept_or_decline_and_ask_for_a_review(phone, browser, miniapp_url):
    page = phone.page
    # 1. An ineligible child: the reasons, in Chinese, beside the form.
    phone.sign_in("赵磊")
    phone.open("admission/eligibility")
    page.locator("#check").click()
    page.locator("#not-eligible").wait_for()
    assert "6 周岁" in page.locator("#not-eligible").inner_text()
    phone.check("16_admission_not_eligible")

    # 2. The A-category parent applies: the confirmation says what will happen; "取消" sends nothing.
    phone.sign_in("王建国")
    phone.open("admission/apply")
    page.locator("#apply").click()
    phone.check("17_admission_apply_confirm")
    phone.confirm(False)
    assert phone.api("/api/v1/admission/applications").json()["items"] == []
    page.locator("#apply").click()
    phone.confirm(True)
    page.locator("#applied").wait_for()
    [mine] = phone.api("/api/v1/admission/applications").json()["items"]
    phone.check("18_admission_applied")

    # 3. The seats are allocated by an education official (a run with a published seed).
    official = _official(miniapp_url)
    run = requests.post(
        f"{miniapp_url}/api/v1/admission/allocation-runs",
        json={"year": mine["year"], "level": "primary", "seed": "miniapp-test", "dry_run": False},
        headers=official,
        timeout=30,
    )
    assert run.status_code == 201, run.text

    # 4. He sees the result with its reason and the deadline, and accepts after confirming.
    phone.open(f"admission/progress?id={mine['id']}")
    card = page.locator(f"#application-{mine['id']}")
    card.get_by_role("button", name="接受学位").wait_for()
    assert "获得学位" in card.inner_text() and "前确认" in card.inner_text()
    phone.check("19_admission_offered")
    card.get_by_role("button", name="接受学位").click()
    phone.confirm(True)
    page.locator(f"#application-{mine['id']}").get_by_text("监护人确认学位", exact=True).wait_for()
    assert phone.api(f"/api/v1/admission/applications/{mine['id']}").json()["status"] == "admitted"
    phone.check("20_admission_admitted")

    # 5. The other guardian (林静) sees the same application and its history, in 长辈版.
    phone.sign_in("林静", elder=True)
    phone.open("admission/progress")
    page.locator(f"#application-{mine['id']}").wait_for()
    phone.check("21_admission_second_guardian_elder")


def test_a_parent_declines_an_offer_and_a_waitlisted_parent_sees_the_position(phone, miniapp_url):
    page = phone.page
    official = _official(miniapp_url)
    # 李秀英 (category B) applies in 长辈版; 张伟 (new resident, category C) applies to the same school.
    phone.sign_in("李秀英", elder=True)
    phone.open("admission/apply")
    page.locator("#apply").click()
    phone.confirm(True)
    page.locator("#applied").wait_for()
    [hers] = phone.api("/api/v1/admission/applications").json()["items"]
    school = hers["school"]["id"]
    phone.check("22_admission_applied_elder")

    phone.sign_in("张伟")
    phone.open("admission/apply")
    page.locator("#a-school").select_option(str(school))
    page.locator("#apply").click()
    phone.confirm(True)
    page.locator("#applied").wait_for()
    [his] = phone.api("/api/v1/admission/applications").json()["items"]

    # One seat left at that school: the B applicant is offered it, the C applicant waits.
    seats = requests.get(f"{miniapp_url}/api/v1/admission/schools/{school}/seats", timeout=10).json()
    waiting_ab = [
        a
        for a in requests.get(
            f"{miniapp_url}/api/v1/admission/review", params={"school_id": school, "limit": 100}, headers=official, timeout=10
        ).json()["items"]
        if a["status"] in ("submitted", "reviewing", "waitlisted", "not_offered") and a["category"] in ("A", "B")
    ]
    planned = seats["offered"] + seats["admitted"] + len(waiting_ab)
    plan = {"year": hers["year"], "planned": planned}
    answer = requests.put(f"{miniapp_url}/api/v1/admission/schools/{school}/seats", json=plan, headers=official, timeout=10)
    assert answer.status_code == 200, answer.text
    run = requests.post(
        f"{miniapp_url}/api/v1/admission/allocation-runs",
        json={"year": hers["year"], "level": "primary", "seed": "miniapp-waitlist", "dry_run": False},
        headers=official,
        timeout=30,
    )
    assert run.status_code == 201, run.text

    phone.open(f"admission/progress?id={his['id']}")
    card = page.locator(f"#application-{his['id']}")
    card.locator(".tag").first.wait_for()
    status = phone.api(f"/api/v1/admission/applications/{his['id']}").json()
    if status["waitlist_position"]:
        assert f"候补第 {status['waitlist_position']} 位" in card.inner_text()
    phone.check("23_admission_waitlisted")
    if status["can_request_review"]:
        card.get_by_role("button", name="申请复核").click()
        card.locator("textarea").fill("孩子社保记录已补缴,请复核积分")
        card.get_by_role("button", name="提交复核申请").click()
        phone.confirm(True)
        page.locator(f"#application-{his['id']}").get_by_text("等待教育局答复").wait_for()
        phone.check("24_admission_review_requested")

    phone.sign_in("李秀英", elder=True)
    phone.open(f"admission/progress?id={hers['id']}")
    card = page.locator(f"#application-{hers['id']}")
    card.get_by_role("button", name="放弃学位").click()
    phone.check("25_admission_decline_confirm_elder")
    phone.confirm(True)
    page.locator(f"#application-{hers['id']}").get_by_text("监护人放弃学位", exact=True).wait_for()
    assert phone.api(f"/api/v1/admission/applications/{hers['id']}").json()["status"] == "declined"
    phone.check("26_admission_declined_elder")

"""Eligibility (资格自检), applications (报名入口), progress (进度查询) and the officials' decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.admission.models import Application
from api.auth.models import AuditEntry
from api.extensions import db
from api.notify.models import SmsMessage
from tests.admission.helpers import (
    admission_world,
    application_body,
    property_outside_every_catchment,
    school_named,
    set_planned,
    year,
)
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers, staff_headers

SCHOOL_KEYS = {"id", "name", "level", "ownership", "address", "lat", "lon"}


@pytest.fixture(autouse=True)
def _world():
    admission_world()


def check(client, key, **kwargs):
    return client.post("/api/v1/admission/eligibility", json=application_body(key, **kwargs), headers=citizen_headers(client, key)).json


def test_category_a_is_household_registration_and_owned_property_in_the_catchment(client):
    answer = check(client, "parent_a")
    assert answer["eligible"] is True and answer["category"] == "A" and answer["reasons"] == []
    assert answer["school"].keys() >= SCHOOL_KEYS and answer["school"]["level"] == "primary"


def test_category_b_is_owned_property_without_household_registration(client):
    answer = check(client, "parent_b")
    assert answer["eligible"] is True and answer["category"] == "B"


def test_category_c_is_a_new_resident_with_a_year_of_social_insurance_ranked_by_points(client):
    school = school_named("椒江区葭沚小学")
    answer = check(client, "new_resident", school_id=school.id)
    assert answer["eligible"] is True and answer["category"] == "C" and answer["points"] == 168
    assert answer["school"]["id"] == school.id


def test_junior_high_needs_a_primary_school_record(client):
    assert check(client, "junior_parent", level="junior")["category"] == "A"
    refused = check(client, "parent_a", level="junior")
    assert refused["eligible"] is False and any("小学学籍" in r for r in refused["reasons"])


@pytest.mark.parametrize(
    ("key", "kwargs", "reason"),
    [
        ("too_young", {}, "未满 6 周岁"),
        ("locked_seat", {}, "锁定至 {next_year} 年"),
        ("no_insurance", {"school_id": "pick"}, "社保满 12 个月(当前 7 个月)"),
        ("parent_b", {"property_no": "JJ-FC-2019-00123"}, "不在申请人名下"),
    ],
)
def test_each_refusal_reason_is_given(client, key, kwargs, reason):
    if kwargs.get("school_id") == "pick":
        kwargs["school_id"] = school_named("椒江区葭沚小学").id
    answer = check(client, key, **kwargs)
    reason = reason.format(next_year=year() + 1)  # the demo's seat lock runs until the year after the admission year
    assert answer["eligible"] is False and answer["category"] is None
    assert any(reason in r for r in answer["reasons"]), answer["reasons"]


def test_a_property_in_no_catchment_is_refused(client):
    property_no = property_outside_every_catchment("parent_b")
    answer = check(client, "parent_b", property_no=property_no)
    assert answer["eligible"] is False and any("不在任何小学学区内" in r for r in answer["reasons"])


def test_the_self_check_creates_nothing(client):
    check(client, "parent_a")
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_bad_child_id_number_is_a_validation_error(client):
    body = application_body("parent_a")
    body["child"]["id_number"] = body["child"]["id_number"][:17] + ("0" if body["child"]["id_number"][17] != "0" else "1")
    answer = client.post("/api/v1/admission/eligibility", json=body, headers=citizen_headers(client, "parent_a"))
    assert_error_shape(answer, 422, "validation_error")


def apply(client, key, headers=None, idempotency_key=None, **kwargs):
    headers = (headers or citizen_headers(client, key)) | ({"Idempotency-Key": idempotency_key} if idempotency_key else {})
    return client.post("/api/v1/admission/applications", json=application_body(key, **kwargs), headers=headers)


def test_applying_submits_once_per_child_level_and_year(client):
    headers = citizen_headers(client, "parent_a")
    first = apply(client, "parent_a", headers)
    assert first.status_code == 201
    body = first.json
    assert body["status"] == "submitted" and body["category"] == "A" and body["submitted_at"].endswith("+08:00")
    assert body["school"].keys() >= SCHOOL_KEYS and body["child_id_number"].count("*") == 8
    assert_error_shape(apply(client, "parent_a", headers), 409, "duplicate_application")


def test_an_idempotent_retry_returns_the_first_application(client):
    headers = citizen_headers(client, "parent_a")
    first = apply(client, "parent_a", headers, idempotency_key="apply-1")
    again = apply(client, "parent_a", headers, idempotency_key="apply-1")
    assert again.status_code == 201 and again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_an_ineligible_child_is_refused_with_the_reasons(client):
    body = assert_error_shape(apply(client, "too_young"), 422, "not_eligible")
    assert "未满 6 周岁" in body["details"]["reasons"][0] and "未满 6 周岁" in body["message"]


def test_progress_shows_my_applications_with_their_history_and_hides_others(client):
    headers = citizen_headers(client, "parent_a")
    application = apply(client, "parent_a", headers).json
    mine = client.get("/api/v1/admission/applications", headers=headers).json["items"]
    assert [a["id"] for a in mine] == [application["id"]]
    detail = client.get(f"/api/v1/admission/applications/{application['id']}", headers=headers).json
    assert [h["status"] for h in detail["history"]] == ["submitted"]
    other = citizen_headers(client, "parent_b")
    assert_error_shape(client.get(f"/api/v1/admission/applications/{application['id']}", headers=other), 404, "not_found")
    assert_error_shape(client.post(f"/api/v1/admission/applications/{application['id']}/withdraw", headers=other), 404, "not_found")


def test_withdrawing_frees_the_child_to_apply_again(client):
    headers = citizen_headers(client, "parent_a")
    application = apply(client, "parent_a", headers).json
    withdrawn = client.post(f"/api/v1/admission/applications/{application['id']}/withdraw", headers=headers).json
    assert withdrawn["status"] == "withdrawn" and [h["status"] for h in withdrawn["history"]] == ["submitted", "withdrawn"]
    assert apply(client, "parent_a", headers).status_code == 201


def decide(client, application_id, decision="admitted", note="复核后更正:房产信息核验无误"):
    return client.post(
        f"/api/v1/admission/applications/{application_id}/decision",
        json={"decision": decision, "note": note},
        headers=staff_headers(client),
    )


def start_review(client, application_id):
    return client.post(f"/api/v1/admission/applications/{application_id}/review", headers=staff_headers(client))


def test_an_official_takes_an_application_into_review_and_the_guardian_sees_it(client):
    headers = citizen_headers(client, "parent_a")
    application = apply(client, "parent_a", headers).json
    reviewing = start_review(client, application["id"])
    assert reviewing.status_code == 200 and reviewing.json["status"] == "reviewing"
    assert start_review(client, application["id"]).json["status"] == "reviewing"  # asking twice changes nothing
    detail = client.get(f"/api/v1/admission/applications/{application['id']}", headers=headers).json
    assert [h["status"] for h in detail["history"]] == ["submitted", "reviewing"]
    assert decide(client, application["id"]).json["status"] == "admitted"
    history = client.get(f"/api/v1/admission/applications/{application['id']}", headers=headers).json["history"]
    assert [h["status"] for h in history] == ["submitted", "reviewing", "admitted"]
    assert_error_shape(start_review(client, application["id"]), 409, "conflict")
    assert_error_shape(start_review(client, 999_999), 404, "not_found")
    assert_error_shape(client.post(f"/api/v1/admission/applications/{application['id']}/review", headers=headers), 403, "forbidden")


def test_an_application_in_review_can_still_be_withdrawn(client):
    headers = citizen_headers(client, "parent_a")
    application = apply(client, "parent_a", headers).json
    start_review(client, application["id"])
    withdrawn = client.post(f"/api/v1/admission/applications/{application['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"


def test_admitting_occupies_the_seat_texts_the_guardian_and_closes_withdrawal(client):
    headers = citizen_headers(client, "parent_a")
    application = apply(client, "parent_a", headers).json
    admitted = decide(client, application["id"])
    assert admitted.status_code == 200 and admitted.json["status"] == "admitted"
    assert admitted.json["child_name"] == "王*涵"
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "admission_admitted")).one()
    assert sms.phone == "13800000001" and application["school"]["name"] in sms.body
    seats = client.get("/api/v1/admission/property-seats?property_no=JJ-FC-2019-00123", headers=headers).json
    assert seats["uses"][0]["school"] == application["school"]["name"]
    assert seats["uses"][0]["locked_until_year"] == seats["uses"][0]["year"] + 5
    assert_error_shape(client.post(f"/api/v1/admission/applications/{application['id']}/withdraw", headers=headers), 409, "conflict")
    assert_error_shape(decide(client, application["id"], "rejected"), 409, "conflict")


def test_review_and_decision_are_audited_and_a_refused_decision_leaves_no_entry(client):
    application = apply(client, "parent_a").json
    set_planned(application["school"]["id"], application["year"], 0)
    assert_error_shape(decide(client, application["id"]), 409, "no_seats_left")
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("admission.%"))).all() == []
    start_review(client, application["id"])
    set_planned(application["school"]["id"], application["year"], 1)
    decide(client, application["id"])
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("admission.%")).order_by(AuditEntry.id)).all()
    assert [(e.action, e.subject, e.actor) for e in entries] == [
        ("admission.review.start", f"application:{application['id']}", entries[0].actor),
        ("admission.decision", f"application:{application['id']}", entries[0].actor),
    ]
    assert entries[0].actor.startswith("staff:")


def test_rejecting_texts_the_reason(client):
    application = apply(client, "parent_b").json
    rejected = decide(client, application["id"], "rejected", note="房产信息核验未通过")
    assert rejected.json["status"] == "rejected"
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "admission_rejected")).one()
    assert "房产信息核验未通过" in sms.body


def test_no_school_admits_more_than_its_planned_seats(client):
    application = apply(client, "parent_a").json
    set_planned(application["school"]["id"], application["year"], 0)
    assert_error_shape(decide(client, application["id"]), 409, "no_seats_left")
    assert db.session.get(Application, application["id"]).status == "submitted"


def test_citizens_cannot_review_or_decide(client):
    headers = citizen_headers(client, "parent_a")
    assert_error_shape(client.get("/api/v1/admission/review", headers=headers), 403, "forbidden")


def test_the_review_list_masks_names_and_filters_by_status(client):
    apply(client, "parent_a")
    items = client.get("/api/v1/admission/review?status=submitted", headers=staff_headers(client)).json["items"]
    assert len(items) == 1 and items[0]["child_name"] == "王*涵"


def test_the_childs_birth_date_is_the_one_its_id_number_holds(client):
    """The birth date is read from the ID number; one sent as well (SPEC §11's body) is accepted and never wins."""
    headers = citizen_headers(client, "parent_a")
    body = application_body("parent_a")
    answer = client.post("/api/v1/admission/applications", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    application = db.session.get(Application, answer.json["id"])
    assert application.child_birth_date.strftime("%Y%m%d") == body["child"]["id_number"][6:14]
    with_date = body | {"child": body["child"] | {"birth_date": "2019-01-01"}}
    answer = client.post("/api/v1/admission/eligibility", json=with_date, headers=headers)
    assert answer.status_code == 200, answer.json
    assert answer.json == client.post("/api/v1/admission/eligibility", json=body, headers=headers).json

"""复核: once per application, with a reason; an official's answer reaches the guardian; manual decisions carry a reason."""

from __future__ import annotations

from sqlalchemy import select

from api.admission.models import Application
from api.auth.models import AuditEntry
from api.extensions import db
from api.notify.models import SmsMessage
from tests.admission.helpers import guardian_headers, make_application, make_guardian, make_school
from tests.admission.test_allocation_runs import start_run
from tests.assertions import assert_error_shape
from tests.factories import staff_headers

APPS = "/api/v1/admission/applications"


def refused_family(client):
    """A C family with few points at a school whose one place goes to an A family; the run leaves them not offered."""
    school = make_school(planned=1)
    make_application(school, category="A")
    make_application(school, category="A")  # takes the one waitlist place
    guardian = make_guardian()
    application = make_application(school, guardian, category="C", points=40)
    start_run(client, seed="1")
    return guardian, application


def ask(client, guardian, application, reason="孩子父亲社保已满 14 个月,积分应为 96 分"):
    return client.post(f"{APPS}/{application.id}/reviews", json={"reason": reason}, headers=guardian_headers(client, guardian))


def test_a_guardian_asks_once_and_an_official_answers_with_a_reason_that_reaches_them(client):
    guardian, application = refused_family(client)
    asked = ask(client, guardian, application)
    assert asked.status_code == 201 and asked.json["review"]["reason"].startswith("孩子父亲") and asked.json["can_request_review"] is False
    assert asked.json["history"][-1]["step"] == "review_requested" and asked.json["status"] == "not_offered"
    assert_error_shape(ask(client, guardian, application), 409, "review_already_requested")

    official = staff_headers(client, "edu", roles=("edu_official",))
    queue = client.get("/api/v1/admission/reviews", headers=official).json["items"]
    assert [r["application_id"] for r in queue] == [application.id] and "*" in queue[0]["application"]["child_name"]
    answer = client.post(
        f"/api/v1/admission/reviews/{queue[0]['id']}/answer",
        json={"outcome": "upheld", "reason": "社保部门核实为 9 个月,积分无误"},
        headers=official,
    )
    assert answer.status_code == 200 and answer.json["outcome"] == "upheld"
    assert client.get("/api/v1/admission/reviews", headers=official).json["items"] == []

    seen = client.get(f"{APPS}/{application.id}", headers=guardian_headers(client, guardian)).json
    assert seen["review"]["answer"] == "社保部门核实为 9 个月,积分无误"
    last = seen["history"][-1]
    assert last["step"] == "review_answered" and last["by"] == "official" and "社保部门核实为 9 个月" in last["reason"]
    assert all(step["reason"] and step["at"] for step in seen["history"])
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "admission_review_answered")).one()
    assert "维持原结果" in sms.body
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "admission.review.answer")).all() == [
        "admission.review.answer"
    ]
    again = client.post(
        f"/api/v1/admission/reviews/{queue[0]['id']}/answer", json={"outcome": "upheld", "reason": "再次答复"}, headers=official
    )
    assert_error_shape(again, 409, "conflict")


def test_an_application_still_waiting_for_a_run_has_no_result_to_review(client):
    guardian = make_guardian()
    application = make_application(make_school(planned=1), guardian)
    assert_error_shape(ask(client, guardian, application), 409, "conflict")


def test_a_manual_decision_needs_a_reason_and_the_guardian_reads_it(client):
    guardian, application = refused_family(client)
    official = staff_headers(client, "edu", roles=("edu_official",))
    without = client.post(f"{APPS}/{application.id}/decision", json={"decision": "admitted"}, headers=official)
    assert_error_shape(without, 422, "validation_error")
    full = client.post(f"{APPS}/{application.id}/decision", json={"decision": "admitted", "note": "复核更正积分后录取"}, headers=official)
    assert_error_shape(full, 409, "no_seats_left")  # the one place is taken: an exception still stays within the plan
    rejected = client.post(f"{APPS}/{application.id}/decision", json={"decision": "rejected", "note": "户籍信息不实"}, headers=official)
    assert rejected.status_code == 200
    seen = client.get(f"{APPS}/{application.id}", headers=guardian_headers(client, guardian)).json
    assert seen["status"] == "rejected" and seen["history"][-1]["reason"] == "教育局决定:户籍信息不实"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "admission.decision")).one()
    assert "户籍信息不实" in audit.detail
    assert db.session.get(Application, application.id).active_key is None  # the child may apply again

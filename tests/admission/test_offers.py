"""Offered places: accept (确认) or decline before the deadline; lapses, reminders and the waitlist moving up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.admission.calendar import offer_deadline
from api.admission.models import Application, SeatOccupancy
from api.admission.offers import remind_offers
from api.common.db import SHANGHAI, unit_of_work
from api.extensions import db
from api.notify.models import SmsMessage
from tests.admission.helpers import guardian_headers, make_application, make_guardian, make_property, make_school
from tests.admission.test_allocation_runs import start_run
from tests.assertions import assert_error_shape

APPS = "/api/v1/admission/applications"


@pytest.fixture(autouse=True)
def _long_waitlists(app, monkeypatch):
    """Every child not placed waits (the waitlist is 300% of the plan): these tests are about moving up."""
    monkeypatch.setitem(app.config, "ADMISSION_WAITLIST_PERCENT", 300)


def school_with_queue(planned=1, waiting=3, **kwargs):
    """A school whose ``planned`` places go to A families, with ``waiting`` B families on the waitlist (all signed up)."""
    school = make_school(planned=planned)
    offered = [(g := make_guardian(), make_application(school, g, **kwargs)) for _ in range(planned)]
    queue = [(g := make_guardian(), make_application(school, g, category="B")) for _ in range(waiting)]
    return school, offered, queue


def positions(queue):
    db.session.expire_all()
    return [db.session.get(Application, a.id).waitlist_position for _, a in queue]


def test_accepting_admits_the_child_locks_the_property_seat_and_texts_the_guardian(client):
    owner = make_guardian()
    property_no = make_property(owner)
    school = make_school(planned=1)
    application = make_application(school, owner, property_no=property_no)
    start_run(client, seed="1")
    answer = client.post(f"{APPS}/{application.id}/accept", headers=guardian_headers(client, owner))
    assert answer.status_code == 200 and answer.json["status"] == "admitted" and answer.json["history"][-1]["by"] == "guardian"
    assert not any(answer.json[flag] for flag in ("can_accept", "can_decline", "can_withdraw", "can_request_review"))
    lock = db.session.scalars(select(SeatOccupancy)).one()
    assert (lock.property_no, lock.school_name, lock.locked_until_year) == (property_no, school.name, lock.year + 5)
    assert db.session.scalars(select(SmsMessage.template).order_by(SmsMessage.id.desc())).first() == "admission_admitted"
    assert_error_shape(client.post(f"{APPS}/{application.id}/accept", headers=guardian_headers(client, owner)), 409, "conflict")


def test_either_guardian_sees_the_offer_and_may_answer_it(client):
    father, mother = make_guardian(), make_guardian()
    application = make_application(make_school(planned=1), father, second_guardian=mother)
    start_run(client, seed="1")
    mine = client.get(APPS, headers=guardian_headers(client, mother)).json["items"]
    assert [a["id"] for a in mine] == [application.id] and mine[0]["can_accept"] is True
    assert client.post(f"{APPS}/{application.id}/accept", headers=guardian_headers(client, mother)).json["status"] == "admitted"


def test_declining_passes_the_place_at_once_to_the_head_of_the_waitlist_with_an_sms(client):
    school, offered, queue = school_with_queue(planned=1, waiting=3)
    start_run(client, seed="7")
    assert sorted(positions(queue)) == [1, 2, 3]
    head = next(a for _, a in queue if a.waitlist_position == 1)
    guardian, application = offered[0]
    declined = client.post(f"{APPS}/{application.id}/decline", headers=guardian_headers(client, guardian))
    assert declined.status_code == 200 and declined.json["status"] == "declined" and declined.json["can_accept"] is False
    db.session.expire_all()
    promoted = db.session.get(Application, head.id)
    assert promoted.status == "offered" and promoted.waitlist_position is None and promoted.offer_expires_at is not None
    assert promoted.history[-1].step == "promoted" and "候补第 1 位递补" in promoted.history[-1].note
    assert sorted(p for p in positions(queue) if p) == [1, 2]
    assert db.session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.template == "admission_promoted")) == 1


def test_an_unanswered_offer_lapses_on_schedule_and_the_next_child_moves_up(client, runner):
    school, offered, queue = school_with_queue(planned=1, waiting=2)
    start_run(client, seed="7")
    guardian, application = offered[0]
    with unit_of_work(db.session):
        db.session.get(Application, application.id).offer_expires_at = datetime.now(SHANGHAI) - timedelta(minutes=1)
    assert_error_shape(client.post(f"{APPS}/{application.id}/accept", headers=guardian_headers(client, guardian)), 409, "conflict")
    result = runner.invoke(args=["admission", "lapse-offers"])
    assert result.exit_code == 0 and "lapsed offers: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "lapsed"
    assert sorted(db.session.get(Application, a.id).status for _, a in queue) == ["offered", "waitlisted"]
    assert runner.invoke(args=["admission", "lapse-offers"]).output.strip() == "lapsed offers: 0"


def test_the_deadline_is_the_end_of_the_seventh_day_and_the_reminder_comes_the_day_before_once(client):
    school, offered, _ = school_with_queue(planned=1, waiting=0)
    start_run(client, seed="1")
    application = db.session.get(Application, offered[0][1].id)
    made = application.history[-1].at
    assert application.offer_expires_at == offer_deadline(made, 7)
    assert application.offer_expires_at.astimezone(SHANGHAI).strftime("%H:%M:%S") == "23:59:59"
    two_days_before = application.offer_expires_at - timedelta(days=2)
    assert remind_offers(db.session, now=two_days_before) == 0
    day_before = application.offer_expires_at - timedelta(hours=30)
    assert remind_offers(db.session, now=day_before) == 1 and remind_offers(db.session, now=day_before) == 0
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "admission_offer_reminder")).one()
    assert "23:59" not in sms.body and "24:00" in sms.body


def test_acceptance_rechecks_the_property_seat_whatever_happened_before(client):
    owner, other = make_guardian(), make_guardian()
    property_no = make_property(owner)
    first = make_application(make_school(planned=1), owner, property_no=property_no)
    second = make_application(make_school(planned=1), other, property_no=property_no)  # e.g. let through by a registry error
    start_run(client, seed="1")
    assert client.post(f"{APPS}/{first.id}/accept", headers=guardian_headers(client, owner)).status_code == 200
    refused = assert_error_shape(client.post(f"{APPS}/{second.id}/accept", headers=guardian_headers(client, other)), 409, "seat_locked")
    assert "锁定至" in refused["message"]
    assert db.session.scalar(select(func.count()).select_from(SeatOccupancy)) == 1
    db.session.expire_all()
    assert db.session.get(Application, second.id).status == "offered"  # still theirs to decline, or to lapse


def test_withdrawing_from_the_waitlist_moves_those_behind_up(client):
    school, _, queue = school_with_queue(planned=1, waiting=3)
    start_run(client, seed="7")
    positions(queue)
    guardian, first_in_line = next((g, a) for g, a in queue if a.waitlist_position == 1)
    withdrawn = client.post(f"{APPS}/{first_in_line.id}/withdraw", headers=guardian_headers(client, guardian))
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert sorted(p for p in positions(queue) if p) == [1, 2]


def test_an_offer_cannot_be_withdrawn_only_declined(client):
    school, offered, _ = school_with_queue(planned=1, waiting=0)
    start_run(client, seed="1")
    guardian, application = offered[0]
    assert_error_shape(client.post(f"{APPS}/{application.id}/withdraw", headers=guardian_headers(client, guardian)), 409, "conflict")

"""Crews collect and issue the 联单; the credit score and its colour follow the documented rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.notify.models import SmsMessage
from api.pickup.credit import color_for
from api.pickup.models import Booking, CreditColor, CreditEntry, CreditKind
from api.pickup.service import manifest_number, remind_tomorrow
from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.pickup.helpers import book, captain, collector, due_now, pickup_world, port_id, tomorrow_at


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


def complete(client, headers, booking_id, items):
    return client.post(f"/api/v1/pickup/bookings/{booking_id}/complete", json={"items": items}, headers=headers)


def test_the_crew_sees_its_ports_tasks_with_the_captain_masked(client):
    headers, vessel = captain(client)
    book(client, headers, vessel)
    tasks = client.get(f"/api/v1/pickup/tasks?date={tomorrow_at().date()}", headers=collector(client)).json["items"]
    assert len(tasks) == 1 and tasks[0]["captain"] == "阮*良" and tasks[0]["captain_phone"] == "138****0008"


def test_completion_records_weights_issues_a_manifest_credits_the_vessel_and_texts_the_captain(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    due_now(booking)
    done = complete(client, collector(client), booking, [{"type": "oily_water", "qty_jin": 153}])
    assert done.status_code == 200
    assert done.json["status"] == "collected" and done.json["manifest_no"] == manifest_number(booking, utcnow())
    assert done.json["items"] == [{"type": "oily_water", "est_qty_kg": 80.0, "qty_kg": 76.5, "unit": "kg", "est_qty": 80.0, "qty": 76.5}]
    assert done.json["under_declared"] is False
    credit = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json
    assert credit["score"] == 75 and credit["entries"][0]["kind"] == "pickup"
    receipt = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "pickup_collected")).one()
    assert done.json["manifest_no"] in receipt.body and "含油污水76.50kg" in receipt.body


def test_a_collector_of_another_port_may_not_complete(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    elsewhere = collector(client, "大陈渔港", username="collector2")
    assert_error_shape(complete(client, elsewhere, booking, [{"type": "oily_water", "qty_kg": 10}]), 403, "forbidden")
    assert db.session.get(Booking, booking).status == "confirmed"


def test_completing_twice_is_a_conflict(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    due_now(booking)
    crew = collector(client)
    complete(client, crew, booking, [{"type": "oily_water", "qty_kg": 10}])
    assert_error_shape(complete(client, crew, booking, [{"type": "oily_water", "qty_kg": 10}]), 409, "conflict")


def test_a_large_under_declaration_is_flagged(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel, items=[{"type": "oily_water", "est_qty_kg": 20}]).json["id"]
    due_now(booking)
    done = complete(client, collector(client), booking, [{"type": "oily_water", "qty_kg": 200}, {"type": "garbage", "qty_kg": 15}])
    assert done.json["under_declared"] is True and len(done.json["items"]) == 2


def test_a_citizen_may_not_complete_a_booking(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    assert_error_shape(complete(client, headers, booking, [{"type": "oily_water", "qty_kg": 1}]), 403, "forbidden")


@pytest.mark.parametrize(("score", "color"), [(100, "green"), (80, "green"), (79, "yellow"), (60, "yellow"), (59, "red"), (0, "red")])
def test_the_colour_boundaries(score, color):
    assert color_for(score) == CreditColor(color)


def test_deductions_turn_the_code_red_keep_the_history_and_text_the_captain(client):
    headers, vessel = captain(client)
    official = staff_headers(client)
    answer = client.post(f"/api/v1/pickup/vessels/{vessel}/deductions", json={"points": 11, "reason": "违规排放含油污水"}, headers=official)
    assert answer.status_code == 201 and answer.json["credit_score"] == 59 and answer.json["credit_color"] == "red"
    credit = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=official).json
    assert credit["color_history"][-1] | {"at": None} == {"from": "yellow", "to": "red", "score": 59, "at": None}
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "credit_color_changed")).one()
    assert "黄码" in sms.body and "红码" in sms.body


def test_reports_and_checks_earn_credit_up_to_a_daily_limit_and_reach_green(client):
    headers, vessel = captain(client)
    for _ in range(3):
        client.post(f"/api/v1/pickup/vessels/{vessel}/port-reports", json={"direction": "in", "port_id": port_id()}, headers=headers)
    check = client.post(f"/api/v1/pickup/vessels/{vessel}/safety-checks", json={"items": [{"item": "救生衣", "ok": True}]}, headers=headers)
    assert check.json["credit_score"] == 70 + 2 + 2
    for _ in range(2):
        booking = book(client, headers, vessel).json["id"]
        due_now(booking)
        assert complete(client, collector(client), booking, [{"type": "oily_water", "qty_kg": 30}]).status_code == 200
    score = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json
    assert score["score"] == 84 and score["color"] == "green"


def test_another_captains_vessel_credit_is_not_found(client):
    _, vessel = captain(client)
    other, _ = captain(client, "captain_red", "浙椒渔60218")
    assert_error_shape(client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=other), 404, "not_found")


def test_a_no_show_costs_ten_points(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    crew = collector(client)
    assert_error_shape(client.post(f"/api/v1/pickup/bookings/{booking}/no-show", headers=crew), 409, "conflict")
    with unit_of_work(db.session):
        db.session.get(Booking, booking).slot_start = utcnow() - timedelta(hours=1)
    answer = client.post(f"/api/v1/pickup/bookings/{booking}/no-show", headers=crew)
    assert answer.status_code == 200 and answer.json["status"] == "no_show"
    assert client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["score"] == 60


def test_the_day_before_reminder_is_enqueued_once_per_booking(client):
    headers, vessel = captain(client)
    book(client, headers, vessel)
    today = (tomorrow_at() - timedelta(days=1)).date()
    assert remind_tomorrow(db.session, today) == 1
    remind_tomorrow(db.session, today)
    reminders = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "pickup_reminder")).all()
    assert len(reminders) == 1 and reminders[0].kind == "reminder"


def test_a_crew_cannot_complete_a_booking_before_its_windows_day(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel, start=tomorrow_at()).json["id"]
    body = assert_error_shape(complete(client, collector(client), booking, [{"type": "oily_water", "qty_kg": 10}]), 409, "too_early")
    assert "当天" in body["message"]
    assert db.session.get(Booking, booking).status == "confirmed"


def test_every_pollutant_type_can_be_collected_even_if_not_declared(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    due_now(booking)
    codes = [t["code"] for t in client.get("/api/v1/pickup/pollutant-types").json["items"]]
    done = complete(client, collector(client), booking, [{"type": code, "qty_kg": 3} for code in codes])
    assert done.status_code == 200 and {i["type"] for i in done.json["items"]} == set(codes)


def test_a_safety_check_is_a_list_of_items_and_one_given_twice_is_in_order_only_if_it_is_every_time(client):
    headers, vessel = captain(client)
    items = [{"item": "救生衣", "ok": True}, {"item": "航行灯", "ok": True}, {"item": "救生衣", "ok": False}]
    assert client.post(f"/api/v1/pickup/vessels/{vessel}/safety-checks", json={"items": items}, headers=headers).status_code == 201
    entry = db.session.scalars(select(CreditEntry).where(CreditEntry.kind == CreditKind.SAFETY_CHECK)).one()
    assert entry.detail == {"救生衣": False, "航行灯": True} and "1 项待整改" in entry.reason
    for wrong in ({"救生衣": True}, [{"item": "", "ok": True}], [{"item": "救" * 51, "ok": True}], [{"item": "救生衣"}], []):
        answer = client.post(f"/api/v1/pickup/vessels/{vessel}/safety-checks", json={"items": wrong}, headers=headers)
        assert_error_shape(answer, 422, "validation_error")

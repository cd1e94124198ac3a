"""差异化服务 (green books further ahead and takes priority windows; red files a self-check first) and 漏收 reports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.pickup import credit
from api.pickup.models import Booking, CreditColor, CreditEntry, CreditKind, Port, Vessel
from api.pickup.oversight import open_missed_reports, vessels_by_color
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers
from tests.pickup.helpers import book, captain, day_at, ocean, pickup_world, port_id


@pytest.fixture(autouse=True)
def _world():
    pickup_world()
    with unit_of_work(db.session):
        for port in db.session.query(Port):
            port.priority_windows = ["07:00-09:00"]


def make_color(vessel_id: int, color: CreditColor) -> None:
    points = {CreditColor.GREEN: 20, CreditColor.YELLOW: 0, CreditColor.RED: -20}[color]
    with unit_of_work(db.session):
        if points:
            kind = CreditKind.PICKUP if points > 0 else CreditKind.DEDUCTION
            db.session.add(CreditEntry(vessel_id=vessel_id, kind=kind, points=points, reason="测试"))
            db.session.flush()
        credit.refresh(db.session, db.session.get(Vessel, vessel_id))
    assert db.session.get(Vessel, vessel_id).credit_color == color


def test_green_books_further_ahead_than_yellow(client):
    headers, vessel = captain(client)
    far = day_at(credit.BOOKING_DAYS_AHEAD[CreditColor.YELLOW] + 2)
    body = assert_error_shape(book(client, headers, vessel, start=far), 422, "validation_error")
    assert "黄码" in body["details"]["slot_start"][0]
    make_color(vessel, CreditColor.GREEN)
    assert book(client, headers, vessel, start=far).status_code == 201


def test_priority_windows_are_for_green_vessels_until_the_day_before(client):
    headers, vessel = captain(client)
    early = day_at(3, 7)
    slots = client.get(f"/api/v1/pickup/slots?port_id={port_id()}&date={early.date()}").json["items"]
    assert [s["priority"] for s in slots] == [True, False, False, False]
    body = assert_error_shape(book(client, headers, vessel, start=early), 409, "priority_window")
    assert "绿码" in body["message"]
    make_color(vessel, CreditColor.GREEN)
    assert book(client, headers, vessel, start=early).status_code == 201


def test_a_priority_window_opens_to_everyone_within_a_day_of_its_start(client):
    headers, vessel = captain(client)
    soon = next(start for start in (day_at(0, 7), day_at(1, 7)) if start > utcnow())  # the next 07:00, always within a day
    assert book(client, headers, vessel, start=soon).status_code == 201


def test_a_red_vessel_must_file_a_safety_self_check_before_booking(client):
    headers, vessel = captain(client)
    make_color(vessel, CreditColor.RED)
    body = assert_error_shape(book(client, headers, vessel), 409, "safety_check_required")
    assert "安全自查" in body["message"]
    check = client.post(f"/api/v1/pickup/vessels/{vessel}/safety-checks", json={"items": [{"item": "救生衣", "ok": True}]}, headers=headers)
    assert check.status_code == 201
    assert book(client, headers, vessel).status_code == 201


def test_ocean_officials_list_vessels_by_colour_with_the_reasons(client):
    _, green = captain(client)
    _, red = captain(client, "captain_red", "浙椒渔60218")
    make_color(green, CreditColor.GREEN)
    make_color(red, CreditColor.RED)
    answer = client.get("/api/v1/pickup/vessels?color=red", headers=ocean(client))
    assert [v["vessel_no"] for v in answer.json["items"]] == ["浙椒渔60218"]
    assert any("测试" in reason and "-20" in reason for reason in answer.json["items"][0]["reasons"])
    everyone = client.get("/api/v1/pickup/vessels", headers=ocean(client)).json["items"]
    assert {v["color"] for v in everyone} == {v["color"] for v in vessels_by_color(db.session)["items"]} == {"green", "red"}
    assert_error_shape(client.get("/api/v1/pickup/vessels?color=purple", headers=ocean(client)), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/pickup/vessels", headers=citizen_headers(client, "captain_red")), 403, "forbidden")


def test_the_crew_sees_green_vessels_first_within_a_window(client):
    from tests.pickup.helpers import collector

    headers, first = captain(client, "captain_red", "浙椒渔60218")
    book(client, headers, first)
    green_headers, green = captain(client)
    make_color(green, CreditColor.GREEN)
    book(client, green_headers, green)
    tasks = client.get(f"/api/v1/pickup/tasks?date={day_at(1).date()}", headers=collector(client)).json["items"]
    assert [t["vessel_no"] for t in tasks] == ["浙椒渔77033", "浙椒渔60218"]


def missed(client, headers, booking_id, note="收集船没有来"):
    return client.post(f"/api/v1/pickup/bookings/{booking_id}/missed", json={"note": note}, headers=headers)


def test_a_captain_reports_a_missed_collection_and_an_official_closes_it(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    assert_error_shape(missed(client, headers, booking), 409, "conflict")  # the window has not started
    with unit_of_work(db.session):
        row = db.session.get(Booking, booking)
        row.slot_start, row.slot_end = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    answer = missed(client, headers, booking, "在二号码头等了两个小时")
    assert answer.status_code == 201 and answer.json["status"] == "open" and answer.json["vessel_no"] == "浙椒渔77033"
    assert_error_shape(missed(client, headers, booking), 409, "conflict")  # once per booking
    listed = client.get("/api/v1/pickup/missed-reports", headers=ocean(client)).json["items"]
    assert [r["note"] for r in listed] == ["在二号码头等了两个小时"] and listed[0]["age_hours"] >= 0
    closed = client.post(f"/api/v1/pickup/missed-reports/{listed[0]['id']}/close", json={"resolution": "已补收"}, headers=ocean(client))
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert client.get("/api/v1/pickup/missed-reports", headers=ocean(client)).json["items"] == []


def test_open_missed_reports_carry_their_age(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    with unit_of_work(db.session):
        row = db.session.get(Booking, booking)
        row.slot_start, row.slot_end = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2) + timedelta(hours=2)
    missed(client, headers, booking)
    from api.pickup.models import MissedReport

    with unit_of_work(db.session):
        db.session.query(MissedReport).update({"created_at": utcnow() - timedelta(hours=30)})
    [report] = open_missed_reports(db.session)
    assert 29.9 <= report["age_hours"] <= 30.1


def test_only_the_captain_reports_and_only_for_their_own_booking(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    other = citizen_headers(client, "captain_red")
    assert_error_shape(missed(client, other, booking), 404, "not_found")
    assert_error_shape(client.get("/api/v1/pickup/missed-reports", headers=headers), 403, "forbidden")

"""What a captain may do now is said by the API (can_cancel, can_report_missed), and a red or yellow vessel is told
what brings it back to green: the mini-app shows these, it does not work them out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.pickup.models import Booking, CreditColor, Vessel
from tests.factories import staff_headers
from tests.pickup.helpers import book, captain, pickup_world


def my_booking(client, headers, booking_id: int) -> dict:
    answer = client.get("/api/v1/pickup/bookings", headers=headers)
    assert answer.status_code == 200, answer.json
    return next(b for b in answer.json["items"] if b["id"] == booking_id)


def test_a_booking_can_be_cancelled_before_its_window_and_reported_missed_once_after_it_starts(client):
    pickup_world()
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]

    ahead = my_booking(client, headers, booking)
    assert (ahead["can_cancel"], ahead["can_report_missed"]) == (True, False)

    with unit_of_work(db.session):  # the window has started
        db.session.execute(update(Booking).where(Booking.id == booking).values(slot_start=utcnow() - timedelta(minutes=30)))
    started = my_booking(client, headers, booking)
    assert (started["can_cancel"], started["can_report_missed"]) == (False, True)
    assert client.post(f"/api/v1/pickup/bookings/{booking}/cancel", headers=headers).status_code == 409  # the same rule

    assert client.post(f"/api/v1/pickup/bookings/{booking}/missed", json={"note": "收集船没来"}, headers=headers).status_code in (200, 201)
    assert my_booking(client, headers, booking)["can_report_missed"] is False


def test_a_cancelled_booking_offers_nothing_more(client):
    pickup_world()
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    assert client.post(f"/api/v1/pickup/bookings/{booking}/cancel", headers=headers).status_code == 200
    assert {k: v for k, v in my_booking(client, headers, booking).items() if k.startswith("can_")} == {
        "can_cancel": False,
        "can_report_missed": False,
    }


def test_a_vessel_below_green_is_told_what_brings_it_back_and_a_green_one_is_told_nothing(client):
    pickup_world()
    headers, vessel = captain(client)
    new = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json
    assert new["color"] == "yellow" and new["to_green"][0].startswith(f"还差 {80 - new['score']} 分恢复绿码")
    assert "良好记录还可加 30 分" in new["to_green"][1]

    official = staff_headers(client, "ocean1", roles=("ocean_official",))
    deduction = client.post(f"/api/v1/pickup/vessels/{vessel}/deductions", json={"points": 30, "reason": "偷排含油污水"}, headers=official)
    assert deduction.status_code in (200, 201), deduction.json
    red = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json
    assert red["color"] == "red"
    assert any("不再计分" in line for line in red["to_green"])  # when the deduction stops counting
    assert any("仅靠加分回不到绿码" in line for line in red["to_green"])  # 40 + 30 < 80

    with unit_of_work(db.session):
        db.session.execute(update(Vessel).where(Vessel.id == vessel).values(credit_score=90, credit_color=CreditColor.GREEN))
    assert client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["to_green"] == []

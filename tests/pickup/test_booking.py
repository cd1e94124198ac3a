"""Captains register vessels and book collection boats; windows never overbook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.notify.models import SmsMessage
from api.pickup.models import Booking
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers
from tests.pickup.helpers import bind, book, captain, pickup_world, port_id, register, tomorrow_at


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


def test_ports_and_pollutant_types_are_listed_in_kg(client):
    ports = client.get("/api/v1/pickup/ports").json["items"]
    assert "椒江中心渔港" in [p["name"] for p in ports] and all({"lat", "lon"} <= p.keys() for p in ports)
    types = client.get("/api/v1/pickup/pollutant-types").json["items"]
    assert {"code": "oily_water", "name": "含油污水", "unit": "kg"} in types


def test_a_vessel_number_must_look_like_a_zhejiang_fishing_vessel(client):
    headers = citizen_headers(client, "captain_green")
    for bad in ("77033", "浙椒77033", "浙椒渔7703", "沪椒渔77033", "浙椒渔７７０３３", "浙椒渔٧٧٠٣٣"):
        answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": bad}, headers=headers)
        assert_error_shape(answer, 422, "validation_error")


def test_a_vessel_registered_to_another_captain_cannot_be_bound(client):
    captain(client)
    other = citizen_headers(client, "captain_red")
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔77033"}, headers=other)
    body = assert_error_shape(answer, 403, "not_vessel_owner")
    assert "他人名下" in body["message"]
    assert client.get("/api/v1/pickup/vessels/mine", headers=other).json["items"] == []


def test_one_vessel_has_one_owner_even_when_the_registry_changes_hands(client):
    captain(client)
    register("浙椒渔77033", "captain_red")  # sold: the registry now names the other captain
    other = citizen_headers(client, "captain_red")
    assert_error_shape(client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔77033"}, headers=other), 409, "vessel_owned")


def test_booking_a_window_confirms_it_texts_the_captain_and_reduces_what_remains(client):
    headers, vessel = captain(client)
    before = client.get(f"/api/v1/pickup/slots?port_id={port_id()}&date={tomorrow_at().date()}").json["items"]
    window = next(s for s in before if s["start"] == tomorrow_at().isoformat())
    assert window["capacity"] == 3 and window["remaining"] == 3
    answer = book(client, headers, vessel)
    assert answer.status_code == 201
    assert answer.json["status"] == "confirmed" and answer.json["slot_start"] == tomorrow_at().isoformat()
    assert answer.json["items"] == [{"type": "oily_water", "est_qty_kg": 80.0, "qty_kg": None, "unit": "kg", "est_qty": 80.0, "qty": None}]
    assert answer.json["booked_by"] == "captain"
    after = client.get(f"/api/v1/pickup/slots?port_id={port_id()}&date={tomorrow_at().date()}").json["items"]
    assert next(s for s in after if s["start"] == window["start"])["remaining"] == 2
    sms = db.session.scalar(select(SmsMessage))
    assert sms.template == "pickup_confirmed" and "浙椒渔77033" in sms.body and "椒江中心渔港" in sms.body


def test_quantities_in_jin_are_converted_to_kg_and_shown_back_in_jin(client):
    headers, vessel = captain(client)
    answer = book(client, headers, vessel, items=[{"type": "oily_water", "est_qty_jin": 153}, {"type": "garbage", "est_qty_kg": 12}])
    assert answer.json["items"][0] | {} == {
        "type": "oily_water",
        "est_qty_kg": 76.5,
        "unit": "jin",
        "est_qty": 153.0,
        "qty_kg": None,
        "qty": None,
    }
    assert answer.json["items"][1]["unit"] == "kg" and answer.json["items"][1]["est_qty"] == 12.0
    mine = client.get("/api/v1/pickup/bookings", headers=headers).json["items"][0]
    assert mine["items"][0]["unit"] == "jin" and mine["items"][0]["est_qty"] == 153.0


def test_a_hundredth_of_a_jin_is_not_rounded_away(client):
    headers, vessel = captain(client)
    answer = book(client, headers, vessel, items=[{"type": "oily_water", "est_qty_jin": 0.01}])
    assert answer.json["items"][0]["est_qty_kg"] == 0.01 and answer.json["items"][0]["est_qty"] == 0.01


def test_every_pollutant_type_can_be_booked(client):
    headers, vessel = captain(client)
    codes = [t["code"] for t in client.get("/api/v1/pickup/pollutant-types").json["items"]]
    answer = book(client, headers, vessel, items=[{"type": code, "est_qty_kg": 5} for code in codes])
    assert answer.status_code == 201 and sorted(i["type"] for i in answer.json["items"]) == sorted(codes)


def test_a_window_in_the_past_is_refused(client):
    headers, vessel = captain(client)
    body = assert_error_shape(book(client, headers, vessel, start=tomorrow_at() - timedelta(days=2)), 422, "validation_error")
    assert "slot_start" in body["details"]


def test_a_start_that_is_not_one_of_the_ports_windows_is_refused(client):
    headers, vessel = captain(client)
    assert_error_shape(book(client, headers, vessel, start=tomorrow_at(12)), 422, "validation_error")


@pytest.mark.parametrize(
    "items",
    [
        [{"type": "oily_water", "est_qty_kg": 0}],
        [{"type": "oily_water"}],
        [{"type": "oily_water", "est_qty_kg": 5, "est_qty_jin": 10}],
        [],
    ],
)
def test_a_missing_or_zero_quantity_is_refused(client, items):
    headers, vessel = captain(client)
    assert_error_shape(book(client, headers, vessel, items=items), 422, "validation_error")
    assert db.session.scalar(select(Booking)) is None


def test_an_unknown_pollutant_type_is_not_found(client):
    """Types are rows (GET /pickup/pollutant-types): a name that is none of them refers to nothing, 404."""
    headers, vessel = captain(client)
    body = assert_error_shape(book(client, headers, vessel, items=[{"type": "plutonium", "est_qty_kg": 5}]), 404, "not_found")
    assert "plutonium" in body["details"]["items"][0]
    assert db.session.scalar(select(Booking)) is None


def test_booking_for_somebody_elses_vessel_answers_not_found(client):
    _, vessel = captain(client)
    other, _ = captain(client, "captain_red", "浙椒渔60218")
    assert_error_shape(book(client, other, vessel), 404, "not_found")


def test_a_full_window_answers_slot_full(client):
    headers, _ = captain(client)
    for n in range(4):
        vessel = bind(client, headers, f"浙椒渔1000{n}")
        answer = book(client, headers, vessel)
        assert answer.status_code == (201 if n < 3 else 409)
    assert answer.json["error"] == "slot_full"


def test_a_retried_booking_with_the_same_key_books_once(client):
    headers, vessel = captain(client)
    first = book(client, headers, vessel, key="k1")
    assert book(client, headers, vessel, key="k1").json == first.json
    assert len(db.session.scalars(select(Booking)).all()) == 1


def test_the_captain_cancels_before_the_cut_off_but_not_after_the_window_started(client):
    headers, vessel = captain(client)
    booking = book(client, headers, vessel).json["id"]
    cancelled = client.post(f"/api/v1/pickup/bookings/{booking}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = book(client, headers, vessel).json["id"]
    with unit_of_work(db.session):
        row = db.session.get(Booking, again)
        row.slot_start, row.slot_end = utcnow() - timedelta(minutes=10), utcnow() + timedelta(minutes=110)
    assert_error_shape(client.post(f"/api/v1/pickup/bookings/{again}/cancel", headers=headers), 409, "conflict")


def test_my_bookings_lists_only_mine(client):
    headers, vessel = captain(client)
    book(client, headers, vessel)
    other, _ = captain(client, "captain_red", "浙椒渔60218")
    assert len(client.get("/api/v1/pickup/bookings", headers=headers).json["items"]) == 1
    assert client.get("/api/v1/pickup/bookings", headers=other).json["items"] == []

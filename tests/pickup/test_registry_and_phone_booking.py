"""渔船登记 decides who may bind a vessel; dispatchers book by phone for any registered vessel, the captain's phone confirmed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.extensions import db
from api.notify.models import SmsMessage
from api.pickup.models import Booking, VesselRegistration
from api.seed.residents import resident
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers
from tests.pickup.helpers import book, captain, dispatcher, ocean, pickup_world, register, tomorrow_at


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


def test_a_captain_binds_a_vessel_registered_to_them(client):
    register("浙椒渔52718", "captain_unbound", name="海波号")
    headers = citizen_headers(client, "captain_unbound")
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔52718"}, headers=headers)
    assert answer.status_code == 201 and answer.json["name"] == "海波号"


def test_an_unregistered_vessel_is_refused_clearly(client):
    headers = citizen_headers(client, "captain_unbound")
    body = assert_error_shape(
        client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔99999"}, headers=headers), 404, "vessel_not_registered"
    )
    assert "渔船登记" in body["message"] and "vessel_no" in body["details"]


def test_full_width_digits_are_refused_not_stored_as_a_second_spelling(client):
    register("浙椒渔52718", "captain_unbound")
    headers = citizen_headers(client, "captain_unbound")
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔５２７１８"}, headers=headers)
    assert "半角" in assert_error_shape(answer, 422, "validation_error")["details"]["vessel_no"][0]


def test_the_registry_is_imported_from_csv_whole_or_not_at_all(runner, tmp_path):
    owner = resident("captain_unbound")
    good = tmp_path / "good.csv"
    good.write_text(
        "vessel_no,owner_id_number,owner_name,owner_phone,vessel_name,registered_on\n"
        f"浙椒渔52718,{owner['id_number']},郑海波,13800000011,海波号,2019-03-01\n"
        f"浙椒渔52719,{owner['id_number']},郑海波,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["pickup", "import-registry", str(good)])
    assert result.exit_code == 0 and "imported vessel registry: 2" in result.output
    stored = db.session.scalar(select(VesselRegistration).where(VesselRegistration.vessel_no == "浙椒渔52718"))
    assert owner["id_number"] not in stored.owner_hash and len(stored.owner_hash) == 64
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"vessel_no,owner_id_number\n浙椒渔10001,{owner['id_number']}\n浙椒渔１０００２,{owner['id_number']}\n浙椒渔10003,123\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["pickup", "import-registry", str(bad)])
    assert result.exit_code != 0 and "第 3 行" in result.output and "vessel_no" in result.output
    assert db.session.scalar(select(func.count()).select_from(VesselRegistration)) == 2


def test_a_dispatcher_books_by_phone_for_a_registered_vessel_not_yet_in_the_app(client):
    register("浙椒渔52718", "captain_unbound")
    answer = book(client, dispatcher(client), vessel_no="浙椒渔52718", captain_phone="13800000011")
    assert answer.status_code == 201, answer.json
    assert answer.json["booked_by"] == "dispatcher" and answer.json["vessel_no"] == "浙椒渔52718"
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "pickup_confirmed")).one()
    assert sms.phone == "13800000011" and "浙椒渔52718" in sms.body
    # When the captain binds the vessel later, the phone booking is theirs.
    headers = citizen_headers(client, "captain_unbound")
    client.post("/api/v1/pickup/vessels", json={"vessel_no": "浙椒渔52718"}, headers=headers)
    assert [b["id"] for b in client.get("/api/v1/pickup/bookings", headers=headers).json["items"]] == [answer.json["id"]]


def test_a_phone_booking_for_a_bound_vessel_sends_the_captain_the_same_sms(client):
    headers, vessel = captain(client)
    answer = book(client, dispatcher(client), vessel, captain_phone="138-0000-0008")
    assert answer.status_code == 201
    own = book(client, headers, vessel, start=tomorrow_at(14))
    bodies = [
        m.body for m in db.session.scalars(select(SmsMessage).where(SmsMessage.template == "pickup_confirmed").order_by(SmsMessage.id))
    ]
    assert len(bodies) == 2 and bodies[0].replace("09:00–11:00", "14:00–16:00") == bodies[1]
    assert db.session.get(Booking, answer.json["id"]).dispatcher_id is not None and own.json["booked_by"] == "captain"


@pytest.mark.parametrize(
    ("phone", "status", "code"),
    [(None, 422, "validation_error"), ("1380000000", 422, "validation_error"), ("13800000009", 404, "not_found")],
)
def test_the_captains_phone_must_be_given_and_match_the_owner(client, phone, status, code):
    """Missing or malformed: 422; well-formed but not the owner's: no such captain of this vessel, 404."""
    register("浙椒渔52718", "captain_unbound")
    answer = book(client, dispatcher(client), vessel_no="浙椒渔52718", captain_phone=phone, by_phone=True)
    body = assert_error_shape(answer, status, code)
    assert "captain_phone" in body["details"]
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


@pytest.mark.parametrize(("phone", "status"), [("13800000011", 201), (None, 403), ("13800000009", 404)])
def test_a_dispatcher_books_with_the_captains_own_route_too_as_spec_12_4_says(client, phone, status):
    """POST /pickup/bookings as captains do; a dispatcher without the captain's phone acts for nobody: 403."""
    register("浙椒渔52718", "captain_unbound")
    answer = book(client, dispatcher(client), vessel_no="浙椒渔52718", captain_phone=phone, by_phone=False)
    assert answer.status_code == status, answer.json
    if status == 403:
        assert assert_error_shape(answer, 403, "captain_phone_required")["details"] == {"captain_phone": [answer.json["message"]]}
    assert db.session.scalar(select(func.count()).select_from(Booking)) == (status == 201)


def test_a_dispatcher_cannot_book_an_unregistered_or_unknown_vessel(client):
    headers = dispatcher(client)
    assert_error_shape(book(client, headers, vessel_no="浙椒渔99999", captain_phone="13800000011"), 404, "vessel_not_registered")
    assert_error_shape(book(client, headers, 424242, captain_phone="13800000011"), 404, "not_found")


def test_a_captain_names_the_vessel_by_number_too_but_only_their_own(client):
    headers, _ = captain(client)
    assert book(client, headers, vessel_no="浙椒渔77033").status_code == 201
    captain(client, "captain_red", "浙椒渔60218")
    assert_error_shape(book(client, headers, vessel_no="浙椒渔60218", start=tomorrow_at(14)), 404, "not_found")


def test_the_days_phone_bookings_are_listed_for_dispatchers_and_ocean_officials_only(client):
    register("浙椒渔52718", "captain_unbound")
    headers, vessel = captain(client)
    book(client, headers, vessel)
    book(client, dispatcher(client), vessel_no="浙椒渔52718", captain_phone="13800000011")
    for staff in (dispatcher(client), ocean(client)):
        items = client.get("/api/v1/pickup/phone-bookings", headers=staff).json["items"]
        assert [(i["vessel_no"], i["dispatcher"]) for i in items] == [("浙椒渔52718", "dispatcher1")]
    assert_error_shape(client.get("/api/v1/pickup/phone-bookings", headers=headers), 403, "forbidden")
    other_day = client.get(f"/api/v1/pickup/phone-bookings?date={tomorrow_at().date()}", headers=dispatcher(client)).json["items"]
    assert other_day == []

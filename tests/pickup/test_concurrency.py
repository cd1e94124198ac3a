"""On PostgreSQL, a window never takes more bookings than its capacity, however many arrive at once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import delete, func, select

from api.common.db import unit_of_work
from api.extensions import db
from api.pickup.models import Booking, BookingItem, CollectionBoat
from tests.concurrency import at_once
from tests.pickup.helpers import bind, book, captain, dispatcher, pickup_world, port_id, register

pytestmark = pytest.mark.postgres


def test_thirty_concurrent_bookings_into_a_window_of_capacity_four_yield_exactly_four(app, client):
    pickup_world()
    with unit_of_work(db.session):
        for boat in db.session.scalars(select(CollectionBoat).where(CollectionBoat.port_id == port_id())):
            boat.trips_per_window = 2  # two boats × two trips
    headers, _ = captain(client)
    vessels = [bind(client, headers, f"浙椒渔2{n:04d}") for n in range(30)]
    port = port_id()
    answers = at_once(app, 30, lambda c, i: book(c, headers, vessels[i], port=port))
    outcomes = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert outcomes == {(201, None): 4, (409, "slot_full"): 26}
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 4


def test_a_dispatcher_and_a_captain_booking_the_last_place_at_once_one_wins(app, client):
    pickup_world()
    with unit_of_work(db.session):
        for boat in db.session.scalars(select(CollectionBoat).where(CollectionBoat.port_id == port_id())):
            boat.trips_per_window = 0
        db.session.scalars(select(CollectionBoat).where(CollectionBoat.port_id == port_id())).first().trips_per_window = 1  # one place
    headers, vessel = captain(client)
    register("浙椒渔52718", "captain_unbound")
    staff = dispatcher(client)
    port = port_id()
    calls = [
        lambda c: book(c, headers, vessel, port=port),
        lambda c: book(c, staff, vessel_no="浙椒渔52718", captain_phone="13800000011", port=port),
    ]
    for _ in range(5):  # several rounds, each on an empty window
        answers = at_once(app, 2, lambda c, i: calls[i](c))
        outcomes = sorted((a.status_code, (a.json or {}).get("error")) for a in answers)
        assert outcomes == [(201, None), (409, "slot_full")]
        with unit_of_work(db.session):
            db.session.execute(delete(BookingItem))
            db.session.execute(delete(Booking))
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0

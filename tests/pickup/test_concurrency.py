"""On PostgreSQL, a window never takes more bookings than its capacity, however many arrive at once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from api.common.db import unit_of_work
from api.extensions import db
from api.pickup.models import Booking, CollectionBoat
from tests.concurrency import at_once
from tests.pickup.helpers import book, captain, pickup_world, port_id

pytestmark = pytest.mark.postgres


def test_thirty_concurrent_bookings_into_a_window_of_capacity_four_yield_exactly_four(app, client):
    pickup_world()
    with unit_of_work(db.session):
        for boat in db.session.scalars(select(CollectionBoat).where(CollectionBoat.port_id == port_id())):
            boat.trips_per_window = 2  # two boats × two trips
    headers, _ = captain(client)
    vessels = [client.post("/api/v1/pickup/vessels", json={"vessel_no": f"浙椒渔2{n:04d}"}, headers=headers).json["id"]
               for n in range(30)]
    port = port_id()
    answers = at_once(app, 30, lambda c, i: book(c, headers, vessels[i], port=port))
    outcomes = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert outcomes == {(201, None): 4, (409, "slot_full"): 26}
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 4

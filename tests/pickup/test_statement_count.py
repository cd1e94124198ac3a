"""Round trips: a booking with an Idempotency-Key issues few SQL statements (22 before the second release)."""

from __future__ import annotations

import pytest

from tests.assertions import counted_statements
from tests.pickup.helpers import bind, book, captain, pickup_world, port_id

BOOKING_STATEMENTS_BEFORE = 22


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


def test_a_booking_with_an_idempotency_key_issues_fewer_statements_than_before(client, capsys):
    headers, vessel = captain(client)
    book(client, headers, bind(client, headers, "浙椒渔10001"), key="warm-up")  # the window's slot row exists, as for most bookings
    port = port_id()
    with counted_statements() as statements:
        answer = book(client, headers, vessel, key="counted", port=port)
    assert answer.status_code == 201
    with capsys.disabled():
        print(f"\nbooking with Idempotency-Key: {len(statements)} SQL statements (before: {BOOKING_STATEMENTS_BEFORE})")
    assert len(statements) < BOOKING_STATEMENTS_BEFORE

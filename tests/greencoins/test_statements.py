"""How many SQL statements a redemption and an award cost (issues 22 and 20; lower without weakening a lock)."""

from __future__ import annotations

from api.extensions import db
from tests.assertions import counted_statements
from tests.factories import make_partner_key
from tests.greencoins.helpers import grant, green_world, resident, reward_at, set_budget, this_month
from tests.greencoins.test_earning import citizen_code, device_event, steps

# Measured with this test, SQLite and PostgreSQL alike. The first release: 16 with a key, 15 without. Now: the caller's
# token check, the key's row, the account (with the phone) and the stock (with reward and station) each read once under
# lock, the pickup code's uniqueness check, the writes, and the key's stored answer.
WITH_KEY, WITHOUT_KEY = 11, 9
# A device event was 15 (issue 20's first count), steps 10: the partner's key and the partner are one read, the citizen
# and a replay's first report one read, and a new day's earnings row goes in once with its final values.
DEVICE_EVENT, STEPS = 11, 8


def test_a_redemption_costs_fewer_statements_than_the_first_release_and_still_locks_account_and_stock(client):
    green_world()
    headers, citizen_id = resident(client)
    grant(citizen_id, 300)
    towel, station = reward_at(stock=50)
    body = {"reward_id": towel, "station_id": station, "quantity": 1}
    with counted_statements() as keyed:
        assert client.post("/api/v1/greencoins/redemptions", headers=headers | {"Idempotency-Key": "k1"}, json=body).status_code == 201
    with counted_statements() as plain:
        assert client.post("/api/v1/greencoins/redemptions", headers=headers, json=body).status_code == 201
    print(f"\nredemption statements: {len(keyed)} with an Idempotency-Key, {len(plain)} without")
    assert len(keyed) <= WITH_KEY and len(plain) <= WITHOUT_KEY, (keyed, plain)
    if db.engine.dialect.name == "postgresql":
        locks = [s for s in plain if "FOR UPDATE" in s]
        assert any("gc_accounts" in s for s in locks) and any("gc_reward_stock" in s for s in locks), locks


def test_an_award_takes_few_statements_and_a_new_days_earnings_row_is_written_once(client):
    green_world()
    set_budget(this_month(), 1_000_000)  # the month's first award creates its budget row: not the usual case
    make_partner_key()
    headers, citizen_id = resident(client)
    grant(citizen_id, 1)  # the account exists, as it does after a citizen's first coins
    code = citizen_code(client, headers)
    with counted_statements() as on_event:
        assert device_event(client, code, quantity=2).status_code == 201
    with counted_statements() as on_steps:
        assert steps(client, headers, 5000).status_code == 200
    with counted_statements() as on_replay:
        assert device_event(client, code, quantity=2).status_code == 201
    for first_of_the_day in (on_event, on_steps):
        daily = [s for s in first_of_the_day if "gc_daily_earnings" in s and not s.startswith("SELECT")]
        assert len(daily) == 1 and daily[0].startswith("INSERT"), daily
    assert len(on_event) <= DEVICE_EVENT and len(on_steps) <= STEPS, (on_event, on_steps)
    assert not any(s.startswith(("INSERT", "UPDATE")) for s in on_replay), on_replay

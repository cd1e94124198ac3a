"""How many SQL statements a redemption costs (issue 22: 16 before; lower without weakening a lock)."""

from __future__ import annotations

from api.extensions import db
from tests.assertions import counted_statements
from tests.greencoins.helpers import grant, green_world, resident, reward_at

# Measured with this test, SQLite and PostgreSQL alike. The first release: 16 with a key, 15 without. Now: the caller's
# token check, the key's row, the account (with the phone) and the stock (with reward and station) each read once under
# lock, the pickup code's uniqueness check, the writes, and the key's stored answer.
WITH_KEY, WITHOUT_KEY = 11, 9


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

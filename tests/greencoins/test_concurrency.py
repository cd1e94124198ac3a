"""On PostgreSQL, concurrent redemptions and replays neither create nor lose a coin."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from api.extensions import db
from api.greencoins.models import LedgerEntry, Redemption
from tests.concurrency import at_once
from tests.factories import make_partner_key
from tests.greencoins.helpers import grant, green_world, ledger_sum, resident, reward_at, stock_of

pytestmark = pytest.mark.postgres


def test_twenty_concurrent_redemptions_against_a_balance_for_five_succeed_exactly_five_times(app, client):
    green_world()
    headers, citizen_id = resident(client)
    grant(citizen_id, 5 * 30)
    towel, station = reward_at("毛巾", stock=100)
    answers = at_once(app, 20, lambda c, i: c.post("/api/v1/greencoins/redemptions", headers=headers,
                                                   json={"reward_id": towel, "station_id": station, "quantity": 1}))
    statuses = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert statuses == {(201, None): 5, (409, "insufficient_balance"): 15}
    db.session.expire_all()
    assert ledger_sum(citizen_id) == 0 and stock_of(towel, station) == 95
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == 5


def test_twenty_concurrent_replays_of_one_device_event_award_coins_once(app, client):
    green_world()
    make_partner_key()
    headers, citizen_id = resident(client)
    code = client.get("/api/v1/greencoins/me/code", headers=headers).json["code"]
    body = {"citizen_code": code, "behavior": "garbage_sorting", "quantity": 2, "source_event_id": "bin-42-0001",
            "occurred_at": datetime.now(UTC).isoformat()}
    answers = at_once(app, 20, lambda c, i: c.post("/api/v1/greencoins/events", json=body,
                                                   headers={"X-Api-Key": "test-partner-key"}))
    assert {a.status_code for a in answers} == {201}
    assert len({(a.json["event_id"], a.json["coins_awarded"]) for a in answers}) == 1
    db.session.expire_all()
    assert ledger_sum(citizen_id) == 4
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_concurrent_retries_with_one_idempotency_key_make_one_redemption(app, client):
    green_world()
    headers, citizen_id = resident(client)
    grant(citizen_id, 300)
    towel, station = reward_at("毛巾", stock=100)
    answers = at_once(app, 10, lambda c, i: c.post(
        "/api/v1/greencoins/redemptions", headers=headers | {"Idempotency-Key": "double-tap"},
        json={"reward_id": towel, "station_id": station, "quantity": 1}))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json["id"] for a in answers}) == 1
    db.session.expire_all()
    assert ledger_sum(citizen_id) == 270 and stock_of(towel, station) == 99

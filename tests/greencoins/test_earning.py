"""Earning 绿币: steps recomputed per day, device events once, daily caps, citizen codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import func, select

from api.common.db import local_now
from api.extensions import db
from api.greencoins.models import LedgerEntry
from tests.factories import make_partner_key
from tests.foundation.test_errors import assert_error_shape
from tests.greencoins.helpers import green_world, ledger_sum, resident


@pytest.fixture(autouse=True)
def _world():
    green_world()


def steps(client, headers, count: int, day=None):
    day = day or local_now().date()
    return client.post("/api/v1/greencoins/me/steps", json={"date": day.isoformat(), "steps": count}, headers=headers)


def test_the_behaviours_list_says_what_each_pays_and_who_reports_it(client):
    items = {b["code"]: b for b in client.get("/api/v1/greencoins/behaviors").json["items"]}
    assert items["walking"]["sources"] == ["phone"] and items["walking"]["daily_cap_coins"] == 20
    assert items["garbage_sorting"]["coins_per_unit"] == 2 and items["garbage_sorting"]["unit"] == "次"


def test_steps_are_recomputed_per_day_and_never_paid_twice(client):
    headers, citizen_id = resident(client)
    assert steps(client, headers, 5000).json == {"coins_awarded": 5, "capped": False, "balance": 5}
    assert steps(client, headers, 12000).json == {"coins_awarded": 7, "capped": False, "balance": 12}
    assert steps(client, headers, 12000).json["coins_awarded"] == 0
    assert steps(client, headers, 9000).json["coins_awarded"] == 0, "a lower total takes nothing back, pays nothing"
    assert steps(client, headers, 30000).json == {"coins_awarded": 8, "capped": True, "balance": 20}
    assert ledger_sum(citizen_id) == 20


def test_steps_for_a_future_or_too_old_day_are_refused(client):
    headers, _ = resident(client)
    today = local_now().date()
    assert_error_shape(steps(client, headers, 100, today + timedelta(days=1)), 422, "validation_error")
    assert_error_shape(steps(client, headers, 100, today - timedelta(days=30)), 422, "validation_error")


def device_event(client, code: str, *, key="test-partner-key", quantity=1, event_id="bin-1", behavior="garbage_sorting"):
    body = {"citizen_code": code, "behavior": behavior, "quantity": quantity, "source_event_id": event_id,
            "occurred_at": datetime.now(UTC).isoformat(), "lat": 28.85, "lon": 120.73}
    return client.post("/api/v1/greencoins/events", json=body, headers={"X-Api-Key": key})


def citizen_code(client, headers) -> str:
    answer = client.get("/api/v1/greencoins/me/code", headers=headers)
    assert answer.status_code == 200 and answer.json["expires_at"].endswith("+08:00")
    return answer.json["code"]


def test_a_device_event_awards_coins_and_its_replay_returns_the_first_answer(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    code = citizen_code(client, headers)
    first = device_event(client, code, quantity=3)
    assert first.status_code == 201 and first.json["coins_awarded"] == 6 and first.json["capped"] is False
    replay = device_event(client, code, quantity=3)
    assert replay.json == first.json
    assert ledger_sum(citizen_id) == 6
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_the_daily_cap_cuts_an_award_and_the_answer_says_so(client):
    make_partner_key()
    headers, _ = resident(client)
    code = citizen_code(client, headers)
    assert device_event(client, code, quantity=4, event_id="e1").json["coins_awarded"] == 8
    cut = device_event(client, code, quantity=3, event_id="e2").json
    assert cut["coins_awarded"] == 2 and cut["capped"] is True
    assert device_event(client, code, quantity=1, event_id="e3").json == {
        "event_id": cut["event_id"] + 1, "coins_awarded": 0, "capped": True}
    summary = client.get("/api/v1/greencoins/me", headers=headers).json
    assert summary["today_remaining_cap"]["garbage_sorting"] == 0 and summary["co2e_g_total"] == 8 * 120


def test_a_bad_or_expired_citizen_code_is_refused(app, client):
    make_partner_key()
    resident(client)
    assert_error_shape(device_event(client, "not-a-code"), 422, "invalid_citizen_code")
    expired = jwt.encode({"sub": "1", "typ": "green_code", "exp": datetime.now(UTC) - timedelta(seconds=1)},
                         app.config["SECRET_KEY"], algorithm="HS256")
    body = assert_error_shape(device_event(client, expired), 422, "invalid_citizen_code")
    assert "过期" in body["message"]


def test_devices_need_a_valid_key_and_may_report_only_their_behaviours(client):
    make_partner_key()
    headers, _ = resident(client)
    code = citizen_code(client, headers)
    assert_error_shape(device_event(client, code, key=""), 401, "unauthorized")
    assert_error_shape(device_event(client, code, key="wrong-key"), 401, "unauthorized")
    assert_error_shape(device_event(client, code, behavior="green_travel"), 403, "forbidden")
    assert_error_shape(device_event(client, code, behavior="walking"), 403, "forbidden")


def test_the_ledger_lists_entries_newest_first_with_the_balance_after_each(client):
    headers, _ = resident(client)
    steps(client, headers, 3000)
    steps(client, headers, 8000)
    items = client.get("/api/v1/greencoins/me/ledger", headers=headers).json["items"]
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in items] == [("earn", 5, 8), ("earn", 3, 3)]

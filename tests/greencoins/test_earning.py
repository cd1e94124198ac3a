"""Earning 绿币: steps recomputed per day, device events once and recent only, daily caps, the monthly budget,
plausible quantities, CO₂e for what earned coins, citizen codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import func, select

from api.common.db import local_now
from api.extensions import db
from api.greencoins.models import DeviceFlag, LedgerEntry
from tests.assertions import assert_error_shape
from tests.factories import make_partner_key, staff_headers
from tests.greencoins.helpers import green_world, ledger_sum, resident, set_budget, this_month


@pytest.fixture(autouse=True)
def _world():
    green_world()


def steps(client, headers, count: int, day=None):
    day = day or local_now().date()
    return client.post("/api/v1/greencoins/me/steps", json={"date": day.isoformat(), "steps": count}, headers=headers)


def test_the_behaviours_list_says_what_each_pays_who_reports_it_and_its_plausible_maxima(client):
    items = {b["code"]: b for b in client.get("/api/v1/greencoins/behaviors").json["items"]}
    assert items["walking"]["sources"] == ["phone"] and items["walking"]["daily_cap_coins"] == 20
    assert items["garbage_sorting"]["coins_per_unit"] == 2 and items["garbage_sorting"]["unit"] == "次"
    assert items["garbage_sorting"]["max_per_event"] == 5 and items["garbage_sorting"]["max_per_day"] == 20


def test_steps_are_recomputed_per_day_and_never_paid_twice(client):
    headers, citizen_id = resident(client)
    assert steps(client, headers, 5000).json == {"coins_awarded": 5, "capped": False, "cap_reason": None, "balance": 5}
    assert steps(client, headers, 12000).json == {"coins_awarded": 7, "capped": False, "cap_reason": None, "balance": 12}
    assert steps(client, headers, 12000).json["coins_awarded"] == 0
    assert steps(client, headers, 9000).json["coins_awarded"] == 0, "a lower total takes nothing back, pays nothing"
    assert steps(client, headers, 30000).json == {"coins_awarded": 8, "capped": True, "cap_reason": "daily", "balance": 20}
    assert ledger_sum(citizen_id) == 20


def test_capped_steps_count_co2e_only_for_the_steps_that_earned_coins(client):
    headers, _ = resident(client)
    steps(client, headers, 30000)
    assert client.get("/api/v1/greencoins/me", headers=headers).json["co2e_g_total"] == 20000 * 0.06


def test_steps_are_taken_for_today_and_yesterday_only(client):
    headers, _ = resident(client)
    today = local_now().date()
    assert steps(client, headers, 4000, today - timedelta(days=1)).json["coins_awarded"] == 4
    assert_error_shape(steps(client, headers, 100, today + timedelta(days=1)), 422, "validation_error")
    body = assert_error_shape(steps(client, headers, 100, today - timedelta(days=2)), 422, "validation_error")
    assert "date" in body["details"]
    assert_error_shape(steps(client, headers, 100, today - timedelta(days=30)), 422, "validation_error")


def test_an_implausible_step_count_is_refused(client):
    headers, citizen_id = resident(client)
    assert_error_shape(steps(client, headers, 150_000), 422, "implausible_quantity")
    assert ledger_sum(citizen_id) == 0


def device_event(client, code: str, *, key="test-partner-key", quantity=1, event_id="bin-1", behavior="garbage_sorting", at=None):
    body = {
        "citizen_code": code,
        "behavior": behavior,
        "quantity": quantity,
        "source_event_id": event_id,
        "occurred_at": (at or datetime.now(UTC)).isoformat(),
        "lat": 28.85,
        "lon": 120.73,
    }
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
    assert cut["cap_reason"] == "daily"
    assert device_event(client, code, quantity=1, event_id="e3").json == {
        "event_id": cut["event_id"] + 1,
        "coins_awarded": 0,
        "capped": True,
        "cap_reason": "daily",
    }
    summary = client.get("/api/v1/greencoins/me", headers=headers).json
    # CO₂e only for what earned coins: 4 + 1 of the 3 cut to 2 coins; nothing for the event that earned nothing.
    assert summary["today_remaining_cap"]["garbage_sorting"] == 0 and summary["co2e_g_total"] == 5 * 120


def test_a_bad_or_expired_citizen_code_is_refused(app, client):
    make_partner_key()
    resident(client)
    assert_error_shape(device_event(client, "not-a-code"), 404, "invalid_citizen_code")
    expired = jwt.encode(
        {"sub": "1", "typ": "green_code", "exp": datetime.now(UTC) - timedelta(seconds=1)}, app.config["SECRET_KEY"], algorithm="HS256"
    )
    body = assert_error_shape(device_event(client, expired), 404, "invalid_citizen_code")
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


def test_device_events_are_taken_for_the_last_48_hours_and_at_most_5_minutes_ahead(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    code = citizen_code(client, headers)
    now = datetime.now(UTC)
    old = device_event(client, code, event_id="old", at=now - timedelta(hours=49))
    assert "occurred_at" in assert_error_shape(old, 422, "validation_error")["details"]
    assert_error_shape(device_event(client, code, event_id="ahead", at=now + timedelta(minutes=6)), 422, "validation_error")
    assert device_event(client, code, event_id="clock-skew", at=now + timedelta(minutes=4)).status_code == 201
    assert device_event(client, code, event_id="late", at=now - timedelta(hours=47)).status_code == 201
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2 and ledger_sum(citizen_id) == 4


def test_backdating_never_pays_a_days_cap_twice(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    code = citizen_code(client, headers)
    yesterday = datetime.now(UTC) - timedelta(hours=24)
    assert device_event(client, code, quantity=5, event_id="y1", at=yesterday).json["coins_awarded"] == 10
    late = device_event(client, code, quantity=5, event_id="y2", at=yesterday + timedelta(minutes=1)).json
    assert late["coins_awarded"] == 0 and late["cap_reason"] == "daily"
    a_week_ago = device_event(client, code, quantity=1, event_id="w1", at=datetime.now(UTC) - timedelta(days=7))
    assert_error_shape(a_week_ago, 422, "validation_error")
    assert ledger_sum(citizen_id) == 10


def test_an_implausible_report_is_refused_flags_the_device_and_officials_see_it(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    code = citizen_code(client, headers)
    body = assert_error_shape(device_event(client, code, quantity=10_000, event_id="bin-9"), 422, "implausible_quantity")
    assert "quantity" in body["details"]
    assert_error_shape(device_event(client, code, quantity=10_000, event_id="bin-9"), 422, "implausible_quantity")
    assert ledger_sum(citizen_id) == 0 and client.get("/api/v1/greencoins/me", headers=headers).json["co2e_g_total"] == 0
    official = staff_headers(client, "eco1", roles=("eco_official",))
    devices = client.get("/api/v1/greencoins/devices/flagged", headers=official).json["items"]
    assert [(d["partner"], d["flags"], d["last_source_event_id"]) for d in devices] == [("测试垃圾分类箱", 1, "bin-9")]
    assert "10000" in devices[0]["last_reason"]
    assert_error_shape(client.get("/api/v1/greencoins/devices/flagged", headers=headers), 403, "forbidden")


def test_more_than_a_plausible_day_is_refused_and_flags_the_device(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    code = citizen_code(client, headers)
    for i in range(4):
        assert device_event(client, code, quantity=5, event_id=f"d{i}").status_code == 201
    assert_error_shape(device_event(client, code, quantity=1, event_id="d-too-many"), 422, "implausible_quantity")
    assert db.session.scalar(select(func.count()).select_from(DeviceFlag)) == 1
    assert ledger_sum(citizen_id) == 10


def test_a_retired_behaviour_earns_nothing(client):
    make_partner_key()
    headers, _ = resident(client)
    official = staff_headers(client, "eco1", roles=("eco_official",))
    retired = client.patch("/api/v1/greencoins/behaviors/garbage_sorting", json={"active": False}, headers=official)
    assert retired.status_code == 200 and retired.json["active"] is False
    assert_error_shape(device_event(client, citizen_code(client, headers)), 422, "validation_error")
    assert "garbage_sorting" not in {b["code"] for b in client.get("/api/v1/greencoins/behaviors").json["items"]}


def test_when_the_months_budget_runs_out_earning_answers_capped_by_budget(client):
    make_partner_key()
    headers, citizen_id = resident(client)
    set_budget(this_month(), 100, issued=97)
    code = citizen_code(client, headers)
    first = device_event(client, code, quantity=2, event_id="b1").json
    assert (first["coins_awarded"], first["capped"], first["cap_reason"]) == (3, True, "budget")
    second = device_event(client, code, quantity=1, event_id="b2").json
    assert (second["coins_awarded"], second["cap_reason"]) == (0, "budget")
    walked = steps(client, headers, 5000).json
    assert (walked["coins_awarded"], walked["cap_reason"]) == (0, "budget")
    assert client.get("/api/v1/greencoins/budget").json == {"month": this_month(), "budget": 100, "issued": 100, "remaining": 0}
    assert ledger_sum(citizen_id) == 3
    # CO₂e for the 1.5 次 the 3 coins paid for, not the 3 reported.
    assert client.get("/api/v1/greencoins/me", headers=headers).json["co2e_g_total"] == 1.5 * 120

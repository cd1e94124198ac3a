"""On PostgreSQL, concurrent redemptions, replays, earners against the budget, expiry runs and donations neither create
nor lose a coin."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.common.db import local_now, utcnow
from api.extensions import db
from api.greencoins.expiry import expire_coins
from api.greencoins.models import EntryKind, LedgerEntry, MonthlyBudget, Project, Redemption
from api.seed.residents import make_id_number
from tests.concurrency import at_once
from tests.factories import citizen_headers, make_partner_key, staff_headers
from tests.greencoins.helpers import balance_of, grant, green_world, ledger_sum, resident, reward_at, set_budget, stock_of, this_month

pytestmark = pytest.mark.postgres


def test_twenty_concurrent_redemptions_against_a_balance_for_five_succeed_exactly_five_times(app, client):
    green_world()
    headers, citizen_id = resident(client)
    grant(citizen_id, 5 * 30)
    towel, station = reward_at("毛巾", stock=100)
    answers = at_once(
        app,
        20,
        lambda c, i: c.post(
            "/api/v1/greencoins/redemptions", headers=headers, json={"reward_id": towel, "station_id": station, "quantity": 1}
        ),
    )
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
    body = {
        "citizen_code": code,
        "behavior": "garbage_sorting",
        "quantity": 2,
        "source_event_id": "bin-42-0001",
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    answers = at_once(app, 20, lambda c, i: c.post("/api/v1/greencoins/events", json=body, headers={"X-Api-Key": "test-partner-key"}))
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
    answers = at_once(
        app,
        10,
        lambda c, i: c.post(
            "/api/v1/greencoins/redemptions",
            headers=headers | {"Idempotency-Key": "double-tap"},
            json={"reward_id": towel, "station_id": station, "quantity": 1},
        ),
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json["id"] for a in answers}) == 1
    db.session.expire_all()
    assert ledger_sum(citizen_id) == 270 and stock_of(towel, station) == 99


def _earners(client, count: int) -> list[tuple[dict, int]]:
    people = []
    for i in range(count):
        headers = citizen_headers(
            client, id_number=make_id_number("331024", date(1990, 1, 1), 100 + i), name="林小青", phone=f"1390000{i:04d}"
        )
        people.append((headers, client.get("/api/v1/auth/me", headers=headers).json["id"]))
    return people


def test_a_hundred_concurrent_earners_against_the_last_50_coins_of_the_budget_get_exactly_50(app, client):
    green_world()
    people = _earners(client, 100)
    set_budget(this_month(), 10_000, issued=9_950)
    today = local_now().date().isoformat()
    answers = at_once(
        app, 100, lambda c, i: c.post("/api/v1/greencoins/me/steps", headers=people[i][0], json={"date": today, "steps": 2000})
    )
    assert {a.status_code for a in answers} == {200}
    assert sum(a.json["coins_awarded"] for a in answers) == 50
    assert all(a.json["cap_reason"] == "budget" for a in answers if a.json["coins_awarded"] < 2)
    db.session.expire_all()
    earned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN))
    assert earned == 50 and db.session.get(MonthlyBudget, this_month()).issued == 10_000
    assert all(ledger_sum(citizen_id) == balance_of(citizen_id) for _, citizen_id in people)


@pytest.mark.parametrize(("left", "expected"), [(1_000, 120), (51, 51)])
def test_sixty_concurrent_earners_never_overspend_the_budget_whichever_way_each_draw_goes(app, client, left, expected):
    """Draws that fit take the one-statement conditional UPDATE; the last coins go through the locked read (issue 20)."""
    green_world()
    people = _earners(client, 60)
    set_budget(this_month(), 10_000, issued=10_000 - left)
    today = local_now().date().isoformat()
    answers = at_once(
        app, 60, lambda c, i: c.post("/api/v1/greencoins/me/steps", headers=people[i][0], json={"date": today, "steps": 2000})
    )
    assert {a.status_code for a in answers} == {200}
    assert sum(a.json["coins_awarded"] for a in answers) == expected
    db.session.expire_all()
    earned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN))
    assert earned == expected and db.session.get(MonthlyBudget, this_month()).issued == 10_000 - left + expected
    assert all(ledger_sum(citizen_id) == balance_of(citizen_id) for _, citizen_id in people)


def test_two_expiry_runs_at_once_expire_each_coin_once(app, client):
    green_world()
    people = _earners(client, 20)
    long_ago = utcnow() - timedelta(days=14 * 31)
    for _, citizen_id in people:
        grant(citizen_id, 40, at=long_ago)
        grant(citizen_id, 5)

    def run(client, i):  # what `flask greencoins expire` does, in its own app context and connection (click's runner is not thread-safe)
        with app.app_context():
            return expire_coins(db.session)

    runs = at_once(app, 2, run)
    assert sum(coins for _, coins in runs) == 20 * 40 and sum(citizens for citizens, _ in runs) == 20, runs
    db.session.expire_all()
    expired = db.session.execute(
        select(LedgerEntry.citizen_id, func.count(), func.sum(LedgerEntry.amount))
        .where(LedgerEntry.kind == EntryKind.EXPIRE)
        .group_by(LedgerEntry.citizen_id)
    ).all()
    assert len(expired) == 20 and {(n, total) for _, n, total in expired} == {(1, -40)}
    assert all(balance_of(citizen_id) == 5 == ledger_sum(citizen_id) for _, citizen_id in people)


def test_concurrent_donations_never_raise_a_project_past_its_goal(app, client):
    green_world()
    people = _earners(client, 20)
    for _, citizen_id in people:
        grant(citizen_id, 10)
    official = staff_headers(client, "eco1", roles=("eco_official",))
    project = client.post(
        "/api/v1/greencoins/projects", headers=official, json={"title": "大陈岛净滩日", "place": "大陈岛", "goal_coins": 50}
    ).json
    answers = at_once(
        app, 20, lambda c, i: c.post(f"/api/v1/greencoins/projects/{project['id']}/donations", headers=people[i][0], json={"coins": 5})
    )
    statuses = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert statuses == {(201, None): 10, (409, "exceeds_goal"): 5, (409, "project_not_open"): 5} or statuses[(201, None)] == 10
    db.session.expire_all()
    assert db.session.get(Project, project["id"]).raised_coins == 50
    donated = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.DONATE))
    assert donated == -50

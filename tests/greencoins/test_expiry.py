"""Coins expire at the end of the twelfth month after they were earned, oldest first; a month ahead the citizen is texted."""

from __future__ import annotations

import calendar
from datetime import datetime

import pytest
from sqlalchemy import select

from api.common.db import SHANGHAI, local_now
from api.extensions import db
from api.greencoins.models import EntryKind, LedgerEntry
from api.notify.models import SmsMessage
from tests.greencoins.helpers import balance_of, grant, green_world, ledger_sum, resident, reward_at


@pytest.fixture(autouse=True)
def _world():
    green_world()


def months_ago(months: int) -> tuple[datetime, str]:
    """The 15th of the month ``months`` before this one, and the last day of the twelfth month after it (its expiry)."""
    now = local_now()
    year, index = divmod(now.year * 12 + now.month - 1 - months, 12)
    earned = datetime(year, index + 1, 15, 12, 0, tzinfo=SHANGHAI)
    end_year, end_index = divmod(year * 12 + index + 12, 12)
    last_day = calendar.monthrange(end_year, end_index + 1)[1]
    return earned, f"{end_year:04d}-{end_index + 1:02d}-{last_day:02d}T23:59:59+08:00"


def test_the_balance_answer_says_how_many_coins_expire_next_and_when(client):
    headers, citizen_id = resident(client)
    assert client.get("/api/v1/greencoins/me", headers=headers).json["next_expiry"] is None
    older, older_end = months_ago(11)
    newer, newer_end = months_ago(2)
    grant(citizen_id, 30, at=older)
    grant(citizen_id, 20, at=newer)
    assert client.get("/api/v1/greencoins/me", headers=headers).json["next_expiry"] == {"coins": 30, "at": older_end}


def test_spending_takes_the_oldest_coins_first(client):
    headers, citizen_id = resident(client)
    older, _ = months_ago(11)
    newer, newer_end = months_ago(2)
    grant(citizen_id, 30, at=older)
    grant(citizen_id, 20, at=newer)
    towel, station = reward_at("毛巾", stock=5)  # 30 coins
    assert (
        client.post("/api/v1/greencoins/redemptions", headers=headers, json={"reward_id": towel, "station_id": station}).status_code == 201
    )
    assert client.get("/api/v1/greencoins/me", headers=headers).json["next_expiry"] == {"coins": 20, "at": newer_end}


def test_the_daily_command_writes_expire_entries_once(client, runner):
    headers, citizen_id = resident(client)
    long_ago, _ = months_ago(14)
    grant(citizen_id, 40, at=long_ago)
    grant(citizen_id, 5)
    assert runner.invoke(args=["greencoins", "expire"]).output.strip() == "coins expired: 40 from 1 citizens"
    assert runner.invoke(args=["greencoins", "expire"]).output.strip() == "coins expired: 0 from 0 citizens"
    assert balance_of(citizen_id) == 5 == ledger_sum(citizen_id)
    items = client.get("/api/v1/greencoins/me/ledger", headers=headers).json["items"]
    assert (items[0]["kind"], items[0]["amount"], items[0]["balance_after"]) == ("expire", -40, 5)


def test_only_what_is_left_of_an_old_lot_expires(client, runner):
    headers, citizen_id = resident(client)
    thirteen, _ = months_ago(13)
    grant(citizen_id, 40, at=thirteen)
    grant(citizen_id, 25)
    towel, station = reward_at("毛巾", stock=5)
    client.post("/api/v1/greencoins/redemptions", headers=headers, json={"reward_id": towel, "station_id": station})
    runner.invoke(args=["greencoins", "expire"])
    expired = db.session.scalars(select(LedgerEntry.amount).where(LedgerEntry.kind == EntryKind.EXPIRE)).all()
    assert expired == [-10] and balance_of(citizen_id) == 25


def test_coins_expiring_at_the_end_of_this_month_are_texted_once(client, runner):
    headers, citizen_id = resident(client)
    twelve, _ = months_ago(12)
    grant(citizen_id, 25, at=twelve)
    grant(citizen_id, 7)
    assert runner.invoke(args=["greencoins", "remind-expiry"]).output.strip() == "expiry reminders queued: 1"
    assert runner.invoke(args=["greencoins", "remind-expiry"]).output.strip() == "expiry reminders queued: 0"
    sms = db.session.scalars(select(SmsMessage)).all()
    assert len(sms) == 1 and "25绿币" in sms[0].body and sms[0].template == "greencoins_expiring"
    assert runner.invoke(args=["greencoins", "expire"]).output.strip() == "coins expired: 0 from 0 citizens", "not before the month ends"

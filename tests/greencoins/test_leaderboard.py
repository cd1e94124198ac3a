"""The monthly leaderboard (SPEC §12.8) reads a roll-up kept on the write path, and answers what the ledger says:
the month's EARN entries (Asia/Shanghai calendar month) summed per citizen, highest first, ties by citizen id."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, update

from api.auth.models import Citizen
from api.common.db import SHANGHAI, local_now, unit_of_work
from api.common.pii import mask_name
from api.extensions import db
from api.greencoins.accounts import lock_account, rebuild_monthly_earnings
from api.greencoins.models import Account, Behavior, EntryKind, LedgerEntry, MonthlyEarning
from api.greencoins.service import credit_event
from tests.assertions import counted_statements
from tests.factories import make_partner_key
from tests.greencoins.helpers import grant, green_world, resident, reward_at, set_budget, this_month

BAIYUN = "白云街道"


@pytest.fixture(autouse=True)
def _world():
    green_world()
    make_partner_key()


def month_start(months_back: int) -> datetime:
    """00:00 (Shanghai) of the first day of the month ``months_back`` before this one."""
    now = local_now()
    year, index = divmod(now.year * 12 + now.month - 1 - months_back, 12)
    return datetime(year, index + 1, 1, tzinfo=SHANGHAI)


def key(at: datetime) -> str:
    return at.strftime("%Y-%m")


def earn(citizen_id: int, quantity: int, at: datetime) -> None:
    """Garbage sorting (2 coins a time) dated ``at``, through the service's coin rule, as the seed writes history."""
    with unit_of_work(db.session):
        sorting = db.session.get_one(Behavior, "garbage_sorting")
        account = lock_account(db.session, citizen_id)
        day = at.astimezone(SHANGHAI).date()
        credit_event(db.session, account, sorting, day, Decimal(quantity), at=at, default_budget=1_000_000, note="测试 垃圾分类")


def steps(client, headers, count: int) -> None:
    body = {"date": local_now().date().isoformat(), "steps": count}
    assert client.post("/api/v1/greencoins/me/steps", json=body, headers=headers).status_code == 200


def device_event(client, headers, quantity: int, event_id: str) -> None:
    code = client.get("/api/v1/greencoins/me/code", headers=headers).json["code"]
    body = {
        "citizen_code": code,
        "behavior": "garbage_sorting",
        "quantity": quantity,
        "source_event_id": event_id,
        "occurred_at": local_now().isoformat(),
    }
    assert client.post("/api/v1/greencoins/events", json=body, headers={"X-Api-Key": "test-partner-key"}).status_code == 201


def board(client, month: str, community: str | None = None) -> list[dict]:
    query = f"month={month}" + (f"&community={community}" if community else "")
    answer = client.get(f"/api/v1/greencoins/leaderboard?{query}")
    assert answer.status_code == 200 and answer.json["month"] == month
    return answer.json["items"]


def from_ledger(month: str, community: str | None = None) -> list[dict]:
    """The leaderboard as the ledger has it: the month's EARN entries summed per citizen (the query it replaced)."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=SHANGHAI)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=SHANGHAI)
    earned = func.sum(LedgerEntry.amount).label("earned")
    stmt = (
        select(Citizen.name, Citizen.community, earned)
        .join(Citizen, Citizen.id == LedgerEntry.citizen_id)
        .where(LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .group_by(Citizen.id, Citizen.name, Citizen.community)
        .order_by(earned.desc(), Citizen.id)
        .limit(20)
    )
    if community:
        stmt = stmt.where(Citizen.community == community)
    rows = db.session.execute(stmt).all()
    return [{"rank": i, "name": mask_name(n), "community": c, "coins": int(s)} for i, (n, c, s) in enumerate(rows, start=1)]


def coins_by_name(items: list[dict]) -> list[tuple[str, int]]:
    return [(item["name"], item["coins"]) for item in items]


def two_months_of_earning(client) -> dict[str, tuple[dict, int]]:
    """Six residents earning, spending and being granted coins across last month and this one."""
    people = {k: resident(client, k) for k in ("walker", "parent_a", "parent_a_spouse", "parent_b", "locked_seat", "new_resident")}
    with unit_of_work(db.session):  # three of them in one community, whatever the sign-in gave them
        ids = [people[k][1] for k in ("parent_a", "parent_a_spouse", "locked_seat")]
        db.session.execute(update(Citizen).where(Citizen.id.in_(ids)).values(community=BAIYUN))
        db.session.execute(update(Citizen).where(Citizen.id == people["parent_b"][1]).values(community="海门街道"))
    last, this = month_start(1), month_start(0)
    # walker: 6 last month, then 5 (steps) + 4 (a device) this month through the endpoints
    earn(people["walker"][1], 3, last + timedelta(days=9, hours=12))
    steps(client, people["walker"][0], 5000)
    device_event(client, people["walker"][0], 2, "walker-1")
    # parent_a: last month only, 10 + 4, the 4 at 23:59:59 of its last day (Shanghai; 15:59:59 UTC)
    earn(people["parent_a"][1], 5, last + timedelta(days=19, hours=12))
    earn(people["parent_a"][1], 2, this - timedelta(seconds=1))
    # parent_a_spouse: 9 this month first, then last month's 10 + 4 written afterwards (history out of order)
    steps(client, people["parent_a_spouse"][0], 9000)
    earn(people["parent_a_spouse"][1], 5, last + timedelta(days=9, hours=12))
    earn(people["parent_a_spouse"][1], 2, last + timedelta(days=10, hours=12))
    # parent_b: 4 at 00:00:30 on this month's first day (Shanghai; still last month in UTC), then 5 in steps
    earn(people["parent_b"][1], 2, this + timedelta(seconds=30))
    steps(client, people["parent_b"][0], 5000)
    # locked_seat: granted coins both months (an adjustment earns nothing), spends 30, earns 2 this month
    grant(people["locked_seat"][1], 100, at=last + timedelta(days=3))
    grant(people["locked_seat"][1], 100)
    towel, station = reward_at("毛巾")
    body = {"reward_id": towel, "station_id": station}
    assert client.post("/api/v1/greencoins/redemptions", headers=people["locked_seat"][0], json=body).status_code == 201
    device_event(client, people["locked_seat"][0], 1, "locked-1")
    # new_resident: only an adjustment
    grant(people["new_resident"][1], 50)
    return people


def test_the_leaderboard_of_each_month_equals_the_ledger_aggregate_with_ties_and_a_community(client):
    people = two_months_of_earning(client)
    last, this = key(month_start(1)), key(month_start(0))
    names = {k: mask_name(db.session.get_one(Citizen, cid).name) for k, (_, cid) in people.items()}

    assert coins_by_name(board(client, this)) == [
        (names["walker"], 9),
        (names["parent_a_spouse"], 9),
        (names["parent_b"], 9),
        (names["locked_seat"], 2),
    ]
    assert coins_by_name(board(client, last)) == [(names["parent_a"], 14), (names["parent_a_spouse"], 14), (names["walker"], 6)]
    assert coins_by_name(board(client, this, BAIYUN)) == [(names["parent_a_spouse"], 9), (names["locked_seat"], 2)]
    assert coins_by_name(board(client, last, BAIYUN)) == [(names["parent_a"], 14), (names["parent_a_spouse"], 14)]
    for month in (this, last, key(month_start(2))):
        for community in (None, BAIYUN, "海门街道", "无人社区"):
            assert board(client, month, community) == from_ledger(month, community), (month, community)
    assert board(client, key(month_start(2))) == []


def test_an_award_in_the_accounts_month_writes_nothing_more_and_a_new_month_moves_the_old_one_once(client):
    headers, citizen_id = resident(client)
    set_budget(this_month(), 1_000_000)  # the month's budget row exists: its first award does not create it
    last = month_start(1)
    earn(citizen_id, 3, last + timedelta(days=4))
    with counted_statements() as first_of_month:
        steps(client, headers, 4000)
    with counted_statements() as later:
        steps(client, headers, 6000)
    moved = [s for s in first_of_month if "gc_monthly_earnings" in s]
    assert len(moved) == 1 and moved[0].startswith("INSERT"), moved
    # The later award: the roll-up rides on the account's one UPDATE; the first also moved the month (its INSERT of
    # the day's row stands where the later award updates it).
    assert not [s for s in later if "gc_monthly_earnings" in s], later
    updates = [s for s in later if s.startswith("UPDATE gc_accounts")]
    assert len(updates) == 1 and "balance=" in updates[0] and "earned_in_month=" in updates[0], updates
    assert len(later) == len(first_of_month) - 1, (first_of_month, later)
    account = db.session.get_one(Account, citizen_id)
    db.session.refresh(account)
    assert (account.earned_month, account.earned_in_month) == (key(month_start(0)), 6)
    assert db.session.get_one(MonthlyEarning, (citizen_id, key(last))).coins == 6


def rollup() -> tuple[list, list]:
    db.session.expire_all()
    accounts = db.session.execute(select(Account.citizen_id, Account.earned_month, Account.earned_in_month).order_by(Account.citizen_id))
    month_rows = select(MonthlyEarning.citizen_id, MonthlyEarning.month, MonthlyEarning.coins)
    months = db.session.execute(month_rows.order_by(MonthlyEarning.citizen_id, MonthlyEarning.month))
    return accounts.all(), months.all()


def test_the_rebuild_from_the_ledger_gives_the_roll_up_the_write_path_kept_and_counts_bulk_rows(client):
    people = two_months_of_earning(client)
    kept = rollup()
    with unit_of_work(db.session):
        db.session.execute(update(Account).values(earned_month=None, earned_in_month=0))
        db.session.execute(MonthlyEarning.__table__.delete())
        rebuild_monthly_earnings(db.session)
    assert rollup() == kept
    # Rows written in bulk, bypassing post_entry (as the synthetic seed does), three months back and this month
    walker = people["walker"][1]
    older, this = month_start(3), month_start(0)
    rows = [(older + timedelta(days=2), 7), (this + timedelta(hours=1), 11), (older - timedelta(seconds=1), 5)]
    with unit_of_work(db.session):
        balance = db.session.get_one(Account, walker).balance
        for at, amount in rows:
            balance += amount
            db.session.execute(
                insert(LedgerEntry).values(citizen_id=walker, kind=EntryKind.EARN, amount=amount, balance_after=balance, created_at=at)
            )
        db.session.execute(update(Account).where(Account.citizen_id == walker).values(balance=balance))
        rebuild_monthly_earnings(db.session, after_citizen_id=walker - 1)
    for back in range(5):
        for community in (None, BAIYUN):
            assert board(client, key(month_start(back)), community) == from_ledger(key(month_start(back)), community)
    assert board(client, key(month_start(0)))[0]["coins"] == 20
    assert board(client, key(older))[0]["coins"] == 7


def test_the_synthetic_seeds_bulk_ledger_rows_are_on_the_leaderboard_of_each_month(client, runner):
    """The synthetic seed writes a year of EARN rows in bulk (COPY on PostgreSQL), bypassing post_entry, then rebuilds."""
    result = runner.invoke(args=["seed", "synthetic", "--scale", "0.002"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(MonthlyEarning)) > 0
    shown = 0
    for back in range(14):
        month = key(month_start(back))
        assert board(client, month) == from_ledger(month), month
        assert board(client, month, "社区7") == from_ledger(month, "社区7"), month
        shown += bool(board(client, month))
    assert shown >= 10, "the seed's year of earning is on the boards"

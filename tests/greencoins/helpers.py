"""Factories for 双碳绿币 tests (keyword defaults, no demo seed): behaviours, stations, rewards, a signed-in resident,
coins to spend, a month's budget."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.greencoins import budget
from api.greencoins.accounts import lock_account, post_entry
from api.greencoins.models import Account, Behavior, EntryKind, LedgerEntry, MonthlyBudget, Reward, RewardStock, Station
from tests.factories import citizen_headers

NANFENG, BAITA = "南峰街道绿币兑换站", "白塔镇绿币兑换站"


def make_behavior(
    code: str = "garbage_sorting",
    *,
    name: str = "垃圾分类",
    unit: str = "次",
    coins_per_unit: str = "2",
    daily_cap_coins: int = 10,
    co2e_g_per_unit: str = "120",
    sources: tuple[str, ...] = ("device", "staff"),
    max_per_event: str = "5",
    max_per_day: str = "20",
    active: bool = True,
) -> Behavior:
    with unit_of_work(db.session):
        row = Behavior(
            code=code,
            name=name,
            unit=unit,
            coins_per_unit=Decimal(coins_per_unit),
            daily_cap_coins=daily_cap_coins,
            co2e_g_per_unit=Decimal(co2e_g_per_unit),
            sources=list(sources),
            max_per_event=Decimal(max_per_event),
            max_per_day=Decimal(max_per_day),
            active=active,
        )
        db.session.add(row)
    return row


def make_station(name: str = NANFENG, *, community: str = "仙居县南峰街道", lat: float = 28.8468, lon: float = 120.7301) -> int:
    with unit_of_work(db.session):
        row = Station(name=name, community=community, address=f"{community} 1 号", lat=lat, lon=lon)
        db.session.add(row)
        db.session.flush()
        return row.id


def make_reward(name: str = "毛巾", *, price_coins: int = 30, stock: dict[int, int] | None = None, active: bool = True) -> int:
    with unit_of_work(db.session):
        row = Reward(name=name, price_coins=price_coins, description=f"{name}一份", active=active)
        db.session.add(row)
        db.session.flush()
        for station_id, count in (stock or {}).items():
            db.session.add(RewardStock(reward_id=row.id, station_id=station_id, stock=count))
        return row.id


def green_world() -> None:
    """Walking (0.001/step, cap 20), garbage sorting (2/次, cap 10, ≤5 a report, ≤20 a day), green travel;
    two stations; three rewards with 20 in stock at each."""
    walking = {"coins_per_unit": "0.001", "daily_cap_coins": 20, "co2e_g_per_unit": "0.06", "sources": ("phone",)}
    make_behavior("walking", name="步行", unit="步", max_per_event="100000", max_per_day="100000", **walking)
    make_behavior()
    make_behavior("green_travel", name="绿色出行", coins_per_unit="1", daily_cap_coins=4, co2e_g_per_unit="350", sources=("device",))
    stations = [make_station(), make_station(BAITA, community="仙居县白塔镇", lat=28.7768, lon=120.6517)]
    for name, price in (("垃圾袋(一卷)", 10), ("毛巾", 30), ("鲜花(一束)", 50)):
        make_reward(name, price_coins=price, stock=dict.fromkeys(stations, 20))


def set_budget(month: str, amount: int, issued: int = 0) -> None:
    with unit_of_work(db.session):
        row = db.session.get(MonthlyBudget, month) or MonthlyBudget(month=month, budget=amount, issued=issued)
        row.budget, row.issued = amount, issued
        db.session.add(row)


def this_month() -> str:
    return budget.month_of(utcnow())


def resident(client, key: str = "walker") -> tuple[dict, int]:
    headers = citizen_headers(client, key)
    return headers, client.get("/api/v1/auth/me", headers=headers).json["id"]


def grant(citizen_id: int, coins: int, *, at: datetime | None = None) -> None:
    """Coins from an official's adjustment (a credit that opens a lot, like earning), posted at ``at``."""
    with unit_of_work(db.session):
        fields = {"created_at": at} if at else {}
        post_entry(db.session, lock_account(db.session, citizen_id), EntryKind.ADJUST, coins, note="test grant", **fields)


def reward_at(name: str = "毛巾", station: str = NANFENG, stock: int | None = None) -> tuple[int, int]:
    reward = db.session.scalar(select(Reward).where(Reward.name == name))
    station_row = db.session.scalar(select(Station).where(Station.name == station))
    if stock is not None:
        with unit_of_work(db.session):
            db.session.scalar(
                select(RewardStock).where(RewardStock.reward_id == reward.id, RewardStock.station_id == station_row.id)
            ).stock = stock
    return reward.id, station_row.id


def stock_of(reward_id: int, station_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(RewardStock.stock).where(RewardStock.reward_id == reward_id, RewardStock.station_id == station_id))


def ledger_sum(citizen_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.citizen_id == citizen_id))


def balance_of(citizen_id: int) -> int:
    db.session.expire_all()
    account = db.session.get(Account, citizen_id)
    return account.balance if account else 0


def as_decimal(value) -> Decimal:
    return Decimal(str(value))

"""Demo data of 双碳绿币 in 仙居: behaviours, redemption stations, rewards, a month of residents' history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, StaffUser
from api.common.db import SHANGHAI, local_now, unit_of_work
from api.greencoins.models import (
    Behavior,
    DailyEarning,
    EntryKind,
    LedgerEntry,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardStock,
    Station,
)
from api.greencoins.service import lock_account, post_entry

BEHAVIORS = [
    # code, name, unit, coins per unit, daily cap, g CO₂e per unit, sources
    ("walking", "步行", "步", "0.001", 20, "0.06", ["phone"]),
    ("garbage_sorting", "垃圾分类", "次", "2", 10, "120", ["device", "staff"]),
    ("green_travel", "绿色出行(公交/单车)", "次", "1", 4, "350", ["device"]),
    ("clean_plate", "光盘行动", "次", "1", 3, "50", ["device", "staff"]),
    ("own_bag", "自带购物袋", "次", "1", 2, "20", ["device", "staff"]),
]

STATIONS = [
    ("南峰街道绿币兑换站", "仙居县南峰街道", "仙居县南峰街道环城南路 88 号", 28.8468, 120.7301),
    ("安洲街道绿币兑换站", "仙居县安洲街道", "仙居县安洲街道穿城中路 210 号", 28.8573, 120.7342),
    ("福应街道绿币兑换站", "仙居县福应街道", "仙居县福应街道城北东路 15 号", 28.8702, 120.7425),
    ("白塔镇绿币兑换站", "仙居县白塔镇", "仙居县白塔镇白塔大街 36 号", 28.7768, 120.6517),
]

REWARDS = [
    ("垃圾袋(一卷)", 10, "可降解垃圾袋 30 只"),
    ("环保购物袋", 20, "帆布袋,可重复使用"),
    ("洗洁精", 25, "500 ml 环保配方"),
    ("毛巾", 30, "纯棉毛巾一条"),
    ("鲜花(一束)", 50, "本地花农的应季鲜花"),
]


def _upsert_reference_data(session: Session) -> dict[str, Station]:
    for code, name, unit, per_unit, cap, co2e, sources in BEHAVIORS:
        row = session.get(Behavior, code) or Behavior(code=code)
        row.name, row.unit, row.coins_per_unit, row.daily_cap_coins = name, unit, Decimal(per_unit), cap
        row.co2e_g_per_unit, row.sources = Decimal(co2e), sources
        session.add(row)
    stations = {}
    for name, community, address, lat, lon in STATIONS:
        row = session.scalar(select(Station).where(Station.name == name)) or Station(name=name)
        row.community, row.address, row.lat, row.lon = community, address, lat, lon
        session.add(row)
        stations[name] = row
    session.flush()
    for index, (name, price, description) in enumerate(REWARDS):
        reward = session.scalar(select(Reward).where(Reward.name == name)) or Reward(name=name)
        reward.price_coins, reward.description = price, description
        session.add(reward)
        session.flush()
        for s_index, station in enumerate(stations.values()):
            if session.scalar(select(RewardStock).where(RewardStock.reward_id == reward.id,
                                                        RewardStock.station_id == station.id)) is None:
                # A couple of low stocks, so the cockpit's stock alerts have something to show.
                stock = 3 if (index + s_index) % 7 == 6 else 20 + 10 * ((index * 3 + s_index) % 5)
                session.add(RewardStock(reward_id=reward.id, station_id=station.id, stock=stock))
    return stations


def _history(session: Session, citizen: Citizen, rng: random.Random, days: int) -> None:
    """Earnings over the last ``days`` days, and a reward picked up each week or so, as the ledger recorded them."""
    walking, sorting = session.get(Behavior, "walking"), session.get(Behavior, "garbage_sorting")
    account = lock_account(session, citizen.id)
    today = local_now().date()
    cheap = list(session.scalars(select(Reward).where(Reward.price_coins <= 30).order_by(Reward.price_coins)))
    stations = list(session.scalars(select(Station).order_by(Station.id)))
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        at = datetime(day.year, day.month, day.day, 20, 0, tzinfo=SHANGHAI)
        steps = rng.randint(4000, 16000)
        coins = min(int(steps * walking.coins_per_unit), walking.daily_cap_coins)
        co2e = steps * walking.co2e_g_per_unit
        account.co2e_g_total += co2e
        session.add(DailyEarning(citizen_id=citizen.id, day=day, behavior_code="walking", quantity=steps, coins=coins))
        post_entry(session, account, EntryKind.EARN, coins, behavior_code="walking", quantity=Decimal(steps),
                   co2e_g=co2e, note=f"{day.isoformat()} 步行 {steps} 步", created_at=at)
        if rng.random() < 0.6:
            times = rng.randint(1, 3)
            co2e = times * sorting.co2e_g_per_unit
            account.co2e_g_total += co2e
            session.add(DailyEarning(citizen_id=citizen.id, day=day, behavior_code="garbage_sorting", quantity=times,
                                     coins=times * 2))
            post_entry(session, account, EntryKind.EARN, times * 2, behavior_code="garbage_sorting",
                       quantity=Decimal(times), co2e_g=co2e, note="智能垃圾分类箱 垃圾分类",
                       created_at=at - timedelta(hours=11), lat=28.8468 + rng.uniform(-0.02, 0.02),
                       lon=120.7301 + rng.uniform(-0.02, 0.02))
        reward = rng.choice(cheap) if cheap else None
        if (back + citizen.id) % 7 == 3 and reward and account.balance >= reward.price_coins:  # weekly or so
            _picked_up(session, account, reward, rng.choice(stations), at + timedelta(hours=1))


def _picked_up(session: Session, account, reward: Reward, station: Station, at: datetime) -> None:
    """A redemption made and fulfilled in the past (history only: today's stock is set by the reference data)."""
    redemption = Redemption(citizen_id=account.citizen_id, reward_id=reward.id, station_id=station.id, quantity=1,
                            coins_spent=reward.price_coins, code=f"{random.Random(at.toordinal()).randrange(10**6):06d}",
                            status=RedemptionStatus.FULFILLED, expires_at=at + timedelta(days=7), created_at=at,
                            closed_at=at + timedelta(hours=14))
    session.add(redemption)
    session.flush()
    post_entry(session, account, EntryKind.REDEEM, -reward.price_coins, redemption_id=redemption.id,
               note=f"兑换 {reward.name}×1", created_at=at)


def seed_greencoins(session: Session, citizens: list[Citizen]) -> str:
    with unit_of_work(session):
        stations = _upsert_reference_data(session)
        station1 = session.scalar(select(StaffUser).where(StaffUser.username == "station1"))
        if station1 is not None:
            station1.station_id = stations["南峰街道绿币兑换站"].id
        rng = random.Random(2026)
        for citizen in citizens:
            has_history = session.scalar(select(LedgerEntry.id).where(LedgerEntry.citizen_id == citizen.id).limit(1))
            if has_history is None:
                _history(session, citizen, rng, days=30)
    return f"green coins: {len(BEHAVIORS)} behaviours, {len(STATIONS)} stations, {len(REWARDS)} rewards"

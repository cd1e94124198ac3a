"""Demo data of 双碳绿币 in 仙居: behaviours, redemption stations, rewards, public-good projects, the monthly budget,
a month of residents' history earned by the services' own coin rule (``credit_steps`` / ``credit_event``)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, Partner, StaffUser
from api.common.db import SHANGHAI, local_now, unit_of_work
from api.greencoins import budget
from api.greencoins.accounts import lock_account, post_entry
from api.greencoins.manage import Actor
from api.greencoins.models import (
    Behavior,
    DeviceFlag,
    EntryKind,
    LedgerEntry,
    Project,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardStock,
    Station,
)
from api.greencoins.projects import create_project, donate
from api.greencoins.service import credit_event, credit_steps

BEHAVIORS = [
    # code, name, unit, coins per unit, daily cap, g CO₂e per unit, sources, plausible max per report, per day
    ("walking", "步行", "步", "0.001", 20, "0.06", ["phone"], "100000", "100000"),
    ("garbage_sorting", "垃圾分类", "次", "2", 10, "120", ["device", "staff"], "5", "20"),
    ("green_travel", "绿色出行(公交/单车)", "次", "1", 4, "350", ["device"], "1", "12"),
    ("clean_plate", "光盘行动", "次", "1", 3, "50", ["device", "staff"], "1", "5"),
    ("own_bag", "自带购物袋", "次", "1", 2, "20", ["device", "staff"], "1", "5"),
]

DEMO_MONTHLY_BUDGET = 200_000

PROJECTS = [
    # title, description, place, lat, lon, goal in coins
    ("仙居杨梅林补植 100 棵", "用绿币认捐杨梅树苗,由林场在春季补植,每 200 绿币一棵。", "仙居县步路乡杨梅基地", 28.8155, 120.6890, 20_000),
    ("大陈岛净滩日", "组织志愿者清理大陈岛沙滩垃圾,绿币用于购买手套和垃圾袋。", "台州市椒江区大陈岛", 28.4625, 121.8956, 5_000),
]
SEED_ACTOR = Actor(name="system:seed")

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
    for code, name, unit, per_unit, cap, co2e, sources, per_event, per_day in BEHAVIORS:
        row = session.get(Behavior, code) or Behavior(code=code, active=True)
        row.name, row.unit, row.coins_per_unit, row.daily_cap_coins = name, unit, Decimal(per_unit), cap
        row.co2e_g_per_unit, row.sources = Decimal(co2e), sources
        row.max_per_event, row.max_per_day = Decimal(per_event), Decimal(per_day)
        session.add(row)
    stations: dict[str, Station] = {}
    for name, community, address, lat, lon in STATIONS:
        station = session.scalar(select(Station).where(Station.name == name)) or Station(name=name)
        station.community, station.address, station.lat, station.lon = community, address, lat, lon
        session.add(station)
        stations[name] = station
    session.flush()
    for index, (name, price, description) in enumerate(REWARDS):
        reward = session.scalar(select(Reward).where(Reward.name == name)) or Reward(name=name)
        reward.price_coins, reward.description = price, description
        session.add(reward)
        session.flush()
        for s_index, station in enumerate(stations.values()):
            if session.scalar(select(RewardStock).where(RewardStock.reward_id == reward.id, RewardStock.station_id == station.id)) is None:
                # A couple of low stocks, so the cockpit's stock alerts have something to show.
                stock = 3 if (index + s_index) % 7 == 6 else 20 + 10 * ((index * 3 + s_index) % 5)
                session.add(RewardStock(reward_id=reward.id, station_id=station.id, stock=stock))
    return stations


def _history(session: Session, citizen: Citizen, rng: random.Random, days: int) -> None:
    """Earnings over the last ``days`` days through the services' coin rule, and a reward picked up each week or so."""
    walking, sorting = session.get_one(Behavior, "walking"), session.get_one(Behavior, "garbage_sorting")  # seeded first
    account = lock_account(session, citizen.id)
    today = local_now().date()
    cheap = list(session.scalars(select(Reward).where(Reward.price_coins <= 30).order_by(Reward.price_coins)))
    stations = list(session.scalars(select(Station).order_by(Station.id)))
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        at = datetime(day.year, day.month, day.day, 20, 0, tzinfo=SHANGHAI)
        steps = rng.randint(4000, 16000)
        credit_steps(
            session, account, walking, day, steps, at=at, default_budget=DEMO_MONTHLY_BUDGET, note=f"{day.isoformat()} 步行 {steps} 步"
        )
        if rng.random() < 0.6:
            credit_event(
                session,
                account,
                sorting,
                day,
                Decimal(rng.randint(1, 3)),
                at=at - timedelta(hours=11),
                default_budget=DEMO_MONTHLY_BUDGET,
                note="智能垃圾分类箱 垃圾分类",
                lat=28.8468 + rng.uniform(-0.02, 0.02),
                lon=120.7301 + rng.uniform(-0.02, 0.02),
            )
        reward = rng.choice(cheap) if cheap else None
        if (back + citizen.id) % 7 == 3 and reward and account.balance >= reward.price_coins:  # weekly or so
            _picked_up(session, account, reward, rng.choice(stations), at + timedelta(hours=1))


def _picked_up(session: Session, account, reward: Reward, station: Station, at: datetime) -> None:
    """A redemption made and fulfilled in the past (history only: today's stock is set by the reference data)."""
    redemption = Redemption(
        citizen_id=account.citizen_id,
        reward_id=reward.id,
        station_id=station.id,
        quantity=1,
        coins_spent=reward.price_coins,
        code=f"{random.Random(at.toordinal()).randrange(10**6):06d}",
        status=RedemptionStatus.FULFILLED,
        expires_at=at + timedelta(days=7),
        created_at=at,
        closed_at=at + timedelta(hours=14),
    )
    session.add(redemption)
    session.flush()
    post_entry(
        session, account, EntryKind.REDEEM, -reward.price_coins, redemption_id=redemption.id, note=f"兑换 {reward.name}×1", created_at=at
    )


def _projects(session: Session) -> list[int]:
    ids = []
    for title, description, place, lat, lon, goal in PROJECTS:
        found = session.scalar(select(Project.id).where(Project.title == title))
        if found is None:
            fields = {"title": title, "description": description, "place": place, "lat": lat, "lon": lon, "goal_coins": goal}
            found = create_project(session, SEED_ACTOR, fields)["id"]
        ids.append(found)
    return ids


def _budget_months(session: Session, days: int) -> None:
    """The demo's budget for the months its history covers (a month nobody set carries the last one)."""
    today = local_now().date()
    for month in sorted(
        {budget.month_of(datetime.combine(today - timedelta(days=back), datetime.min.time(), SHANGHAI)) for back in (days, 0)}
    ):
        budget.lock_month(session, month, DEMO_MONTHLY_BUDGET)


def _flagged_bin(session: Session) -> None:
    """One implausible report from the demo bin, so officials' list of flagged devices has an example."""
    partner = session.scalar(select(Partner).where(Partner.name == "仙居智能垃圾分类箱"))
    if partner is None or session.scalar(select(DeviceFlag.id).where(DeviceFlag.partner_id == partner.id).limit(1)) is not None:
        return
    reason = "单次上报垃圾分类 10000次,超过上限 5"
    session.add(
        DeviceFlag(partner_id=partner.id, source_event_id="bin-0042-10000", behavior_code="garbage_sorting", quantity=10000, reason=reason)
    )


def seed_greencoins(session: Session, citizens: list[Citizen]) -> str:
    with unit_of_work(session):
        _budget_months(session, days=30)
        stations = _upsert_reference_data(session)
        station1 = session.scalar(select(StaffUser).where(StaffUser.username == "station1"))
        if station1 is not None:
            station1.station_id = stations["南峰街道绿币兑换站"].id
        project_ids = _projects(session)
        rng = random.Random(2026)
        for citizen in citizens:
            has_history = session.scalar(select(LedgerEntry.id).where(LedgerEntry.citizen_id == citizen.id).limit(1))
            if has_history is None:
                _history(session, citizen, rng, days=30)
                gift = 10 + citizen.id % 3 * 10
                if lock_account(session, citizen.id).balance >= gift:
                    donate(session, citizen.id, project_ids[citizen.id % len(project_ids)], gift)
        _flagged_bin(session)
    return f"green coins: {len(BEHAVIORS)} behaviours, {len(STATIONS)} stations, {len(REWARDS)} rewards, {len(PROJECTS)} projects"

"""Factories for 双碳绿币 tests: the reference data, a signed-in resident, coins to spend."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from api.common.db import unit_of_work
from api.extensions import db
from api.greencoins.models import EntryKind, LedgerEntry, Reward, RewardStock, Station
from api.greencoins.service import lock_account, post_entry
from api.seed.greencoins import seed_greencoins
from tests.factories import citizen_headers


def green_world() -> None:
    seed_greencoins(db.session, [])


def resident(client, key: str = "walker") -> tuple[dict, int]:
    headers = citizen_headers(client, key)
    return headers, client.get("/api/v1/auth/me", headers=headers).json["id"]


def grant(citizen_id: int, coins: int) -> None:
    with unit_of_work(db.session):
        post_entry(db.session, lock_account(db.session, citizen_id), EntryKind.ADJUST, coins, note="test grant")


def reward_at(name: str = "毛巾", station: str = "南峰街道绿币兑换站", stock: int | None = None) -> tuple[int, int]:
    reward = db.session.scalar(select(Reward).where(Reward.name == name))
    station_row = db.session.scalar(select(Station).where(Station.name == station))
    if stock is not None:
        with unit_of_work(db.session):
            db.session.scalar(select(RewardStock).where(RewardStock.reward_id == reward.id,
                                                        RewardStock.station_id == station_row.id)).stock = stock
    return reward.id, station_row.id


def stock_of(reward_id: int, station_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(RewardStock.stock).where(RewardStock.reward_id == reward_id,
                                                             RewardStock.station_id == station_id))


def ledger_sum(citizen_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                             .where(LedgerEntry.citizen_id == citizen_id))


def as_decimal(value) -> Decimal:
    return Decimal(str(value))

"""Rules of spending 绿币: reserve a reward with a pickup code, cancel, fulfil at the station, expire."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import Conflict, NotFound
from api.greencoins.models import EntryKind, Redemption, RedemptionStatus, Reward, RewardStock, Station
from api.greencoins.service import lock_account, post_entry
from api.notify.service import enqueue

PICKUP_DAYS = 7


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    message = "绿币余额不足 (insufficient balance)"


class OutOfStock(Conflict):
    code = "out_of_stock"
    message = "该兑换点此奖品库存不足 (out of stock at this station)"


def _new_code(session: Session, station_id: int) -> str:
    """Six digits, unique among the station's open reservations."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        taken = session.scalar(select(Redemption.id).where(
            Redemption.station_id == station_id, Redemption.code == code,
            Redemption.status == RedemptionStatus.RESERVED))
        if taken is None:
            return code


def redeem(session: Session, citizen_id: int, *, reward_id: int, station_id: int, quantity: int) -> Redemption:
    """Debit coins and stock in one transaction and reserve the reward for pickup within 7 days."""
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound("未找到该奖品 (reward not found)")
    station = session.get(Station, station_id)
    if station is None:
        raise NotFound("未找到该兑换点 (station not found)")
    price = reward.price_coins * quantity
    with unit_of_work(session):
        account = lock_account(session, citizen_id)  # account before stock: one lock order, no deadlock
        if account.balance < price:
            raise InsufficientBalance(f"绿币余额不足:需要 {price},当前 {account.balance} (insufficient balance)",
                                      details={"needed": price, "balance": account.balance})
        stock = session.scalar(select(RewardStock).where(
            RewardStock.reward_id == reward_id, RewardStock.station_id == station_id).with_for_update())
        if stock is None or stock.stock < quantity:
            raise OutOfStock(details={"available": stock.stock if stock else 0})
        stock.stock -= quantity
        redemption = Redemption(citizen_id=citizen_id, reward_id=reward_id, station_id=station_id, quantity=quantity,
                                coins_spent=price, code=_new_code(session, station_id),
                                expires_at=utcnow() + timedelta(days=PICKUP_DAYS))
        session.add(redemption)
        session.flush()
        post_entry(session, account, EntryKind.REDEEM, -price, redemption_id=redemption.id,
                   note=f"兑换 {reward.name}×{quantity}")
        citizen = session.get(Citizen, citizen_id)
        enqueue(session, citizen.phone, "redemption_code", code_params(redemption, reward, station))
    return redemption


def code_params(redemption: Redemption, reward: Reward, station: Station) -> dict:
    """The pickup-code SMS's parameters."""
    return {"reward": reward.name, "quantity": redemption.quantity, "coins": redemption.coins_spent,
            "code": redemption.code, "expires": redemption.expires_at.astimezone(SHANGHAI).strftime("%m月%d日"),
            "station": station.name}


def _close_with_refund(session: Session, redemption: Redemption, status: RedemptionStatus, reason: str) -> None:
    account = lock_account(session, redemption.citizen_id)
    stock = session.scalar(select(RewardStock).where(
        RewardStock.reward_id == redemption.reward_id, RewardStock.station_id == redemption.station_id).with_for_update())
    stock.stock += redemption.quantity
    redemption.status, redemption.closed_at = status, utcnow()
    post_entry(session, account, EntryKind.REFUND, redemption.coins_spent, redemption_id=redemption.id,
               note=f"{reason}退回")
    citizen = session.get(Citizen, redemption.citizen_id)
    enqueue(session, citizen.phone, "redemption_refunded",
            {"reward": redemption.reward.name, "reason": reason, "coins": redemption.coins_spent})


def _locked_redemption(session: Session, **where) -> Redemption | None:
    stmt = select(Redemption).filter_by(**where).with_for_update()
    return session.scalar(stmt)


def cancel(session: Session, citizen_id: int, redemption_id: int) -> Redemption:
    """The citizen cancels a reservation: coins and stock come back."""
    with unit_of_work(session):
        # Lock order as in redeem: the account first, then the redemption and stock.
        lock_account(session, citizen_id)
        redemption = _locked_redemption(session, id=redemption_id, citizen_id=citizen_id)
        if redemption is None:
            raise NotFound("未找到该兑换记录 (redemption not found)")
        if redemption.status != RedemptionStatus.RESERVED:
            raise Conflict(f"该兑换已{_STATUS_ZH[redemption.status]},不能取消 (redemption is {redemption.status})")
        _close_with_refund(session, redemption, RedemptionStatus.CANCELLED, "取消")
    return redemption


def fulfil(session: Session, station_id: int | None, code: str, staff_id: int) -> Redemption:
    """The station hands the reward over against the pickup code."""
    with unit_of_work(session):
        candidates = select(Redemption).where(Redemption.code == code).order_by(Redemption.id.desc())
        if station_id is not None:
            candidates = candidates.where(Redemption.station_id == station_id)
        open_one = session.scalar(candidates.where(Redemption.status == RedemptionStatus.RESERVED).with_for_update())
        if open_one is None:
            latest = session.scalar(candidates)
            if latest is None:
                raise NotFound("取货码不存在 (no reservation with this code at this station)")
            raise Conflict(f"该取货码已{_STATUS_ZH[latest.status]} (redemption is {latest.status})")
        if open_one.expires_at < utcnow():
            raise Conflict("取货码已过期 (pickup code expired)")
        open_one.status, open_one.closed_at, open_one.fulfilled_by = RedemptionStatus.FULFILLED, utcnow(), staff_id
    return open_one


def expire_unclaimed(session: Session, now: datetime | None = None) -> int:
    """Refund reservations not picked up in time; safe to run from several schedulers at once."""
    now = now or utcnow()
    ids = list(session.scalars(select(Redemption.id).where(
        Redemption.status == RedemptionStatus.RESERVED, Redemption.expires_at < now)))
    expired = 0
    for redemption_id in ids:
        with unit_of_work(session):
            citizen_id = session.get(Redemption, redemption_id).citizen_id
            lock_account(session, citizen_id)
            redemption = _locked_redemption(session, id=redemption_id, status=RedemptionStatus.RESERVED)
            if redemption is not None:
                _close_with_refund(session, redemption, RedemptionStatus.EXPIRED, "逾期未领取")
                expired += 1
    return expired


def my_redemptions(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    return paginate(session, select(Redemption).where(Redemption.citizen_id == citizen_id), Redemption.id,
                    limit=limit, cursor=cursor)


_STATUS_ZH = {RedemptionStatus.RESERVED: "预约", RedemptionStatus.FULFILLED: "领取",
              RedemptionStatus.CANCELLED: "取消", RedemptionStatus.EXPIRED: "过期"}

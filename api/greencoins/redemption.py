"""Rules of spending 绿币: reserve a reward with a pickup code, cancel, fulfil at the station, refund the unclaimed.

A reservation nobody picks up in time gets status ``expired`` and its coins come back as a ``refund`` entry; the ledger
kind ``expire`` is kept for coins that expire (see ``expiry.py``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, StaffUser
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import Conflict, Forbidden, NotFound
from api.greencoins.accounts import InsufficientBalance, lock_account, post_entry, require_balance
from api.greencoins.models import Account, EntryKind, Redemption, RedemptionStatus, Reward, RewardStock, Station
from api.notify.service import enqueue

__all__ = ["InsufficientBalance"]

PICKUP_DAYS = 7


class OutOfStock(Conflict):
    code = "out_of_stock"
    message = "该兑换点此奖品库存不足 (out of stock at this station)"


def _new_code(session: Session, station_id: int) -> str:
    """Six digits, unique among the station's open reservations."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        taken = session.scalar(
            select(Redemption.id).where(
                Redemption.station_id == station_id, Redemption.code == code, Redemption.status == RedemptionStatus.RESERVED
            )
        )
        if taken is None:
            return code


def _missing(session: Session, reward_id: int, station_id: int) -> Exception:
    """Why a reward is not on offer at a station (the failure path only)."""
    reward = session.get(Reward, reward_id)
    if reward is None or not reward.active:
        return NotFound("未找到该奖品 (reward not found)")
    if session.get(Station, station_id) is None:
        return NotFound("未找到该兑换点 (station not found)")
    return OutOfStock(details={"available": 0})


def redeem(session: Session, citizen_id: int, *, reward_id: int, station_id: int, quantity: int) -> dict:
    """Debit coins and stock in one transaction and reserve the reward for pickup within 7 days.

    Lock order, as everywhere: the citizen's account, then the stock row (no deadlock). The account row comes with the
    citizen's phone, and the stock row with its reward and station, so a redemption reads in two statements.
    """
    with unit_of_work(session):
        account, phone = session.execute(
            select(Account, Citizen.phone)
            .join(Citizen, Citizen.id == Account.citizen_id)
            .where(Account.citizen_id == citizen_id)
            .with_for_update(of=Account)
            .execution_options(populate_existing=True)
        ).first() or (None, None)
        offer = session.execute(
            select(RewardStock, Reward, Station)
            .join(Reward, Reward.id == RewardStock.reward_id)
            .join(Station, Station.id == RewardStock.station_id)
            .where(RewardStock.reward_id == reward_id, RewardStock.station_id == station_id, Reward.active)
            .with_for_update(of=RewardStock)
            .execution_options(populate_existing=True)
        ).first()
        if offer is None:
            raise _missing(session, reward_id, station_id)
        stock, reward, station = offer
        price = reward.price_coins * quantity
        if account is None:
            raise InsufficientBalance(f"绿币余额不足:需要 {price},当前 0 (insufficient balance)", details={"needed": price, "balance": 0})
        assert phone is not None  # read with the account, which exists here
        require_balance(account, price)
        if stock.stock < quantity:
            raise OutOfStock(details={"available": stock.stock})
        stock.stock -= quantity
        redemption = Redemption(
            citizen_id=citizen_id,
            reward_id=reward_id,
            station_id=station_id,
            quantity=quantity,
            coins_spent=price,
            code=_new_code(session, station_id),
            status=RedemptionStatus.RESERVED,
            expires_at=utcnow() + timedelta(days=PICKUP_DAYS),
            created_at=utcnow(),
        )
        session.add(redemption)
        session.flush()
        post_entry(session, account, EntryKind.REDEEM, -price, redemption_id=redemption.id, note=f"兑换 {reward.name}×{quantity}")
        enqueue(session, phone, "redemption_code", code_params(redemption, reward, station), citizen_id=citizen_id)
        return redemption_view(redemption, reward, station)


def redemption_view(redemption: Redemption, reward: Reward, station: Station) -> dict:
    """The answer, built while the rows are at hand (no reload after the commit)."""
    return {
        "id": redemption.id,
        "code": redemption.code,
        "status": redemption.status,
        "expires_at": redemption.expires_at,
        "coins_spent": redemption.coins_spent,
        "quantity": redemption.quantity,
        "reward": {"id": reward.id, "name": reward.name},
        "station": {"id": station.id, "name": station.name, "address": station.address},
        "created_at": redemption.created_at,
    }


def code_params(redemption: Redemption, reward: Reward, station: Station) -> dict:
    """The pickup-code SMS's parameters."""
    return {
        "reward": reward.name,
        "quantity": redemption.quantity,
        "coins": redemption.coins_spent,
        "code": redemption.code,
        "expires": redemption.expires_at.astimezone(SHANGHAI).strftime("%m月%d日"),
        "station": station.name,
    }


def _close_with_refund(session: Session, redemption: Redemption, status: RedemptionStatus, reason: str) -> None:
    account = lock_account(session, redemption.citizen_id)
    stock = session.scalar(
        select(RewardStock)
        .where(RewardStock.reward_id == redemption.reward_id, RewardStock.station_id == redemption.station_id)
        .with_for_update()
    )
    assert stock is not None  # a redemption's stock row is never deleted (foreign keys)
    stock.stock += redemption.quantity
    redemption.status, redemption.closed_at = status, utcnow()
    post_entry(session, account, EntryKind.REFUND, redemption.coins_spent, redemption_id=redemption.id, note=f"{reason}退回")
    citizen = session.get(Citizen, redemption.citizen_id)
    assert citizen is not None  # the redemption's citizen (foreign key)
    enqueue(
        session,
        citizen.phone,
        "redemption_refunded",
        {"reward": redemption.reward.name, "reason": reason, "coins": redemption.coins_spent},
        citizen_id=citizen.id,
    )


def _locked_redemption(session: Session, **where) -> Redemption | None:
    stmt = select(Redemption).filter_by(**where).with_for_update()
    return session.scalar(stmt)


def may_cancel(status: str) -> bool:
    """A reservation may be cancelled until it is picked up, cancelled or expired (the API answers it as can_cancel)."""
    return status == RedemptionStatus.RESERVED


def cancel(session: Session, citizen_id: int, redemption_id: int) -> Redemption:
    """The citizen cancels a reservation: coins and stock come back."""
    with unit_of_work(session):
        # Lock order as in redeem: the account first, then the redemption and stock.
        lock_account(session, citizen_id)
        redemption = _locked_redemption(session, id=redemption_id, citizen_id=citizen_id)
        if redemption is None:
            raise NotFound("未找到该兑换记录 (redemption not found)")
        if not may_cancel(redemption.status):
            raise Conflict(f"该兑换已{_STATUS_ZH[redemption.status]},不能取消 (redemption is {redemption.status})")
        _close_with_refund(session, redemption, RedemptionStatus.CANCELLED, "取消")
    return redemption


class NoStation(Forbidden):
    message = "该兑换站账号未绑定兑换点,请联系管理员 (this station account has no station)"


def station_of(session: Session, staff_id: int) -> int:
    """The station a station account serves; an account without one may act for none."""
    station_id = session.scalar(select(StaffUser.station_id).where(StaffUser.id == staff_id))
    if station_id is None:
        raise NoStation()
    return station_id


def fulfil(session: Session, staff_id: int, code: str) -> Redemption:
    """The station hands the reward over against the pickup code (its own station's codes only)."""
    with unit_of_work(session):
        station_id = station_of(session, staff_id)
        candidates = select(Redemption).where(Redemption.code == code, Redemption.station_id == station_id).order_by(Redemption.id.desc())
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


def refund_unclaimed(session: Session, now: datetime | None = None) -> int:
    """Refund reservations not picked up in time (status ``expired``, a ``refund`` entry); safe to run twice at once."""
    now = now or utcnow()
    ids = list(session.scalars(select(Redemption.id).where(Redemption.status == RedemptionStatus.RESERVED, Redemption.expires_at < now)))
    expired = 0
    for redemption_id in ids:
        with unit_of_work(session):
            found = session.get(Redemption, redemption_id)
            assert found is not None  # listed above; redemptions are never deleted
            citizen_id = found.citizen_id
            lock_account(session, citizen_id)
            redemption = _locked_redemption(session, id=redemption_id, status=RedemptionStatus.RESERVED)
            if redemption is not None:
                _close_with_refund(session, redemption, RedemptionStatus.EXPIRED, "逾期未领取")
                expired += 1
    return expired


def my_redemptions(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    return paginate(session, select(Redemption).where(Redemption.citizen_id == citizen_id), Redemption.id, limit=limit, cursor=cursor)


_STATUS_ZH = {
    RedemptionStatus.RESERVED: "预约",
    RedemptionStatus.FULFILLED: "领取",
    RedemptionStatus.CANCELLED: "取消",
    RedemptionStatus.EXPIRED: "过期",
}

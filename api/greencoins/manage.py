"""Running the program: the catalogue, officials' changes to rewards and behaviours, restocking, balance adjustments,
implausible devices. Every change is audited in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, Partner, StaffUser
from api.auth.roles import ECO_OFFICIAL, holds_any
from api.auth.service import record_access
from api.common.db import unit_of_work
from api.errors import AppError, Conflict, Forbidden, NotFound
from api.greencoins.accounts import lock_account, post_entry, require_balance
from api.greencoins.models import Behavior, DeviceFlag, EntryKind, Reward, RewardStock, Station


@dataclass(frozen=True)
class Actor:
    """Who acts, for the audit log: ``Principal.actor``, their roles, the request's address."""

    name: str
    roles: tuple[str, ...] = ()
    ip: str | None = None
    staff_id: int | None = None


def _audit(session: Session, actor: Actor, action: str, subject: str, detail: str) -> None:
    record_access(session, actor=actor.name, action=action, subject=subject, detail=detail, ip=actor.ip)


def _changes(row, changes: dict) -> str:
    said = []
    for name, value in changes.items():
        before = getattr(row, name)
        if before != value:
            said.append(f"{name}: {before} -> {value}")
            setattr(row, name, value)
    return "; ".join(said) or "no change"


# --- what citizens see -------------------------------------------------------------------------------------------


def behaviors(session: Session) -> list[Behavior]:
    return list(session.scalars(select(Behavior).where(Behavior.active).order_by(Behavior.code)))


def stations(session: Session) -> list[Station]:
    return list(session.scalars(select(Station).order_by(Station.id)))


def catalogue(session: Session, station_id: int | None = None) -> list[dict]:
    """Rewards on offer with their price and stock, per station (one station, or all), cheapest first."""
    stmt = (
        select(Reward, RewardStock.station_id, Station.name, RewardStock.stock)
        .outerjoin(RewardStock, RewardStock.reward_id == Reward.id)
        .outerjoin(Station, Station.id == RewardStock.station_id)
        .where(Reward.active)
        .order_by(Reward.price_coins, Reward.id, RewardStock.station_id)
    )
    items: dict[int, dict] = {}
    for reward, sid, station_name, stock in session.execute(stmt):
        item = items.setdefault(
            reward.id,
            {"id": reward.id, "name": reward.name, "description": reward.description, "price_coins": reward.price_coins, "stations": []},
        )
        if sid is not None and (station_id is None or sid == station_id):
            item["stations"].append({"station_id": sid, "station": station_name, "stock": stock})
    for item in items.values():
        item["stock"] = sum(s["stock"] for s in item["stations"])
    return list(items.values())


# --- officials: rewards and behaviours ---------------------------------------------------------------------------


def create_reward(session: Session, actor: Actor, *, name: str, price_coins: int, description: str = "") -> Reward:
    with unit_of_work(session):
        if session.scalar(select(Reward.id).where(Reward.name == name)) is not None:
            raise Conflict(f"已有同名奖品: {name} (a reward with this name exists)")
        reward = Reward(name=name, price_coins=price_coins, description=description, active=True)
        session.add(reward)
        session.flush()
        _audit(session, actor, "greencoins.reward.create", f"reward:{reward.id}", f"{name} price={price_coins}")
    return reward


def update_reward(session: Session, actor: Actor, reward_id: int, changes: dict) -> Reward:
    """Change a reward's name, price or description, or retire it (``active: false``); reservations already made stand."""
    with unit_of_work(session):
        reward = session.get(Reward, reward_id)
        if reward is None:
            raise NotFound("未找到该奖品 (reward not found)")
        if "name" in changes and session.scalar(select(Reward.id).where(Reward.name == changes["name"], Reward.id != reward_id)):
            raise Conflict(f"已有同名奖品: {changes['name']} (a reward with this name exists)")
        _audit(session, actor, "greencoins.reward.update", f"reward:{reward_id}", _changes(reward, changes))
    return reward


def create_behavior(session: Session, actor: Actor, fields: dict) -> Behavior:
    with unit_of_work(session):
        if session.get(Behavior, fields["code"]) is not None:
            raise Conflict(f"已有该行为代码: {fields['code']} (behaviour code exists)")
        _check_maxima(fields.get("max_per_event"), fields.get("max_per_day"))
        row = Behavior(active=True, **fields)
        session.add(row)
        _audit(session, actor, "greencoins.behavior.create", f"behavior:{row.code}", str(fields))
    return row


def update_behavior(session: Session, actor: Actor, code: str, changes: dict) -> Behavior:
    """Change a behaviour's pay, caps, CO₂e factor or plausible maxima, or retire it (``active: false``)."""
    with unit_of_work(session):
        row = session.get(Behavior, code)
        if row is None:
            raise NotFound("未找到该绿色行为 (behaviour not found)")
        _check_maxima(changes.get("max_per_event", row.max_per_event), changes.get("max_per_day", row.max_per_day))
        _audit(session, actor, "greencoins.behavior.update", f"behavior:{code}", _changes(row, changes))
    return row


class MaximaConflict(AppError):
    """The behaviour would hold a per-report maximum above its daily one: a state it may not be in (409)."""

    status, code = 409, "maxima_conflict"
    message = "单次上限不能大于每日上限 (max_per_event exceeds max_per_day)"


def _check_maxima(per_event: Decimal | None, per_day: Decimal | None) -> None:
    if per_event is not None and per_day is not None and per_event > per_day:
        raise MaximaConflict(details={"max_per_event": [MaximaConflict.message]})


# --- stations ----------------------------------------------------------------------------------------------------


def restock(session: Session, actor: Actor, *, station_id: int, reward_id: int, quantity: int) -> RewardStock:
    """Add stock of a reward at a station: station staff at their own station only; eco officials anywhere."""
    with unit_of_work(session):
        if not holds_any(actor.roles, (ECO_OFFICIAL,)):
            own = session.scalar(select(StaffUser.station_id).where(StaffUser.id == actor.staff_id))
            if own is None:
                raise Forbidden("该兑换站账号未绑定兑换点,请联系管理员 (this station account has no station)")
            if own != station_id:
                raise Forbidden("只能为本兑换点补货 (you may restock your own station only)")
        if session.get(Station, station_id) is None:
            raise NotFound("未找到该兑换点 (station not found)")
        reward = session.get(Reward, reward_id)
        if reward is None or not reward.active:
            raise NotFound("未找到该奖品 (reward not found)")
        stock = session.scalar(
            select(RewardStock).where(RewardStock.reward_id == reward_id, RewardStock.station_id == station_id).with_for_update()
        )
        if stock is None:
            stock = RewardStock(reward_id=reward_id, station_id=station_id, stock=0, alert_below=5)
            session.add(stock)
        stock.stock += quantity
        _audit(session, actor, "greencoins.stock.restock", f"station:{station_id}", f"reward:{reward_id} +{quantity} -> {stock.stock}")
    return stock


# --- officials: balances -----------------------------------------------------------------------------------------


def adjust(session: Session, actor: Actor, *, citizen_id: int, amount: int, reason: str) -> dict:
    """An official corrects a balance with a reason: an ``adjust`` entry (never below zero), audited."""
    with unit_of_work(session):
        if session.get(Citizen, citizen_id) is None:
            raise NotFound("未找到该居民 (citizen not found)")
        account = lock_account(session, citizen_id)
        if amount < 0:
            require_balance(account, -amount)
        entry = post_entry(session, account, EntryKind.ADJUST, amount, note=f"人工调整:{reason}")
        session.flush()
        _audit(session, actor, "greencoins.balance.adjust", f"citizen:{citizen_id}", f"{amount:+d} ({reason}) -> {account.balance}")
        return {"entry_id": entry.id, "citizen_id": citizen_id, "amount": amount, "balance": account.balance, "reason": reason}


# --- officials: implausible devices ------------------------------------------------------------------------------


def flagged_devices(session: Session, *, limit: int = 100) -> list[dict]:
    """Partners whose devices sent implausible reports, most recent first (for the API and the cockpit)."""
    stmt = (
        select(
            Partner.id,
            Partner.name,
            func.count(DeviceFlag.id).label("flags"),
            func.max(DeviceFlag.created_at).label("last_at"),
        )
        .join(DeviceFlag, DeviceFlag.partner_id == Partner.id)
        .group_by(Partner.id, Partner.name)
        .order_by(func.max(DeviceFlag.created_at).desc(), Partner.id)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    devices = []
    for partner_id, name, flags, last_at in rows:
        last = session.scalar(select(DeviceFlag).where(DeviceFlag.partner_id == partner_id).order_by(DeviceFlag.id.desc()).limit(1))
        assert last is not None  # the partner is listed because it has flags
        devices.append(
            {
                "partner_id": partner_id,
                "partner": name,
                "flags": flags,
                "last_at": last_at,
                "last_reason": last.reason,
                "last_behavior": last.behavior_code,
                "last_source_event_id": last.source_event_id,
            }
        )
    return devices

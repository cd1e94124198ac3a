"""Rules of earning 绿币: caps per day, steps recomputed, device events once, the ledger as the truth."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import jwt
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.models import Citizen, Partner
from api.common.db import SHANGHAI, local_now, unit_of_work, utcnow
from api.common.pagination import paginate
from api.common.pii import mask_name
from api.errors import AppError, Forbidden, NotFound, ValidationFailed
from api.greencoins.models import Account, Behavior, DailyEarning, DeviceEvent, EntryKind, LedgerEntry

STEPS = "walking"
STEP_SUBMISSION_DAYS = 7
CITIZEN_CODE_TTL = 300


class InvalidCitizenCode(AppError):
    status, code = 422, "invalid_citizen_code"
    message = "绿币码无效或已过期,请让居民刷新后重新出示 (citizen code invalid or expired)"


@dataclass(frozen=True)
class Award:
    coins_awarded: int
    capped: bool
    balance: int


def lock_account(session: Session, citizen_id: int) -> Account:
    """The citizen's account, row-locked for the rest of the transaction (created on first use)."""
    account = session.scalar(select(Account).where(Account.citizen_id == citizen_id).with_for_update())
    if account is not None:
        return account
    try:
        with session.begin_nested():
            session.add(Account(citizen_id=citizen_id, balance=0, earned_total=0, spent_total=0,
                                co2e_g_total=Decimal(0)))
    except IntegrityError:
        pass  # a concurrent first use created it
    return session.scalar(select(Account).where(Account.citizen_id == citizen_id).with_for_update())


def post_entry(session: Session, account: Account, kind: EntryKind, amount: int, **fields) -> LedgerEntry:
    """Move coins: the account and its ledger change together, the balance never below zero."""
    if account.balance + amount < 0:
        raise ValueError("ledger entry would make the balance negative")
    account.balance += amount
    if kind == EntryKind.EARN:
        account.earned_total += amount
    elif kind == EntryKind.REDEEM or kind == EntryKind.REFUND:
        account.spent_total -= amount
    entry = LedgerEntry(citizen_id=account.citizen_id, kind=kind, amount=amount, balance_after=account.balance,
                        **fields)
    session.add(entry)
    return entry


def behavior(session: Session, code: str) -> Behavior:
    found = session.get(Behavior, code)
    if found is None:
        raise ValidationFailed.on("behavior", f"未知的绿色行为: {code} (unknown behaviour)")
    return found


def _daily(session: Session, citizen_id: int, day: date, code: str) -> DailyEarning:
    row = session.scalar(select(DailyEarning).where(
        DailyEarning.citizen_id == citizen_id, DailyEarning.day == day, DailyEarning.behavior_code == code))
    if row is None:
        row = DailyEarning(citizen_id=citizen_id, day=day, behavior_code=code, quantity=Decimal(0), coins=0)
        session.add(row)
    return row


def _coins_for(kind: Behavior, quantity: Decimal) -> int:
    return math.floor(quantity * kind.coins_per_unit)


def award_steps(session: Session, citizen_id: int, day: date, steps: int) -> Award:
    """The phone reports the day's total steps; the day's coins are recomputed and only the difference paid."""
    today = local_now().date()
    if day > today:
        raise ValidationFailed.on("date", "不能提交未来日期的步数 (date is in the future)")
    if day < today - timedelta(days=STEP_SUBMISSION_DAYS - 1):
        raise ValidationFailed.on("date", f"只能提交最近 {STEP_SUBMISSION_DAYS} 天的步数 (too old)")
    walking = behavior(session, STEPS)
    with unit_of_work(session):
        account = lock_account(session, citizen_id)
        daily = _daily(session, citizen_id, day, STEPS)
        uncapped = _coins_for(walking, Decimal(steps))
        due = min(uncapped, walking.daily_cap_coins)
        award = max(due - daily.coins, 0)
        new_steps = max(Decimal(steps) - daily.quantity, Decimal(0))
        if award or new_steps:
            co2e = new_steps * walking.co2e_g_per_unit
            account.co2e_g_total += co2e
            daily.quantity = max(daily.quantity, Decimal(steps))
            if award:
                daily.coins += award
                post_entry(session, account, EntryKind.EARN, award, behavior_code=STEPS, quantity=new_steps,
                           co2e_g=co2e, note=f"{day.isoformat()} 步行 {steps} 步")
        return Award(award, uncapped > walking.daily_cap_coins, account.balance)


def issue_citizen_code(citizen_id: int, secret: str, ttl_seconds: int = CITIZEN_CODE_TTL) -> tuple[str, datetime]:
    """The short-lived signed code a citizen shows a device (as a QR code)."""
    expires = utcnow() + timedelta(seconds=ttl_seconds)
    token = jwt.encode({"sub": str(citizen_id), "typ": "green_code", "exp": expires}, secret, algorithm="HS256")
    return token, expires


def read_citizen_code(code: str, secret: str) -> int:
    try:
        claims = jwt.decode(code, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        if claims.get("typ") != "green_code":
            raise InvalidCitizenCode()
        return int(claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise InvalidCitizenCode("绿币码已过期,请让居民刷新后重新出示 (citizen code expired)") from exc
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise InvalidCitizenCode() from exc


def _event_answer(event: DeviceEvent) -> dict:
    return {"event_id": event.id, "coins_awarded": event.coins_awarded, "capped": event.capped}


def award_device_event(session: Session, partner: Partner, *, citizen_id: int, behavior_code: str, quantity: Decimal,
                       occurred_at: datetime, source_event_id: str, lat: float | None = None,
                       lon: float | None = None) -> dict:
    """A partner device's report: accepted once per (partner, source_event_id); a replay gets the first answer."""
    kind = behavior(session, behavior_code)
    if "device" not in kind.sources or behavior_code not in partner.behaviors:
        raise Forbidden(f"该设备无权上报“{kind.name}” (partner may not report {behavior_code})")
    if occurred_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed.on("occurred_at", "发生时间不能晚于当前时间 (occurred_at is in the future)")
    lookup = select(DeviceEvent).where(DeviceEvent.partner_id == partner.id,
                                       DeviceEvent.source_event_id == source_event_id)
    if (existing := session.scalar(lookup)) is not None:
        return _event_answer(existing)
    if session.get(Citizen, citizen_id) is None:
        raise InvalidCitizenCode()
    try:
        with unit_of_work(session):
            event = DeviceEvent(partner_id=partner.id, source_event_id=source_event_id, citizen_id=citizen_id,
                                behavior_code=behavior_code, quantity=quantity, occurred_at=occurred_at)
            session.add(event)
            session.flush()  # a concurrent twin waits here on the unique key, then fails
            account = lock_account(session, citizen_id)
            daily = _daily(session, citizen_id, occurred_at.astimezone(SHANGHAI).date(), behavior_code)
            uncapped = _coins_for(kind, quantity)
            award = max(min(uncapped, kind.daily_cap_coins - daily.coins), 0)
            co2e = quantity * kind.co2e_g_per_unit
            daily.quantity += quantity
            daily.coins += award
            account.co2e_g_total += co2e
            event.coins_awarded, event.capped = award, award < uncapped
            if award:
                post_entry(session, account, EntryKind.EARN, award, behavior_code=behavior_code, quantity=quantity,
                           co2e_g=co2e, lat=lat, lon=lon, note=f"{partner.name} {kind.name}")
            answer = _event_answer(event)
    except IntegrityError:
        session.rollback()
        existing = session.scalar(lookup)
        if existing is None:
            raise
        return _event_answer(existing)
    return answer


def summary(session: Session, citizen_id: int) -> dict:
    account = session.get(Account, citizen_id)
    today = local_now().date()
    earned_today = dict(session.execute(select(DailyEarning.behavior_code, DailyEarning.coins).where(
        DailyEarning.citizen_id == citizen_id, DailyEarning.day == today)).all())
    behaviors = session.scalars(select(Behavior).order_by(Behavior.code))
    return {
        "balance": account.balance if account else 0,
        "earned_total": account.earned_total if account else 0,
        "spent_total": account.spent_total if account else 0,
        "co2e_g_total": float(account.co2e_g_total) if account else 0.0,
        "today_remaining_cap": {b.code: max(b.daily_cap_coins - earned_today.get(b.code, 0), 0) for b in behaviors},
    }


def ledger(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    stmt = select(LedgerEntry).where(LedgerEntry.citizen_id == citizen_id)
    return paginate(session, stmt, LedgerEntry.id, limit=limit, cursor=cursor)


def leaderboard(session: Session, *, month: date, community: str | None, limit: int = 20) -> list[dict]:
    """Coins earned in a calendar month (Shanghai), highest first, names masked."""
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=SHANGHAI)
    earned = func.sum(LedgerEntry.amount).label("earned")
    stmt = (select(Citizen.name, Citizen.community, earned)
            .join(Citizen, Citizen.id == LedgerEntry.citizen_id)
            .where(LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
            .group_by(Citizen.id, Citizen.name, Citizen.community).order_by(earned.desc(), Citizen.id).limit(limit))
    if community:
        stmt = stmt.where(Citizen.community == community)
    return [{"rank": i, "name": mask_name(name), "community": comm, "coins": int(coins)}
            for i, (name, comm, coins) in enumerate(session.execute(stmt), start=1)]


def get_behavior_or_404(session: Session, code: str) -> Behavior:
    found = session.get(Behavior, code)
    if found is None:
        raise NotFound("未找到该绿色行为 (behaviour not found)")
    return found

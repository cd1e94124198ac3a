"""Rules of earning 绿币: the coin rule, daily caps, the monthly budget, plausible reports, the ledger as the truth.

A report earns ``floor(quantity × coins_per_unit)`` coins, cut by the behaviour's daily cap (per citizen and day of the
behaviour) and by what is left of the month's program budget. CO₂e is counted only for the quantity that earned coins.
Device reports are accepted for a recent past only (48 h, 5 minutes ahead at most), steps for today and yesterday: a
day's cap is paid once, whenever its reports arrive, and no report can reach back further than that window.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import jwt
from sqlalchemy import ColumnElement, Select, bindparam, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.models import Citizen, Partner
from api.common import reference
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.common.pii import mask_name
from api.errors import AppError, Forbidden, ValidationFailed
from api.greencoins import budget as budgets
from api.greencoins.accounts import lock_account, post_entry
from api.greencoins.expiry import next_expiry
from api.greencoins.models import Account, Behavior, DailyEarning, DeviceEvent, DeviceFlag, EntryKind, LedgerEntry, MonthlyEarning

__all__ = ["lock_account", "post_entry"]  # re-exported: older callers import them from here

STEPS = "walking"
CITIZEN_CODE_TTL = 300
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class EarnRules:
    """The configurable limits of earning (config: GREENCOINS_*)."""

    event_max_age: timedelta = timedelta(hours=48)
    event_max_ahead: timedelta = timedelta(minutes=5)
    step_days: int = 2  # today and yesterday
    default_budget: int = budgets.DEFAULT_MONTHLY_BUDGET


DEFAULT_RULES = EarnRules()


class InvalidCitizenCode(AppError):
    """A code of the right shape that does not resolve to a citizen now (forged, or expired): not found (404)."""

    status, code = 404, "invalid_citizen_code"
    message = "绿币码无效或已过期,请让居民刷新后重新出示 (citizen code invalid or expired)"


class ImplausibleReport(AppError):
    """Above the behaviour's plausible maximum (SPEC §12.3: 422, and the device is flagged). The maximum is a row eco
    officials set (GET /greencoins/behaviors), so the document names the rule but cannot hold the number."""

    status, code = 422, "implausible_quantity"
    message = "上报数量不合常理,已拒绝并记录该设备 (implausible quantity: refused, device flagged)"


@dataclass(frozen=True)
class Award:
    coins_awarded: int
    capped: bool
    cap_reason: str | None  # "daily" | "budget" | None
    balance: int


def coins_for(kind: Behavior, quantity: Decimal) -> int:
    """The coin rule: whole coins for a quantity, before any cap."""
    return math.floor(Decimal(quantity) * kind.coins_per_unit)


def co2e_for(kind: Behavior, credited: Decimal) -> Decimal:
    return (Decimal(credited) * kind.co2e_g_per_unit).quantize(TENTH)


def _cap_reason(uncapped: int, due: int, paid: int) -> str | None:
    if paid < due:
        return "budget"
    if due < uncapped:
        return "daily"
    return None


def behavior(session: Session, code: str) -> Behavior:
    """An active behaviour, or 422 on the ``behavior`` field."""
    found = session.get(Behavior, code)
    if found is None or not found.active:
        raise ValidationFailed.on("behavior", f"未知或已停用的绿色行为: {code} (unknown or retired behaviour)")
    return found


def _daily(session: Session, citizen_id: int, day: date, code: str) -> DailyEarning:
    row = session.scalar(
        select(DailyEarning).where(DailyEarning.citizen_id == citizen_id, DailyEarning.day == day, DailyEarning.behavior_code == code)
    )
    if row is None:
        row = DailyEarning(citizen_id=citizen_id, day=day, behavior_code=code, quantity=Decimal(0), credited=Decimal(0), coins=0)
        session.add(row)
    return row


def _book(session: Session, account: Account, kind: Behavior, daily: DailyEarning, paid: int, credited: Decimal, at: datetime, **fields):
    """Post ``paid`` coins for ``credited`` quantity: the day, the account's CO₂e and the ledger change together."""
    co2e = co2e_for(kind, credited)
    daily.coins += paid
    daily.credited += credited
    account.co2e_g_total += co2e
    post_entry(session, account, EntryKind.EARN, paid, behavior_code=kind.code, quantity=credited, co2e_g=co2e, created_at=at, **fields)


def credit_steps(
    session: Session, account: Account, walking: Behavior, day: date, steps: int, *, at: datetime, default_budget: int, note: str
) -> Award:
    """The day's total steps: its coins recomputed, only the difference paid (the seed uses this for history too)."""
    daily = _daily(session, account.citizen_id, day, walking.code)
    uncapped = coins_for(walking, Decimal(steps))
    due = max(min(uncapped, walking.daily_cap_coins) - daily.coins, 0)
    paid = budgets.draw(session, at, due, default_budget)
    if paid:
        total = daily.coins + paid
        if total >= uncapped:
            credited_total = Decimal(steps)
        else:
            credited_total = min(Decimal(steps), (total / walking.coins_per_unit).quantize(CENT, ROUND_DOWN))
        _book(session, account, walking, daily, paid, max(credited_total - daily.credited, Decimal(0)), at, note=note)
    daily.quantity = max(daily.quantity, Decimal(steps))
    reason = "budget" if paid < due else ("daily" if uncapped > walking.daily_cap_coins else None)
    return Award(paid, reason is not None, reason, account.balance)


def credit_event(
    session: Session,
    account: Account,
    kind: Behavior,
    day: date,
    quantity: Decimal,
    *,
    at: datetime,
    default_budget: int,
    daily: DailyEarning | None = None,
    **fields,
) -> Award:
    """One report of ``quantity``: its coins, cut by the day's cap and the month's budget (the seed uses this too)."""
    daily = daily or _daily(session, account.citizen_id, day, kind.code)
    uncapped = coins_for(kind, quantity)
    due = max(min(uncapped, kind.daily_cap_coins - daily.coins), 0)
    paid = budgets.draw(session, at, due, default_budget)
    daily.quantity += quantity
    if paid:
        credited = quantity if paid == uncapped else (paid / kind.coins_per_unit).quantize(CENT, ROUND_DOWN)
        _book(session, account, kind, daily, paid, credited, at, **fields)
    reason = _cap_reason(uncapped, due, paid)
    return Award(paid, reason is not None, reason, account.balance)


def award_steps(session: Session, citizen_id: int, day: date, steps: int, rules: EarnRules = DEFAULT_RULES) -> Award:
    """The phone reports the day's total steps (today or yesterday); the day's coins are recomputed, never paid twice."""
    now = utcnow()
    today = now.astimezone(SHANGHAI).date()
    if day > today:
        raise ValidationFailed.on("date", "不能提交未来日期的步数 (date is in the future)")
    if day <= today - timedelta(days=rules.step_days):
        raise ValidationFailed.on("date", f"只能提交最近 {rules.step_days} 天(今天和昨天)的步数 (only today and yesterday)")
    walking = behavior(session, STEPS)
    if steps > walking.max_per_day:
        raise ImplausibleReport(
            f"一天 {steps} 步不合常理,上限 {walking.max_per_day:f} 步 (implausible step count)",
            details={"steps": [f"每天最多 {walking.max_per_day:f} 步 (at most {walking.max_per_day:f} a day)"]},
        )
    with unit_of_work(session):
        account = lock_account(session, citizen_id)
        note = f"{day.isoformat()} 步行 {steps} 步"
        return credit_steps(session, account, walking, day, steps, at=now, default_budget=rules.default_budget, note=note)


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
    reason = event.cap_reason if event.capped else None
    return {"event_id": event.id, "coins_awarded": event.coins_awarded, "capped": event.capped, "cap_reason": reason}


def _check_window(occurred_at: datetime, now: datetime, rules: EarnRules) -> None:
    if occurred_at > now + rules.event_max_ahead:
        raise ValidationFailed.on("occurred_at", "发生时间不能晚于当前时间 (occurred_at is in the future)")
    if occurred_at < now - rules.event_max_age:
        hours = int(rules.event_max_age.total_seconds() // 3600)
        raise ValidationFailed.on("occurred_at", f"只接受 {hours} 小时内发生的行为 (occurred_at older than {hours} hours)")


@dataclass(frozen=True)
class DeviceReport:
    citizen_id: int
    behavior_code: str
    quantity: Decimal
    occurred_at: datetime
    source_event_id: str
    lat: float | None = None
    lon: float | None = None


class _TooMuchForTheDay(Exception):
    def __init__(self, reported: Decimal):
        self.reported = reported


def _flag(session: Session, partner: Partner, report: DeviceReport, reason: str) -> None:
    """Keep an implausible report for officials (its own transaction: the refusal rolls the report back)."""
    try:
        with unit_of_work(session):
            session.add(
                DeviceFlag(
                    partner_id=partner.id,
                    source_event_id=report.source_event_id,
                    behavior_code=report.behavior_code,
                    citizen_id=report.citizen_id,
                    quantity=report.quantity,
                    reason=reason,
                )
            )
    except IntegrityError:
        pass  # this report was flagged before (a replay)


def _refuse(session: Session, partner: Partner, report: DeviceReport, reason: str) -> ImplausibleReport:
    _flag(session, partner, report, reason)
    return ImplausibleReport(f"{reason},已拒绝并记录该设备 (implausible quantity: refused, device flagged)", details={"quantity": [reason]})


def award_device_event(session: Session, partner: Partner, report: DeviceReport, rules: EarnRules = DEFAULT_RULES) -> dict:
    """A partner device's report: accepted once per (partner, source_event_id); a replay gets the first answer."""
    kind = behavior(session, report.behavior_code)
    if "device" not in kind.sources or report.behavior_code not in partner.behaviors:
        raise Forbidden(f"该设备无权上报“{kind.name}” (partner may not report {report.behavior_code})")
    lookup = select(DeviceEvent).where(DeviceEvent.partner_id == partner.id, DeviceEvent.source_event_id == report.source_event_id)
    # The citizen, and a first report of this event if this is a replay, in one round trip.
    first_report = lookup.with_only_columns(DeviceEvent.id).scalar_subquery()
    found = session.execute(select(Citizen.id, first_report).where(Citizen.id == report.citizen_id)).first()
    replayed = found[1] if found is not None else session.scalar(lookup.with_only_columns(DeviceEvent.id))  # no such citizen (now)
    if replayed is not None:
        return _event_answer(session.get_one(DeviceEvent, replayed))
    now = utcnow()
    _check_window(report.occurred_at, now, rules)
    if found is None:
        raise InvalidCitizenCode()
    if report.quantity > kind.max_per_event:
        raise _refuse(session, partner, report, f"单次上报{kind.name} {report.quantity:f}{kind.unit},超过上限 {kind.max_per_event:f}")
    try:
        answer = _record_event(session, partner, kind, report, now, rules)
    except _TooMuchForTheDay as too_much:
        reason = f"同一居民当天{kind.name}累计 {too_much.reported:f}{kind.unit},超过上限 {kind.max_per_day:f}"
        raise _refuse(session, partner, report, reason) from None
    except IntegrityError:
        existing = session.scalar(lookup)
        if existing is None:
            raise
        return _event_answer(existing)
    return answer


def _record_event(session: Session, partner: Partner, kind: Behavior, report: DeviceReport, now: datetime, rules: EarnRules) -> dict:
    with unit_of_work(session):
        event = DeviceEvent(
            partner_id=partner.id,
            source_event_id=report.source_event_id,
            citizen_id=report.citizen_id,
            behavior_code=kind.code,
            quantity=report.quantity,
            occurred_at=report.occurred_at,
        )
        session.add(event)
        session.flush()  # a concurrent twin waits here on the unique key, then fails
        account = lock_account(session, report.citizen_id)
        day = report.occurred_at.astimezone(SHANGHAI).date()
        daily = _daily(session, report.citizen_id, day, kind.code)
        if daily.quantity + report.quantity > kind.max_per_day:
            raise _TooMuchForTheDay(daily.quantity + report.quantity)
        award = credit_event(
            session,
            account,
            kind,
            day,
            report.quantity,
            at=now,
            default_budget=rules.default_budget,
            daily=daily,
            lat=report.lat,
            lon=report.lon,
            note=f"{partner.name} {kind.name}",
        )
        event.coins_awarded, event.capped, event.cap_reason = award.coins_awarded, award.capped, award.cap_reason
        return _event_answer(event)


def _load_daily_caps(session: Session) -> tuple[tuple[str, int], ...]:
    return tuple(session.execute(select(Behavior.code, Behavior.daily_cap_coins).where(Behavior.active).order_by(Behavior.code)).all())


def daily_caps(session: Session) -> tuple[tuple[str, int], ...]:
    """Each active behaviour's daily cap, held in the process for the balance (an award reads its behaviour afresh)."""
    return reference.cached(session, "daily_caps", ("gc_behaviors",), _load_daily_caps)


def summary(session: Session, citizen_id: int) -> dict:
    account = session.get(Account, citizen_id)
    today = utcnow().astimezone(SHANGHAI).date()
    earned_today = dict(
        session.execute(
            select(DailyEarning.behavior_code, DailyEarning.coins).where(DailyEarning.citizen_id == citizen_id, DailyEarning.day == today)
        ).all()
    )
    caps = daily_caps(session)
    balance = account.balance if account else 0
    return {
        "balance": balance,
        "earned_total": account.earned_total if account else 0,
        "spent_total": account.spent_total if account else 0,
        "co2e_g_total": float(account.co2e_g_total) if account else 0.0,
        "today_remaining_cap": {code: max(cap - earned_today.get(code, 0), 0) for code, cap in caps},
        "next_expiry": next_expiry(session, citizen_id, balance),
    }


def ledger(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    stmt = select(LedgerEntry).where(LedgerEntry.citizen_id == citizen_id)
    return paginate(session, stmt, LedgerEntry.id, limit=limit, cursor=cursor)


@functools.cache
def _leaderboard_statement(limit: int, by_community: bool) -> Select[str, str | None, int]:
    """The leaderboard's query, built once per shape (building the union's subqueries cost more Python than the
    query's own round trip): month and community are bound at execution."""
    sides = []
    for citizen_id, coins, month_col in (
        (Account.citizen_id, Account.earned_in_month, Account.earned_month),
        (MonthlyEarning.citizen_id, MonthlyEarning.coins, MonthlyEarning.month),
    ):
        side = (
            select(citizen_id.label("citizen_id"), Citizen.name, Citizen.community, coins.label("coins"))
            .join(Citizen, Citizen.id == citizen_id)
            .where(month_col == bindparam("month"))
            .order_by(coins.desc(), citizen_id)
            .limit(limit)
        )
        if by_community:
            side = side.where(Citizen.community == bindparam("community"))
        sides.append(select(side.subquery()))  # a subquery each: SQLite takes no ORDER BY/LIMIT in a UNION's member
    earned = union_all(*sides).subquery("earned")
    name: ColumnElement[str] = earned.c.name
    place: ColumnElement[str | None] = earned.c.community
    top: ColumnElement[int] = earned.c.coins
    return select(name, place, top).order_by(top.desc(), earned.c.citizen_id).limit(limit)


def leaderboard(session: Session, *, month: date, community: str | None, limit: int = 20) -> list[dict]:
    """Coins earned in a calendar month (Shanghai), highest first, names masked: read from the roll-up ``post_entry``
    keeps (accounts whose current month it is, and closed months' rows), never from the ledger. Each side is cut to
    its own top ``limit`` in its index's order before the two are merged, so a month costs ``limit`` index entries a
    side, not the whole month (PostgreSQL does not push the outer order and limit into a UNION ALL here)."""
    stmt = _leaderboard_statement(limit, bool(community))
    params = {"month": f"{month.year:04d}-{month.month:02d}", "community": community}
    return [
        {"rank": i, "name": mask_name(who), "community": comm, "coins": int(coins)}
        for i, (who, comm, coins) in enumerate(session.execute(stmt, params), start=1)
    ]

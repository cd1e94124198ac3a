"""Coins expire at the end of the twelfth month after they were earned, oldest first.

The lots are the ledger's credits (``earn``, and an official's positive ``adjust``), grouped by the month they were
posted. Spending takes the oldest coins first, so what a citizen holds is always their newest coins: at any moment the
balance may not exceed the credits of the lots still valid, and anything above that has expired. A refund gives the
coins back as they were, with their original expiry. The rule needs no state besides the ledger, so the daily command is
idempotent, and two runs at once are safe: each citizen is settled under their account's row lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.greencoins.accounts import lock_account, post_entry
from api.greencoins.models import Account, EntryKind, LedgerEntry
from api.notify.service import enqueue

LIFETIME_MONTHS = 12

# A credit opens a lot: coins earned, or added by an official.
_IS_CREDIT = (LedgerEntry.kind == EntryKind.EARN) | and_(LedgerEntry.kind == EntryKind.ADJUST, LedgerEntry.amount > 0)


def _month_start(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=SHANGHAI)


def _shift(month: date, months: int) -> datetime:
    return _month_start(month.year, month.month + months)


def valid_since(now: datetime) -> datetime:
    """Credits posted at or after this instant are still valid at ``now`` (the lot of 12 months ago ended last month)."""
    local = now.astimezone(SHANGHAI)
    return _month_start(local.year, local.month - LIFETIME_MONTHS)


def expires_at(earned_at: datetime) -> datetime:
    """The last second of the twelfth month after ``earned_at``'s month (Asia/Shanghai)."""
    local = earned_at.astimezone(SHANGHAI)
    return _month_start(local.year, local.month + LIFETIME_MONTHS + 1) - timedelta(seconds=1)


def _valid_credits(session: Session, citizen_id: int, since: datetime) -> int:
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.citizen_id == citizen_id, _IS_CREDIT, LedgerEntry.created_at >= since
    )
    return int(session.execute(stmt).scalar_one())  # coalesce: always one value


def _over_limit(since: datetime, min_excess: int = 1) -> Select[int, int]:
    """Accounts whose balance exceeds their credits posted since ``since``, with the excess."""
    valid = (
        select(LedgerEntry.citizen_id, func.sum(LedgerEntry.amount).label("coins"))
        .where(_IS_CREDIT, LedgerEntry.created_at >= since)
        .group_by(LedgerEntry.citizen_id)
        .subquery()
    )
    excess = Account.balance - func.coalesce(valid.c.coins, 0)
    return (
        select(Account.citizen_id, excess.label("excess"))
        .outerjoin(valid, valid.c.citizen_id == Account.citizen_id)
        .where(Account.balance > 0, excess >= min_excess)
        .order_by(Account.citizen_id)
    )


def settle(session: Session, citizen_id: int, now: datetime | None = None) -> int:
    """Write off this citizen's expired coins (under their account lock); returns how many expired."""
    now = now or utcnow()
    with unit_of_work(session):
        account = lock_account(session, citizen_id)
        since = valid_since(now)
        excess = account.balance - _valid_credits(session, citizen_id, since)
        if excess <= 0:
            return 0
        last_month = (since - timedelta(days=1)).strftime("%Y年%m月")
        post_entry(session, account, EntryKind.EXPIRE, -excess, note=f"{last_month}及以前获得的绿币到期", created_at=now)
    return excess


def expire_coins(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """The daily run: every citizen holding expired coins, settled one by one. Returns (citizens, coins)."""
    now = now or utcnow()
    candidates = [row.citizen_id for row in session.execute(_over_limit(valid_since(now)))]
    citizens = coins = 0
    for citizen_id in candidates:
        expired = settle(session, citizen_id, now)
        citizens, coins = citizens + (expired > 0), coins + expired
    return citizens, coins


def _lots(rows: Iterable[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """Credits summed per month of posting, oldest first, each with its expiry instant."""
    lots: dict[datetime, int] = {}
    for created_at, amount in rows:
        deadline = expires_at(created_at)
        lots[deadline] = lots.get(deadline, 0) + amount
    return sorted(lots.items())


def next_expiry(session: Session, citizen_id: int, balance: int, now: datetime | None = None) -> dict | None:
    """``{"coins", "at"}``: how many of the coins held expire next, and when; None when nothing is held."""
    if balance <= 0:
        return None
    now = now or utcnow()
    since = valid_since(now)
    rows = session.execute(
        select(LedgerEntry.created_at, LedgerEntry.amount).where(
            LedgerEntry.citizen_id == citizen_id, _IS_CREDIT, LedgerEntry.created_at >= since
        )
    )
    lots = _lots(rows)
    later = sum(amount for _, amount in lots)
    if balance > later:  # already expired; the daily run writes it off
        return {"coins": balance - later, "at": since - timedelta(seconds=1)}
    for deadline, amount in lots:
        later -= amount
        if balance > later:
            return {"coins": balance - later, "at": deadline}
    return None


def remind(session: Session, now: datetime | None = None) -> int:
    """Text everyone whose coins expire at the end of this month, once per citizen and month (a month ahead)."""
    now = now or utcnow()
    local = now.astimezone(SHANGHAI)
    month_end = _month_start(local.year, local.month + 1) - timedelta(seconds=1)
    # Coins held above the credits still valid after this month are the ones that expire at its end.
    still_valid_after = _month_start(local.year, local.month + 1 - LIFETIME_MONTHS)
    due = session.execute(_over_limit(still_valid_after).add_columns(Citizen.phone).join(Citizen, Citizen.id == Account.citizen_id)).all()
    sent = 0
    for citizen_id, coins, phone in due:  # an int, an int and a str (add_columns drops the typing, hence the casts below)
        key = f"gc-expiry:{citizen_id}:{local:%Y-%m}"
        try:
            with unit_of_work(session):
                message = enqueue(
                    session,
                    cast(str, phone),
                    "greencoins_expiring",
                    {"coins": coins, "date": f"{month_end:%m月%d日}"},
                    citizen_id=cast(int, citizen_id),
                    dedupe_key=key,
                )
                fresh = message.id is None  # enqueue hands back the earlier message when this key was used
        except IntegrityError:
            continue  # a concurrent run texted this citizen first
        sent += fresh
    return sent

"""A citizen's coin account and its append-only ledger: the one place coins move."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.common.db import SHANGHAI, utcnow
from api.errors import Conflict
from api.greencoins.models import Account, EntryKind, LedgerEntry, MonthlyEarning

# What counts as spent on the balance answer: redeemed (less refunds) and donated.
_SPENT = {EntryKind.REDEEM, EntryKind.REFUND, EntryKind.DONATE}


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    message = "绿币余额不足 (insufficient balance)"


def lock_account(session: Session, citizen_id: int) -> Account:
    """The citizen's account, row-locked for the rest of the transaction (created on first use)."""
    stmt = select(Account).where(Account.citizen_id == citizen_id).with_for_update().execution_options(populate_existing=True)
    account = session.scalar(stmt)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            session.add(Account(citizen_id=citizen_id, balance=0, earned_total=0, spent_total=0, co2e_g_total=Decimal(0)))
    except IntegrityError:
        pass  # a concurrent first use created it
    return session.scalars(stmt).one()  # created above or by the concurrent first use


def require_balance(account: Account, coins: int) -> None:
    if account.balance < coins:
        raise InsufficientBalance(
            f"绿币余额不足:需要 {coins},当前 {account.balance} (insufficient balance)",
            details={"needed": coins, "balance": account.balance},
        )


def post_entry(session: Session, account: Account, kind: EntryKind, amount: int, **fields) -> LedgerEntry:
    """Move coins: the account and its ledger change together, the balance never below zero."""
    if account.balance + amount < 0:
        raise ValueError("ledger entry would make the balance negative")
    account.balance += amount
    if kind == EntryKind.EARN:
        account.earned_total += amount
        if fields.get("created_at") is None:
            fields["created_at"] = utcnow()  # the entry's instant decides its month: one clock read for both
        _count_in_month(session, account, fields["created_at"].astimezone(SHANGHAI).strftime("%Y-%m"), amount)
    elif kind in _SPENT:
        account.spent_total -= amount
    entry = LedgerEntry(citizen_id=account.citizen_id, kind=kind, amount=amount, balance_after=account.balance, **fields)
    session.add(entry)
    return entry


def _count_in_month(session: Session, account: Account, month: str, amount: int) -> None:
    """Keep the leaderboard's roll-up (the account is locked): the current month on the account, so an award in it
    changes only the account row the caller already updates; a closed month moved to gc_monthly_earnings once, by
    the citizen's first award of a later month; an entry dated before the account's month (history written out of
    order) added to that month's row."""
    if account.earned_month is None or account.earned_month == month:
        account.earned_month = month
        account.earned_in_month = (account.earned_in_month or 0) + amount
    elif account.earned_month < month:
        session.add(MonthlyEarning(citizen_id=account.citizen_id, month=account.earned_month, coins=account.earned_in_month))
        account.earned_month, account.earned_in_month = month, amount
    else:
        row = session.get(MonthlyEarning, (account.citizen_id, month))
        if row is None:
            session.add(MonthlyEarning(citizen_id=account.citizen_id, month=month, coins=amount))
        else:
            row.coins += amount


def _month_sql(dialect: str) -> str:
    """The Asia/Shanghai month ("YYYY-MM") of gc_ledger.created_at (UTC; SQLite keeps it naive)."""
    if dialect == "postgresql":
        return "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    return "strftime('%Y-%m', created_at, '+8 hours')"  # Shanghai has kept UTC+8 all year since 1991


def rebuild_monthly_earnings(session: Session, after_citizen_id: int = 0) -> None:
    """The leaderboard's roll-up recomputed from the ledger, set-based, for citizens with an id above
    ``after_citizen_id``: for writers that bypass ``post_entry`` (the synthetic seed's bulk ledger rows).
    The same SQL as migration 0013's backfill (which keeps its own copy)."""
    session.flush()
    month = _month_sql(session.get_bind().dialect.name)
    params = {"after": after_citizen_id}
    for sql in (
        "DELETE FROM gc_monthly_earnings WHERE citizen_id > :after",
        f"""INSERT INTO gc_monthly_earnings (citizen_id, month, coins)
            SELECT citizen_id, month, sum(amount) FROM (
                SELECT citizen_id, {month} AS month, amount FROM gc_ledger WHERE kind = 'earn' AND citizen_id > :after
            ) AS earned GROUP BY citizen_id, month""",
        """UPDATE gc_accounts SET earned_month = (
                SELECT max(m.month) FROM gc_monthly_earnings m WHERE m.citizen_id = gc_accounts.citizen_id
            ) WHERE citizen_id > :after""",
        """UPDATE gc_accounts SET earned_in_month = coalesce((
                SELECT m.coins FROM gc_monthly_earnings m
                WHERE m.citizen_id = gc_accounts.citizen_id AND m.month = gc_accounts.earned_month
            ), 0) WHERE citizen_id > :after""",
        """DELETE FROM gc_monthly_earnings WHERE citizen_id > :after AND EXISTS (
                SELECT 1 FROM gc_accounts a
                WHERE a.citizen_id = gc_monthly_earnings.citizen_id AND a.earned_month = gc_monthly_earnings.month
            )""",
    ):
        session.execute(text(sql), params)
    session.expire_all()  # accounts loaded before now hold the roll-up as it was

"""A citizen's coin account and its append-only ledger: the one place coins move."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import Conflict
from api.greencoins.models import Account, EntryKind, LedgerEntry

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
    elif kind in _SPENT:
        account.spent_total -= amount
    entry = LedgerEntry(citizen_id=account.citizen_id, kind=kind, amount=amount, balance_after=account.balance, **fields)
    session.add(entry)
    return entry

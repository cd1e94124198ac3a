"""The program's monthly coin budget: officials set it, every award draws from it under a row lock, never beyond it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.service import record_access
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.errors import Conflict, ValidationFailed
from api.greencoins.models import MonthlyBudget

DEFAULT_MONTHLY_BUDGET = 1_000_000  # until officials set one (config GREENCOINS_MONTHLY_BUDGET)


class BudgetBelowIssued(Conflict):
    code = "budget_below_issued"
    message = "预算不能低于本月已发放的绿币 (budget below what was already issued this month)"


def month_of(at: datetime) -> str:
    """The budget month ("YYYY-MM", Asia/Shanghai) an instant falls in."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m")


def parse_month(month: str) -> date:
    try:
        year, mon = (int(part) for part in month.split("-"))
        return date(year, mon, 1)
    except ValueError as exc:
        raise ValidationFailed.on("month", "月份格式为 YYYY-MM (month must be YYYY-MM)") from exc


def _carried_budget(session: Session, month: str, default: int) -> int:
    """A month nobody set keeps the latest earlier month's budget (a budget stands until changed), else the default."""
    earlier = session.scalar(select(MonthlyBudget.budget).where(MonthlyBudget.month < month).order_by(MonthlyBudget.month.desc()).limit(1))
    return default if earlier is None else earlier


def lock_month(session: Session, month: str, default: int = DEFAULT_MONTHLY_BUDGET) -> MonthlyBudget:
    """The month's budget row, row-locked for the rest of the transaction (created on first use)."""
    stmt = select(MonthlyBudget).where(MonthlyBudget.month == month).with_for_update().execution_options(populate_existing=True)
    row = session.scalar(stmt)
    if row is not None:
        return row
    budget = _carried_budget(session, month, default)
    try:
        with session.begin_nested():
            session.add(MonthlyBudget(month=month, budget=budget, issued=0, updated_by="system:carried", updated_at=utcnow()))
    except IntegrityError:
        pass  # a concurrent first award created it
    return session.scalars(stmt).one()  # created above or by the concurrent first award


def draw(session: Session, at: datetime, coins: int, default: int = DEFAULT_MONTHLY_BUDGET) -> int:
    """Take up to ``coins`` from the budget of ``at``'s month; returns what was granted (0 when it is used up).

    While the budget lasts (the usual case) one conditional UPDATE takes the whole amount or nothing: one round
    trip instead of a ``SELECT ... FOR UPDATE`` and a later UPDATE at the flush, so the row is locked one round
    trip less. It can never overspend: PostgreSQL re-checks ``issued + coins <= budget`` against the row as a
    concurrent award left it (and the CHECK constraint stands behind it). The row stays locked until the commit,
    as every updated row does: awards still take turns on it, only for a shorter time. When the whole amount does
    not fit (the month's last coins) or the month has no row yet, the locked read below grants what is left.
    """
    if coins <= 0:
        return 0
    month = month_of(at)
    if any(isinstance(row, MonthlyBudget) for row in session.dirty):
        session.flush()  # a grant of an earlier draw in this transaction (through lock_month) must count first
    with session.no_autoflush:  # the award's pending rows (a new day's earnings) go in once, with their final values
        fits = session.execute(
            update(MonthlyBudget)
            .where(MonthlyBudget.month == month, MonthlyBudget.issued + coins <= MonthlyBudget.budget)
            .values(issued=MonthlyBudget.issued + coins)
            .returning(MonthlyBudget.month)
            .execution_options(synchronize_session="fetch")
        ).first()
    if fits is not None:
        return coins
    row = lock_month(session, month, default)
    granted = max(min(coins, row.budget - row.issued), 0)
    row.issued += granted
    return granted


def set_budget(session: Session, month: str, budget: int, *, actor: str, ip: str | None = None) -> dict:
    """Officials set a month's budget; never below what that month has already issued. Audited."""
    parse_month(month)
    with unit_of_work(session):
        row = lock_month(session, month, budget)
        if budget < row.issued:
            raise BudgetBelowIssued(details={"issued": row.issued, "budget": budget})
        before = row.budget
        row.budget, row.updated_by, row.updated_at = budget, actor, utcnow()
        record_access(session, actor=actor, action="greencoins.budget.set", subject=f"month:{month}", detail=f"{before} -> {budget}", ip=ip)
    return budget_view(session, month)


def budget_view(session: Session, month: str, default: int = DEFAULT_MONTHLY_BUDGET) -> dict:
    """``{"month", "budget", "issued", "remaining"}``; a month without a row yet shows the budget it would carry."""
    parse_month(month)
    row = session.get(MonthlyBudget, month)
    budget = row.budget if row else _carried_budget(session, month, default)
    issued = row.issued if row else 0
    return {"month": month, "budget": budget, "issued": issued, "remaining": max(budget - issued, 0)}


@dataclass(frozen=True)
class Burn:
    month: str
    budget: int
    issued: int
    remaining: int
    days_elapsed: float
    coins_per_day: float
    run_out_on: date | None  # at this rate; None when it would last more than a year (or nothing is issued)
    runs_out_this_month: bool


def burn_rate(session: Session, now: datetime | None = None, default: int = DEFAULT_MONTHLY_BUDGET) -> Burn:
    """The month's burn rate and the day the budget runs out at this rate (for the cockpit)."""
    now = (now or utcnow()).astimezone(SHANGHAI)
    view = budget_view(session, month_of(now), default)
    start = datetime(now.year, now.month, 1, tzinfo=SHANGHAI)
    last_day = date(now.year, now.month, calendar.monthrange(now.year, now.month)[1])
    elapsed = max((now - start).total_seconds() / 86400, 1 / 24)  # at least an hour, so a quiet first minute is not infinite
    per_day = view["issued"] / elapsed
    run_out = None
    if view["remaining"] == 0:
        run_out = now.date()
    elif per_day > 0 and view["remaining"] / per_day < 366:
        run_out = (now + timedelta(days=view["remaining"] / per_day)).date()
    return Burn(
        month=view["month"],
        budget=view["budget"],
        issued=view["issued"],
        remaining=view["remaining"],
        days_elapsed=round(elapsed, 2),
        coins_per_day=round(per_day, 1),
        run_out_on=run_out,
        runs_out_this_month=run_out is not None and run_out <= last_day,
    )

"""The demo's green-coin history is earned through the services' coin rule, caps and budget, not a copy of them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from api.auth.models import Citizen
from api.auth.service import sign_in_citizen
from api.extensions import db
from api.greencoins.models import Account, Behavior, DailyEarning, EntryKind, LedgerEntry, MonthlyBudget
from api.greencoins.service import coins_for
from api.seed.greencoins import seed_greencoins
from api.seed.residents import resident


def test_the_seeded_history_follows_the_coin_rule_the_caps_and_the_budget():
    citizen = sign_in_citizen(db.session, resident("walker"), "test-key")
    seed_greencoins(db.session, [db.session.get(Citizen, citizen.id)])
    behaviors = {b.code: b for b in db.session.scalars(select(Behavior))}
    days = db.session.scalars(select(DailyEarning)).all()
    assert days
    for day in days:
        kind = behaviors[day.behavior_code]
        assert day.coins == min(coins_for(kind, day.quantity), kind.daily_cap_coins)
    earned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN))
    assert earned == sum(d.coins for d in days) == db.session.scalar(select(func.sum(MonthlyBudget.issued)))
    account = db.session.get(Account, citizen.id)
    assert account.co2e_g_total == sum(
        (e.co2e_g for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.EARN))), Decimal(0)
    )
    assert account.balance == db.session.scalar(select(func.sum(LedgerEntry.amount)))

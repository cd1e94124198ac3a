"""Random sequences of earn / redeem / cancel / refund / expire / donate / adjust / budget changes never break the ledger's
invariants: balance = ledger sum ≥ 0, stock conserved, monthly issued ≤ budget, CO₂e = Σ credited quantity × factor."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import delete, func, select

from api.auth.models import Partner
from api.auth.service import sign_in_citizen
from api.common.db import SHANGHAI, local_now, unit_of_work, utcnow
from api.errors import AppError, Conflict
from api.extensions import db
from api.greencoins import budget, expiry, manage, projects, redemption, service
from api.greencoins.models import (
    Account,
    Behavior,
    DailyEarning,
    EntryKind,
    LedgerEntry,
    MonthlyBudget,
    Redemption,
    RedemptionStatus,
    RewardStock,
)
from api.seed.residents import resident
from tests.factories import make_partner_key
from tests.greencoins.helpers import grant, green_world, set_budget, this_month

OFFICIAL = manage.Actor(name="staff:1:eco1", roles=("eco_official",))


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        session = db.session
        session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(delete(table))
        green_world()
        make_partner_key()
        set_budget(this_month(), 120)
        person = resident("walker")
        self.citizen_id = sign_in_citizen(session, person, "test-key").id
        self.partner = db.session.scalar(select(Partner))
        self.project_id = projects.create_project(session, OFFICIAL, {"title": "杨梅林", "place": "仙居", "goal_coins": 200})["id"]
        self.events: list[str] = []
        self.initial_stock = {s.id: s.stock for s in session.scalars(select(RewardStock))}
        self.stock_ids = sorted(self.initial_stock)

    @rule(quantity=st.integers(1, 7), replay=st.booleans(), hours_back=st.integers(0, 50))
    def device_event(self, quantity, replay, hours_back):
        source = self.events[-1] if replay and self.events else f"e{len(self.events)}"
        self.events.append(source)
        report = service.DeviceReport(
            citizen_id=self.citizen_id,
            behavior_code="garbage_sorting",
            quantity=Decimal(quantity),
            occurred_at=datetime.now(UTC) - timedelta(hours=hours_back),
            source_event_id=source,
        )
        # Too old, too much for one report or one day: refused, and nothing may change but a device flag.
        with contextlib.suppress(AppError):
            service.award_device_event(db.session, self.partner, report)

    @rule(steps=st.integers(0, 40_000), days_back=st.integers(0, 2))
    def walk(self, steps, days_back):
        with contextlib.suppress(AppError):
            service.award_steps(db.session, self.citizen_id, local_now().date() - timedelta(days=days_back), steps)

    @rule(coins=st.integers(1, 80), months_back=st.integers(0, 15))
    def old_coins(self, coins, months_back):
        """An official's credit posted months ago: a lot that may already have expired."""
        grant(self.citizen_id, coins, at=utcnow() - timedelta(days=31 * months_back))

    @rule(amount=st.integers(-60, 60).filter(bool))
    def adjust(self, amount):
        with contextlib.suppress(Conflict):
            manage.adjust(db.session, OFFICIAL, citizen_id=self.citizen_id, amount=amount, reason="核对")

    @rule(index=st.integers(0, 19), quantity=st.integers(1, 10))
    def redeem(self, index, quantity):
        stock = db.session.get(RewardStock, self.stock_ids[index % len(self.stock_ids)])
        # Insufficient balance or out of stock must change nothing, which the invariants check.
        with contextlib.suppress(Conflict):
            redemption.redeem(db.session, self.citizen_id, reward_id=stock.reward_id, station_id=stock.station_id, quantity=quantity)

    @rule(coins=st.integers(1, 120))
    def donate(self, coins):
        with contextlib.suppress(Conflict):
            projects.donate(db.session, self.citizen_id, self.project_id, coins)

    @rule(extra=st.integers(0, 60))
    def raise_budget(self, extra):
        view = budget.budget_view(db.session, this_month())
        budget.set_budget(db.session, this_month(), view["budget"] + extra, actor=OFFICIAL.name)

    def _reserved(self) -> list[int]:
        return list(db.session.scalars(select(Redemption.id).where(Redemption.status == RedemptionStatus.RESERVED)))

    @precondition(lambda self: self._reserved())
    @rule(data=st.data())
    def cancel(self, data):
        redemption.cancel(db.session, self.citizen_id, data.draw(st.sampled_from(self._reserved())))

    @precondition(lambda self: self._reserved())
    @rule(data=st.data())
    def refund_unclaimed(self, data):
        rid = data.draw(st.sampled_from(self._reserved()))
        with unit_of_work(db.session):
            db.session.get(Redemption, rid).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        assert redemption.refund_unclaimed(db.session) == 1

    @rule()
    def expire(self):
        expiry.expire_coins(db.session)
        assert expiry.expire_coins(db.session) == (0, 0), "a second run expires nothing"
        db.session.expire_all()
        since = expiry.valid_since(utcnow())
        valid = db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.citizen_id == self.citizen_id,
                LedgerEntry.created_at >= since,
                (LedgerEntry.kind == EntryKind.EARN) | ((LedgerEntry.kind == EntryKind.ADJUST) & (LedgerEntry.amount > 0)),
            )
        )
        assert self._balance() <= valid, "after a run nobody holds coins older than their lots allow"

    def _balance(self) -> int:
        account = db.session.get(Account, self.citizen_id)
        return account.balance if account else 0

    @invariant()
    def balance_is_the_sum_of_the_ledger_and_never_negative(self):
        db.session.expire_all()
        total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.citizen_id == self.citizen_id))
        balance = self._balance()
        assert balance == total >= 0
        last = db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(1))
        assert last is None or last.balance_after == balance

    @invariant()
    def the_month_never_issues_more_than_its_budget(self):
        row = db.session.get(MonthlyBudget, this_month())
        start = datetime.strptime(this_month(), "%Y-%m").replace(tzinfo=SHANGHAI)
        earned = db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= start
            )
        )
        assert row.issued == earned <= row.budget

    @invariant()
    def co2e_is_the_credited_quantity_times_the_factor(self):
        account = db.session.get(Account, self.citizen_id)
        factors = dict(db.session.execute(select(Behavior.code, Behavior.co2e_g_per_unit)).all())
        rates = dict(db.session.execute(select(Behavior.code, Behavior.coins_per_unit)).all())
        earned = list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.EARN)))
        for entry in earned:
            assert entry.co2e_g == (entry.quantity * factors[entry.behavior_code]).quantize(Decimal("0.1"))
        days = list(db.session.scalars(select(DailyEarning)))
        for day in days:
            assert day.credited <= day.quantity, "never credited more than was reported"
            assert day.coins <= day.credited * rates[day.behavior_code], "coins never exceed what the credited quantity is worth"
        for code in factors:
            credited_days = sum((d.credited for d in days if d.behavior_code == code), Decimal(0))
            assert credited_days == sum((e.quantity for e in earned if e.behavior_code == code), Decimal(0))
        assert (account.co2e_g_total if account else 0) == sum((e.co2e_g for e in earned), Decimal(0))

    @invariant()
    def stock_is_never_negative_and_is_conserved(self):
        held = dict(
            db.session.execute(
                select(RewardStock.id, func.coalesce(func.sum(Redemption.quantity), 0))
                .join(
                    Redemption,
                    (Redemption.reward_id == RewardStock.reward_id)
                    & (Redemption.station_id == RewardStock.station_id)
                    & Redemption.status.in_([RedemptionStatus.RESERVED, RedemptionStatus.FULFILLED]),
                    isouter=True,
                )
                .group_by(RewardStock.id)
            ).all()
        )
        for stock in db.session.scalars(select(RewardStock)):
            assert stock.stock >= 0
            assert stock.stock + held[stock.id] == self.initial_stock[stock.id]


LedgerMachine.TestCase.settings = settings(
    max_examples=20, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_random_sequences_keep_the_ledger_invariants = LedgerMachine.TestCase

"""Random sequences of earn / redeem / cancel / expire never break the ledger's invariants."""

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
from api.common.db import local_now, unit_of_work
from api.errors import Conflict
from api.extensions import db
from api.greencoins import redemption, service
from api.greencoins.models import Account, LedgerEntry, Redemption, RedemptionStatus, RewardStock
from api.seed.residents import resident
from tests.factories import make_partner_key
from tests.greencoins.helpers import green_world


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
        person = resident("walker")
        self.citizen_id = sign_in_citizen(session, person, "test-key").id
        self.partner = db.session.scalar(select(Partner))
        self.events: list[str] = []
        self.initial_stock = {s.id: s.stock for s in session.scalars(select(RewardStock))}
        self.stock_ids = sorted(self.initial_stock)

    @rule(quantity=st.integers(1, 6), replay=st.booleans())
    def device_event(self, quantity, replay):
        source = self.events[-1] if replay and self.events else f"e{len(self.events)}"
        self.events.append(source)
        service.award_device_event(db.session, self.partner, citizen_id=self.citizen_id,
                                   behavior_code="garbage_sorting", quantity=Decimal(quantity),
                                   occurred_at=datetime.now(UTC), source_event_id=source)

    @rule(steps=st.integers(0, 40_000), days_back=st.integers(0, 6))
    def walk(self, steps, days_back):
        service.award_steps(db.session, self.citizen_id, local_now().date() - timedelta(days=days_back), steps)

    @rule(index=st.integers(0, 19), quantity=st.integers(1, 10))
    def redeem(self, index, quantity):
        stock = db.session.get(RewardStock, self.stock_ids[index % len(self.stock_ids)])
        # Insufficient balance or out of stock must change nothing, which the invariants check.
        with contextlib.suppress(Conflict):
            redemption.redeem(db.session, self.citizen_id, reward_id=stock.reward_id, station_id=stock.station_id,
                              quantity=quantity)

    def _reserved(self) -> list[int]:
        return list(db.session.scalars(select(Redemption.id).where(Redemption.status == RedemptionStatus.RESERVED)))

    @precondition(lambda self: self._reserved())
    @rule(data=st.data())
    def cancel(self, data):
        redemption.cancel(db.session, self.citizen_id, data.draw(st.sampled_from(self._reserved())))

    @precondition(lambda self: self._reserved())
    @rule(data=st.data())
    def expire(self, data):
        rid = data.draw(st.sampled_from(self._reserved()))
        with unit_of_work(db.session):
            db.session.get(Redemption, rid).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        assert redemption.expire_unclaimed(db.session) == 1

    @invariant()
    def balance_is_the_sum_of_the_ledger_and_never_negative(self):
        db.session.expire_all()
        account = db.session.get(Account, self.citizen_id)
        total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.citizen_id == self.citizen_id))
        balance = account.balance if account else 0
        assert balance == total >= 0
        last = db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(1))
        assert last is None or last.balance_after == balance

    @invariant()
    def stock_is_never_negative_and_is_conserved(self):
        held = dict(db.session.execute(
            select(RewardStock.id, func.coalesce(func.sum(Redemption.quantity), 0))
            .join(Redemption, (Redemption.reward_id == RewardStock.reward_id)
                  & (Redemption.station_id == RewardStock.station_id)
                  & Redemption.status.in_([RedemptionStatus.RESERVED, RedemptionStatus.FULFILLED]), isouter=True)
            .group_by(RewardStock.id)).all())
        for stock in db.session.scalars(select(RewardStock)):
            assert stock.stock >= 0
            assert stock.stock + held[stock.id] == self.initial_stock[stock.id]


LedgerMachine.TestCase.settings = settings(max_examples=20, stateful_step_count=25, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
test_random_sequences_keep_the_ledger_invariants = LedgerMachine.TestCase

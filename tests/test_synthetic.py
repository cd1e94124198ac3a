"""`seed synthetic`: the benchmark data set is what it says, consistent, and usable by the services.

On PostgreSQL this runs the COPY path, on SQLite the batched INSERT path.
"""

from __future__ import annotations

from shapely.geometry import shape
from sqlalchemy import func, select

from api.admission.models import Address, Application, School
from api.auth.models import Citizen
from api.extensions import db
from api.greencoins.models import Account, EntryKind, LedgerEntry
from api.notify.models import SmsMessage
from api.notify.service import masked_body
from api.pickup.models import Booking, BookingItem, CreditEntry, Vessel
from api.seed.synthetic import counts

SCALE = "0.002"


def _seed(runner) -> None:
    result = runner.invoke(args=["seed", "synthetic", "--scale", SCALE])
    assert result.exit_code == 0, result.output
    assert "生成合成数据" in result.output


def test_synthetic_seed_makes_the_counts_it_promises(runner):
    _seed(runner)
    planned = counts(float(SCALE))
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Citizen) == planned["residents"]
    assert count(LedgerEntry) == planned["ledger"]
    assert count(Address) == planned["addresses"]
    assert count(Application) == planned["applications"]
    assert count(Vessel) == planned["vessels"]
    assert count(Booking) == planned["pickups"]
    assert count(BookingItem) == 2 * planned["pickups"]
    assert count(CreditEntry) == planned["pickups"]
    assert count(School) == planned["schools"]
    assert count(SmsMessage) == planned["messages"]
    receipt = db.session.scalar(select(SmsMessage).limit(1))  # JSON parameters read back as written (COPY on PostgreSQL)
    assert receipt.params["manifest_no"] in masked_body(receipt) and receipt.body.startswith("【浙里民生】船舶浙台渔")


def test_synthetic_ledgers_are_consistent_with_the_balances(runner):
    _seed(runner)
    sums = dict(db.session.execute(select(LedgerEntry.citizen_id, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.citizen_id)).all())
    accounts = db.session.scalars(select(Account)).all()
    assert accounts and {a.citizen_id: a.balance for a in accounts} == sums
    last = db.session.execute(
        select(LedgerEntry.citizen_id, LedgerEntry.balance_after).order_by(LedgerEntry.citizen_id, LedgerEntry.id)
    ).all()
    final = {citizen: after for citizen, after in last}  # the last entry of each citizen
    assert final == sums
    assert set(db.session.scalars(select(LedgerEntry.kind).distinct())) == {EntryKind.EARN}


def test_synthetic_catchments_answer_district_lookups(runner, client):
    _seed(runner)
    for school in db.session.scalars(select(School)):
        inside = shape(school.catchment).representative_point()
        answer = client.get(f"/api/v1/admission/district?lat={inside.y}&lon={inside.x}").json
        assert answer[school.level.value]["id"] == school.id


def test_synthetic_seed_can_run_twice(runner):
    _seed(runner)
    _seed(runner)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 2 * counts(float(SCALE))["pickups"]

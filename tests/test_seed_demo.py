"""`seed demo` is idempotent: a second run changes no row of any table."""

from __future__ import annotations

from sqlalchemy import select

from api.extensions import db


def _snapshot() -> dict[str, list[tuple]]:
    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        tables[table.name] = [tuple(row) for row in db.session.execute(select(table).order_by(*order))]
    return tables


def test_seeding_the_demo_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    before = _snapshot()
    assert len(before["citizens"]) > 10 and len(before["pk_bookings"]) > 100 and len(before["gc_ledger"]) > 100

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    after = _snapshot()
    changed = {name: (len(before[name]), len(rows)) for name, rows in after.items() if rows != before[name]}
    assert changed == {}, f"tables changed by the second run (rows before, after): {changed}"

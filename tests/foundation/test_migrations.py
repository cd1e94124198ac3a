"""The migrations build exactly the schema the models describe, and run down and up again."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import column, inspect, table, text

from api import create_app
from api.common.db import UTCDateTime
from api.extensions import db
from tests.conftest import drop_database, new_database


def _compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    if isinstance(metadata_type, UTCDateTime):
        return False  # stored as DateTime(timezone=True); the decorator is Python-side only
    return None


def test_models_and_migrations_agree_and_upgrade_downgrade_upgrade_works(tmp_path_factory):
    url = new_database(tmp_path_factory, "migrations")
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": _compare_type})
                assert compare_metadata(context, db.metadata) == []
            flask_migrate.downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                assert {t.name for t in db.metadata.sorted_tables} <= set(inspect(conn).get_table_names())
            db.engine.dispose()
    finally:
        drop_database(url)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _table(name: str, *columns: str, instant: str | None = None):
    """A table as it is at revision 0012, for inserting rows before 0013 runs (the models describe the head)."""
    return table(name, *(column(c) for c in columns), *([column(instant, UTCDateTime())] if instant else []))


def test_0013_backfills_the_leaderboard_roll_up_from_the_ledger(tmp_path_factory):
    """Ledger rows written before 0013: each account gets the Shanghai month of its latest EARN and what was earned in
    it, earlier months go to gc_monthly_earnings; adjustments and redemptions count for nothing."""
    url = new_database(tmp_path_factory, "backfill")
    rows = [  # citizen, kind, amount, instant (UTC), in no particular order
        (1, "earn", 7, _utc(2026, 9, 30, 16, 0, 0)),  # 1 October 00:00 in Shanghai
        (1, "earn", 5, _utc(2026, 9, 30, 15, 59, 59)),  # 30 September 23:59:59 in Shanghai
        (1, "earn", 3, _utc(2026, 10, 15, 4, 0)),
        (1, "adjust", 100, _utc(2026, 10, 20, 4, 0)),
        (1, "redeem", -10, _utc(2026, 10, 21, 4, 0)),
        (1, "earn", 2, _utc(2026, 7, 1, 4, 0)),
        (2, "earn", 4, _utc(2026, 8, 2, 4, 0)),
        (2, "earn", 6, _utc(2026, 8, 3, 4, 0)),
        (3, "adjust", 50, _utc(2026, 10, 1, 4, 0)),
    ]
    citizens = _table("citizens", "id", "id_number_hash", "id_number_masked", "name", "phone", "community", instant="created_at")
    accounts = _table("gc_accounts", "citizen_id", "balance", "earned_total", "spent_total", "co2e_g_total")
    ledger = _table("gc_ledger", "citizen_id", "kind", "amount", "balance_after", instant="created_at")
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade(revision="0012")
            with db.engine.begin() as conn:
                for i in (1, 2, 3):
                    person = {"id": i, "id_number_hash": f"h{i}", "id_number_masked": "3310**", "name": f"居民{i}", "phone": "13800000000"}
                    conn.execute(citizens.insert().values(**person, community="白云街道", created_at=_utc(2026, 1, 1)))
                    balance = sum(amount for c, _, amount, _ in rows if c == i)
                    conn.execute(accounts.insert().values(citizen_id=i, balance=balance, earned_total=0, spent_total=0, co2e_g_total=0))
                conn.execute(
                    ledger.insert(), [{"citizen_id": c, "kind": k, "amount": a, "balance_after": 0, "created_at": t} for c, k, a, t in rows]
                )
            flask_migrate.upgrade(revision="0013")
            with db.engine.connect() as conn:
                in_accounts = conn.execute(text("SELECT citizen_id, earned_month, earned_in_month FROM gc_accounts ORDER BY citizen_id"))
                assert in_accounts.all() == [(1, "2026-10", 10), (2, "2026-08", 10), (3, None, 0)]
                closed = conn.execute(text("SELECT citizen_id, month, coins FROM gc_monthly_earnings ORDER BY citizen_id, month"))
                assert closed.all() == [(1, "2026-07", 2), (1, "2026-09", 5)]
            flask_migrate.downgrade(revision="0012")
            with db.engine.connect() as conn:
                assert "gc_monthly_earnings" not in inspect(conn).get_table_names()
                assert {"earned_month", "earned_in_month"}.isdisjoint(c["name"] for c in inspect(conn).get_columns("gc_accounts"))
            db.engine.dispose()
    finally:
        drop_database(url)

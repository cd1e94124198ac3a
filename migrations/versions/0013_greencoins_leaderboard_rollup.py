"""green coins leaderboard roll-up: each account's current month, closed months in gc_monthly_earnings

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 23:05:00

The monthly leaderboard (SPEC §12.8) summed the month's EARN ledger entries, 0.2–0.4 s a call at the district's
10 M rows. It now reads a roll-up kept on the write path: the account row holds the Shanghai month of its latest EARN
and what was earned in it; a citizen's earlier months are rows of gc_monthly_earnings. Both are backfilled from the
ledger here (the same SQL as api.greencoins.accounts.rebuild_monthly_earnings, kept as a copy: migrations do not
import the application).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MONTH = {
    "postgresql": "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    "sqlite": "strftime('%Y-%m', created_at, '+8 hours')",  # stored as naive UTC; Shanghai is UTC+8 all year
}

BACKFILL = [
    """INSERT INTO gc_monthly_earnings (citizen_id, month, coins)
    SELECT citizen_id, month, sum(amount) FROM (
        SELECT citizen_id, {month} AS month, amount FROM gc_ledger WHERE kind = 'earn'
    ) AS earned GROUP BY citizen_id, month""",
    """UPDATE gc_accounts SET earned_month = (
        SELECT max(m.month) FROM gc_monthly_earnings m WHERE m.citizen_id = gc_accounts.citizen_id
    )""",
    """UPDATE gc_accounts SET earned_in_month = coalesce((
        SELECT m.coins FROM gc_monthly_earnings m
        WHERE m.citizen_id = gc_accounts.citizen_id AND m.month = gc_accounts.earned_month
    ), 0)""",
    """DELETE FROM gc_monthly_earnings WHERE EXISTS (
        SELECT 1 FROM gc_accounts a WHERE a.citizen_id = gc_monthly_earnings.citizen_id AND a.earned_month = gc_monthly_earnings.month
    )""",
]


def upgrade():
    op.create_table(
        "gc_monthly_earnings",
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("coins", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name=op.f("fk_gc_monthly_earnings_citizen_id_citizens")),
        sa.PrimaryKeyConstraint("citizen_id", "month", name=op.f("pk_gc_monthly_earnings")),
    )
    op.create_index("ix_gc_monthly_earnings_month", "gc_monthly_earnings", ["month", sa.text("coins DESC"), "citizen_id"], unique=False)
    with op.batch_alter_table("gc_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("earned_month", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("earned_in_month", sa.Integer(), server_default="0", nullable=False))
    op.create_index(
        "ix_gc_accounts_earned_month", "gc_accounts", ["earned_month", sa.text("earned_in_month DESC"), "citizen_id"], unique=False
    )
    month = MONTH[op.get_bind().dialect.name]
    for sql in BACKFILL:
        op.execute(sql.format(month=month))


def downgrade():
    op.drop_index("ix_gc_accounts_earned_month", table_name="gc_accounts")
    with op.batch_alter_table("gc_accounts", schema=None) as batch_op:
        batch_op.drop_column("earned_in_month")
        batch_op.drop_column("earned_month")
    op.drop_index("ix_gc_monthly_earnings_month", table_name="gc_monthly_earnings")
    op.drop_table("gc_monthly_earnings")

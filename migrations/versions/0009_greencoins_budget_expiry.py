"""green coins budget, expiry, projects, donations, plausibility

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gc_budgets",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("issued >= 0 AND issued <= budget", name=op.f("ck_gc_budgets_issued_within_budget")),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_gc_budgets")),
    )
    op.create_table(
        "gc_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("goal_coins", sa.Integer(), nullable=False),
        sa.Column("raised_coins", sa.Integer(), nullable=False),
        sa.Column("donations_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("open", "completed", "closed", name="projectstatus", native_enum=False, length=20), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("raised_coins >= 0 AND raised_coins <= goal_coins", name=op.f("ck_gc_projects_raised_within_goal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gc_projects")),
    )
    op.create_table(
        "gc_donations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("coins", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name=op.f("fk_gc_donations_citizen_id_citizens")),
        sa.ForeignKeyConstraint(["project_id"], ["gc_projects.id"], name=op.f("fk_gc_donations_project_id_gc_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gc_donations")),
        sa.UniqueConstraint("certificate_no", name=op.f("uq_gc_donations_certificate_no")),
    )
    with op.batch_alter_table("gc_donations", schema=None) as batch_op:
        batch_op.create_index("ix_gc_donations_citizen_id_id", ["citizen_id", "id"], unique=False)
    op.create_table(
        "gc_device_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.String(length=100), nullable=False),
        sa.Column("behavior_code", sa.String(length=30), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name=op.f("fk_gc_device_flags_citizen_id_citizens")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_gc_device_flags_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gc_device_flags")),
        sa.UniqueConstraint("partner_id", "source_event_id", name=op.f("uq_gc_device_flags_partner_id_source_event_id")),
    )
    with op.batch_alter_table("gc_device_flags", schema=None) as batch_op:
        batch_op.create_index("ix_gc_device_flags_created_at", ["created_at"], unique=False)

    with op.batch_alter_table("gc_behaviors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_per_event", sa.Numeric(precision=14, scale=2), server_default="100", nullable=False))
        batch_op.add_column(sa.Column("max_per_day", sa.Numeric(precision=14, scale=2), server_default="1000", nullable=False))
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("gc_rewards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("gc_daily_earnings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credited", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False))
    with op.batch_alter_table("gc_device_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cap_reason", sa.String(length=10), nullable=True))
    with op.batch_alter_table("gc_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("donation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_gc_ledger_donation_id_gc_donations"), "gc_donations", ["donation_id"], ["id"])


def downgrade():
    with op.batch_alter_table("gc_ledger", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_gc_ledger_donation_id_gc_donations"), type_="foreignkey")
        batch_op.drop_column("donation_id")
    with op.batch_alter_table("gc_device_events", schema=None) as batch_op:
        batch_op.drop_column("cap_reason")
    with op.batch_alter_table("gc_daily_earnings", schema=None) as batch_op:
        batch_op.drop_column("credited")
    with op.batch_alter_table("gc_rewards", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("gc_behaviors", schema=None) as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("max_per_day")
        batch_op.drop_column("max_per_event")
    with op.batch_alter_table("gc_device_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_gc_device_flags_created_at")
    op.drop_table("gc_device_flags")
    with op.batch_alter_table("gc_donations", schema=None) as batch_op:
        batch_op.drop_index("ix_gc_donations_citizen_id_id")
    op.drop_table("gc_donations")
    op.drop_table("gc_projects")
    op.drop_table("gc_budgets")

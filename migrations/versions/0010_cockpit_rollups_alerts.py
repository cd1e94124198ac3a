"""cockpit daily roll-ups and trend alerts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 15:40:00

Fact tables the cockpit reads (ft_*), officials' cockpit sign-in sessions, trend alerts and each bureau's duty
phone; indexes for the live part of a roll-up (today's SMS and applications by time).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ft_daily",
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dim", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "dim", name=op.f("pk_ft_daily")),
    )
    op.create_table(
        "ft_rollup_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("rolled_through", sa.Date(), nullable=True),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ft_rollup_state")),
    )
    op.create_table(
        "ft_vessels_served",
        sa.Column("vessel_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["vessel_id"], ["pk_vessels.id"], name=op.f("fk_ft_vessels_served_vessel_id_pk_vessels")),
        sa.PrimaryKeyConstraint("vessel_id", name=op.f("pk_ft_vessels_served")),
    )
    op.create_table(
        "ft_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["adm_schools.id"], name=op.f("fk_ft_applications_school_id_adm_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ft_applications")),
        sa.UniqueConstraint("year", "school_id", "category", "status", name=op.f("uq_ft_applications_year_school_id_category_status")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau", sa.String(length=20), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("dim", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("baseline", sa.Double(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "acknowledged", "assigned", "closed", name="alertstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=80), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["staff_users.id"], name=op.f("fk_alerts_assignee_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("metric", "dim", "day", name=op.f("uq_alerts_metric_dim_day")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_bureau_status", ["bureau", "status"], unique=False)
    op.create_table(
        "alert_duty",
        sa.Column("bureau", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bureau", name=op.f("pk_alert_duty")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_staff_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_staff_sessions_staff_id", ["staff_id"], unique=False)
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index("ix_sms_messages_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("adm_applications", schema=None) as batch_op:
        batch_op.create_index("ix_adm_applications_submitted_at", ["submitted_at"], unique=False)


def downgrade():
    with op.batch_alter_table("adm_applications", schema=None) as batch_op:
        batch_op.drop_index("ix_adm_applications_submitted_at")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_messages_created_at")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_sessions_staff_id")
    op.drop_table("staff_sessions")
    op.drop_table("alert_duty")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_bureau_status")
    op.drop_table("alerts")
    op.drop_table("ft_applications")
    op.drop_table("ft_vessels_served")
    op.drop_table("ft_rollup_state")
    op.drop_table("ft_daily")

"""operations (scheduled job runs, me timeline)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # --- helper G (operations): scheduled job status, worker heartbeats ---
    op.create_table(
        "scheduled_job_status",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_duration_ms", sa.Integer(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_job_status")),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeats")),
    )
    op.create_index(op.f("ix_worker_heartbeats_kind"), "worker_heartbeats", ["kind"], unique=False)
    # --- end helper G ---
    # --- helper F (我的 timeline): a citizen's redemptions, newest first ---
    op.create_index("ix_gc_redemptions_citizen_created", "gc_redemptions", ["citizen_id", "created_at"], unique=False)


def downgrade():
    op.drop_index("ix_gc_redemptions_citizen_created", table_name="gc_redemptions")  # helper F (我的 timeline)
    # --- helper G (operations) ---
    op.drop_index(op.f("ix_worker_heartbeats_kind"), table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
    op.drop_table("scheduled_job_status")
    # --- end helper G ---

"""admission guardianship, seat plans, allocation runs, offers, reviews

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LEVEL = sa.Enum("primary", "junior", name="level", native_enum=False, length=20)
RESULT = sa.Enum("offered", "waitlisted", "not_offered", name="allocationresult", native_enum=False, length=20)


def upgrade():
    op.create_table(
        "reg_guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_hash", sa.String(length=64), nullable=False),
        sa.Column("guardian_hash", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reg_guardians")),
        sa.UniqueConstraint("child_hash", "guardian_hash", name=op.f("uq_reg_guardians_child_hash_guardian_hash")),
    )
    with op.batch_alter_table("reg_guardians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reg_guardians_guardian_hash"), ["guardian_hash"], unique=False)

    op.create_table(
        "adm_allocation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", LEVEL, nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("rules", sa.String(length=20), nullable=False),
        sa.Column("waitlist_percent", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("schools", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adm_allocation_runs")),
    )
    with op.batch_alter_table("adm_allocation_runs", schema=None) as batch_op:
        batch_op.create_index("ix_adm_allocation_runs_year_level", ["year", "level"], unique=False)

    with op.batch_alter_table("adm_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", RESULT, nullable=True))
        batch_op.add_column(sa.Column("result_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("waitlist_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("offer_reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("allocation_run_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_adm_applications_allocation_run_id_adm_allocation_runs"), "adm_allocation_runs", ["allocation_run_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_adm_applications_child_hash"), ["child_hash"], unique=False)
        batch_op.create_index("ix_adm_applications_status_offer_expires_at", ["status", "offer_expires_at"], unique=False)

    with op.batch_alter_table("adm_application_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step", sa.String(length=30), nullable=True))
    op.execute("UPDATE adm_application_events SET step = status WHERE step IS NULL")

    op.create_table(
        "adm_allocation_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("lottery", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("outcome", RESULT, nullable=False),
        sa.Column("waitlist_position", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["adm_applications.id"], name=op.f("fk_adm_allocation_entries_application_id_adm_applications")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["adm_allocation_runs.id"], name=op.f("fk_adm_allocation_entries_run_id_adm_allocation_runs")),
        sa.ForeignKeyConstraint(["school_id"], ["adm_schools.id"], name=op.f("fk_adm_allocation_entries_school_id_adm_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adm_allocation_entries")),
    )
    with op.batch_alter_table("adm_allocation_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adm_allocation_entries_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_adm_allocation_entries_run_id"), ["run_id"], unique=False)

    op.create_table(
        "adm_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("answer", sa.String(length=500), nullable=True),
        sa.Column("answered_by", sa.String(length=80), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["adm_applications.id"], name=op.f("fk_adm_reviews_application_id_adm_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adm_reviews")),
        sa.UniqueConstraint("application_id", name=op.f("uq_adm_reviews_application_id")),
    )
    with op.batch_alter_table("adm_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adm_reviews_answered_at"), ["answered_at"], unique=False)


def downgrade():
    with op.batch_alter_table("adm_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adm_reviews_answered_at"))
    op.drop_table("adm_reviews")
    with op.batch_alter_table("adm_allocation_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adm_allocation_entries_run_id"))
        batch_op.drop_index(batch_op.f("ix_adm_allocation_entries_application_id"))
    op.drop_table("adm_allocation_entries")
    with op.batch_alter_table("adm_application_events", schema=None) as batch_op:
        batch_op.drop_column("step")
    with op.batch_alter_table("adm_applications", schema=None) as batch_op:
        batch_op.drop_index("ix_adm_applications_status_offer_expires_at")
        batch_op.drop_index(batch_op.f("ix_adm_applications_child_hash"))
        batch_op.drop_constraint(batch_op.f("fk_adm_applications_allocation_run_id_adm_allocation_runs"), type_="foreignkey")
        batch_op.drop_column("allocation_run_id")
        batch_op.drop_column("offer_reminded_at")
        batch_op.drop_column("offer_expires_at")
        batch_op.drop_column("waitlist_position")
        batch_op.drop_column("result_reason")
        batch_op.drop_column("result")
    with op.batch_alter_table("adm_allocation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_adm_allocation_runs_year_level")
    op.drop_table("adm_allocation_runs")
    with op.batch_alter_table("reg_guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reg_guardians_guardian_hash"))
    op.drop_table("reg_guardians")

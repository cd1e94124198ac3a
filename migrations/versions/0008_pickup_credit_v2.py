"""pickup vessel registry, dispatcher bookings, missed reports, appeals, consents

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pk_vessel_registry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vessel_no", sa.String(length=20), nullable=False),
        sa.Column("owner_hash", sa.String(length=64), nullable=False),
        sa.Column("owner_name", sa.String(length=50), nullable=False),
        sa.Column("owner_phone", sa.String(length=20), nullable=False),
        sa.Column("vessel_name", sa.String(length=50), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pk_vessel_registry")),
        sa.UniqueConstraint("vessel_no", name=op.f("uq_pk_vessel_registry_vessel_no")),
    )
    with op.batch_alter_table("pk_vessel_registry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pk_vessel_registry_owner_hash"), ["owner_hash"], unique=False)

    with op.batch_alter_table("pk_ports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority_windows", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table("pk_bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatcher_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_pk_bookings_dispatcher_id_staff_users"), "staff_users", ["dispatcher_id"], ["id"])
        batch_op.create_index("ix_pk_bookings_dispatcher_created", ["dispatcher_id", "created_at"], unique=False)

    with op.batch_alter_table("pk_booking_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("est_qty", sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column("unit", sa.String(length=3), nullable=False, server_default="kg"))

    with op.batch_alter_table("pk_credit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overturned_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "pk_credit_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("vessel_id", sa.Integer(), nullable=False),
        sa.Column("appellant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["appellant_id"], ["citizens.id"], name=op.f("fk_pk_credit_appeals_appellant_id_citizens")),
        sa.ForeignKeyConstraint(["decided_by"], ["staff_users.id"], name=op.f("fk_pk_credit_appeals_decided_by_staff_users")),
        sa.ForeignKeyConstraint(["entry_id"], ["pk_credit_entries.id"], name=op.f("fk_pk_credit_appeals_entry_id_pk_credit_entries")),
        sa.ForeignKeyConstraint(["vessel_id"], ["pk_vessels.id"], name=op.f("fk_pk_credit_appeals_vessel_id_pk_vessels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pk_credit_appeals")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_pk_credit_appeals_entry_id")),
    )
    with op.batch_alter_table("pk_credit_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pk_credit_appeals_vessel_id"), ["vessel_id"], unique=False)

    op.create_table(
        "pk_missed_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("vessel_id", sa.Integer(), nullable=False),
        sa.Column("port_id", sa.Integer(), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["booking_id"], ["pk_bookings.id"], name=op.f("fk_pk_missed_reports_booking_id_pk_bookings")),
        sa.ForeignKeyConstraint(["closed_by"], ["staff_users.id"], name=op.f("fk_pk_missed_reports_closed_by_staff_users")),
        sa.ForeignKeyConstraint(["port_id"], ["pk_ports.id"], name=op.f("fk_pk_missed_reports_port_id_pk_ports")),
        sa.ForeignKeyConstraint(["reported_by"], ["citizens.id"], name=op.f("fk_pk_missed_reports_reported_by_citizens")),
        sa.ForeignKeyConstraint(["vessel_id"], ["pk_vessels.id"], name=op.f("fk_pk_missed_reports_vessel_id_pk_vessels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pk_missed_reports")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_pk_missed_reports_booking_id")),
    )
    with op.batch_alter_table("pk_missed_reports", schema=None) as batch_op:
        batch_op.create_index("ix_pk_missed_reports_open", ["closed_at", "created_at"], unique=False)

    op.create_table(
        "pk_credit_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vessel_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["given_by"], ["citizens.id"], name=op.f("fk_pk_credit_consents_given_by_citizens")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_pk_credit_consents_partner_id_partners")),
        sa.ForeignKeyConstraint(["vessel_id"], ["pk_vessels.id"], name=op.f("fk_pk_credit_consents_vessel_id_pk_vessels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pk_credit_consents")),
    )
    with op.batch_alter_table("pk_credit_consents", schema=None) as batch_op:
        batch_op.create_index("ix_pk_credit_consents_vessel_partner", ["vessel_id", "partner_id"], unique=False)

    op.create_table(
        "pk_credit_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("vessel_id", sa.Integer(), nullable=True),
        sa.Column("vessel_no", sa.String(length=20), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_pk_credit_reads_partner_id_partners")),
        sa.ForeignKeyConstraint(["vessel_id"], ["pk_vessels.id"], name=op.f("fk_pk_credit_reads_vessel_id_pk_vessels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pk_credit_reads")),
    )
    with op.batch_alter_table("pk_credit_reads", schema=None) as batch_op:
        batch_op.create_index("ix_pk_credit_reads_vessel_at", ["vessel_id", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("pk_credit_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_pk_credit_reads_vessel_at")
    op.drop_table("pk_credit_reads")
    with op.batch_alter_table("pk_credit_consents", schema=None) as batch_op:
        batch_op.drop_index("ix_pk_credit_consents_vessel_partner")
    op.drop_table("pk_credit_consents")
    with op.batch_alter_table("pk_missed_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_pk_missed_reports_open")
    op.drop_table("pk_missed_reports")
    with op.batch_alter_table("pk_credit_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pk_credit_appeals_vessel_id"))
    op.drop_table("pk_credit_appeals")
    with op.batch_alter_table("pk_credit_entries", schema=None) as batch_op:
        batch_op.drop_column("overturned_at")
    with op.batch_alter_table("pk_booking_items", schema=None) as batch_op:
        batch_op.drop_column("unit")
        batch_op.drop_column("est_qty")
    with op.batch_alter_table("pk_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_pk_bookings_dispatcher_created")
        batch_op.drop_constraint(batch_op.f("fk_pk_bookings_dispatcher_id_staff_users"), type_="foreignkey")
        batch_op.drop_column("dispatcher_id")
    with op.batch_alter_table("pk_ports", schema=None) as batch_op:
        batch_op.drop_column("priority_windows")
    with op.batch_alter_table("pk_vessel_registry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pk_vessel_registry_owner_hash"))
    op.drop_table("pk_vessel_registry")

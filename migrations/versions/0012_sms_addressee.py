"""sms addressee: each outbox row names the resident it is addressed to

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 20:28:05

A citizen's own copies of their texts (/me/messages) were found by phone number, so a number that changed hands
showed its earlier owner's messages. Rows written before this revision are given the citizen whose phone they went
to when exactly one citizen has that phone; the others stay unaddressed (shown to nobody as their own).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE sms_messages SET citizen_id = (SELECT c.id FROM citizens c WHERE c.phone = sms_messages.phone)
WHERE (SELECT count(*) FROM citizens c WHERE c.phone = sms_messages.phone) = 1
"""


def upgrade():
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("citizen_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_sms_messages_citizen", ["citizen_id", "id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_sms_messages_citizen_id_citizens"), "citizens", ["citizen_id"], ["id"], ondelete="SET NULL"
        )
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sms_messages_citizen_id_citizens"), type_="foreignkey")
        batch_op.drop_index("ix_sms_messages_citizen")
        batch_op.drop_column("citizen_id")

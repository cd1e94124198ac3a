"""security hardening: token versions on staff and citizens (sign-out and deactivation end every token at once)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("staff_users", "citizens"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("token_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    for table in ("citizens", "staff_users"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("token_version")

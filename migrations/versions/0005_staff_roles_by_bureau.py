"""staff roles by bureau: the first release's ``official`` becomes ``admin`` (SPEC §12.5)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:40:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

staff = sa.table("staff_users", sa.column("id", sa.Integer), sa.column("roles", sa.JSON))


def _rename_role(old: str, new: str) -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(staff.c.id, staff.c.roles)).all():
        roles = row.roles if isinstance(row.roles, list) else json.loads(row.roles or "[]")
        if old in roles:
            roles = [new if role == old else role for role in roles]
            conn.execute(staff.update().where(staff.c.id == row.id).values(roles=roles))


def upgrade():
    _rename_role("official", "admin")


def downgrade():
    _rename_role("admin", "official")

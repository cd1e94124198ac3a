"""reference versions: each write to a reference table bumps its version, for the processes' caches

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 23:40:00

Schools, behaviours, ports, collection boats and pollutant types are held in each process for the hot reads
(api/common/reference.py). A trigger on each table bumps its row in ``ref_versions`` in the writer's own
transaction, whoever the writer is (the API, a CLI import, a seed, an operator's psql), and the processes read the
versions at most once a second. PostgreSQL: one statement-level trigger per table (TRUNCATE included). SQLite: row
triggers per operation. Note for later migrations: SQLite's batch mode recreates a table and drops its triggers;
a migration that batch-alters one of these tables must create them again (tests/foundation/test_reference.py
fails otherwise).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("adm_schools", "gc_behaviors", "pk_ports", "pk_collection_boats", "pk_pollutant_types")

PG_FUNCTION = """
CREATE FUNCTION ref_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ref_versions (name, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (name) DO UPDATE SET version = ref_versions.version + 1;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.create_table(
        "ref_versions",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ref_versions")),
    )
    op.bulk_insert(sa.table("ref_versions", sa.column("name"), sa.column("version")), [{"name": t, "version": 1} for t in TABLES])
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER ref_versions_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ref_versions_bump()"
            )
        return
    for table in TABLES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ref_versions_{table}_{operation.lower()} AFTER {operation} ON {table} BEGIN "
                f"INSERT OR IGNORE INTO ref_versions (name, version) VALUES ('{table}', 0); "
                f"UPDATE ref_versions SET version = version + 1 WHERE name = '{table}'; END"
            )


def downgrade():
    if op.get_context().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER ref_versions_{table} ON {table}")
        op.execute("DROP FUNCTION ref_versions_bump()")
    else:
        for table in TABLES:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER ref_versions_{table}_{operation}")
    op.drop_table("ref_versions")

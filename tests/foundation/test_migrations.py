"""The migrations build exactly the schema the models describe, and run down and up again."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api import create_app
from api.common.db import UTCDateTime
from api.extensions import db
from tests.conftest import drop_database, new_database


def _compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    if isinstance(metadata_type, UTCDateTime):
        return False  # stored as DateTime(timezone=True); the decorator is Python-side only
    return None


def test_models_and_migrations_agree_and_upgrade_downgrade_upgrade_works(tmp_path_factory):
    url = new_database(tmp_path_factory, "migrations")
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": _compare_type})
                assert compare_metadata(context, db.metadata) == []
            flask_migrate.downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                assert {t.name for t in db.metadata.sorted_tables} <= set(inspect(conn).get_table_names())
            db.engine.dispose()
    finally:
        drop_database(url)

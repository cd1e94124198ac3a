"""Test fixtures: one database per run (SQLite file, or a fresh PostgreSQL database), built by migrations."""

from __future__ import annotations

import os
import threading
import uuid

import flask_migrate
import psycopg
import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import make_url

from api import create_app
from api.common import reference
from api.extensions import db, limiter
from api.seed.demo import seed_demo
from tests.twilio_stub import TwilioStub

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + make_url(TEST_DATABASE_URL).render_as_string() if ON_POSTGRES else 'SQLite'}"


def pytest_collection_modifyitems(config, items):
    # Concurrency proofs need real row locks: they run in the PostgreSQL pass only. Browser tests prove the UI, and
    # tests marked "once" (fuzzing, the OpenAPI contract) prove the HTTP layer, not the database: they run once, in
    # the SQLite pass. Left out of a pass, not skipped.
    left_out = {"browser", "once"} if ON_POSTGRES else {"postgres"}
    kept = [item for item in items if not left_out & set(item.keywords)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if left_out & set(i.keywords)])
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    """Cancel the timers the run leaves behind, so pytest exits at once whatever the clock.

    Flask-Limiter's memory storage (the ``limits`` package) expires its counters from a non-daemon ``threading.Timer``
    per app. Under libfaketime (``make test-future``) the monotonic clock is moved too, so such a timer's wait ends two
    years out and the interpreter, which joins non-daemon threads on exit, would never finish.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _admin_dsn(url) -> str:
    return url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def new_database(tmp_path_factory, label: str) -> str:
    """A fresh, empty database URL of the kind this run tests."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path_factory.mktemp(label) / 'test.db'}"
    url = make_url(TEST_DATABASE_URL)
    name = f"zheli_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_dsn(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    parsed = make_url(url)
    with psycopg.connect(_admin_dsn(parsed), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = new_database(tmp_path_factory, "suite")
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, ACCESS_TOKEN_TTL=600)
    with app.app_context():
        flask_migrate.upgrade()
    return app


@pytest.fixture(autouse=True)
def _app_context(app):
    """Each test runs in an app context and leaves every table empty behind it."""
    with app.app_context():
        yield
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(delete(table))
        limiter.reset()
        reference.invalidate()  # the tables were emptied behind the app's back


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def twilio_stub():
    stub = TwilioStub()
    yield stub
    stub.close()


_demo_rows: dict[str, list[dict]] = {}
# Every sequence that feeds a column (serial and identity columns), with its table and column.
OWNED_SEQUENCES = """
SELECT seq.relname, tab.relname, att.attname FROM pg_class seq
JOIN pg_depend dep ON dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
JOIN pg_class tab ON tab.oid = dep.refobjid
JOIN pg_attribute att ON att.attrelid = tab.oid AND att.attnum = dep.refobjsubid
WHERE seq.relkind = 'S'
"""


def load_demo(app) -> None:
    """The demo data set in this run's (emptied) test database: seeded by ``seed_demo`` once a run, copied back after.

    Seeding the demo takes seconds and many tests need it; every table is emptied after each test, so the rows the
    first seed wrote are kept and inserted again as they were (ids included), then PostgreSQL's sequences are moved
    past them. What the seed itself does is proven by tests/test_seed_demo.py, which calls it directly.
    """
    tables = [t for t in db.metadata.sorted_tables if t.name != "ref_versions"]  # written by the triggers of the others
    if not _demo_rows:
        seed_demo(db.session, app.config)
        db.session.commit()
        with db.engine.connect() as conn:
            _demo_rows.update({t.name: [dict(row._mapping) for row in conn.execute(select(t))] for t in tables})
        return
    with db.engine.begin() as conn:
        for table in tables:
            if rows := _demo_rows[table.name]:
                conn.execute(insert(table), rows)
        if conn.dialect.name == "postgresql":
            for sequence, table, column in conn.execute(text(OWNED_SEQUENCES)):
                conn.execute(text(f'SELECT setval(:s, coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'), {"s": sequence})
    reference.invalidate()

"""Transactions, time columns and small helpers shared by every domain's models and services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Session

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ID = 2**31 - 1  # the database's integer range: a larger id names no row

# Named constraints so that Alembic migrations are stable on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table's base class, Flask-free: a service imports its models without loading Flask.

    ``api.extensions.db`` (Flask-SQLAlchemy) is built on it and shares its metadata and registry, so
    ``db.session`` queries these models and ``db.metadata`` is ``Base.metadata``.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    return datetime.now(SHANGHAI)


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns timezone-aware datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """One transaction per use case: commit on success, roll back everything on any error.

    Units nest: only the outermost one commits, so a caller (the Idempotency-Key
    wrapper, a CLI batch) can make several service calls one atomic change.
    """
    depth = session.info.get("uow_depth", 0)
    session.info["uow_depth"] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
        else:
            session.flush()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info["uow_depth"] = depth


def str_enum(enum_cls) -> Enum:
    """A portable enum column storing the members' values ("pending"), checked by the application."""
    return Enum(enum_cls, native_enum=False, length=20, values_callable=lambda cls: [m.value for m in cls], validate_strings=True)

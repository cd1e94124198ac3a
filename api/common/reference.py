"""Reference data held in each process (schools and their catchments, behaviours, ports), reloaded when it changes.

Reference tables change a few times a year and are read on every hot read (a district lookup, the schools near a
point, the balance's daily caps, a port's windows). Each process keeps what a read needs as immutable rows, and
reloads it when one of its tables changes:

- every write to a watched table bumps that table's row in ``ref_versions``, in the writer's transaction, by a
  database trigger (migration 0014): the API, a CLI import, a seed and an operator's ``psql`` all count;
- a process reads ``ref_versions`` (one query for every table) at most once every ``RECHECK_SECONDS``, so another
  process's change is seen within a second of its commit;
- the process that commits a change through the ORM sees it at once: the session's ``after_commit`` makes the next
  use re-read the versions;
- versions and values are read on a connection of their own, outside the request's transaction: only committed
  data is ever held (a transaction that wrote reference data reads its own view, uncached).

The cached values serve reads, and the catchment index (which school's 学区 holds a point) also serves the
application submit, as it did before this module: within a second of a catchment import committed in another
process. A write that decides on rows (coins for a behaviour, a booking's capacity, the catchment school's row)
reads them under its own transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, Integer, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.common.db import Base

T = TypeVar("T")
RECHECK_SECONDS = 1.0
WATCHED = ("adm_schools", "gc_behaviors", "pk_ports", "pk_collection_boats", "pk_pollutant_types")


class ReferenceVersion(Base):
    """How many times each reference table has been written to (bumped by triggers, never by the application)."""

    __tablename__ = "ref_versions"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


_lock = threading.Lock()
_versions: dict[Engine, dict[str, int]] = {}  # database -> table -> version, as last read
_checked_at: dict[Engine, float] = {}  # database -> monotonic time of that read
_values: dict[tuple[Engine, str], tuple[tuple[int, ...], Any]] = {}  # (database, name) -> (its tables' versions, the value)


def invalidate() -> None:
    """Forget everything (tests, after emptying tables behind the application's back)."""
    with _lock:
        _versions.clear()
        _checked_at.clear()
        _values.clear()


def _current_versions(engine: Engine) -> dict[str, int]:
    versions = _versions.get(engine)
    if versions is not None and time.monotonic() - _checked_at.get(engine, float("-inf")) < RECHECK_SECONDS:
        return versions
    with engine.connect() as conn:  # committed versions only: never a transaction's own, perhaps rolled back, bump
        versions = dict(conn.execute(select(ReferenceVersion.name, ReferenceVersion.version)).all())
    with _lock:
        _versions[engine], _checked_at[engine] = versions, time.monotonic()
    return versions


def cached(session: Session, name: str, tables: tuple[str, ...], load: Callable[[Session], T]) -> T:
    """``load``'s value on committed data, computed again only after one of ``tables`` changed. It must be immutable.

    The versions and the value are read outside the session's transaction, so what is held is always committed
    data under its committed version: a transaction's own uncommitted (and perhaps later rolled back) writes never
    reach the other requests. A session that has itself written reference data in its transaction gets its own
    view, loaded through it and not held.
    """
    if session.info.get("reference_written"):
        return load(session)
    engine = session.get_bind().engine
    versions = _current_versions(engine)
    key = tuple(versions.get(table, 0) for table in tables)
    held = _values.get((engine, name))
    if held is not None and held[0] == key:
        return held[1]
    with Session(engine) as committed:  # a change committed during the load is seen by the next version read
        value = load(committed)
    with _lock:
        _values[(engine, name)] = (key, value)
    return value


def _tables_written(session: Session) -> set[str]:
    written = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table in WATCHED:
            written.add(table)
    return written


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _flush_context) -> None:
    if written := _tables_written(session):
        session.info.setdefault("reference_written", set()).update(written)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete or state.is_insert) and mapper is not None and mapper.local_table.name in WATCHED:
        state.session.info.setdefault("reference_written", set()).add(mapper.local_table.name)


@event.listens_for(Session, "after_commit")
def _seen_at_once(session: Session) -> None:
    if session.info.pop("reference_written", None):
        with _lock:
            _checked_at.clear()  # the next use reads the versions this commit bumped


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop("reference_written", None)

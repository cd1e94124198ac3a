"""Rules of running the product: when a scheduled job is due, what its last run was, is the outbox being worked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.common.db import SHANGHAI, unit_of_work
from api.notify.models import MessageStatus, SmsMessage
from api.ops.models import JobStatus, WorkerHeartbeat
from api.schedules import Schedule

_DAILY = re.compile(r"^daily ([01]\d|2[0-3]):([0-5]\d)$")
_EVERY = re.compile(r"^every ([1-9]\d*) minutes?$")


@dataclass(frozen=True)
class Period:
    """``daily HH:MM`` (Asia/Shanghai) or ``every N minutes``, as written in api/schedules.py."""

    daily_at: tuple[int, int] | None = None
    minutes: int | None = None

    @classmethod
    def parse(cls, every: str) -> Period:
        if match := _DAILY.match(every):
            return cls(daily_at=(int(match[1]), int(match[2])))
        if match := _EVERY.match(every):
            return cls(minutes=int(match[1]))
        raise ValueError(f"不认识的周期 {every!r} (expected 'daily HH:MM' or 'every N minutes')")

    def next_after(self, moment: datetime) -> datetime:
        """The first time strictly after ``moment`` at which the job should start."""
        if self.minutes is not None:
            return moment + timedelta(minutes=self.minutes)
        assert self.daily_at is not None  # a schedule has minutes or a daily time
        hour, minute = self.daily_at
        local = moment.astimezone(SHANGHAI)
        candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
        return candidate

    def systemd_timer(self) -> list[str]:
        """The ``[Timer]`` lines that give the same period to a systemd timer."""
        if self.minutes is not None:
            return ["OnBootSec=1min", f"OnUnitActiveSec={self.minutes}min"]
        assert self.daily_at is not None  # a schedule has minutes or a daily time
        hour, minute = self.daily_at
        return [f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00 Asia/Shanghai", "Persistent=true"]


def job_name(schedule: Schedule) -> str:
    return " ".join(schedule.command)


def find_schedule(schedules: tuple[Schedule, ...], words: tuple[str, ...]) -> Schedule | None:
    return next((s for s in schedules if s.command == tuple(words)), None)


def statuses(session: Session) -> dict[str, JobStatus]:
    return {row.name: row for row in session.scalars(select(JobStatus))}


def due_jobs(session: Session, schedules: tuple[Schedule, ...], now: datetime) -> list[Schedule]:
    """Jobs whose next start, counted from their last start, has come; a job never started is due at once
    (like a systemd timer with ``Persistent=true``: a run missed while nothing was running is caught up)."""
    known = statuses(session)
    due = []
    for schedule in schedules:
        row = known.get(job_name(schedule))
        if row is None or row.last_started_at is None or Period.parse(schedule.every).next_after(row.last_started_at) <= now:
            due.append(schedule)
    return due


def next_start(session: Session, schedules: tuple[Schedule, ...], now: datetime) -> datetime | None:
    known = statuses(session)
    starts = []
    for schedule in schedules:
        row = known.get(job_name(schedule))
        last = row.last_started_at if row else None
        starts.append(now if last is None else Period.parse(schedule.every).next_after(last))
    return min(starts, default=None)


def record_start(session: Session, name: str, at: datetime) -> None:
    with unit_of_work(session):
        row = session.get(JobStatus, name) or JobStatus(name=name, runs=0, failures=0)
        row.last_started_at = at
        session.add(row)


def record_finish(session: Session, name: str, *, started: datetime, finished: datetime, error: str | None) -> JobStatus:
    """The outcome of one run; ``error`` is already free of personal data (the caller redacts it)."""
    with unit_of_work(session):
        row = session.get(JobStatus, name) or JobStatus(name=name, runs=0, failures=0, last_started_at=started)
        row.runs += 1
        row.last_finished_at = finished
        row.last_duration_ms = int((finished - started).total_seconds() * 1000)
        if error is None:
            row.last_success_at, row.last_error = finished, None
        else:
            row.last_failure_at, row.last_error = finished, error[:1000]
            row.failures += 1
        session.add(row)
    return row


def beat(session: Session, worker_id: str, kind: str, at: datetime) -> None:
    """A worker is alive; called after every pass, in its own small transaction."""
    with unit_of_work(session):
        row = session.get(WorkerHeartbeat, worker_id)
        if row is None:
            session.add(WorkerHeartbeat(worker_id=worker_id, kind=kind, started_at=at, beat_at=at))
        else:
            row.beat_at = at


def last_beat(session: Session, kind: str) -> datetime | None:
    return session.scalar(select(func.max(WorkerHeartbeat.beat_at)).where(WorkerHeartbeat.kind == kind))


@dataclass(frozen=True)
class OutboxHealth:
    healthy: bool
    pending: int
    overdue_seconds: float  # how long the most overdue pending message has waited past its due time
    last_heartbeat: datetime | None


def outbox_health(session: Session, now: datetime, *, max_overdue: timedelta) -> OutboxHealth:
    """Unhealthy when a message has been due for longer than ``max_overdue`` and no SMS worker has
    shown life for that long: messages are piling up and nobody is sending them."""
    pending, oldest_due = session.execute(
        select(func.count(), func.min(SmsMessage.next_attempt_at)).where(SmsMessage.status == MessageStatus.PENDING)
    ).one()
    overdue = max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0
    heartbeat = last_beat(session, "notify")
    worker_alive = heartbeat is not None and now - heartbeat <= max_overdue
    healthy = overdue <= max_overdue.total_seconds() or worker_alive
    return OutboxHealth(healthy, pending, overdue, heartbeat)


@dataclass(frozen=True)
class Snapshot:
    """Figures read from the database for /metrics."""

    outbox_by_status: dict[str, int]
    oldest_pending_age_seconds: float
    overdue_seconds: float
    finished_last_day: dict[str, int]
    jobs: dict[str, JobStatus | None]
    heartbeats: dict[str, datetime]


def snapshot(session: Session, schedules: tuple[Schedule, ...], now: datetime) -> Snapshot:
    waiting = (MessageStatus.PENDING, MessageStatus.SENDING)
    by_status = dict.fromkeys((str(s) for s in waiting), 0)
    for status, count in session.execute(
        select(SmsMessage.status, func.count()).where(SmsMessage.status.in_(waiting)).group_by(SmsMessage.status)
    ):
        by_status[str(status)] = count
    oldest_created, oldest_due = session.execute(
        select(func.min(SmsMessage.created_at), func.min(SmsMessage.next_attempt_at)).where(SmsMessage.status == MessageStatus.PENDING)
    ).one()
    finished_statuses = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED)
    finished = dict.fromkeys((str(s) for s in finished_statuses), 0)
    for status, count in session.execute(
        select(SmsMessage.status, func.count())
        .where(SmsMessage.status.in_(finished_statuses), SmsMessage.created_at >= now - timedelta(days=1))
        .group_by(SmsMessage.status)
    ):
        finished[str(status)] = count
    known = statuses(session)
    heartbeats = dict(session.execute(select(WorkerHeartbeat.kind, func.max(WorkerHeartbeat.beat_at)).group_by(WorkerHeartbeat.kind)).all())
    return Snapshot(
        outbox_by_status=by_status,
        oldest_pending_age_seconds=max((now - oldest_created).total_seconds(), 0.0) if oldest_created else 0.0,
        overdue_seconds=max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0,
        finished_last_day=finished,
        jobs={job_name(s): known.get(job_name(s)) for s in schedules},
        heartbeats=heartbeats,
    )


def failure_ratio(finished: dict[str, int]) -> float:
    """Share of the last day's finished messages that did not reach the phone (failed or undelivered)."""
    total = sum(finished.values())
    return (finished.get("failed", 0) + finished.get("undelivered", 0)) / total if total else 0.0

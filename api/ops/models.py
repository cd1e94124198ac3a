"""What operators watch: each scheduled job's last run, and each background worker's last sign of life."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.common.db import Base, UTCDateTime


class JobStatus(Base):
    """One row a scheduled command (``api/schedules.py``), updated by every run, wherever it was started from."""

    __tablename__ = "scheduled_job_status"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)  # the command, e.g. "greencoins expire"
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_duration_ms: Mapped[int | None] = mapped_column()
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)


class WorkerHeartbeat(Base):
    """A background worker (e.g. the SMS outbox sender) says it is alive after every pass."""

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid
    kind: Mapped[str] = mapped_column(String(20), index=True)  # "notify"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)

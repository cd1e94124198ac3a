"""Tables of the cockpit's read model and of trend alerts: daily roll-ups (fact tables), snapshots, alerts, duty.

Fact tables in the GOV.UK Notify style: one row per day × metric × dimension, rebuilt a day at a time (delete the
day's rows, insert its aggregate), so a dashboard reads as many rows as there are days, not events.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Double, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.admission.models import Application
from api.common.db import Base, UTCDateTime, str_enum, utcnow
from api.notify.models import SmsMessage


class DailyFact(Base):
    """One day's value of one metric for one dimension (a port, a behaviour and community, a template and status)."""

    __tablename__ = "ft_daily"

    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dim: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[float] = mapped_column(Double)


class RollupState(Base):
    """Every day up to ``rolled_through`` is in the fact tables; later days are read live."""

    __tablename__ = "ft_rollup_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    rolled_through: Mapped[date | None] = mapped_column(Date)
    rolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VesselServed(Base):
    """Each vessel served at least once, with the day of its first collection (服务渔船 counts these rows)."""

    __tablename__ = "ft_vessels_served"

    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)


class ApplicationCount(Base):
    """Applications per admission year, school, category and status, as of the last roll-up (current state)."""

    __tablename__ = "ft_applications"
    __table_args__ = (UniqueConstraint("year", "school_id", "category", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    school_id: Mapped[int] = mapped_column(ForeignKey("adm_schools.id"))
    level: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column()


class AlertStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class Alert(Base):
    """A day on which a series left its own history (趋势预警); opened once per metric, dimension and day."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("metric", "dim", "day"), Index("ix_alerts_bureau_status", "bureau", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau: Mapped[str] = mapped_column(String(20))
    metric: Mapped[str] = mapped_column(String(40))
    dim: Mapped[str] = mapped_column(String(120), default="")
    day: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Double)
    baseline: Mapped[float] = mapped_column(Double)
    score: Mapped[float] = mapped_column(Double)
    status: Mapped[AlertStatus] = mapped_column(str_enum(AlertStatus), default=AlertStatus.OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(80))


class DutyOfficial(Base):
    """Who is texted when a bureau's alert opens (one duty phone per bureau)."""

    __tablename__ = "alert_duty"

    bureau: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# Today's live part of a roll-up reads a time range of these tables: indexed here, beside the roll-ups they serve.
Index("ix_sms_messages_created_at", SmsMessage.created_at)
Index("ix_adm_applications_submitted_at", Application.submitted_at)

"""Tables of 双碳绿币: behaviours, accounts and their append-only ledger, device events, stations, rewards."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import UTCDateTime, str_enum, utcnow
from api.extensions import db


class Behavior(db.Model):
    """A kind of low-carbon behaviour and how it pays: coins per unit, a daily cap, its CO₂e factor."""

    __tablename__ = "gc_behaviors"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(20))
    coins_per_unit: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    daily_cap_coins: Mapped[int] = mapped_column()
    co2e_g_per_unit: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    # Who may report it: "phone" (the citizen), "device" (a partner's device), "staff".
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)


class Account(db.Model):
    """A citizen's balance, always equal to the sum of their ledger; locked for every change."""

    __tablename__ = "gc_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)
    earned_total: Mapped[int] = mapped_column(default=0)
    spent_total: Mapped[int] = mapped_column(default=0)
    co2e_g_total: Mapped[Decimal] = mapped_column(Numeric(16, 1), default=Decimal(0))


class EntryKind(enum.StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    REFUND = "refund"
    EXPIRE = "expire"
    ADJUST = "adjust"


class LedgerEntry(db.Model):
    __tablename__ = "gc_ledger"
    __table_args__ = (
        Index("ix_gc_ledger_citizen_id_id", "citizen_id", "id"),
        Index("ix_gc_ledger_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    amount: Mapped[int] = mapped_column()  # signed: + earn/refund, − redeem
    balance_after: Mapped[int] = mapped_column()
    behavior_code: Mapped[str | None] = mapped_column(ForeignKey("gc_behaviors.code"))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    co2e_g: Mapped[Decimal | None] = mapped_column(Numeric(14, 1))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("gc_redemptions.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column()
    lon: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DailyEarning(db.Model):
    """What a citizen has earned for one behaviour on one day: the daily cap is checked against it."""

    __tablename__ = "gc_daily_earnings"
    __table_args__ = (UniqueConstraint("citizen_id", "day", "behavior_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    day: Mapped[date] = mapped_column(Date)
    behavior_code: Mapped[str] = mapped_column(ForeignKey("gc_behaviors.code"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    coins: Mapped[int] = mapped_column(default=0)


class DeviceEvent(db.Model):
    """A partner device's report; (partner, source_event_id) is accepted once and its answer kept for replays."""

    __tablename__ = "gc_device_events"
    __table_args__ = (UniqueConstraint("partner_id", "source_event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    source_event_id: Mapped[str] = mapped_column(String(100))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    behavior_code: Mapped[str] = mapped_column(ForeignKey("gc_behaviors.code"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    coins_awarded: Mapped[int] = mapped_column(default=0)
    capped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Station(db.Model):
    __tablename__ = "gc_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    community: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    opening_hours: Mapped[str] = mapped_column(String(50), default="08:30–17:00")


class Reward(db.Model):
    __tablename__ = "gc_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    price_coins: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(String(200), default="")
    stocks: Mapped[list[RewardStock]] = relationship(back_populates="reward")


class RewardStock(db.Model):
    __tablename__ = "gc_reward_stock"
    __table_args__ = (
        UniqueConstraint("reward_id", "station_id"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("gc_rewards.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("gc_stations.id"))
    stock: Mapped[int] = mapped_column(default=0)
    alert_below: Mapped[int] = mapped_column(default=5)
    reward: Mapped[Reward] = relationship(back_populates="stocks")
    station: Mapped[Station] = relationship()


class RedemptionStatus(enum.StrEnum):
    RESERVED = "reserved"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Redemption(db.Model):
    __tablename__ = "gc_redemptions"
    __table_args__ = (Index("ix_gc_redemptions_station_code", "station_id", "code"),
                      Index("ix_gc_redemptions_status_expires", "status", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    reward_id: Mapped[int] = mapped_column(ForeignKey("gc_rewards.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("gc_stations.id"))
    quantity: Mapped[int] = mapped_column()
    coins_spent: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(6))
    status: Mapped[RedemptionStatus] = mapped_column(str_enum(RedemptionStatus), default=RedemptionStatus.RESERVED)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    reward: Mapped[Reward] = relationship()
    station: Mapped[Station] = relationship()

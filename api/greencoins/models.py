"""Tables of 双碳绿币: behaviours, accounts and their append-only ledger, device events, stations, rewards,
the monthly budget, public-good projects and their donations, implausible device reports."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import Base, UTCDateTime, str_enum, utcnow


class Behavior(Base):
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
    # Plausible maxima of the reported quantity: one report, and one citizen's day. More is refused (and flags a device).
    max_per_event: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(100), server_default="100")
    max_per_day: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(1000), server_default="1000")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())  # retired behaviours earn nothing


class Account(Base):
    """A citizen's balance, always equal to the sum of their ledger; locked for every change."""

    __tablename__ = "gc_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)
    earned_total: Mapped[int] = mapped_column(default=0)
    spent_total: Mapped[int] = mapped_column(default=0)
    co2e_g_total: Mapped[Decimal] = mapped_column(Numeric(16, 1), default=Decimal(0))
    # The leaderboard's roll-up (SPEC §12.8), kept by ``post_entry``: the Shanghai month ("YYYY-MM") of the latest
    # EARN and what was earned in it. Earlier months are in gc_monthly_earnings.
    earned_month: Mapped[str | None] = mapped_column(String(7))
    earned_in_month: Mapped[int] = mapped_column(default=0, server_default="0")


class MonthlyEarning(Base):
    """What a citizen earned (EARN entries) in a month before their account's ``earned_month``: the leaderboard of a
    month reads these with the accounts whose current month it is."""

    __tablename__ = "gc_monthly_earnings"

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", Asia/Shanghai
    coins: Mapped[int] = mapped_column()


# A month's leaderboard, read in its order from either side: coins highest first, then citizen id.
Index("ix_gc_accounts_earned_month", Account.earned_month, Account.earned_in_month.desc(), Account.citizen_id)
Index("ix_gc_monthly_earnings_month", MonthlyEarning.month, MonthlyEarning.coins.desc(), MonthlyEarning.citizen_id)


class EntryKind(enum.StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    REFUND = "refund"
    EXPIRE = "expire"  # coins past the end of the twelfth month after they were earned (never a reservation)
    DONATE = "donate"
    ADJUST = "adjust"


class LedgerEntry(Base):
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
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("gc_donations.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column()
    lon: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DailyEarning(Base):
    """What a citizen has earned for one behaviour on one day: the daily cap is checked against it."""

    __tablename__ = "gc_daily_earnings"
    __table_args__ = (UniqueConstraint("citizen_id", "day", "behavior_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    day: Mapped[date] = mapped_column(Date)
    behavior_code: Mapped[str] = mapped_column(ForeignKey("gc_behaviors.code"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))  # reported (steps: the day's highest total)
    credited: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0), server_default="0")  # what earned coins
    coins: Mapped[int] = mapped_column(default=0)


class DeviceEvent(Base):
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
    cap_reason: Mapped[str | None] = mapped_column(String(10))  # "daily" | "budget", kept for replays
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Station(Base):
    __tablename__ = "gc_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    community: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    opening_hours: Mapped[str] = mapped_column(String(50), default="08:30–17:00")


class Reward(Base):
    __tablename__ = "gc_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    price_coins: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())  # retired rewards are neither listed nor redeemed
    stocks: Mapped[list[RewardStock]] = relationship(back_populates="reward")


class RewardStock(Base):
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


class Redemption(Base):
    __tablename__ = "gc_redemptions"
    __table_args__ = (
        Index("ix_gc_redemptions_station_code", "station_id", "code"),
        Index("ix_gc_redemptions_status_expires", "status", "expires_at"),
        Index("ix_gc_redemptions_citizen_created", "citizen_id", "created_at"),  # 我的: a citizen's, newest first
    )

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


class MonthlyBudget(Base):
    """What the program may issue in a month (Asia/Shanghai), and what it has issued: locked for every award."""

    __tablename__ = "gc_budgets"
    __table_args__ = (CheckConstraint("issued >= 0 AND issued <= budget", name="issued_within_budget"),)

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM"
    budget: Mapped[int] = mapped_column()
    issued: Mapped[int] = mapped_column(default=0)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CLOSED = "closed"


class Project(Base):
    """A public-good project (公益) citizens donate coins to, e.g. planting 杨梅 trees."""

    __tablename__ = "gc_projects"
    __table_args__ = (CheckConstraint("raised_coins >= 0 AND raised_coins <= goal_coins", name="raised_within_goal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000), default="")
    place: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column()
    lon: Mapped[float | None] = mapped_column()
    goal_coins: Mapped[int] = mapped_column()
    raised_coins: Mapped[int] = mapped_column(default=0)
    donations_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[ProjectStatus] = mapped_column(str_enum(ProjectStatus), default=ProjectStatus.OPEN)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Donation(Base):
    __tablename__ = "gc_donations"
    __table_args__ = (Index("ix_gc_donations_citizen_id_id", "citizen_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("gc_projects.id"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    coins: Mapped[int] = mapped_column()
    certificate_no: Mapped[str] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    project: Mapped[Project] = relationship()


class DeviceFlag(Base):
    """An implausible report from a partner's device, refused and kept for officials; once per source event."""

    __tablename__ = "gc_device_flags"
    __table_args__ = (UniqueConstraint("partner_id", "source_event_id"), Index("ix_gc_device_flags_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    source_event_id: Mapped[str] = mapped_column(String(100))
    behavior_code: Mapped[str] = mapped_column(String(30))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

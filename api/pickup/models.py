"""Tables of 海洋云仓 / 渔省心: ports, collection boats, vessels, pickup slots and bookings, credit."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import UTCDateTime, str_enum, utcnow
from api.extensions import db


class Port(db.Model):
    __tablename__ = "pk_ports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    # Pickup windows of the day, local time, e.g. ["08:00-10:00", "10:00-12:00"].
    windows: Mapped[list[str]] = mapped_column(JSON, default=list)
    boats: Mapped[list[CollectionBoat]] = relationship(back_populates="port")


class Berth(db.Model):
    __tablename__ = "pk_berths"
    __table_args__ = (UniqueConstraint("port_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    name: Mapped[str] = mapped_column(String(50))
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()


class CollectionBoat(db.Model):
    __tablename__ = "pk_collection_boats"

    id: Mapped[int] = mapped_column(primary_key=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    name: Mapped[str] = mapped_column(String(50), unique=True)
    trips_per_window: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    port: Mapped[Port] = relationship(back_populates="boats")


class PollutantType(db.Model):
    __tablename__ = "pk_pollutant_types"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


class CreditColor(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Vessel(db.Model):
    __tablename__ = "pk_vessels"

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    home_port_id: Mapped[int | None] = mapped_column(ForeignKey("pk_ports.id"))
    credit_score: Mapped[int] = mapped_column(default=70)
    credit_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor), default=CreditColor.YELLOW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PickupSlot(db.Model):
    """One pickup window at one port; its row is locked while a booking checks the capacity."""

    __tablename__ = "pk_slots"
    __table_args__ = (UniqueConstraint("port_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()


class BookingStatus(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


ACTIVE_BOOKING = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class Booking(db.Model):
    __tablename__ = "pk_bookings"
    __table_args__ = (
        Index("ix_pk_bookings_slot_status", "slot_id", "status"),
        Index("ix_pk_bookings_port_start", "port_id", "slot_start"),
        Index("ix_pk_bookings_status_collected_at", "status", "collected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), index=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("pk_slots.id"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus), default=BookingStatus.CONFIRMED)
    note: Mapped[str] = mapped_column(String(200), default="")
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    # 联单: the electronic transfer manifest number, issued on collection.
    manifest_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    collected_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    under_declared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    items: Mapped[list[BookingItem]] = relationship(back_populates="booking", order_by="BookingItem.id")
    vessel: Mapped[Vessel] = relationship()
    port: Mapped[Port] = relationship()


class BookingItem(db.Model):
    """Declared (at booking) against weighed (at collection) quantity of one pollutant."""

    __tablename__ = "pk_booking_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pk_bookings.id"), index=True)
    pollutant_code: Mapped[str] = mapped_column(ForeignKey("pk_pollutant_types.code"))
    est_qty_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    qty_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    booking: Mapped[Booking] = relationship(back_populates="items")


class CreditKind(enum.StrEnum):
    PICKUP = "pickup"
    PORT_REPORT = "port_report"
    SAFETY_CHECK = "safety_check"
    NO_SHOW = "no_show"
    DEDUCTION = "deduction"


class CreditEntry(db.Model):
    __tablename__ = "pk_credit_entries"
    __table_args__ = (Index("ix_pk_credit_entries_vessel_at", "vessel_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"))
    kind: Mapped[CreditKind] = mapped_column(str_enum(CreditKind))
    points: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("pk_bookings.id"))
    port_id: Mapped[int | None] = mapped_column(ForeignKey("pk_ports.id"))
    detail: Mapped[dict | None] = mapped_column(JSON)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditColorChange(db.Model):
    __tablename__ = "pk_credit_color_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), index=True)
    old_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor))
    new_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor))
    score: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Tables of 海洋云仓 / 渔省心: ports, collection boats, vessels, pickup slots and bookings, credit."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import Base, UTCDateTime, str_enum, utcnow


class Port(Base):
    __tablename__ = "pk_ports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    # Pickup windows of the day, local time, e.g. ["08:00-10:00", "10:00-12:00"].
    windows: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Windows held for green-coded vessels until the day before (差异化服务), e.g. ["07:00-09:00"].
    priority_windows: Mapped[list[str]] = mapped_column(JSON, default=list)
    boats: Mapped[list[CollectionBoat]] = relationship(back_populates="port")


class Berth(Base):
    __tablename__ = "pk_berths"
    __table_args__ = (UniqueConstraint("port_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    name: Mapped[str] = mapped_column(String(50))
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()


class CollectionBoat(Base):
    __tablename__ = "pk_collection_boats"

    id: Mapped[int] = mapped_column(primary_key=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    name: Mapped[str] = mapped_column(String(50), unique=True)
    trips_per_window: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    port: Mapped[Port] = relationship(back_populates="boats")


class PollutantType(Base):
    __tablename__ = "pk_pollutant_types"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


class CreditColor(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Vessel(Base):
    __tablename__ = "pk_vessels"

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    home_port_id: Mapped[int | None] = mapped_column(ForeignKey("pk_ports.id"))
    credit_score: Mapped[int] = mapped_column(default=70)
    credit_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor), default=CreditColor.YELLOW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VesselRegistration(Base):
    """渔船登记: the fishery registry's record of a vessel and its owner, imported from the bureau's register.

    The owner's ID number is kept only as the same keyed hash as ``citizens.id_number_hash``; the phone lets a
    dispatcher confirm a caller and text a captain who has not yet used the mini-app.
    """

    __tablename__ = "pk_vessel_registry"

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_no: Mapped[str] = mapped_column(String(20), unique=True)
    owner_hash: Mapped[str] = mapped_column(String(64), index=True)
    owner_name: Mapped[str] = mapped_column(String(50), default="")
    owner_phone: Mapped[str] = mapped_column(String(20), default="")
    vessel_name: Mapped[str] = mapped_column(String(50), default="")
    registered_on: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PickupSlot(Base):
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


class Booking(Base):
    __tablename__ = "pk_bookings"
    __table_args__ = (
        Index("ix_pk_bookings_slot_status", "slot_id", "status"),
        Index("ix_pk_bookings_port_start", "port_id", "slot_start"),
        Index("ix_pk_bookings_status_collected_at", "status", "collected_at"),
        Index("ix_pk_bookings_dispatcher_created", "dispatcher_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), index=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("pk_slots.id"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus), default=BookingStatus.CONFIRMED)
    note: Mapped[str] = mapped_column(String(200), default="")
    # The captain the booking is for (the vessel's owner when booked); a dispatcher's phone booking names them too.
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    # The dispatcher who took the captain's call (电话预约); null when the captain booked in the mini-app.
    dispatcher_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
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


class BookingItem(Base):
    """Declared (at booking) against weighed (at collection) quantity of one pollutant."""

    __tablename__ = "pk_booking_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pk_bookings.id"), index=True)
    pollutant_code: Mapped[str] = mapped_column(ForeignKey("pk_pollutant_types.code"))
    est_qty_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    # The declared quantity as the captain gave it, and its unit ("kg" or "jin"), shown back the same way.
    est_qty: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    unit: Mapped[str] = mapped_column(String(3), default="kg")
    qty_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    booking: Mapped[Booking] = relationship(back_populates="items")


class CreditKind(enum.StrEnum):
    PICKUP = "pickup"
    PORT_REPORT = "port_report"
    SAFETY_CHECK = "safety_check"
    NO_SHOW = "no_show"
    DEDUCTION = "deduction"


class CreditEntry(Base):
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
    # Set when an official overturns the entry on appeal: it stays in the history and stops counting.
    overturned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal: Mapped[CreditAppeal | None] = relationship(back_populates="entry", uselist=False)


class CreditColorChange(Base):
    __tablename__ = "pk_credit_color_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), index=True)
    old_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor))
    new_color: Mapped[CreditColor] = mapped_column(str_enum(CreditColor))
    score: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditAppeal(Base):
    """A captain's appeal (申诉) against one deduction, and the official's decision; one per entry."""

    __tablename__ = "pk_credit_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("pk_credit_entries.id"), unique=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"), index=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    upheld: Mapped[bool | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry: Mapped[CreditEntry] = relationship(back_populates="appeal")

    @property
    def status(self) -> str:
        if self.upheld is None:
            return "pending"
        return "upheld" if self.upheld else "overturned"


class MissedReport(Base):
    """漏收: a captain's report that the crew did not come to a booked window; open until an official closes it."""

    __tablename__ = "pk_missed_reports"
    __table_args__ = (Index("ix_pk_missed_reports_open", "closed_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pk_bookings.id"), unique=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"))
    port_id: Mapped[int] = mapped_column(ForeignKey("pk_ports.id"))
    reported_by: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    resolution: Mapped[str | None] = mapped_column(String(500))
    booking: Mapped[Booking] = relationship()


class CreditConsent(Base):
    """金融助渔: a captain's consent that one partner may read one vessel's credit until ``expires_at``."""

    __tablename__ = "pk_credit_consents"
    __table_args__ = (Index("ix_pk_credit_consents_vessel_partner", "vessel_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("pk_vessels.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    given_by: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CreditRead(Base):
    """One partner's attempt to read a vessel's credit, allowed or refused, as the captain sees it."""

    __tablename__ = "pk_credit_reads"
    __table_args__ = (Index("ix_pk_credit_reads_vessel_at", "vessel_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    vessel_id: Mapped[int | None] = mapped_column(ForeignKey("pk_vessels.id"))
    vessel_no: Mapped[str] = mapped_column(String(20))
    allowed: Mapped[bool] = mapped_column()
    # consent | no_consent | expired | unknown_vessel
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

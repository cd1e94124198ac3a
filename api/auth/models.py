"""Tables of identity: citizens, staff, partners and their keys, the audit log, mock 浙里办 tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import Base, UTCDateTime, utcnow


class Citizen(Base):
    """A resident known through 浙里办; the ID number is kept only as a keyed hash and a masked form."""

    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    community: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Carried in every token issued to this citizen; signing out bumps it, so every earlier token stops working.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The port a collection crew serves (pickup); null for other roles.
    port_id: Mapped[int | None] = mapped_column()
    station_id: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    # Carried in every token issued to this account; signing out or deactivation bumps it (checked on each request).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Partner(Base):
    """An organisation whose devices report green behaviour (smart bins, the bus card system)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Which behaviour sources this partner may report, e.g. ["garbage_sorting"].
    behaviors: Mapped[list[str]] = mapped_column(JSON, default=list)
    keys: Mapped[list[ApiKey]] = relationship(back_populates="partner")


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    partner: Mapped[Partner] = relationship(back_populates="keys")


class AuditEntry(Base):
    """Who among the staff read or changed whose personal data, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))


class MockZlbTicket(Base):
    """A one-time ticket issued by the mock 浙里办 (development and tests only)."""

    __tablename__ = "mock_zlb_tickets"

    ticket: Mapped[str] = mapped_column(String(64), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

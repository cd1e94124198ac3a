"""Server-side sign-in sessions of officials in the cockpit, keyed by a random opaque id held in an HttpOnly cookie.

The browser keeps only a random 256-bit id; the database keeps its SHA-256, whose staff member it is and until when
it is good. A reload sends the cookie again and finds the session; signing out (or deactivating the account)
ends it at once, because every look-up checks the row and the account. Flask-free: the Streamlit cockpit and its
cookie route call it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.auth.models import StaffUser
from api.common.db import Base, UTCDateTime, unit_of_work, utcnow

COOKIE_NAME = "zheli_cockpit_session"


class StaffSession(Base):
    """One signed-in browser of an official (the cockpit); ``token_hash`` is the SHA-256 of the cookie's value."""

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_staff_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff_id: int, *, ttl_seconds: int, ip: str | None = None) -> str:
    """Start a session for a staff member who has just proved their password; returns the cookie's value."""
    token = secrets.token_urlsafe(32)
    with unit_of_work(session):
        session.add(StaffSession(token_hash=_digest(token), staff_id=staff_id, expires_at=utcnow() + timedelta(seconds=ttl_seconds), ip=ip))
    return token


def staff_for_session(session: Session, token: str | None) -> StaffUser | None:
    """The active staff member a cookie value stands for, or None (unknown, expired, revoked, deactivated)."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    staff = session.get(StaffUser, row.staff_id)
    return staff if staff is not None and staff.active else None


def close_session(session: Session, token: str | None) -> None:
    """Sign out: the cookie's session stops working at once (idempotent)."""
    if not token:
        return
    with unit_of_work(session):
        row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()

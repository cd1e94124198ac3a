"""The SMS outbox: one row a message, written in the transaction of the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.common.db import Base, UTCDateTime, str_enum, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a worker (first try or a retry after backoff)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"  # accepted by the provider
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"


FINAL_STATUSES = {MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED}


class MessageKind(enum.StrEnum):
    RECEIPT = "receipt"  # a decision or a receipt: sent at any hour
    REMINDER = "reminder"  # held back during quiet hours


class SmsMessage(Base):
    __tablename__ = "sms_messages"
    __table_args__ = (
        Index("ix_sms_messages_due", "status", "next_attempt_at"),
        Index("ix_sms_messages_phone_sent", "phone", "sent_at"),
        Index("ix_sms_messages_citizen", "citizen_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    # The resident the message is addressed to (null for staff and for captains not yet in the app). A citizen's own
    # copies (/me/messages) are found by this, never by the phone: a number can change hands.
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus), default=MessageStatus.PENDING)
    # Makes an enqueue idempotent, e.g. one reminder per booking.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    # Set and committed just before the provider is called: a message whose worker died
    # after this point may have gone out, so it is never sent again automatically.
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Rules of the SMS outbox: enqueue in the caller's transaction, claim, send, retry, sweep, track delivery."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.auth.roles import ADMIN, bureaus_of
from api.auth.service import record_access
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.common.pii import normalize_phone
from api.notify.models import FINAL_STATUSES, MessageKind, MessageStatus, SmsMessage
from api.notify.providers import PermanentSmsError, SmsProvider, TransientSmsError, describe_error
from api.notify.templates import TemplateError, bureau_templates, template

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class SendPolicy:
    max_attempts: int = 5
    backoff_seconds: int = 30
    per_phone_per_hour: int = 10
    quiet_start_hour: int = 21
    quiet_end_hour: int = 8
    sending_timeout_seconds: int = 300

    @classmethod
    def from_config(cls, config) -> SendPolicy:
        start, _, end = config["SMS_QUIET_HOURS"].partition("-")
        return cls(
            config["SMS_MAX_ATTEMPTS"],
            config["SMS_BACKOFF_SECONDS"],
            config["SMS_PER_PHONE_PER_HOUR"],
            int(start),
            int(end),
            config["SMS_SENDING_TIMEOUT_SECONDS"],
        )

    def backoff(self, attempts: int) -> timedelta:
        """Exponential: base, 2×base, 4×base … capped at one hour."""
        return timedelta(seconds=min(self.backoff_seconds * 2 ** (attempts - 1), 3600))

    def quiet_until(self, now: datetime) -> datetime | None:
        """The end of quiet hours if ``now`` falls inside them (Shanghai time), else None."""
        local = now.astimezone(SHANGHAI)
        if not (local.hour >= self.quiet_start_hour or local.hour < self.quiet_end_hour):
            return None
        end = local.replace(hour=self.quiet_end_hour, minute=0, second=0, microsecond=0)
        if local.hour >= self.quiet_start_hour:
            end += timedelta(days=1)
        return end


def enqueue(
    session: Session,
    phone: str,
    template_code: str,
    params: dict,
    *,
    citizen_id: int | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> SmsMessage:
    """Add a message to the outbox in the caller's transaction; it is sent only if that transaction commits.

    ``citizen_id`` names the resident it is addressed to, so that it shows in their own messages (and nobody else's).
    """
    tpl = template(template_code)
    body = tpl.render(params)
    if dedupe_key:
        existing = session.scalar(select(SmsMessage).where(SmsMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    message = SmsMessage(
        phone=normalize_phone(phone),
        citizen_id=citizen_id,
        template=tpl.code,
        params=params,
        body=body,
        kind=tpl.kind,
        dedupe_key=dedupe_key,
        next_attempt_at=not_before or utcnow(),
    )
    session.add(message)
    return message


def claim_batch(session: Session, worker_id: str, *, limit: int, due_before: datetime) -> list[int]:
    # due_before doubles as the claim time: the pass's clock, not the wall clock, in tests too
    """Mark up to ``limit`` due messages as ours; on PostgreSQL rows other workers hold are skipped."""
    with unit_of_work(session):
        ids = list(
            session.scalars(
                select(SmsMessage.id)
                .where(SmsMessage.status == MessageStatus.PENDING, SmsMessage.next_attempt_at <= due_before)
                .order_by(SmsMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            session.execute(
                update(SmsMessage)
                .where(SmsMessage.id.in_(ids))
                .values(status=MessageStatus.SENDING, claimed_at=due_before, claimed_by=worker_id, send_started_at=None)
            )
    return ids


def _defer(message: SmsMessage, until: datetime, reason: str | None) -> None:
    message.status, message.next_attempt_at, message.last_error = MessageStatus.PENDING, until, reason
    message.claimed_by = message.claimed_at = None


def _deferral(session: Session, message: SmsMessage, policy: SendPolicy, now: datetime) -> tuple[datetime, str] | None:
    """Until when a message must wait (quiet hours, per-phone limit); always later than ``now``."""
    if message.kind == MessageKind.REMINDER and (quiet_end := policy.quiet_until(now)):
        return quiet_end, "quiet hours"
    hour_ago = now - timedelta(hours=1)
    recent = list(
        session.scalars(
            select(SmsMessage.sent_at).where(SmsMessage.phone == message.phone, SmsMessage.sent_at > hour_ago).order_by(SmsMessage.sent_at)
        )
    )
    if len(recent) >= policy.per_phone_per_hour:
        first = recent[0]
        assert first is not None  # sent_at > hour_ago leaves out the unsent
        return max(first + timedelta(hours=1), now + timedelta(seconds=1)), "per-phone hourly limit"
    return None


def masked_body(message: SmsMessage) -> str:
    """The message as anyone but its recipient may see it (officials' list, logs)."""
    try:
        return template(message.template).render(message.params, masked=True)
    except TemplateError:  # a template retired since the message was queued: its text is not shown
        return f"({message.template})"


def deliver(session: Session, message_id: int, provider: SmsProvider, policy: SendPolicy, clock: Clock = utcnow) -> MessageStatus:
    """Send one claimed message and record the outcome."""
    now = clock()
    with unit_of_work(session):
        message = session.get(SmsMessage, message_id)
        if message is None or message.status != MessageStatus.SENDING:
            return message.status if message else MessageStatus.FAILED
        deferral = _deferral(session, message, policy, now)
        if deferral:
            _defer(message, *deferral)
            return message.status
        message.send_started_at, message.provider = now, provider.name
        phone, body, loggable = message.phone, message.body, masked_body(message)
    error: str | None
    try:
        provider_id = provider.send(phone, body, message_id=message_id, loggable=loggable)
    except TransientSmsError as exc:
        outcome, error = "transient", str(exc)
    except PermanentSmsError as exc:
        outcome, error = "permanent", str(exc)
    else:
        outcome, error = "sent", None
    with unit_of_work(session):
        message = session.get_one(SmsMessage, message_id)  # read above; messages are never deleted
        message.attempts += 1
        message.send_started_at = None
        if outcome == "sent":
            message.status, message.provider_message_id, message.sent_at = MessageStatus.SENT, provider_id, clock()
            message.last_error = None
        elif outcome == "transient" and message.attempts < policy.max_attempts:
            _defer(message, clock() + policy.backoff(message.attempts), error)
        else:
            message.status, message.last_error = MessageStatus.FAILED, error
        return message.status


def sweep_stuck(session: Session, policy: SendPolicy, clock: Clock = utcnow) -> dict[str, int]:
    """Messages a dead worker left in ``sending``: back to the queue if never handed over, else failed."""
    cutoff = clock() - timedelta(seconds=policy.sending_timeout_seconds)
    with unit_of_work(session):
        stuck = list(
            session.scalars(
                select(SmsMessage)
                .where(SmsMessage.status == MessageStatus.SENDING, SmsMessage.claimed_at < cutoff)
                .with_for_update(skip_locked=True)
            )
        )
        result: Counter[str] = Counter()
        for message in stuck:
            if message.send_started_at is None:
                _defer(message, clock(), "requeued after worker stopped")
                result["requeued"] += 1
            else:
                message.status = MessageStatus.FAILED
                message.last_error = "发送过程中断,结果未知;为避免重复发送不再自动重试 (interrupted mid-send; not retried)"
                result["failed_unknown"] += 1
    return dict(result)


def send_pending(
    session: Session, provider: SmsProvider, policy: SendPolicy, *, worker_id: str, batch_size: int = 50, clock: Clock = utcnow
) -> dict[str, int]:
    """One pass: sweep, then send every message due when the pass began."""
    counts = Counter(sweep_stuck(session, policy, clock))
    pass_start = clock()
    while ids := claim_batch(session, worker_id, limit=batch_size, due_before=pass_start):
        for message_id in ids:
            counts[str(deliver(session, message_id, provider, policy, clock))] += 1
    return dict(counts)


# Twilio's MessageStatus → ours; queued/accepted/sending say nothing new once we hold "sent".
_CALLBACK_STATUS = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED,
}


def apply_delivery_status(
    session: Session, provider_message_id: str, provider_status: str, error_code: str | None = None
) -> SmsMessage | None:
    """Record a provider's status callback; a final status is never replaced by a late, earlier one.

    A callback for a message we do not know (sent by another environment sharing the account, or purged)
    is logged and acknowledged (None), as GOV.UK Notify does: the provider retries anything but 2xx.
    """
    with unit_of_work(session):
        message = session.scalar(select(SmsMessage).where(SmsMessage.provider_message_id == provider_message_id).with_for_update())
        if message is None:
            logger.warning(
                "delivery status %r for unknown message sid %s: acknowledged, nothing changed",
                provider_status,
                provider_message_id,
            )
            return None
        new_status = _CALLBACK_STATUS.get(provider_status)
        if new_status is None or message.status in FINAL_STATUSES or message.status == new_status:
            return message
        message.status, message.status_updated_at = new_status, utcnow()
        if error_code:
            message.last_error = describe_error(error_code, f"provider error {error_code}")
    return message


def list_messages(
    session: Session,
    *,
    viewer: str,
    roles: tuple[str, ...] | list[str],
    ip: str | None,
    status: str | None,
    template: str | None = None,
    limit: int,
    cursor: str | None,
) -> dict:
    """A page of messages for an official: only the texts of their bureaus' templates (admin: every text, the
    platform's own included); the read is audited in the same transaction."""
    with unit_of_work(session):
        stmt = select(SmsMessage)
        if ADMIN not in roles:
            stmt = stmt.where(SmsMessage.template.in_(bureau_templates(bureaus_of(roles))))
        if template:
            stmt = stmt.where(SmsMessage.template == template)
        if status:
            stmt = stmt.where(SmsMessage.status == MessageStatus(status))
        page = paginate(session, stmt, SmsMessage.id, limit=limit, cursor=cursor)
        detail = f"status={status} count={len(page['items'])}" + (f" template={template}" if template else "")
        record_access(session, actor=viewer, action="notify.messages.list", detail=detail, ip=ip)
    return page


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(SmsMessage.status, func.count()).group_by(SmsMessage.status))
    return {str(status): count for status, count in rows}

"""Demo data of the SMS outbox: the texts the last 30 days' decisions, receipts and pickup codes sent.

Each message is made by the same ``enqueue`` and the same parameters the services use, then given the outcome a
month of real sending has: most delivered, some still only accepted by the carrier, a few undelivered (handset
off or out of coverage at sea) and a few refused as invalid numbers.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission.models import Application, ApplicationStatus
from api.admission.service import decision_params
from api.auth.models import Citizen
from api.common.db import unit_of_work, utcnow
from api.greencoins.models import Redemption
from api.greencoins.redemption import code_params
from api.notify.models import MessageStatus, SmsMessage
from api.notify.providers import describe_error
from api.notify.service import enqueue
from api.pickup.models import Booking, BookingStatus, Vessel
from api.pickup.service import receipt_params

DEDUPE_PREFIX = "demo-history:"
OUTCOMES = [  # status, weight, last_error
    (MessageStatus.DELIVERED, 88, None),
    (MessageStatus.SENT, 6, None),
    (MessageStatus.UNDELIVERED, 4, describe_error(30003, "provider error 30003")),
    (MessageStatus.FAILED, 2, describe_error(21211, "twilio 400 code 21211: The 'To' number is not a valid phone number.")),
]


def _history_events(session: Session, since) -> list[tuple]:
    """(when, phone, citizen id, template, params, key) of every message the last 30 days' events caused."""
    events = []
    decided = session.execute(
        select(Application, Citizen.phone, Citizen.id)
        .join(Citizen, Citizen.id == Application.citizen_id)
        .where(Application.status.in_([ApplicationStatus.ADMITTED, ApplicationStatus.REJECTED]), Application.decided_at >= since)
    )
    for application, phone, citizen_id in decided:
        template = "admission_admitted" if application.status == ApplicationStatus.ADMITTED else "admission_rejected"
        events.append((application.decided_at, phone, citizen_id, template, decision_params(application), f"application:{application.id}"))
    receipts = session.execute(
        select(Booking, Vessel, Citizen.phone, Citizen.id)
        .join(Vessel, Vessel.id == Booking.vessel_id)
        .join(Citizen, Citizen.id == Booking.booked_by)
        .where(Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= since)
    )
    for booking, vessel, phone, citizen_id in receipts:
        events.append(
            (booking.collected_at, phone, citizen_id, "pickup_collected", receipt_params(session, booking, vessel), f"booking:{booking.id}")
        )
    redemptions = session.execute(
        select(Redemption, Citizen.phone, Citizen.id)
        .join(Citizen, Citizen.id == Redemption.citizen_id)
        .where(Redemption.created_at >= since)
    )
    for redemption, phone, citizen_id in redemptions:
        events.append(
            (
                redemption.created_at,
                phone,
                citizen_id,
                "redemption_code",
                code_params(redemption, redemption.reward, redemption.station),
                f"redemption:{redemption.id}",
            )
        )
    return sorted(events, key=lambda event: event[0])


def seed_message_history(session: Session) -> str:
    with unit_of_work(session):
        seeded = session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.dedupe_key.startswith(DEDUPE_PREFIX)))
        if seeded:
            return f"sms history: {seeded} messages"
        rng = random.Random(12345)
        statuses, weights, errors = zip(*((s, w, e) for s, w, e in OUTCOMES), strict=True)
        events = _history_events(session, utcnow() - timedelta(days=30))
        for when, phone, citizen_id, template, params, key in events:
            message = enqueue(session, phone, template, params, citizen_id=citizen_id, dedupe_key=DEDUPE_PREFIX + key)
            outcome = rng.choices(range(len(statuses)), weights=weights)[0]
            message.status, message.last_error = statuses[outcome], errors[outcome]
            message.created_at = message.next_attempt_at = when
            message.attempts, message.provider = 1, "twilio"
            if message.status != MessageStatus.FAILED:
                message.sent_at = when + timedelta(seconds=rng.randint(1, 5))
                message.provider_message_id = f"SM{rng.getrandbits(128):032x}"
            if message.status in (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED):
                assert message.sent_at is not None  # set above: delivered or not, it was sent
                message.status_updated_at = message.sent_at + timedelta(seconds=rng.randint(3, 40))
    return f"sms history: {len(events)} messages"

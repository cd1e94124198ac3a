"""The SMS outbox: enqueue in the caller's transaction, send through the real twilio client, retry, fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.common.db import unit_of_work
from api.extensions import db
from api.notify import service
from api.notify.models import MessageStatus, SmsMessage
from api.notify.providers import ConsoleProvider, TwilioProvider
from api.notify.templates import TemplateError

SID, TOKEN = "AC" + "0" * 32, "stub-auth-token"
POLICY = service.SendPolicy(max_attempts=3, backoff_seconds=30, per_phone_per_hour=10)


class Clock:
    """A clock the test moves by hand, starting now unless told otherwise."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def twilio(stub) -> TwilioProvider:
    return TwilioProvider(SID, TOKEN, "+15005550006", base_url=stub.base_url)


def queue(template="test_message", phone="13800000001", not_before=None, **params) -> SmsMessage:
    with unit_of_work(db.session):
        message = service.enqueue(db.session, phone, template, params or {"text": "你好"}, not_before=not_before)
    return message


def send(stub, clock, policy=POLICY) -> dict:
    return service.send_pending(db.session, twilio(stub), policy, worker_id="test", clock=clock)


def test_a_message_goes_out_through_the_twilio_client_and_records_its_sid(twilio_stub):
    message = queue(text="渔船接收预约已确认")
    counts = send(twilio_stub, Clock())
    assert counts == {"sent": 1}
    request = twilio_stub.requests[0]
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["form"]["To"] == "+8613800000001" and "渔船接收预约已确认" in request["form"]["Body"]
    assert request["auth"].startswith("Basic ")
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.provider_message_id.startswith("SM")
    assert message.attempts == 1


def test_rate_limits_and_server_errors_are_retried_with_exponential_backoff(twilio_stub):
    message = queue()
    twilio_stub.fail_next(429, 20429, "Too Many Requests")
    twilio_stub.fail_next(500, 20500, "Internal Server Error")
    clock = Clock()
    assert send(twilio_stub, clock) == {"pending": 1}
    db.session.refresh(message)
    assert message.next_attempt_at == clock.now + timedelta(seconds=30) and "429" in message.last_error
    clock.advance(29)
    assert send(twilio_stub, clock) == {}, "not due before its backoff"
    clock.advance(1)
    assert send(twilio_stub, clock) == {"pending": 1}
    db.session.refresh(message)
    assert message.next_attempt_at == clock.now + timedelta(seconds=60), "backoff doubles"
    clock.advance(60)
    assert send(twilio_stub, clock) == {"sent": 1}
    assert len(twilio_stub.requests) == 3
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.attempts == 3


def test_a_permanent_error_fails_at_once_with_the_reason(twilio_stub):
    message = queue()
    twilio_stub.fail_next(400, 21211, "The 'To' number is not a valid phone number.")
    assert send(twilio_stub, Clock()) == {"failed": 1}
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and message.last_error.startswith("手机号码无效 (") and "21211" in message.last_error
    assert len(twilio_stub.requests) == 1


def test_after_the_attempt_limit_a_message_ends_failed(twilio_stub):
    message = queue()
    clock = Clock()
    for _ in range(3):
        twilio_stub.fail_next(503, 20503, "Service Unavailable")
        send(twilio_stub, clock)
        clock.advance(3600)
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and message.attempts == 3
    clock.advance(3600)
    assert send(twilio_stub, clock) == {} and len(twilio_stub.requests) == 3


def test_a_message_enqueued_in_a_transaction_that_rolls_back_is_never_sent(twilio_stub):
    with pytest.raises(RuntimeError), unit_of_work(db.session):
        service.enqueue(db.session, "13800000001", "test_message", {"text": "never"})
        raise RuntimeError("the change failed")
    assert db.session.scalar(select(SmsMessage)) is None
    assert send(twilio_stub, Clock()) == {} and twilio_stub.requests == []


def test_the_console_provider_logs_the_text_with_names_and_phone_masked(caplog):
    queue("admission_admitted", phone="13912345678", child_name="王梓涵", school="椒江区葭沚小学", year=2027, level="小学")
    with caplog.at_level("INFO", logger="api.notify"):
        counts = service.send_pending(db.session, ConsoleProvider(), POLICY, worker_id="test", clock=Clock())
    assert counts == {"sent": 1}
    logged = caplog.text
    assert "王*涵已被椒江区葭沚小学录取" in logged and "139****5678" in logged
    assert "王梓涵" not in logged and "13912345678" not in logged
    assert "王梓涵已被" in db.session.scalar(select(SmsMessage.body))  # the guardian still gets the whole name


def test_a_missing_template_parameter_is_an_error_when_enqueued():
    with pytest.raises(TemplateError, match="vessel_no"):
        service.enqueue(db.session, "13800000001", "pickup_confirmed", {"port": "椒江中心渔港", "window": "9:00"})


def test_the_same_dedupe_key_is_enqueued_once():
    with unit_of_work(db.session):
        first = service.enqueue(db.session, "13800000001", "test_message", {"text": "a"}, dedupe_key="booking:1:reminder")
    with unit_of_work(db.session):
        again = service.enqueue(db.session, "13800000001", "test_message", {"text": "a"}, dedupe_key="booking:1:reminder")
    assert first.id == again.id


def test_reminders_wait_for_the_end_of_quiet_hours_but_receipts_do_not(twilio_stub):
    late_evening = Clock(datetime(2026, 11, 20, 14, 30, tzinfo=UTC))  # 22:30 in Shanghai
    reminder = queue("pickup_reminder", not_before=late_evening.now, vessel_no="浙椒渔77033", window="08:00–10:00", port="椒江中心渔港")
    receipt = queue("test_message", phone="13800000002", not_before=late_evening.now, text="receipt")
    assert send(twilio_stub, late_evening) == {"pending": 1, "sent": 1}
    db.session.refresh(reminder)
    db.session.refresh(receipt)
    assert receipt.status == MessageStatus.SENT and reminder.status == MessageStatus.PENDING
    assert reminder.next_attempt_at == datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    assert reminder.attempts == 0


def test_one_phone_gets_no_more_than_its_hourly_limit(twilio_stub):
    for i in range(3):
        queue(text=f"第{i}条")
    clock = Clock()
    policy = service.SendPolicy(per_phone_per_hour=2)
    assert send(twilio_stub, clock, policy) == {"sent": 2, "pending": 1}
    clock.advance(3600)
    assert send(twilio_stub, clock, policy) == {"sent": 1}


def test_a_dead_workers_messages_are_requeued_if_never_handed_over_and_failed_if_maybe_sent(twilio_stub):
    untouched, in_flight = queue(text="a"), queue(text="b")
    clock = Clock()
    service.claim_batch(db.session, "dead-worker", limit=10, due_before=clock.now)
    with unit_of_work(db.session):
        db.session.get(SmsMessage, in_flight.id).send_started_at = clock.now
    clock.advance(POLICY.sending_timeout_seconds + 1)
    assert send(twilio_stub, clock) == {"requeued": 1, "failed_unknown": 1, "sent": 1}
    db.session.refresh(in_flight)
    assert in_flight.status == MessageStatus.FAILED and "不再自动重试" in in_flight.last_error
    assert twilio_stub.sent_bodies == [db.session.get(SmsMessage, untouched.id).body]

"""Twilio's status callback (signature checked) and the officials' view of messages."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from api.auth.models import AuditEntry
from api.common.db import unit_of_work
from api.extensions import db
from api.notify import service
from api.notify.models import MessageStatus, SmsMessage
from api.notify.providers import TwilioProvider
from tests.assertions import assert_error_shape
from tests.factories import staff_headers

TOKEN = "callback-auth-token"
CALLBACK_URL = "https://zheli.example.gov.cn/api/v1/notify/twilio/status"


@pytest.fixture
def sent_message(app, monkeypatch) -> SmsMessage:
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "TWILIO_STATUS_CALLBACK_URL", CALLBACK_URL)
    with unit_of_work(db.session):
        message = service.enqueue(
            db.session,
            "13800000001",
            "admission_admitted",
            {"child_name": "王梓涵", "school": "椒江区实验小学", "year": 2027, "level": "小学"},
        )
        db.session.flush()
        message.status, message.provider_message_id = MessageStatus.SENT, "SM0123456789abcdef"
    return message


def callback(client, status: str, *, token: str = TOKEN, sid: str = "SM0123456789abcdef", signature: str | None = None, **extra):
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra}
    if signature is None:
        signature = RequestValidator(token).compute_signature(CALLBACK_URL, form)
    return client.post("/api/v1/notify/twilio/status", data=form, headers={"X-Twilio-Signature": signature})


def test_a_correctly_signed_callback_marks_the_message_delivered(client, sent_message):
    assert callback(client, "delivered").status_code == 204
    db.session.refresh(sent_message)
    assert sent_message.status == MessageStatus.DELIVERED


def test_a_callback_signed_with_another_token_is_forbidden_and_changes_nothing(client, sent_message):
    assert_error_shape(callback(client, "delivered", token="wrong-token"), 403, "forbidden")
    db.session.refresh(sent_message)
    assert sent_message.status == MessageStatus.SENT


def test_a_callback_without_a_signature_is_forbidden(client, sent_message):
    assert_error_shape(callback(client, "delivered", signature=""), 403, "forbidden")


def test_a_late_earlier_status_never_overwrites_a_final_one(client, sent_message):
    assert callback(client, "undelivered", ErrorCode="30003").status_code == 204
    assert callback(client, "sent").status_code == 204
    assert callback(client, "delivered").status_code == 204
    db.session.refresh(sent_message)
    assert sent_message.status == MessageStatus.UNDELIVERED
    assert sent_message.last_error == "手机无法接通(关机或不在服务区) (provider error 30003)"


def test_a_callback_for_an_unknown_message_is_acknowledged_and_logged_so_twilio_stops_retrying(client, sent_message, caplog):
    with caplog.at_level(logging.WARNING, logger="api.notify.service"):
        answer = callback(client, "delivered", sid="SMunknown0000")
    assert answer.status_code == 204 and answer.get_data() == b""
    assert any("SMunknown0000" in r.getMessage() and "unknown message" in r.getMessage() for r in caplog.records)
    db.session.refresh(sent_message)
    assert sent_message.status == MessageStatus.SENT


def test_an_unknown_message_with_a_bad_signature_is_still_forbidden(client, sent_message):
    assert_error_shape(callback(client, "delivered", sid="SMunknown0000", token="wrong-token"), 403, "forbidden")


def test_the_sid_a_real_twilio_send_records_is_the_one_its_signed_callback_updates(app, client, monkeypatch, twilio_stub):
    """End to end: the real twilio client sends through the stub, the stub's SID comes back in a signed callback."""
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "TWILIO_STATUS_CALLBACK_URL", CALLBACK_URL)
    with unit_of_work(db.session):
        message = service.enqueue(db.session, "13800000002", "test_message", {"text": "渔船接收预约已确认"})
    provider = TwilioProvider("AC" + "0" * 32, TOKEN, "+15005550006", base_url=twilio_stub.base_url, status_callback=CALLBACK_URL)
    assert service.send_pending(db.session, provider, service.SendPolicy(), worker_id="test") == {"sent": 1}
    assert twilio_stub.requests[0]["form"]["StatusCallback"] == CALLBACK_URL
    db.session.refresh(message)
    sid = message.provider_message_id
    assert callback(client, "failed", sid=sid, ErrorCode="30006").status_code == 204
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and "30006" in message.last_error


def test_a_callback_missing_its_status_is_a_validation_error(client, sent_message):
    form = {"MessageSid": "SM0123456789abcdef", "AccountSid": "AC" + "0" * 32}
    signature = RequestValidator(TOKEN).compute_signature(CALLBACK_URL, form)
    answer = client.post("/api/v1/notify/twilio/status", data=form, headers={"X-Twilio-Signature": signature})
    body = assert_error_shape(answer, 422, "validation_error")
    assert set(body["details"]) == {"MessageStatus"}


def test_an_officials_read_of_the_messages_is_audited_in_its_own_committed_transaction(client, sent_message):
    assert client.get("/api/v1/notify/messages?status=sent", headers=staff_headers(client)).status_code == 200
    db.session.remove()  # a fresh session sees only what was committed
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "notify.messages.list")).all()
    assert [(e.actor, e.detail) for e in entries] == [(entries[0].actor, "status=sent count=1")]
    assert entries[0].actor


def test_officials_see_messages_with_phones_and_names_masked_page_by_page(client, sent_message):
    with unit_of_work(db.session):
        for i in range(3):
            service.enqueue(db.session, f"1390000000{i}", "test_message", {"text": f"第{i}条"})
    headers = staff_headers(client)
    first = client.get("/api/v1/notify/messages?limit=2", headers=headers)
    assert first.status_code == 200 and len(first.json["items"]) == 2 and first.json["next_cursor"]
    second = client.get(f"/api/v1/notify/messages?limit=2&cursor={first.json['next_cursor']}", headers=headers)
    assert len(second.json["items"]) == 2 and second.json["next_cursor"] is None
    admitted = second.json["items"][-1]
    assert admitted["phone"] == "138****0001" and "王*涵" in admitted["body"] and "王梓涵" not in admitted["body"]
    only_sent = client.get("/api/v1/notify/messages?status=sent", headers=headers).json["items"]
    assert [m["id"] for m in only_sent] == [sent_message.id]


def test_a_bad_status_filter_or_cursor_is_a_validation_error(client):
    headers = staff_headers(client)
    assert_error_shape(client.get("/api/v1/notify/messages?status=lost", headers=headers), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/notify/messages?cursor=%%%", headers=headers), 422, "validation_error")

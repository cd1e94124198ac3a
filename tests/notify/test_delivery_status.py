"""Twilio's status callback (signature checked) and the officials' view of messages."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from api.common.db import unit_of_work
from api.extensions import db
from api.notify import service
from api.notify.models import MessageStatus, SmsMessage
from tests.factories import staff_headers
from tests.foundation.test_errors import assert_error_shape

TOKEN = "callback-auth-token"
CALLBACK_URL = "https://zheli.example.gov.cn/api/v1/notify/twilio/status"


@pytest.fixture
def sent_message(app, monkeypatch) -> SmsMessage:
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "TWILIO_STATUS_CALLBACK_URL", CALLBACK_URL)
    with unit_of_work(db.session):
        message = service.enqueue(db.session, "13800000001", "admission_admitted",
                                  {"child_name": "王梓涵", "school": "椒江区实验小学", "year": 2027, "level": "小学"})
        db.session.flush()
        message.status, message.provider_message_id = MessageStatus.SENT, "SM0123456789abcdef"
    return message


def callback(client, status: str, *, token: str = TOKEN, sid: str = "SM0123456789abcdef", signature: str | None = None,
             **extra):
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


def test_a_callback_for_an_unknown_message_is_not_found(client, sent_message):
    assert_error_shape(callback(client, "delivered", sid="SMunknown"), 404, "not_found")


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

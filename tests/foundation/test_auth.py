"""Identity: 浙里办 tickets, staff passwords, bearer tokens, roles, partner keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import jwt
from sqlalchemy import select

from api.auth.models import ApiKey, AuditEntry, Citizen, StaffUser
from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.seed.residents import make_id_number
from tests.assertions import assert_error_shape
from tests.factories import PASSWORD, citizen_headers, citizen_ticket, make_partner_key, make_staff, staff_headers


def test_a_ticket_signs_a_citizen_in_once_with_name_and_phone_masked(client):
    ticket = citizen_ticket(client, name="王建国", phone="13800000001")
    first = client.post("/api/v1/auth/zlb/exchange", json={"ticket": ticket})
    assert first.status_code == 200
    assert first.json["token_type"] == "Bearer" and first.json["expires_in"] > 0
    assert first.json["user"]["name"] == "王*国" and first.json["user"]["phone"] == "138****0001"
    assert first.json["user"]["roles"] == ["citizen"]
    again = client.post("/api/v1/auth/zlb/exchange", json={"ticket": ticket})
    assert_error_shape(again, 401, "unauthorized")


def test_an_expired_ticket_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ZLB_TICKET_TTL", -1)
    ticket = citizen_ticket(client)
    body = assert_error_shape(client.post("/api/v1/auth/zlb/exchange", json={"ticket": ticket}), 401, "unauthorized")
    assert "过期" in body["message"]


def test_the_id_number_is_stored_only_as_a_keyed_hash_and_a_masked_form(client):
    citizen_headers(client, "parent_a")
    citizen = db.session.scalar(select(Citizen))
    assert len(citizen.id_number_hash) == 64 and "*" in citizen.id_number_masked
    assert citizen.id_number_masked.startswith("331002") and citizen.id_number_masked.count("*") == 8


def test_a_bad_id_number_is_refused_with_a_field_message(client):
    good = make_id_number("331002", date(1988, 4, 12), 315)
    wrong_check = good[:17] + ("1" if good[17] != "1" else "2")
    answer = client.post("/mock-zlb/tickets", json={"id_number": wrong_check, "name": "王", "phone": "13800000001"})
    body = assert_error_shape(answer, 422, "validation_error")
    assert "校验位" in body["details"]["id_number"][0]


def test_staff_sign_in_returns_a_token_with_their_roles(client):
    make_staff("collector1", roles=("collector",))
    answer = client.post("/api/v1/auth/login", json={"username": "collector1", "password": PASSWORD})
    assert answer.status_code == 200 and answer.json["user"]["roles"] == ["collector"]
    user = db.session.scalar(select(StaffUser))
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_a_wrong_password_is_unauthorized_and_repeated_failures_are_throttled(client):
    make_staff("official")
    for _ in range(5):
        answer = client.post("/api/v1/auth/login", json={"username": "official", "password": "wrong"})
        assert_error_shape(answer, 401, "unauthorized")
    throttled = client.post("/api/v1/auth/login", json={"username": "official", "password": PASSWORD})
    assert_error_shape(throttled, 429, "rate_limited")
    assert "Retry-After" in throttled.headers


def test_successful_sign_ins_are_not_throttled(client):
    make_staff("official")
    for _ in range(8):
        assert client.post("/api/v1/auth/login", json={"username": "official", "password": PASSWORD}).status_code == 200


def _token(app, **claims) -> str:
    now = datetime.now(UTC)
    base = {"sub": "1", "kind": "staff", "roles": ["admin"], "typ": "access", "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(base | claims, app.config["SECRET_KEY"], algorithm="HS256")


def test_an_expired_token_is_unauthorized(app, client):
    token = _token(app, exp=datetime.now(UTC) - timedelta(seconds=5))
    body = assert_error_shape(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    assert "过期" in body["message"]


def test_a_tampered_token_is_unauthorized(client):
    token = staff_headers(client)["Authorization"].split()[1]
    header, payload, signature = token.split(".")
    forged = jwt.encode(
        {"sub": "1", "kind": "staff", "roles": ["admin"], "typ": "access", "exp": datetime.now(UTC) + timedelta(hours=1)},
        "another-key-of-thirty-two-bytes-or-more",
        algorithm="HS256",
    )
    tampered = ".".join([header, forged.split(".")[1], signature])
    assert_error_shape(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tampered}"}), 401, "unauthorized")


def test_a_token_signed_with_another_key_is_unauthorized(client):
    token = jwt.encode(
        {"sub": "1", "kind": "staff", "roles": ["admin"], "typ": "access", "exp": datetime.now(UTC) + timedelta(hours=1)},
        "not-our-secret-but-long-enough-0123456789",
        algorithm="HS256",
    )
    assert_error_shape(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")


def test_me_answers_the_signed_in_citizen_masked(client):
    answer = client.get("/api/v1/auth/me", headers=citizen_headers(client, "parent_b"))
    assert answer.status_code == 200 and answer.json["name"] == "李*英" and answer.json["phone"] == "138****0002"


def test_partner_keys_are_stored_hashed(client):
    key = make_partner_key(key="a-long-random-partner-key")
    row = db.session.scalar(select(ApiKey))
    assert row.key_hash != key and key not in row.key_hash and row.prefix == key[:8]


def test_staff_reading_personal_data_is_audited(client):
    client.get("/api/v1/notify/messages", headers=staff_headers(client))
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "notify.messages.list" and entry.actor.startswith("staff:")


def test_a_revoked_partner_key_is_refused(client):
    key = make_partner_key(key="a-long-random-partner-key")
    event = {"citizen_code": "x.y.z", "behavior": "garbage_sorting", "quantity": 1, "occurred_at": "2026-01-01T08:00:00+08:00"}
    assert client.post("/api/v1/greencoins/events", json=event | {"source_event_id": "e1"}, headers={"X-Api-Key": key}).status_code != 401
    with unit_of_work(db.session):
        db.session.scalar(select(ApiKey)).revoked_at = utcnow()
    answer = client.post("/api/v1/greencoins/events", json=event | {"source_event_id": "e2"}, headers={"X-Api-Key": key})
    assert_error_shape(answer, 401, "unauthorized")

"""Guessable secrets are throttled and every wrong guess is audited (SPEC §12.1).

Pickup codes per station account, citizen codes per partner, 浙里办 tickets per address, staff passwords per
username and per address. The limits come from the settings (GUESS_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api import create_app
from api.auth.models import AuditEntry
from api.extensions import db
from tests.assertions import assert_error_shape
from tests.factories import PASSWORD, citizen_ticket, make_partner_key, make_staff
from tests.security.helpers import sign_in, station_headers

GUESSES = 10  # GUESS_FAILURE_LIMIT's default: "10 per minute"


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_a_station_guessing_pickup_codes_is_stopped_after_ten_wrong_codes_and_each_is_audited(client):
    headers = station_headers(client, "station1")
    for n in range(GUESSES):
        answer = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": f"{100000 + n}"}, headers=headers)
        assert_error_shape(answer, 404, "not_found")
    throttled = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": "999999"}, headers=headers)
    assert_error_shape(throttled, 429, "rate_limited")
    assert int(throttled.headers["Retry-After"]) >= 1
    assert _audited("pickup_code_wrong") == GUESSES
    assert _audited("pickup_code_throttled") == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pickup_code_wrong"))
    assert entry.actor.startswith("staff:") and entry.ip == "127.0.0.1"
    # another station account is counted on its own
    other = station_headers(client, "station2")
    assert_error_shape(client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": "123456"}, headers=other), 404, "not_found")


def test_malformed_pickup_codes_are_refused_as_input_not_counted_as_guesses(client):
    headers = station_headers(client)
    for _ in range(GUESSES + 2):
        answer = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": "12345"}, headers=headers)
        assert_error_shape(answer, 422, "validation_error")
    assert _audited("pickup_code_wrong") == 0


def test_a_partner_device_guessing_citizen_codes_is_stopped_and_audited(client):
    key = make_partner_key()
    event = {"behavior": "garbage_sorting", "quantity": 1, "occurred_at": "2026-01-01T08:00:00+08:00", "source_event_id": "e1"}
    for n in range(GUESSES):
        answer = client.post("/api/v1/greencoins/events", json=event | {"citizen_code": f"forged.{n}.code"}, headers={"X-Api-Key": key})
        assert_error_shape(answer, 404, "invalid_citizen_code")
    answer = client.post("/api/v1/greencoins/events", json=event | {"citizen_code": "x.y.z"}, headers={"X-Api-Key": key})
    assert_error_shape(answer, 429, "rate_limited")
    assert _audited("citizen_code_wrong") == GUESSES and _audited("citizen_code_throttled") == 1
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "citizen_code_wrong")).startswith("partner:")


@pytest.mark.parametrize("route", ["/api/v1/auth/zlb/exchange", "/mock-zlb/verify"])
def test_wrong_tickets_are_throttled_per_address_and_audited(client, route):
    for n in range(GUESSES):
        answer = client.post(route, json={"ticket": f"guess-{n}"}, environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert_error_shape(answer, 401, "unauthorized")
    good = citizen_ticket(client)
    assert_error_shape(client.post(route, json={"ticket": good}, environ_base={"REMOTE_ADDR": "10.1.1.1"}), 429, "rate_limited")
    assert client.post(route, json={"ticket": good}, environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 200
    assert _audited("zlb_ticket_wrong") == GUESSES


def _login(client, username: str, password: str, ip: str):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_failed_sign_ins_are_counted_per_username_from_any_address(client):
    make_staff("official")
    for n in range(5):  # LOGIN_FAILURE_LIMIT: "5 per 5 minutes"
        answer = _login(client, "official", "wrong", f"10.0.0.{n}")
        assert_error_shape(answer, 401, "unauthorized")
    answer = _login(client, "official", PASSWORD, "10.0.0.99")
    assert_error_shape(answer, 429, "rate_limited")
    assert "Retry-After" in answer.headers


def test_failed_sign_ins_are_counted_per_address_across_usernames(client):
    for name in ("official", "edu1", "eco1", "ocean1", "dispatcher1"):
        make_staff(name)
        answer = _login(client, name, "wrong", "10.0.0.7")
        assert_error_shape(answer, 401, "unauthorized")
    make_staff("collector1")
    blocked = _login(client, "collector1", PASSWORD, "10.0.0.7")
    assert_error_shape(blocked, 429, "rate_limited")
    assert sign_in(client, "collector1", ip="10.0.0.8")


def test_a_successful_sign_in_clears_the_username_count(client):
    make_staff("official")
    for _ in range(4):
        _login(client, "official", "wrong", "10.0.0.1")
    sign_in(client, "official", ip="10.0.0.2")
    for _ in range(4):
        answer = _login(client, "official", "wrong", "10.0.0.3")
        assert_error_shape(answer, 401, "unauthorized")


def _failures_until_throttled(client, forwarded_for) -> int:
    for n in range(1, 12):
        headers = {"X-Forwarded-For": forwarded_for(n)}
        answer = client.post("/api/v1/auth/login", json={"username": f"nobody{n}", "password": "x"}, headers=headers)
        if answer.status_code == 429:
            return n
    return 0


def test_a_client_cannot_escape_the_address_count_by_forging_x_forwarded_for(client):
    assert _failures_until_throttled(client, lambda n: f"10.9.0.{n}") == 6  # no proxy trusted: the header is ignored


def test_behind_a_trusted_proxy_clients_are_counted_by_their_forwarded_address(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXY_HOPS=1)
    with app.app_context():
        proxied = app.test_client()
        assert _failures_until_throttled(proxied, lambda n: "203.0.113.5") == 6
        assert _failures_until_throttled(proxied, lambda n: f"203.0.113.{100 + n}") == 0  # other clients behind the proxy

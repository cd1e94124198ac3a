"""Access ends at once: sign-out, deactivation, a role taken away, a row that no longer exists (SPEC §12.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import delete, select

from api.auth.models import Citizen, StaffUser
from api.auth.service import upsert_staff
from api.common.db import unit_of_work
from api.extensions import db
from tests.assertions import assert_error_shape
from tests.factories import PASSWORD, citizen_headers, make_staff
from tests.security.helpers import sign_in


def _me(client, headers):
    return client.get("/api/v1/auth/me", headers=headers)


def test_signing_out_ends_every_token_of_the_account_on_the_next_request(client):
    make_staff("official")
    first, second = sign_in(client, "official"), sign_in(client, "official")
    assert _me(client, first).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert_error_shape(_me(client, first), 401, "unauthorized")
    assert_error_shape(_me(client, second), 401, "unauthorized")  # the other device too
    assert _me(client, sign_in(client, "official")).status_code == 200  # signing in again works


def test_a_citizen_who_signs_out_loses_access_at_once(client):
    headers = citizen_headers(client, "parent_a")
    assert client.get("/api/v1/greencoins/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error_shape(client.get("/api/v1/greencoins/me", headers=headers), 401, "unauthorized")


def test_a_deactivated_account_loses_access_on_the_next_request(client, runner):
    make_staff("edu1", roles=("edu_official",))
    headers = sign_in(client, "edu1")
    assert _me(client, headers).status_code == 200
    result = runner.invoke(args=["staff", "deactivate", "edu1"])
    assert result.exit_code == 0, result.output
    assert_error_shape(_me(client, headers), 401, "unauthorized")
    assert_error_shape(client.post("/api/v1/auth/login", json={"username": "edu1", "password": PASSWORD}), 401, "unauthorized")
    runner.invoke(args=["staff", "activate", "edu1"])
    assert_error_shape(_me(client, headers), 401, "unauthorized")  # reactivation does not revive old tokens
    assert _me(client, sign_in(client, "edu1")).status_code == 200


def test_an_account_deactivated_directly_in_the_database_is_refused_too(client):
    make_staff("official")
    headers = sign_in(client, "official")
    with unit_of_work(db.session):
        db.session.scalar(select(StaffUser)).active = False
    assert_error_shape(_me(client, headers), 401, "unauthorized")


def test_a_role_taken_away_stops_working_at_once(client):
    make_staff("ocean1", roles=("ocean_official",))
    headers = sign_in(client, "ocean1")
    assert client.get("/api/v1/notify/messages", headers=headers).status_code == 200
    upsert_staff(db.session, username="ocean1", password=PASSWORD, roles=["collector"], display_name="ocean1")
    assert_error_shape(client.get("/api/v1/notify/messages", headers=headers), 403, "forbidden")


@pytest.mark.parametrize("kind", ["staff", "citizen"])
def test_a_validly_signed_token_for_a_row_that_no_longer_exists_is_unauthorized(client, kind):
    if kind == "staff":
        make_staff("official")
        headers = sign_in(client, "official")
        model = StaffUser
    else:
        headers = citizen_headers(client, "parent_b")
        model = Citizen
    with unit_of_work(db.session):
        db.session.execute(delete(model))
    assert_error_shape(_me(client, headers), 401, "unauthorized")
    assert_error_shape(client.post("/api/v1/auth/logout", headers=headers), 401, "unauthorized")


def _signed(app, **claims) -> dict:
    now = datetime.now(UTC)
    base = {"sub": "1", "kind": "staff", "roles": ["admin"], "typ": "access", "ver": 0, "exp": now + timedelta(hours=1)}
    token = jwt.encode(base | claims, app.config["SECRET_KEY"], algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "99999999999999999999999"},
        {"sub": "-1"},
        {"sub": "１"},  # a full-width digit: int() would read it as 1
        {"sub": "1 "},
        {"sub": 1.5},
        {"ver": "0"},
        {"ver": True},
        {"ver": 10**40},
        {"roles": "admin"},
        {"roles": [{"x": 1}]},
        {"name": ["x"]},
        {"kind": "partner"},
        {"exp": "tomorrow"},
    ],
)
def test_signed_tokens_with_claims_of_the_wrong_shape_are_unauthorized_not_500(app, client, claims):
    make_staff("official")
    assert_error_shape(_me(client, _signed(app, **claims)), 401, "unauthorized")


def test_a_token_issued_before_a_sign_out_cannot_sign_out_or_act_again(app, client):
    make_staff("official")
    headers = sign_in(client, "official")
    client.post("/api/v1/auth/logout", headers=headers)
    assert_error_shape(client.post("/api/v1/auth/logout", headers=headers), 401, "unauthorized")
    assert db.session.scalar(select(StaffUser.token_version)) == 1

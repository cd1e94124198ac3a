"""Spending 绿币: redeem with a pickup code, cancel, fulfil at the station, expire unclaimed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.common.db import local_now, unit_of_work, utcnow
from api.extensions import db
from api.greencoins.models import Redemption
from api.notify.models import SmsMessage
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers, staff_headers
from tests.greencoins.helpers import grant, green_world, ledger_sum, resident, reward_at, stock_of


@pytest.fixture(autouse=True)
def _world():
    green_world()


def redeem(client, headers, reward_id, station_id, quantity=1, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1/greencoins/redemptions",
        headers=headers | extra,
        json={"reward_id": reward_id, "station_id": station_id, "quantity": quantity},
    )


def test_redeeming_takes_coins_and_stock_at_once_and_texts_the_pickup_code(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at("毛巾", stock=10)
    answer = redeem(client, headers, towel, station, quantity=2)
    assert answer.status_code == 201
    body = answer.json
    assert body["status"] == "reserved" and len(body["code"]) == 6 and body["code"].isdigit()
    assert body["coins_spent"] == 60 and body["expires_at"].endswith("+08:00")
    assert client.get("/api/v1/greencoins/me", headers=headers).json["balance"] == 40
    assert stock_of(towel, station) == 8 and ledger_sum(citizen_id) == 40
    sms = db.session.scalar(select(SmsMessage))
    assert sms.phone == "13800000010" and body["code"] in sms.body


def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 20)
    flowers, station = reward_at("鲜花(一束)", stock=10)
    body = assert_error_shape(redeem(client, headers, flowers, station), 409, "insufficient_balance")
    assert body["details"] == {"needed": 50, "balance": 20}
    assert stock_of(flowers, station) == 10 and ledger_sum(citizen_id) == 20
    assert db.session.scalar(select(SmsMessage)) is None


def test_redeeming_more_than_the_stock_is_refused_and_changes_nothing(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 500)
    bags, station = reward_at("垃圾袋(一卷)", stock=1)
    assert_error_shape(redeem(client, headers, bags, station, quantity=2), 409, "out_of_stock")
    assert stock_of(bags, station) == 1 and ledger_sum(citizen_id) == 500


def test_an_unknown_reward_is_not_found_and_a_zero_quantity_is_invalid(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    _, station = reward_at()
    assert_error_shape(redeem(client, headers, 9999, station), 404, "not_found")
    towel, _ = reward_at()
    assert_error_shape(redeem(client, headers, towel, station, quantity=0), 422, "validation_error")


def test_a_retried_redemption_with_the_same_key_is_made_and_paid_once(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    first = redeem(client, headers, towel, station, key="tap-1")
    again = redeem(client, headers, towel, station, key="tap-1")
    assert again.status_code == 201 and again.json == first.json
    assert ledger_sum(citizen_id) == 70 and stock_of(towel, station) == 9
    assert len(db.session.scalars(select(Redemption)).all()) == 1


def test_cancelling_gives_coins_and_stock_back_once(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    rid = redeem(client, headers, towel, station).json["id"]
    cancelled = client.post(f"/api/v1/greencoins/redemptions/{rid}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert ledger_sum(citizen_id) == 100 and stock_of(towel, station) == 10
    assert_error_shape(client.post(f"/api/v1/greencoins/redemptions/{rid}/cancel", headers=headers), 409, "conflict")
    assert ledger_sum(citizen_id) == 100


def test_another_citizens_redemption_answers_not_found(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    rid = redeem(client, headers, towel, station).json["id"]
    other = citizen_headers(client, "parent_a")
    assert_error_shape(client.post(f"/api/v1/greencoins/redemptions/{rid}/cancel", headers=other), 404, "not_found")


def test_the_station_fulfils_by_code_once(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    code = redeem(client, headers, towel, station).json["code"]
    staff = staff_headers(client, "station1", roles=("station",), station_id=station)
    done = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=staff)
    assert done.status_code == 200 and done.json["status"] == "fulfilled"
    twice = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=staff)
    assert_error_shape(twice, 409, "conflict")
    assert_error_shape(client.post(f"/api/v1/greencoins/redemptions/{done.json['id']}/cancel", headers=headers), 409, "conflict")


def test_a_station_account_without_a_station_may_fulfil_no_code(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    code = redeem(client, headers, towel, station).json["code"]
    nowhere = staff_headers(client, "station0", roles=("station",))
    assert_error_shape(client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=nowhere), 403, "forbidden")
    db.session.expire_all()
    assert db.session.scalar(select(Redemption.status)) == "reserved"


def test_a_retired_reward_is_not_listed_nor_redeemable(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    official = staff_headers(client, "eco1", roles=("eco_official",))
    assert client.patch(f"/api/v1/greencoins/rewards/{towel}", json={"active": False}, headers=official).status_code == 200
    assert towel not in {r["id"] for r in client.get("/api/v1/greencoins/rewards").json["items"]}
    assert_error_shape(redeem(client, headers, towel, station), 404, "not_found")
    assert ledger_sum(citizen_id) == 100 and stock_of(towel, station) == 10


def test_only_a_station_may_fulfil_and_a_code_of_another_station_is_not_found(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    code = redeem(client, headers, towel, station).json["code"]
    assert_error_shape(client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=headers), 403, "forbidden")
    _, elsewhere = reward_at(station="白塔镇绿币兑换站")
    staff = staff_headers(client, "station2", roles=("station",), station_id=elsewhere)
    assert_error_shape(client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=staff), 404, "not_found")


def test_unclaimed_reservations_are_refunded_by_the_scheduled_command(client, runner):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    rid = redeem(client, headers, towel, station).json["id"]
    with unit_of_work(db.session):
        db.session.get(Redemption, rid).expires_at = utcnow() - timedelta(minutes=1)
    result = runner.invoke(args=["greencoins", "refund-unclaimed"])
    assert "unclaimed reservations refunded: 1" in result.output
    assert ledger_sum(citizen_id) == 100 and stock_of(towel, station) == 10
    db.session.expire_all()
    assert db.session.get(Redemption, rid).status == "expired"
    kinds = [e["kind"] for e in client.get("/api/v1/greencoins/me/ledger", headers=headers).json["items"]]
    assert kinds[0] == "refund", "a reservation's coins come back as a refund; `expire` is kept for coins that expire"
    assert runner.invoke(args=["greencoins", "refund-unclaimed"]).output.strip().endswith(": 0")


def test_the_leaderboard_masks_names(client):
    headers, _ = resident(client)
    client.post("/api/v1/greencoins/me/steps", headers=headers, json={"date": local_now().date().isoformat(), "steps": 9000})
    items = client.get("/api/v1/greencoins/leaderboard?period=month").json["items"]
    assert items[0]["name"] == "周*君" and items[0]["coins"] >= 9 and items[0]["rank"] == 1

"""Running the program through the API, audited: restocking (own station only), rewards, behaviours, adjustments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth.models import AuditEntry
from api.extensions import db
from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.greencoins.helpers import BAITA, balance_of, grant, green_world, ledger_sum, resident, reward_at, stock_of


@pytest.fixture(autouse=True)
def _world():
    green_world()


def audits(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def restock(client, headers, station_id: int, reward_id: int, quantity: int = 10):
    return client.post(
        f"/api/v1/greencoins/stations/{station_id}/stock", headers=headers, json={"reward_id": reward_id, "quantity": quantity}
    )


def test_station_staff_restock_their_own_station_and_never_another(client):
    towel, own = reward_at(stock=3)
    _, other = reward_at(station=BAITA)
    staff = staff_headers(client, "station1", roles=("station",), station_id=own)
    answer = restock(client, staff, own, towel, 12)
    assert answer.status_code == 200 and answer.json == {"reward_id": towel, "station_id": own, "stock": 15}
    assert_error_shape(restock(client, staff, other, towel), 403, "forbidden")
    nowhere = staff_headers(client, "station0", roles=("station",))
    assert_error_shape(restock(client, nowhere, own, towel), 403, "forbidden")
    assert stock_of(towel, own) == 15 and stock_of(towel, other) == 20
    assert [a.subject for a in audits("greencoins.stock.restock")] == [f"station:{own}"]


def test_restocking_is_refused_to_citizens_and_for_what_does_not_exist(client):
    towel, station = reward_at()
    citizen, _ = resident(client)
    assert_error_shape(restock(client, citizen, station, towel), 403, "forbidden")
    official = staff_headers(client, "eco1", roles=("eco_official",))
    assert_error_shape(restock(client, official, station, 9999), 404, "not_found")
    assert_error_shape(restock(client, official, 9999, towel), 404, "not_found")
    assert_error_shape(restock(client, official, station, towel, 0), 422, "validation_error")


def test_eco_officials_add_a_reward_change_its_price_and_stations_stock_it(client):
    official = staff_headers(client, "eco1", roles=("eco_official",))
    made = client.post("/api/v1/greencoins/rewards", headers=official, json={"name": "竹牙刷", "price_coins": 15})
    assert made.status_code == 201 and made.json["active"] is True
    assert_error_shape(
        client.post("/api/v1/greencoins/rewards", headers=official, json={"name": "竹牙刷", "price_coins": 5}), 409, "conflict"
    )
    changed = client.patch(f"/api/v1/greencoins/rewards/{made.json['id']}", headers=official, json={"price_coins": 12})
    assert changed.json["price_coins"] == 12
    _, station = reward_at()
    restock(client, official, station, made.json["id"], 8)
    listed = {r["name"]: r for r in client.get(f"/api/v1/greencoins/rewards?station_id={station}").json["items"]}
    assert (listed["竹牙刷"]["price_coins"], listed["竹牙刷"]["stock"]) == (12, 8)
    assert len(audits("greencoins.reward.create")) == 1 and "price_coins: 15 -> 12" in audits("greencoins.reward.update")[0].detail


def test_eco_officials_add_and_change_behaviours_within_sensible_bounds(client):
    official = staff_headers(client, "eco1", roles=("eco_official",))
    body = {
        "code": "bottle_return",
        "name": "饮料瓶回收",
        "unit": "个",
        "coins_per_unit": 0.5,
        "daily_cap_coins": 5,
        "co2e_g_per_unit": 30,
        "sources": ["device"],
        "max_per_event": 20,
        "max_per_day": 60,
    }
    made = client.post("/api/v1/greencoins/behaviors", headers=official, json=body)
    assert made.status_code == 201 and made.json["coins_per_unit"] == 0.5
    assert_error_shape(client.post("/api/v1/greencoins/behaviors", headers=official, json=body), 409, "conflict")
    capped = client.patch("/api/v1/greencoins/behaviors/bottle_return", headers=official, json={"daily_cap_coins": 8})
    assert capped.status_code == 200 and capped.json["daily_cap_coins"] == 8
    too_big = client.patch("/api/v1/greencoins/behaviors/bottle_return", headers=official, json={"max_per_event": 100})
    assert_error_shape(too_big, 409, "maxima_conflict")  # above the stored daily maximum (60)
    crossed = body | {"code": "cup_return", "max_per_event": 61}
    assert_error_shape(client.post("/api/v1/greencoins/behaviors", headers=official, json=crossed), 409, "maxima_conflict")
    edges = body | {"code": "bag_return", "coins_per_unit": 0.0001, "max_per_event": 0.01, "max_per_day": 0.01}
    assert client.post("/api/v1/greencoins/behaviors", headers=official, json=edges).status_code == 201  # the bounds are in range
    below = body | {"code": "box_return", "coins_per_unit": 0.00009999}  # would round to 0.0001: out of range as sent
    assert_error_shape(client.post("/api/v1/greencoins/behaviors", headers=official, json=below), 422, "validation_error")
    assert_error_shape(client.patch("/api/v1/greencoins/behaviors/nope", headers=official, json={"daily_cap_coins": 1}), 404, "not_found")
    bad = body | {"code": "x_y", "coins_per_unit": "NaN"}
    assert_error_shape(client.post("/api/v1/greencoins/behaviors", headers=official, json=bad), 422, "validation_error")
    citizen, _ = resident(client)
    assert_error_shape(
        client.patch("/api/v1/greencoins/behaviors/walking", headers=citizen, json={"daily_cap_coins": 999}), 403, "forbidden"
    )
    assert len(audits("greencoins.behavior.update")) == 1


def test_officials_adjust_a_balance_with_a_reason_never_below_zero_and_audited(client):
    _, citizen_id = resident(client)
    grant(citizen_id, 20)
    official = staff_headers(client, "eco1", roles=("eco_official",))
    url = f"/api/v1/greencoins/accounts/{citizen_id}/adjustments"
    added = client.post(url, headers=official | {"Idempotency-Key": "fix-1"}, json={"amount": 15, "reason": "设备故障补发"})
    assert added.status_code == 201 and added.json["balance"] == 35
    assert (
        client.post(url, headers=official | {"Idempotency-Key": "fix-1"}, json={"amount": 15, "reason": "设备故障补发"}).json == added.json
    )
    body = assert_error_shape(client.post(url, headers=official, json={"amount": -50, "reason": "重复发放"}), 409, "insufficient_balance")
    assert body["details"] == {"needed": 50, "balance": 35}
    assert_error_shape(client.post(url, headers=official, json={"amount": 0, "reason": "无"}), 422, "validation_error")
    assert_error_shape(client.post(url, headers=official, json={"amount": 5}), 422, "validation_error")
    assert_error_shape(
        client.post("/api/v1/greencoins/accounts/99999/adjustments", headers=official, json={"amount": 5, "reason": "补发"}),
        404,
        "not_found",
    )
    station = staff_headers(client, "station1", roles=("station",))
    assert_error_shape(client.post(url, headers=station, json={"amount": 5, "reason": "补发"}), 403, "forbidden")
    assert balance_of(citizen_id) == 35 == ledger_sum(citizen_id)
    [entry] = audits("greencoins.balance.adjust")
    assert entry.subject == f"citizen:{citizen_id}" and "设备故障补发" in entry.detail and entry.actor.startswith("staff:")

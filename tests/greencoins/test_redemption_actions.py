"""The API says whether a redemption may still be cancelled (can_cancel): the mini-app shows it, it does not guess."""

from __future__ import annotations

from tests.greencoins.helpers import grant, green_world, resident, reward_at


def test_a_reservation_may_be_cancelled_until_it_is_cancelled(client):
    green_world()
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    towel, station = reward_at(stock=10)
    made = client.post("/api/v1/greencoins/redemptions", headers=headers, json={"reward_id": towel, "station_id": station, "quantity": 1})
    assert made.status_code == 201 and made.json["can_cancel"] is True

    listed = client.get("/api/v1/greencoins/redemptions", headers=headers).json["items"]
    assert [(r["id"], r["can_cancel"]) for r in listed] == [(made.json["id"], True)]

    cancelled = client.post(f"/api/v1/greencoins/redemptions/{made.json['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["can_cancel"] is False
    assert client.get("/api/v1/greencoins/redemptions", headers=headers).json["items"][0]["can_cancel"] is False

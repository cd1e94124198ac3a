"""Small worlds for the security tests (keyword defaults, no demo seed)."""

from __future__ import annotations

from api.common.db import unit_of_work
from api.extensions import db
from api.greencoins.models import Station
from tests.factories import PASSWORD, make_staff


def make_station(name: str = "南峰街道绿币兑换站", *, community: str = "仙居县南峰街道") -> int:
    with unit_of_work(db.session):
        row = Station(name=name, community=community, address=f"{community} 1 号", lat=28.8468, lon=120.7301)
        db.session.add(row)
        db.session.flush()
        return row.id


def sign_in(client, username: str, *, ip: str = "127.0.0.1") -> dict:
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}, environ_base={"REMOTE_ADDR": ip})
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def station_headers(client, username: str = "station1", **kwargs) -> dict:
    with unit_of_work(db.session):
        make_staff(username, roles=("station",), station_id=make_station(f"{username}兑换站"), **kwargs)
    return sign_in(client, username)

"""Factories for 海洋云仓 tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from api.common.db import SHANGHAI, local_now
from api.extensions import db
from api.pickup.models import Port
from api.seed.pickup import seed_pickup_reference
from tests.factories import citizen_headers, staff_headers


def pickup_world() -> dict[str, int]:
    return {name: port.id for name, port in seed_pickup_reference(db.session).items()}


def port_id(name: str = "椒江中心渔港") -> int:
    return db.session.scalar(select(Port.id).where(Port.name == name))


def tomorrow_at(hour: int = 9) -> datetime:
    day = local_now().date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def captain(client, key: str = "captain_green", vessel_no: str = "浙椒渔77033") -> tuple[dict, int]:
    headers = citizen_headers(client, key)
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": vessel_no, "name": "测试船"}, headers=headers)
    assert answer.status_code == 201, answer.json
    return headers, answer.json["id"]


def book(client, headers, vessel_id, *, start=None, port=None, items=None, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    body = {"vessel_id": vessel_id, "port_id": port or port_id(), "slot_start": (start or tomorrow_at()).isoformat(),
            "items": items if items is not None else [{"type": "oily_water", "est_qty_kg": 80}]}
    return client.post("/api/v1/pickup/bookings", json=body, headers=headers | extra)


def collector(client, port_name: str = "椒江中心渔港", username: str = "collector1") -> dict:
    return staff_headers(client, username, roles=("collector",), port_id=port_id(port_name))

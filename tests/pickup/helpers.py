"""Factories for 海洋云仓 tests: ports, the vessel registry, captains with vessels, bookings, crews, dispatchers."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from api.common.db import SHANGHAI, local_now, unit_of_work, utcnow
from api.extensions import db
from api.pickup.models import Booking, Port
from api.pickup.registry import registration, upsert_registration
from api.seed.pickup import seed_pickup_reference
from api.seed.residents import resident
from tests.factories import citizen_headers, staff_headers


def pickup_world() -> dict[str, int]:
    return {name: port.id for name, port in seed_pickup_reference(db.session).items()}


def port_id(name: str = "椒江中心渔港") -> int:
    return db.session.scalar(select(Port.id).where(Port.name == name))


def day_at(days: int = 1, hour: int = 9) -> datetime:
    day = local_now().date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def tomorrow_at(hour: int = 9) -> datetime:
    return day_at(1, hour)


def register(vessel_no: str = "浙椒渔77033", owner: str = "captain_green", *, phone: str | None = None, name: str = "登记船") -> None:
    """Put a vessel in the 渔船登记 registry under a demo resident's ID number."""
    person = resident(owner)
    with unit_of_work(db.session):
        upsert_registration(
            db.session,
            current_app.config["PII_HASH_KEY"],
            vessel_no=vessel_no,
            owner_id_number=person["id_number"],
            owner_name=person["name"],
            owner_phone=phone or person["phone"],
            vessel_name=name,
        )


def bind(client, headers, vessel_no: str, owner: str = "captain_green") -> int:
    if registration(db.session, vessel_no) is None:
        register(vessel_no, owner)
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": vessel_no, "name": "测试船"}, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def captain(client, key: str = "captain_green", vessel_no: str = "浙椒渔77033") -> tuple[dict, int]:
    headers = citizen_headers(client, key)
    return headers, bind(client, headers, vessel_no, key)


def book(
    client, headers, vessel_id=None, *, start=None, port=None, items=None, key=None, vessel_no=None, captain_phone=None, by_phone=None
):
    """A captain's booking, or a dispatcher's phone booking (``by_phone``, implied by ``captain_phone``)."""
    extra = {"Idempotency-Key": key} if key else {}
    body = {
        "port_id": port or port_id(),
        "slot_start": (start or tomorrow_at()).isoformat(),
        "items": items if items is not None else [{"type": "oily_water", "est_qty_kg": 80}],
    }
    body |= {"vessel_no": vessel_no} if vessel_no else {"vessel_id": vessel_id}
    if captain_phone:
        body["captain_phone"] = captain_phone
    path = "/api/v1/pickup/phone-bookings" if by_phone or (by_phone is None and captain_phone) else "/api/v1/pickup/bookings"
    return client.post(path, json=body, headers=headers | extra)


def collector(client, port_name: str = "椒江中心渔港", username: str = "collector1") -> dict:
    return staff_headers(client, username, roles=("collector",), port_id=port_id(port_name))


def dispatcher(client, username: str = "dispatcher1") -> dict:
    return staff_headers(client, username, roles=("dispatcher",))


def ocean(client, username: str = "ocean1") -> dict:
    return staff_headers(client, username, roles=("ocean_official",))


def due_now(booking_id: int) -> None:
    """Move a booking's window to now, as if its day had come."""
    with unit_of_work(db.session):
        row = db.session.get(Booking, booking_id)
        row.slot_start, row.slot_end = utcnow() - timedelta(minutes=30), utcnow() + timedelta(minutes=90)

"""Factory functions with keyword defaults, and sign-in helpers that go through the real routes."""

from __future__ import annotations

from datetime import date

from api.auth.service import add_partner_key, upsert_staff
from api.extensions import db
from api.seed.residents import make_id_number, resident

PASSWORD = "secret-pass-1"


def make_staff(username: str = "official", *, roles: tuple[str, ...] = ("admin",), **kwargs):
    return upsert_staff(
        db.session, username=username, password=PASSWORD, roles=list(roles), display_name=kwargs.pop("display_name", username), **kwargs
    )


def staff_headers(client, username: str = "official", *, roles: tuple[str, ...] = ("admin",), **kwargs) -> dict:
    make_staff(username, roles=roles, **kwargs)
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def citizen_ticket(client, *, id_number: str | None = None, name: str = "王建国", phone: str = "13800000001") -> str:
    id_number = id_number or make_id_number("331002", date(1988, 4, 12), 315)
    answer = client.post("/mock-zlb/tickets", json={"id_number": id_number, "name": name, "phone": phone})
    assert answer.status_code == 201, answer.json
    return answer.json["ticket"]


def citizen_headers(client, key: str | None = None, **identity) -> dict:
    if key:
        person = resident(key)
        identity = {"id_number": person["id_number"], "name": person["name"], "phone": person["phone"]}
    ticket = citizen_ticket(client, **identity)
    answer = client.post("/api/v1/auth/zlb/exchange", json={"ticket": ticket})
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def make_partner_key(name: str = "测试垃圾分类箱", behaviors: tuple[str, ...] = ("garbage_sorting",), key: str = "test-partner-key") -> str:
    return add_partner_key(db.session, partner_name=name, behaviors=list(behaviors), key=key)

"""Public-good projects (公益): officials open them, citizens donate coins and get a certificate number."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from api.extensions import db
from api.greencoins.models import Donation
from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.greencoins.helpers import grant, green_world, ledger_sum, resident


@pytest.fixture(autouse=True)
def _world():
    green_world()


def open_project(client, goal: int = 100, title: str = "仙居杨梅林补植") -> dict:
    official = staff_headers(client, "eco1", roles=("eco_official",))
    body = {"title": title, "description": "每 200 绿币一棵树苗", "place": "仙居县步路乡", "lat": 28.81, "lon": 120.69, "goal_coins": goal}
    answer = client.post("/api/v1/greencoins/projects", headers=official, json=body)
    assert answer.status_code == 201, answer.json
    return answer.json


def donate(client, headers, project_id: int, coins: int, key: str | None = None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/v1/greencoins/projects/{project_id}/donations", headers=headers | extra, json={"coins": coins})


def test_a_donation_takes_coins_gives_a_certificate_and_shows_as_progress(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    project = open_project(client)
    assert (project["progress"], project["status"], project["raised_coins"]) == (0, "open", 0)
    answer = donate(client, headers, project["id"], 30, key="gift-1")
    assert answer.status_code == 201 and answer.json["coins"] == 30
    assert re.fullmatch(r"GY\d{8}-[0-9A-F]{8}", answer.json["certificate_no"])
    listed = client.get("/api/v1/greencoins/projects").json["items"][0]
    assert (listed["raised_coins"], listed["remaining_coins"], listed["progress"], listed["donations_count"]) == (30, 70, 0.3, 1)
    me = client.get("/api/v1/greencoins/me", headers=headers).json
    assert me["balance"] == 70 and me["spent_total"] == 30
    ledger = client.get("/api/v1/greencoins/me/ledger", headers=headers).json["items"]
    assert (ledger[0]["kind"], ledger[0]["amount"]) == ("donate", -30)
    mine = client.get("/api/v1/greencoins/me/donations", headers=headers).json["items"]
    assert [(d["certificate_no"], d["project"]["title"]) for d in mine] == [(answer.json["certificate_no"], "仙居杨梅林补植")]


def test_a_retried_donation_with_the_same_key_is_given_once(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    project = open_project(client)
    first, again = donate(client, headers, project["id"], 30, key="tap"), donate(client, headers, project["id"], 30, key="tap")
    assert again.status_code == 201 and again.json == first.json
    assert ledger_sum(citizen_id) == 70 and db.session.scalar(select(func.count()).select_from(Donation)) == 1


def test_donations_are_refused_beyond_the_balance_the_goal_or_once_complete(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 200)
    project = open_project(client, goal=50)
    assert_error_shape(donate(client, headers, project["id"], 60), 409, "exceeds_goal")
    assert donate(client, headers, project["id"], 50).status_code == 201
    assert client.get(f"/api/v1/greencoins/projects/{project['id']}").json["status"] == "completed"
    assert_error_shape(donate(client, headers, project["id"], 1), 409, "project_not_open")
    poorer = open_project(client, goal=1000, title="大陈岛净滩日")
    body = assert_error_shape(donate(client, headers, poorer["id"], 500), 409, "insufficient_balance")
    assert body["details"] == {"needed": 500, "balance": 150}
    assert_error_shape(donate(client, headers, 9999, 1), 404, "not_found")
    assert_error_shape(donate(client, headers, poorer["id"], 0), 422, "validation_error")
    assert ledger_sum(citizen_id) == 150


def test_officials_close_a_project_and_only_they_open_one(client):
    headers, citizen_id = resident(client)
    grant(citizen_id, 100)
    project = open_project(client)
    body = {"title": "某项目", "place": "某地", "goal_coins": 10}
    assert_error_shape(client.post("/api/v1/greencoins/projects", headers=headers, json=body), 403, "forbidden")
    official = staff_headers(client, "eco1", roles=("eco_official",))
    closed = client.patch(f"/api/v1/greencoins/projects/{project['id']}", headers=official, json={"status": "closed"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert_error_shape(donate(client, headers, project["id"], 10), 409, "project_not_open")
    assert client.get("/api/v1/greencoins/projects?status=open").json["items"] == []

"""我的 · 消息: a copy of every SMS addressed to the citizen, with its delivery status; nobody else's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from api.common.db import unit_of_work
from api.extensions import db
from api.notify.models import MessageStatus, SmsMessage
from api.seed.residents import make_id_number
from tests.factories import citizen_headers
from tests.greencoins.helpers import grant, green_world, reward_at
from tests.me.helpers import signed_in_citizen, sms_to


def inbox(client, headers, **query) -> dict:
    answer = client.get("/api/v1/me/messages", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_inbox_holds_every_sms_sent_to_me_newest_first_with_its_delivery_status(client):
    headers, me = signed_in_citizen(client)
    first, second = sms_to(me, "您的预约已确认"), sms_to(me, "取货码 654321")
    with unit_of_work(db.session):
        db.session.execute(update(SmsMessage).where(SmsMessage.id == first).values(status=MessageStatus.DELIVERED))

    items = inbox(client, headers)["items"]

    assert [(m["id"], m["status"]) for m in items] == [(second, "pending"), (first, "delivered")]
    assert items[0]["body"].endswith("测试短信:取货码 654321")  # the owner reads their own text whole
    assert items[0]["created_at"].endswith("+08:00")


def test_the_inbox_shows_nothing_sent_to_another_phone(client):
    mine, me = signed_in_citizen(client)
    _, other = signed_in_citizen(client, name="李秀英")
    sms_to(other, "别人的短信")

    assert inbox(client, mine) == {"items": [], "next_cursor": None}
    sms_to(me, "我的短信")
    assert [m["body"].split("】")[-1] for m in inbox(client, mine)["items"]] == ["测试短信:我的短信"]


def test_the_inbox_is_paged(client):
    headers, me = signed_in_citizen(client)
    sent = [sms_to(me, f"第{i}条") for i in range(5)]

    first = inbox(client, headers, limit=2)
    second = inbox(client, headers, limit=2, cursor=first["next_cursor"])
    third = inbox(client, headers, limit=2, cursor=second["next_cursor"])

    assert [m["id"] for m in first["items"] + second["items"] + third["items"]] == sent[::-1]
    assert third["next_cursor"] is None


def test_a_phone_number_that_changes_hands_does_not_bring_its_earlier_owners_texts(client):
    """Numbers are recycled: the inbox follows the person the text was addressed to, not the number it went to."""
    first_owner = {"id_number": make_id_number("331002", date(1975, 6, 1), 901), "name": "陈海生", "phone": "13900009999"}
    headers = citizen_headers(client, **first_owner)
    me = client.get("/api/v1/auth/me", headers=headers).json["id"]
    sms_to(me, "取货码 112233")
    # The first owner takes a new number (their next sign-in through 浙里办 says so); a neighbour now has the old one.
    headers = citizen_headers(client, **first_owner | {"phone": "13900001111"})
    newcomer = citizen_headers(client, id_number=make_id_number("331002", date(1990, 2, 3), 902), name="林晓", phone="13900009999")

    assert inbox(client, newcomer)["items"] == []
    assert [m["body"].split("】")[-1] for m in inbox(client, headers)["items"]] == ["测试短信:取货码 112233"]


def test_a_text_the_service_sends_reaches_its_addressees_inbox(client):
    """A real sender (a green-coin redemption's pickup code) addresses the resident, so it shows in their inbox."""
    green_world()
    headers, me = signed_in_citizen(client)
    grant(me, 100)
    towel, station = reward_at("毛巾")
    made = client.post("/api/v1/greencoins/redemptions", headers=headers, json={"reward_id": towel, "station_id": station, "quantity": 1})
    assert made.status_code == 201, made.json

    bodies = [m["body"] for m in inbox(client, headers)["items"]]
    assert len(bodies) == 1 and made.json["code"] in bodies[0]

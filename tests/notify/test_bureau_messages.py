"""Each bureau's officials read only their own service's texts (SPEC §12.5); admin reads all; ?template= filters."""

from __future__ import annotations

import pytest

from api.common.db import unit_of_work
from api.extensions import db
from api.notify import service
from api.notify.templates import TEMPLATES
from tests.assertions import assert_error_shape
from tests.factories import staff_headers

ONE_OF_EACH = {
    "admission_received": "admission",
    "redemption_code": "greencoins",
    "greencoins_expiring": "greencoins",
    "pickup_confirmed": "pickup",
    "credit_color_changed": "pickup",
    "test_message": None,
}
OFFICIALS = {"edu1": "edu_official", "eco1": "eco_official", "ocean1": "ocean_official"}
BUREAU = {"edu1": "admission", "eco1": "greencoins", "ocean1": "pickup"}


@pytest.fixture
def texts() -> None:
    with unit_of_work(db.session):
        for index, code in enumerate(ONE_OF_EACH):
            params = {name: "1" for name in TEMPLATES[code].params}
            service.enqueue(db.session, f"1390000001{index}", code, params)


def _templates(client, headers, query: str = "") -> list[str]:
    answer = client.get(f"/api/v1/notify/messages?limit=100{query}", headers=headers)
    assert answer.status_code == 200, answer.json
    return sorted(item["template"] for item in answer.json["items"])


@pytest.mark.parametrize("username", sorted(OFFICIALS))
def test_an_official_sees_only_their_bureaus_texts(client, texts, username):
    headers = staff_headers(client, username, roles=(OFFICIALS[username],))
    expected = sorted(code for code, bureau in ONE_OF_EACH.items() if bureau == BUREAU[username])
    assert _templates(client, headers) == expected


def test_eco1_sees_no_pickup_or_admission_text_even_when_asking_for_one(client, texts):
    eco1 = staff_headers(client, "eco1", roles=("eco_official",))
    assert _templates(client, eco1, "&template=pickup_confirmed") == []
    assert _templates(client, eco1, "&template=admission_received") == []
    assert _templates(client, eco1, "&template=redemption_code") == ["redemption_code"]


def test_admin_sees_every_text_and_the_template_filter_narrows_it(client, texts):
    admin = staff_headers(client)
    assert _templates(client, admin) == sorted(ONE_OF_EACH)
    assert _templates(client, admin, "&template=pickup_confirmed") == ["pickup_confirmed"]
    assert_error_shape(client.get("/api/v1/notify/messages?template=nope", headers=admin), 422, "validation_error")


def test_every_citizen_facing_template_belongs_to_a_bureau():
    platform = {code for code, t in TEMPLATES.items() if t.bureau is None}
    assert platform == {"alert_opened", "test_message"}, platform

"""Numbers in request bodies are taken exactly or refused (422), never truncated and never a 500.

The class checks walk every route's declared arguments (flask-smorest keeps them on each view), so a route or field
added later is covered without editing this file: every integer in a JSON body is strict (1.5, "1", true refused),
every integer in a query string still parses "20", and every decimal field survives huge, NaN and infinite values.
"""

from __future__ import annotations

import re

import pytest
from marshmallow import Schema, ValidationError, fields

from api.errors import FIELD_MESSAGES
from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.greencoins.helpers import grant, green_world, resident
from tests.pickup.helpers import captain, pickup_world, port_id, register

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOT_INTEGERS = [1.5, "1", True, 1e0]
HUGE_DECIMALS = [10**30, -(10**30), 1e300, 10**400, "NaN", "Infinity", "-Infinity", "1e400"]


def _declared_arguments(app) -> list[tuple[str, str, Schema]]:
    """(endpoint, location, schema instance) for every @blp.arguments of every view."""
    found = []
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        functions = [getattr(view_class, m.lower()) for m in view_class.methods] if view_class else [view]
        for function in functions:
            for parameter in getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                schema = parameter["schema"]
                schema = schema() if isinstance(schema, type) else schema
                found.append((f"{endpoint}.{function.__name__}", parameter["in"], schema))
    return found


def _fields(schema: Schema, prefix: str = ""):
    """Every loadable field of a schema, nested ones included, with a dotted name."""
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        yield from _field(field, f"{prefix}{name}")


def _field(field, name: str):
    yield name, field
    if isinstance(field, fields.Nested):
        yield from _fields(field.schema, f"{name}.")
    elif isinstance(field, fields.List):
        yield from _field(field.inner, f"{name}[]")
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        yield from _field(field.value_field, f"{name}{{}}")


def test_the_walk_finds_the_known_body_integers(app):
    integers = {(e, n) for e, loc, s in _declared_arguments(app) if loc == "json" for n, f in _fields(s) if isinstance(f, fields.Integer)}
    names = {n for _e, n in integers}
    assert {"coins", "quantity", "amount", "vessel_id", "daily_cap_coins", "points"} <= names, names


def test_every_integer_in_a_json_body_refuses_fractions_strings_and_booleans(app):
    loose = []
    for endpoint, location, schema in _declared_arguments(app):
        if location != "json":
            continue
        for name, field in _fields(schema):
            if not isinstance(field, fields.Integer):
                continue
            for value in NOT_INTEGERS:
                try:
                    field.deserialize(value)
                except ValidationError:
                    continue
                loose.append(f"{endpoint} {name}={value!r}")
    assert not loose, "integers silently accepted (truncated): " + ", ".join(loose)


def test_every_integer_in_a_query_string_still_parses_text(app):
    refused = []
    for endpoint, location, schema in _declared_arguments(app):
        if location != "query":
            continue
        for name, field in _fields(schema):
            if isinstance(field, fields.Integer):
                try:
                    field.deserialize("20")
                except ValidationError as exc:
                    if "integer" in str(exc.messages).lower():
                        refused.append(f"{endpoint} {name}")
    assert not refused, "query integers refusing '20': " + ", ".join(refused)


def test_every_decimal_in_a_body_refuses_huge_and_non_finite_numbers_without_crashing(app):
    crashed = []
    for endpoint, _location, schema in _declared_arguments(app):
        for name, field in _fields(schema):
            if not isinstance(field, fields.Float | fields.Decimal):
                continue
            for value in HUGE_DECIMALS:
                try:
                    field.deserialize(value)
                    field._validate(field.deserialize(value))
                except ValidationError:
                    continue
                except Exception as exc:  # noqa: BLE001 — the point: anything else is a 500
                    crashed.append(f"{endpoint} {name}={str(value)[:12]}: {type(exc).__name__}")
                    continue
                crashed.append(f"{endpoint} {name}={str(value)[:12]}: accepted")
    assert not crashed, ", ".join(crashed)


@pytest.mark.parametrize(
    "message",
    [
        "Not a valid mapping type.",
        "Not a valid email address.",
        "Not a valid UUID.",
        "Not a valid time.",
        "Not a valid tuple.",
        "Field may not be blank.",
        "Not a valid URL.",
        "Number too large.",
        "Not a valid period of time.",
    ],
)
def test_marshmallow_default_messages_have_a_chinese_first_translation(message):
    assert CHINESE.search(FIELD_MESSAGES.get(message, "")), message


def test_every_fixed_marshmallow_field_message_is_translated():
    untranslated = set()
    for field_class in vars(fields).values():
        if isinstance(field_class, type) and issubclass(field_class, fields.Field):
            for klass in field_class.__mro__:
                for message in getattr(klass, "default_error_messages", {}).values():
                    if "{" not in message and message not in FIELD_MESSAGES:
                        untranslated.add(message)
    assert not untranslated, untranslated


def _first_message(body: dict, name: str) -> str:
    """The field's message, or the body's when the JSON parser already refused the literal (over-long integers)."""
    details = body["details"]
    return str((details.get(name) or details.get("_body"))[0])


def _behavior(**overrides) -> dict:
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
    return body | overrides


@pytest.mark.parametrize("name", ["coins_per_unit", "co2e_g_per_unit", "max_per_event", "max_per_day"])
@pytest.mark.parametrize("value", [10**30, 1e300, 10**400])
def test_a_huge_behaviour_number_is_a_chinese_first_422_on_create_and_patch(client, name, value):
    green_world()
    official = staff_headers(client, "eco1", roles=("eco_official",))
    made = client.post("/api/v1/greencoins/behaviors", headers=official, json=_behavior(**{name: value}))
    body = assert_error_shape(made, 422, "validation_error")
    assert CHINESE.match(_first_message(body, name)), body
    patched = client.patch("/api/v1/greencoins/behaviors/walking", headers=official, json={name: value})
    body = assert_error_shape(patched, 422, "validation_error")
    assert CHINESE.match(_first_message(body, name)), body


@pytest.mark.parametrize("coins", [1.5, "1", True])
def test_a_fractional_donation_is_refused_and_nothing_is_taken(client, coins):
    green_world()
    official = staff_headers(client, "eco1", roles=("eco_official",))
    project = {"title": "仙居杨梅林补植", "description": "树苗", "place": "仙居县步路乡", "lat": 28.81, "lon": 120.69, "goal_coins": 100}
    project_id = client.post("/api/v1/greencoins/projects", headers=official, json=project).json["id"]
    citizen, citizen_id = resident(client)
    grant(citizen_id, 50)
    answer = client.post(f"/api/v1/greencoins/projects/{project_id}/donations", headers=citizen, json={"coins": coins})
    assert_error_shape(answer, 422, "validation_error")
    assert client.get("/api/v1/greencoins/me/donations", headers=citizen).json["items"] == []


def test_a_fractional_adjustment_is_refused(client):
    green_world()
    official = staff_headers(client, "eco1", roles=("eco_official",))
    _citizen, citizen_id = resident(client)
    body = {"amount": 1.5, "reason": "人工补发测试"}
    answer = client.post(f"/api/v1/greencoins/accounts/{citizen_id}/adjustments", headers=official, json=body)
    assert_error_shape(answer, 422, "validation_error")


def test_a_list_where_an_object_belongs_says_so_in_chinese_first(client):
    pickup_world()
    register()
    headers, vessel_id = captain(client)
    answer = client.post(f"/api/v1/pickup/vessels/{vessel_id}/safety-checks", headers=headers, json={"items": [["救生衣", True]]})
    body = assert_error_shape(answer, 422, "validation_error")
    assert "输入类型无效" in str(body["details"]["items"]), body


def test_a_fractional_vessel_id_in_a_booking_is_refused(client):
    pickup_world()
    register()
    headers, _vessel_id = captain(client)
    answer = client.post("/api/v1/pickup/bookings", headers=headers, json={"vessel_id": 1.5, "port_id": port_id()})
    body = assert_error_shape(answer, 422, "validation_error")
    assert "vessel_id" in body["details"], body

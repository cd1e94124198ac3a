"""Round trips of the enrollment morning's two requests (issue 20): an application submit and its status read.

Before issue 20 a submit with an Idempotency-Key issued 14 SQL statements and the status read 7; each statement
is a round trip a sync worker waits on. A change that adds one back fails here.
"""

from __future__ import annotations

import pytest

from tests.admission.helpers import admission_world, application_body
from tests.assertions import assert_error_shape, counted_statements
from tests.factories import citizen_headers

SUBMIT_STATEMENTS_BEFORE, SUBMIT_STATEMENTS = 14, 10
STATUS_STATEMENTS_BEFORE, STATUS_STATEMENTS = 7, 4


@pytest.fixture(autouse=True)
def _world():
    admission_world()


def submit(client, key: str, headers: dict):
    body = application_body(key)
    return client.post("/api/v1/admission/applications", json=body, headers=headers | {"Idempotency-Key": f"count-{key}"})


def test_an_application_submit_and_its_status_read_take_few_round_trips(client, capsys):
    warm = citizen_headers(client, "parent_b")
    assert submit(client, "parent_b", warm).status_code == 201  # the catchment index is built, as in a running server
    headers = citizen_headers(client, "parent_a")
    with counted_statements() as on_submit:
        submitted = submit(client, "parent_a", headers)
    assert submitted.status_code == 201, submitted.json
    with counted_statements() as on_read:
        status = client.get(f"/api/v1/admission/applications/{submitted.json['id']}", headers=headers)
    assert status.status_code == 200
    assert [h["status"] for h in status.json["history"]] == ["submitted"] and status.json["school"]["name"]
    with capsys.disabled():
        submit_line = f"application submit: {len(on_submit)} statements (before: {SUBMIT_STATEMENTS_BEFORE})"
        print(f"\n{submit_line}; status read: {len(on_read)} (before: {STATUS_STATEMENTS_BEFORE})")
    assert len(on_submit) <= SUBMIT_STATEMENTS, on_submit
    assert len(on_read) <= STATUS_STATEMENTS, on_read


def test_a_second_application_for_the_same_child_is_still_refused_without_a_look_up_first(client):
    headers = citizen_headers(client, "parent_a")
    assert submit(client, "parent_a", headers).status_code == 201
    again = client.post("/api/v1/admission/applications", json=application_body("parent_a"), headers=headers | {"Idempotency-Key": "other"})
    assert_error_shape(again, 409, "duplicate_application")

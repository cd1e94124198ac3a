"""Round trips of the enrollment morning's two requests (issue 20): an application submit and its status read.

Before issue 20 a submit with an Idempotency-Key issued 14 SQL statements and the status read 7; each statement
is a round trip a sync worker waits on. A change that adds one back fails here. An offer's acceptance (22 before)
answers from one query after its commit instead of four lazy loads, and the caller's row is read once a request.
"""

from __future__ import annotations

import pytest

from tests.admission.helpers import (
    admission_world,
    application_body,
    guardian_headers,
    make_application,
    make_guardian,
    make_property,
    make_school,
)
from tests.admission.test_allocation_runs import start_run
from tests.assertions import assert_error_shape, counted_statements
from tests.factories import citizen_headers

SUBMIT_STATEMENTS_BEFORE, SUBMIT_STATEMENTS = 14, 9
STATUS_STATEMENTS_BEFORE, STATUS_STATEMENTS = 7, 3
ACCEPT_STATEMENTS_BEFORE, ACCEPT_STATEMENTS = 22, 16


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


def test_accepting_an_offer_answers_from_one_query_after_its_commit(client):
    owner = make_guardian()
    application = make_application(make_school(planned=1), owner, property_no=make_property(owner))
    start_run(client, seed="1")
    headers = guardian_headers(client, owner)
    with counted_statements() as on_accept:
        answer = client.post(f"/api/v1/admission/applications/{application.id}/accept", headers=headers)
    assert answer.status_code == 200 and answer.json["status"] == "admitted", answer.json
    assert answer.json["school"]["name"] and [h["status"] for h in answer.json["history"]][-1] == "admitted"
    assert len(on_accept) <= ACCEPT_STATEMENTS, on_accept

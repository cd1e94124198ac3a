"""Guardianship (公安 registry): only a child's guardians check, apply, follow and answer; a stranger learns nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from api.admission.models import Application, GuardianRecord
from api.common.pii import birth_date_of
from api.extensions import db
from api.seed.residents import make_id_number, resident
from tests.admission.helpers import admission_world, application_body, school_named
from tests.admission.test_allocation_runs import start_run
from tests.admission.test_imports import write
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers

APPS = "/api/v1/admission/applications"
STRANGER = {"id_number": make_id_number("331002", date(1979, 2, 27), 135), "name": "林海生", "phone": "13800000009"}  # a captain


@pytest.fixture(autouse=True)
def _world():
    admission_world()


def nobody_body() -> dict:
    """A child the registry has never heard of (a valid ID number, no record anywhere)."""
    body = application_body("parent_a")
    born = birth_date_of(body["child"]["id_number"])
    body["child"] = {"name": "无此人", "id_number": make_id_number("331002", born, 977)}
    return body


def bodies_without_noise(answer) -> dict:
    return {k: v for k, v in answer.json.items() if k != "request_id"}


def test_a_strangers_eligibility_check_answers_404_exactly_as_for_a_child_who_does_not_exist(client):
    stranger = citizen_headers(client, **STRANGER)
    theirs = client.post("/api/v1/admission/eligibility", json=application_body("parent_a"), headers=stranger)
    nobody = client.post("/api/v1/admission/eligibility", json=nobody_body(), headers=stranger)
    assert_error_shape(theirs, 404, "child_not_found")
    assert bodies_without_noise(theirs) == bodies_without_noise(nobody)
    text = theirs.get_data(as_text=True)
    assert "小学" not in text.replace("未查询到您监护的该孩子", "") and "学籍" not in text


def test_a_stranger_cannot_apply_for_someone_elses_child_and_the_guardian_still_can(client):
    """The first release let a captain with no property apply (category B through the child's 户籍) and block the parent."""
    stranger = citizen_headers(client, **STRANGER)
    assert_error_shape(client.post(APPS, json=application_body("parent_a", property_no=None), headers=stranger), 404, "child_not_found")
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert client.post(APPS, json=application_body("parent_a"), headers=citizen_headers(client, "parent_a")).status_code == 201


def test_both_guardians_see_the_application_and_its_history_a_stranger_sees_nothing(client):
    application = client.post(APPS, json=application_body("parent_a"), headers=citizen_headers(client, "parent_a")).json
    mother = citizen_headers(client, "parent_a_spouse")
    assert [a["id"] for a in client.get(APPS, headers=mother).json["items"]] == [application["id"]]
    seen = client.get(f"{APPS}/{application['id']}", headers=mother).json
    assert seen["history"][0]["step"] == "submitted" and "A 类" in seen["history"][0]["reason"]
    assert client.get(APPS, headers=citizen_headers(client, **STRANGER)).json["items"] == []


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "/withdraw", None),
        ("post", "/reviews", {"reason": "我想复核这个结果"}),
        ("post", "/accept", None),
        ("post", "/decline", None),
    ],
)
def test_a_strangers_request_on_an_application_answers_as_if_it_did_not_exist(client, method, suffix, body):
    school = school_named("椒江区葭沚小学")
    application = client.post(
        APPS, json=application_body("new_resident", school_id=school.id), headers=citizen_headers(client, "new_resident")
    ).json
    start_run(client, seed="1")
    stranger = citizen_headers(client, **STRANGER)
    kwargs = {"headers": stranger} | ({"json": body} if body else {})
    theirs = getattr(client, method)(f"{APPS}/{application['id']}{suffix}", **kwargs)
    missing = getattr(client, method)(f"{APPS}/999999{suffix}", **kwargs)
    assert_error_shape(theirs, 404, "not_found")
    assert bodies_without_noise(theirs) == bodies_without_noise(missing)
    db.session.expire_all()
    assert db.session.get(Application, application["id"]).review is None


def test_guardians_import_from_a_csv_of_id_numbers_stored_only_as_hashes(runner, client, tmp_path):
    stranger_id, child_id = STRANGER["id_number"], resident("parent_b")["children"][0]["id_number"]
    text = f"child_id_number,guardian_id_number,relation\n{child_id},{stranger_id},祖父\n"
    result = runner.invoke(args=["admission", "import", "guardians", write(tmp_path, "guardians.csv", text)])
    assert "imported guardians: 1" in result.output, result.output
    assert all(stranger_id not in (g.child_hash + g.guardian_hash) for g in db.session.scalars(select(GuardianRecord)))
    check = client.post("/api/v1/admission/eligibility", json=application_body("parent_b"), headers=citizen_headers(client, **STRANGER))
    assert check.status_code == 200  # now a guardian: the answer says what it would be
    same = f"child_id_number,guardian_id_number\n{child_id},{child_id}\n"
    refused = runner.invoke(args=["admission", "import", "guardians", write(tmp_path, "same.csv", same)])
    assert refused.exit_code != 0 and "第 2 行" in refused.output

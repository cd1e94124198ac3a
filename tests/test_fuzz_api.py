"""Fuzzing the whole API from its OpenAPI document: no 500, every error in the SPEC shape, answers match schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import create_app
from api.extensions import db
from api.seed.demo import DEMO_PARTNER_KEY, DEMO_PASSWORD, seed_demo
from tests.factories import citizen_headers

EXAMPLES = 15


@pytest.fixture(scope="module")
def fuzz_app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, LOGIN_FAILURE_LIMIT="10000 per minute")
    return app


@pytest.fixture(params=["citizen", "official"])
def api_schema(fuzz_app, request):
    """The API as a citizen or an official sees it; the partner device key rides along on both."""
    with fuzz_app.app_context():
        seed_demo(db.session, fuzz_app.config)
        client = fuzz_app.test_client()
        if request.param == "citizen":
            signed_in = citizen_headers(client, "parent_a")
        else:
            token = client.post("/api/v1/auth/login", json={"username": "official", "password": DEMO_PASSWORD})
            signed_in = {"Authorization": f"Bearer {token.json['access_token']}"}
        headers = signed_in | {"X-Api-Key": DEMO_PARTNER_KEY}
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    loaded.config.headers = headers
    return loaded


def assert_spec_error_shape(response) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) <= {"status", "error", "message", "details"}, body
    assert body["status"] == response.status_code and body["error"] and body["message"], body


def check(case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    assert_spec_error_shape(response)
    case.validate_response(response, checks=[response_schema_conformance])


# Proves the HTTP layer whatever the database: run once, in the SQLite pass (tests/conftest.py).
pytestmark = pytest.mark.once


def test_no_request_crashes_the_api_or_breaks_the_error_shape(api_schema):
    # schemathesis's pytest plugin does not run under pytest 9; its strategies are driven here directly.
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case):
            check(case)

        try:
            fuzz()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:400]}")
    assert not failures, "\n".join(failures)

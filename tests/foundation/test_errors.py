"""Every failure answers the one error shape of SPEC §2."""

from __future__ import annotations

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint

from api import create_app
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers


def test_an_unknown_route_answers_not_found_in_the_error_shape(client):
    assert_error_shape(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_a_wrong_method_answers_405_and_keeps_the_allow_header(client):
    answer = client.delete("/api/v1/health")
    assert_error_shape(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["Allow"]


def test_malformed_json_answers_bad_request(client):
    answer = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    body = assert_error_shape(answer, 400, "bad_request")
    assert "JSON" in body["message"]


def test_missing_fields_answer_validation_error_with_field_messages_in_chinese_first(client):
    body = assert_error_shape(client.post("/api/v1/auth/login", json={"username": "x"}), 422, "validation_error")
    assert body["details"]["password"][0].startswith("必填字段缺失")


def test_chinese_text_is_sent_unescaped(client):
    answer = client.get("/api/v1/nothing-here")
    assert "未找到" in answer.get_data(as_text=True)


def test_a_citizen_calling_a_staff_route_is_forbidden(client):
    answer = client.get("/api/v1/notify/messages", headers=citizen_headers(client))
    assert_error_shape(answer, 403, "forbidden")


def test_a_route_without_a_token_is_unauthorized(client):
    assert_error_shape(client.get("/api/v1/notify/messages"), 401, "unauthorized")


@pytest.fixture
def crashing_client(database_url):
    """A separate app with one view that raises, as a bug would."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)
    blp = Blueprint("crash", __name__, url_prefix="/api/v1/crash")

    @blp.route("/")
    class Crash(MethodView):
        @blp.response(200)
        def get(self):
            """Always fails"""
            raise RuntimeError("secret internal detail /etc/passwd")

    app.register_blueprint(blp)
    return app.test_client()


def test_an_exception_inside_a_view_answers_internal_error_without_details(crashing_client):
    answer = crashing_client.get("/api/v1/crash/")
    assert_error_shape(answer, 500, "internal_error")
    assert "secret internal detail" not in answer.get_data(as_text=True)

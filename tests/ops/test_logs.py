"""JSON log lines carry the request id, and never an ID number or a phone, whoever logs them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from api.ops.logs import JsonFormatter, RedactingFilter, RequestIdFilter, redact

ID_NUMBER = "33100220150302001X"


@pytest.fixture
def json_lines():
    """A handler as configure_logging builds it, on the root logger, capturing what it writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"id={ID_NUMBER}", "id=331002********001X"),
        ("身份证330102199001011234已核验", "身份证330102********1234已核验"),
        ("phone 13800000001, +8613912345678", "phone 138****0001, +86139****5678"),
        ("短信发往13800000001。", "短信发往138****0001。"),
    ],
)
def test_id_numbers_and_phones_are_masked(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize("text", ["booking 20261124000123", "联单 JJ-2026-000123", "took 1380 ms", "vessel 浙椒渔12345", "12800000001"])
def test_other_numbers_are_left_alone(text):
    assert redact(text) == text


def test_a_log_line_is_one_json_object_with_its_arguments_and_exception_masked(json_lines):
    try:
        raise ValueError(f"duplicate key ({ID_NUMBER})")
    except ValueError:
        logging.getLogger("api.test").exception("sending to %s failed", "13800000001", extra={"phone": "13800000002"})
    (line,) = json_lines()
    assert line["level"] == "ERROR" and line["logger"] == "api.test" and line["request_id"] == "-"
    assert line["message"] == "sending to 138****0001 failed" and line["phone"] == "138****0002"
    assert "331002********001X" in line["exception"] and ID_NUMBER not in json.dumps(line)


def test_every_request_gets_an_id_in_and_out_and_its_log_lines_carry_it(client, json_lines):
    given = client.get("/api/v1/health/live", headers={"X-Request-Id": "trace-42"})
    assert given.headers["X-Request-Id"] == "trace-42"
    made = client.get("/api/v1/health/live")
    assert len(made.headers["X-Request-Id"]) == 32
    forged = client.get("/api/v1/health/live", headers={"X-Request-Id": "bad id; with spaces"})
    assert forged.headers["X-Request-Id"] != "bad id; with spaces" and len(forged.headers["X-Request-Id"]) == 32
    access = [line for line in json_lines() if line["logger"] == "api.access"]
    assert [a["request_id"] for a in access] == ["trace-42", made.headers["X-Request-Id"], forged.headers["X-Request-Id"]]
    assert access[0]["route"] == "/api/v1/health/live" and access[0]["status"] == 200 and access[0]["duration_ms"] >= 0


def test_an_error_answer_carries_the_request_id_too(client):
    answer = client.get("/api/v1/nothing-here", headers={"X-Request-Id": "trace-404"})
    assert answer.status_code == 404 and answer.headers["X-Request-Id"] == "trace-404"


def test_a_path_with_a_phone_in_it_is_masked_in_the_access_log(client, json_lines):
    client.get("/api/v1/nothing/13800000001")
    (access,) = [line for line in json_lines() if line["logger"] == "api.access"]
    assert "13800000001" not in json.dumps(access) and "138****0001" in access["message"]

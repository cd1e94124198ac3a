"""Body limit, security headers and redirects on every route (SPEC §12.1)."""

from __future__ import annotations

import io

import pytest

from api import create_app
from tests.assertions import assert_error_shape
from tests.factories import staff_headers

ONE_MB = 1024 * 1024


def _write_rules(app):
    """Every route that takes a body, with its path parameters filled in."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x").replace(f"<path:{argument}>", "x")
            yield method, path


def test_the_limit_is_one_megabyte_by_default(app):
    assert app.config["MAX_CONTENT_LENGTH"] == ONE_MB


def test_every_write_route_refuses_a_body_over_the_limit_before_reading_it(app, client):
    body = b'{"x": "' + b"a" * ONE_MB + b'"}'
    routes = list(_write_rules(app))
    assert len(routes) > 20
    for method, path in routes:
        # 413 comes before authentication (401) and before the body is parsed (400/422)
        answer = client.open(path, method=method, data=body, content_type="application/json")
        assert_error_shape(answer, 413, "payload_too_large")


def test_the_limit_is_a_setting_and_a_body_within_it_is_read(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    within = {"username": "x" * 10, "password": "y" * 1900}
    assert client.post("/api/v1/auth/login", json=within).status_code == 422  # read, parsed, refused as too long a password
    over = {"username": "x", "password": "y" * 2000}
    assert_error_shape(client.post("/api/v1/auth/login", json=over), 413, "payload_too_large")


def test_a_chunked_body_with_no_length_is_cut_off_at_the_limit(client):
    stream = io.BytesIO(b'{"username": "' + b"a" * (2 * ONE_MB) + b'", "password": "x"}')
    answer = client.post(
        "/api/v1/auth/login",
        input_stream=stream,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_error_shape(answer, 413, "payload_too_large")


def _answers(app, client):
    headers = staff_headers(client)
    paths = ["/", "/miniapp/", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/nothing-here", "/mock-zlb/residents"]
    for path in paths:
        yield path, client.get(path)
    yield "/api/v1/auth/me", client.get("/api/v1/auth/me", headers=headers)
    yield "/api/v1/auth/login (401)", client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    yield "/api/v1/auth/login (200)", client.post("/api/v1/auth/login", json={"username": "official", "password": "secret-pass-1"})


def test_every_answer_carries_the_security_headers(app, client):
    for path, answer in _answers(app, client):
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "no-referrer", path
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
        if path.startswith(("/api/", "/mock-zlb/")):
            assert answer.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443", "127.0.0.1@evil.example"])
def test_no_redirect_follows_the_host_header(app, client, host):
    redirecting = [rule.rule.rstrip("/") or "/" for rule in app.url_map.iter_rules() if rule.rule.endswith("/") and not rule.arguments]
    assert "/miniapp" in redirecting
    for path in redirecting:
        answer = client.get(path, headers={"Host": host})
        if answer.status_code in (301, 302, 303, 307, 308):
            location = answer.headers["Location"]
            assert location.startswith("/") and not location.startswith("//"), (path, location)
            assert "evil" not in location

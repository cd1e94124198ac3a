"""Errors gunicorn answers itself (over-long request line, too many or too large headers, a malformed request) use
the SPEC error shape, from a real gunicorn on a local port, with both configuration files."""

from __future__ import annotations

import json
import os
import socket
import sys

import pytest

from tests.browser import free_port, server

pytestmark = pytest.mark.servers


def _raw(port: int, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def _assert_shape(status: int, headers: dict, body: bytes, expected: int, error: str) -> None:
    assert status == expected, body[:200]
    assert headers["Content-Type"].startswith("application/json") and headers["X-Content-Type-Options"] == "nosniff"
    document = json.loads(body)
    assert document["status"] == expected and document["error"] == error and "(" in document["message"]
    assert b"<html" not in body.lower() and b"AAAA" not in body  # the client's text is not echoed


@pytest.mark.parametrize("config", ["gunicorn.conf.py", "deploy/gunicorn.conf.py"])
def test_gunicorns_own_errors_are_json_in_the_error_shape(database_url, config):
    port = free_port()
    # No PROMETHEUS_MULTIPROC_DIR at all: prometheus_client takes even an empty one as "multiprocess, files in the cwd".
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"APP_ENV": "development", "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "gunicorn", "-c", config, "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    with server(command, env, f"http://127.0.0.1:{port}/api/v1/health"):
        long_line = b"GET /api/v1/health?q=" + b"A" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        _assert_shape(*_raw(port, long_line), 414, "uri_too_long")
        big_header = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"A" * 20000 + b"\r\n\r\n"
        _assert_shape(*_raw(port, big_header), 431, "headers_too_large")
        many_headers = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: A\r\n" % i for i in range(150)) + b"\r\n"
        _assert_shape(*_raw(port, many_headers), 431, "headers_too_large")
        _assert_shape(*_raw(port, b"AAAA\x01 / HTTP/1.1\r\n\r\n"), 400, "bad_request")
        status, headers, body = _raw(port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == 200 and headers["Cache-Control"] == "no-store"

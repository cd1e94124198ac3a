"""Login throttling across several API processes: with Redis storage the limit is one limit, not one per process.

Two real API servers (as two gunicorn workers would be) share a redis-server started for the test; failed
sign-ins alternate between them. With per-process memory storage the fourth failure would still get 401.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack

import pytest
import redis
import requests

from api.common.db import unit_of_work
from api.extensions import db
from tests.assertions import assert_error_shape
from tests.browser import free_port, server
from tests.factories import PASSWORD, make_staff


def _redis_server():
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process, port
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.servers
def test_failed_sign_ins_are_counted_once_across_api_processes(database_url):
    with unit_of_work(db.session):
        make_staff("official")
    redis_process, redis_port = _redis_server()
    try:
        with ExitStack() as stack:
            bases, prefix = [], f"test-{uuid.uuid4().hex}"  # one limiter namespace, as one deployment has
            for _ in range(2):
                port = free_port()
                env = {
                    "APP_ENV": "development",
                    "DATABASE_URL": database_url,
                    "LOGIN_FAILURE_LIMIT": "3 per minute",
                    "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
                    "RATELIMIT_KEY_PREFIX": prefix,
                }
                command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
                base = f"http://127.0.0.1:{port}"
                stack.enter_context(server(command, os.environ | env, f"{base}/api/v1/health"))
                bases.append(base)

            def login(base: str, password: str):
                return requests.post(f"{base}/api/v1/auth/login", json={"username": "official", "password": password}, timeout=10)

            for attempt in range(3):  # A, B, A: three failures spread over both processes
                assert_error_shape(login(bases[attempt % 2], "wrong"), 401, "unauthorized")
            throttled = login(bases[1], PASSWORD)  # B has seen only one failure itself
            assert_error_shape(throttled, 429, "rate_limited")
            assert_error_shape(login(bases[0], PASSWORD), 429, "rate_limited")
    finally:
        redis_process.kill()
        redis_process.wait(timeout=10)

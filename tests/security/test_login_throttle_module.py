"""``api.auth.throttle``: the Flask-free failed-login counter the API and the cockpit share."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from api.auth.throttle import clear_login_failures, login_allowed, record_login_failure
from tests.foundation.test_throttle_shared import _redis_server


def _settings(storage_uri: str = "memory://") -> dict:
    return {"storage_uri": storage_uri, "limit": "3 per minute", "prefix": f"t-{uuid.uuid4().hex}"}


def test_failures_are_counted_per_username_whatever_the_address():
    settings = _settings()
    for n in range(3):
        assert login_allowed("official", f"10.0.0.{n}", **settings)
        record_login_failure("official", f"10.0.0.{n}", **settings)
    assert not login_allowed("official", "10.9.9.9", **settings)
    assert not login_allowed(" Official ", None, **settings)  # the same account, spelled differently
    assert login_allowed("edu1", "10.9.9.9", **settings)


def test_failures_are_counted_per_address_whatever_the_username():
    settings = _settings()
    for name in ("official", "edu1", "eco1"):
        record_login_failure(name, "10.0.0.7", **settings)
    assert not login_allowed("ocean1", "10.0.0.7", **settings)
    assert login_allowed("ocean1", "10.0.0.8", **settings)


def test_a_success_clears_the_username_but_not_the_address():
    settings = _settings()
    for name in ("official", "official", "edu1"):
        record_login_failure(name, "10.0.0.7", **settings)
    clear_login_failures("official", **settings)
    assert login_allowed("official", "10.0.0.8", **settings)
    assert not login_allowed("official", "10.0.0.7", **settings)


def test_the_module_does_not_import_flask():
    code = "import sys, api.auth.throttle; assert 'flask' not in sys.modules, sorted(m for m in sys.modules if 'flask' in m)"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.servers
def test_two_processes_share_one_count_through_redis():
    redis_process, port = _redis_server()
    try:
        settings = _settings(f"redis://127.0.0.1:{port}/0")
        record = (
            "from api.auth.throttle import record_login_failure as r; "
            f"r('official', '10.0.0.{{n}}', storage_uri={settings['storage_uri']!r}, limit='3 per minute', prefix={settings['prefix']!r})"
        )
        for n in range(3):  # three separate processes, as two API workers and the cockpit would be
            subprocess.run([sys.executable, "-c", record.format(n=n)], check=True)
        assert not login_allowed("official", None, **settings)
    finally:
        redis_process.kill()
        redis_process.wait(timeout=10)


@pytest.mark.parametrize("username", ["", "a" * 500, "名字\x00"])
def test_odd_usernames_are_counted_without_error(username):
    settings = _settings()
    record_login_failure(username, "::1", **settings)
    assert login_allowed(username, "::1", **settings)

"""Settings: production refuses to start without its secrets."""

from __future__ import annotations

import pytest

from config import ConfigError, load_config


def test_production_without_secret_key_or_database_url_stops_with_a_clear_message(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY and DATABASE_URL"):
        load_config("production")


def test_production_refuses_the_mock_sso(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/zheli")
    monkeypatch.setenv("ZLB_MOCK", "1")
    with pytest.raises(ConfigError, match="ZLB_MOCK"):
        load_config("production")


def test_production_with_its_settings_starts_without_the_mock(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/zheli")
    monkeypatch.delenv("ZLB_MOCK", raising=False)
    assert load_config("production").ZLB_MOCK is False


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config("staging-ish")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 31)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/zheli")
    monkeypatch.delenv("ZLB_MOCK", raising=False)
    with pytest.raises(ConfigError, match="32"):
        load_config("production")


def test_the_hardening_settings_have_their_documented_defaults(monkeypatch):
    for name in ("MAX_CONTENT_LENGTH", "IMPORT_MAX_CONTENT_LENGTH", "GUESS_FAILURE_LIMIT", "TRUSTED_PROXY_HOPS"):
        monkeypatch.delenv(name, raising=False)
    config = load_config("development")
    assert config.MAX_CONTENT_LENGTH == 1024 * 1024 and config.IMPORT_MAX_CONTENT_LENGTH == 20 * 1024 * 1024
    assert config.GUESS_FAILURE_LIMIT == "10 per minute" and config.TRUSTED_PROXY_HOPS == 0

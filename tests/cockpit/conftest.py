"""The cockpit on the demo data set, in this run's test database."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from api.extensions import db
from api.seed.demo import seed_demo
from config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "cockpit" / "app.py")


@pytest.fixture
def cockpit_env(database_url, monkeypatch):
    """The cockpit reads this run's test database, with fresh caches."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("APP_ENV", "development")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def demo_data(app, cockpit_env):
    seed_demo(db.session, app.config)
    st.cache_data.clear()


def signed_in_cockpit() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["official"] = {"id": 1, "name": "区教育局 陈科长"}
    return at

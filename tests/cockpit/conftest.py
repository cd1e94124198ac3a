"""The cockpit on the demo data set, in this run's test database."""

from __future__ import annotations

import os
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from api.auth.sessions import open_session
from api.extensions import db
from config import PROJECT_ROOT
from tests.browser import free_port, server
from tests.conftest import load_demo
from tests.factories import make_staff

APP = str(PROJECT_ROOT / "cockpit" / "main.py")  # the Streamlit script; cockpit/app.py serves it with the cookie routes

# The demo's officials, by bureau (SPEC §12.5).
OFFICIALS = {"official": ("admin",), "edu1": ("edu_official",), "eco1": ("eco_official",), "ocean1": ("ocean_official",)}


@pytest.fixture
def cockpit_env(database_url, monkeypatch):
    """The cockpit reads this run's test database, with fresh caches."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("COCKPIT_DATABASE_URL", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def demo_data(app, cockpit_env):
    load_demo(app)
    st.cache_data.clear()


def signed_in_cockpit(username: str = "official", roles: tuple[str, ...] | None = None) -> AppTest:
    """The cockpit as a signed-in official (a real server-side session, as the login form would open)."""
    staff = make_staff(username, roles=roles or OFFICIALS.get(username, ("admin",)))
    db.session.commit()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["cockpit_token"] = open_session(db.session, staff.id, ttl_seconds=600)
    return at


def streamlit_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "cockpit/app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@pytest.fixture
def cockpit_url(demo_data, database_url):
    """A fresh `streamlit run cockpit/app.py` on a free local port, on the demo data."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "APP_ENV": "development"}
    env.pop("COCKPIT_DATABASE_URL", None)
    url = f"http://127.0.0.1:{port}"
    with server(streamlit_command(port), env, f"{url}/_stcore/health"):
        yield url

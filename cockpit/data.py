"""The cockpit's access to the product database: one engine, read-only sessions, cached query results."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import api.models  # noqa: F401 - every mapped class registered before the first query
from cockpit import details, queries
from config import load_config

logger = logging.getLogger(__name__)
CACHE_SECONDS = 60


def database_url() -> str:
    """Where the pages read: COCKPIT_DATABASE_URL (a streaming replica), by default the main database."""
    return load_config().COCKPIT_DATABASE_URL


def bureaus() -> frozenset[str]:
    """The signed-in official's bureaus (set by cockpit/main.py before any page runs)."""
    return frozenset(st.session_state["official"]["bureaus"])


@st.cache_resource
def engine_for(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner="正在汇总数据…")
def load(url: str, query_name: str, *args):
    """Run one function of ``cockpit.queries`` (or ``cockpit.details``) in a read-only session; cached for a minute."""
    module = queries if hasattr(queries, query_name) else details
    with Session(engine_for(url)) as session:
        return getattr(module, query_name)(session, *args)


def safely(loader: Callable, *args):
    """Call a loader; a database failure shows an error on the page instead of crashing it."""
    try:
        return loader(*args)
    except SQLAlchemyError:
        logger.exception("cockpit query failed")
        st.error("数据库暂不可用,请稍后刷新 (database unavailable)")
        st.stop()

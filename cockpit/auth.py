"""Official sign-in for the cockpit: the API's password rule, the shared failure counter, a server-side session.

Failed sign-ins are counted per username and per IP address in the same shared storage as the API's
(``api/auth/throttle.py``), so neither a new browser session nor the other front end resets them.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import streamlit as st
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.auth.roles import ROLE_LABELS, bureaus_of
from api.auth.service import authenticate_staff
from api.auth.sessions import COOKIE_NAME, close_session, open_session, staff_for_session
from api.auth.throttle import clear_login_failures, login_allowed, record_login_failure
from api.errors import Unauthorized
from cockpit import handover
from config import load_config

TOKEN_KEY = "cockpit_token"
logger = logging.getLogger(__name__)


def settings():
    return load_config()


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def primary_engine() -> Engine:
    """The main database: sign-in sessions are written there, never to the read replica."""
    return _engine(settings().SQLALCHEMY_DATABASE_URI)


def end_session(token: str | None) -> None:
    if token:
        with Session(primary_engine()) as session:
            close_session(session, token)


def _cookie() -> str | None:
    value = st.context.cookies.get(COOKIE_NAME)
    return value if isinstance(value, str) else None  # AppTest has no browser and no cookies


def _ip() -> str | None:
    value = st.context.ip_address
    return value if isinstance(value, str) else None


def current_official() -> dict | None:
    """The signed-in official of this browser, checked against the database on every run (a revoked session or a
    deactivated account stops at once): from this session's sign-in, else from the HttpOnly cookie of a reload."""
    token = st.session_state.get(TOKEN_KEY) or _cookie()
    if not token:
        return None
    try:
        with Session(primary_engine()) as session:
            staff = staff_for_session(session, token)
            if staff is None or not bureaus_of(staff.roles):
                st.session_state.pop(TOKEN_KEY, None)
                return None
            st.session_state[TOKEN_KEY] = token
            roles = list(staff.roles)
            return {"id": staff.id, "username": staff.username, "name": staff.display_name, "roles": roles, "bureaus": bureaus_of(roles)}
    except SQLAlchemyError:
        st.error("数据库暂不可用,请稍后再试 (database unavailable)")
        st.stop()


def role_caption(official: dict) -> str:
    return "、".join(ROLE_LABELS.get(r, r) for r in official["roles"])


def login_view() -> None:
    """The only page there is before sign-in, whatever the URL asked for; after sign-in the same URL shows its page."""
    st.title("浙里民生 · 数字驾驶舱")
    st.caption("请使用区教育局 / 生态环境局 / 海洋与渔业局的工作人员账号登录 (officials only)")
    if st.session_state.pop("drop_cookie", False):
        drop = "<script>fetch('/cockpit-session/sign-out', {method: 'POST', credentials: 'same-origin'})</script>"
        st.html(drop, unsafe_allow_javascript=True)
    with st.form("login"):
        username = st.text_input("用户名", key="username")
        password = st.text_input("密码", type="password", key="password")
        submitted = st.form_submit_button("登录")
    if submitted and sign_in(username.strip(), password):
        st.rerun()


def sign_in(username: str, password: str) -> bool:
    config = settings()
    throttle = {"storage_uri": config.RATELIMIT_STORAGE_URI, "limit": config.LOGIN_FAILURE_LIMIT, "prefix": config.RATELIMIT_KEY_PREFIX}
    ip = _ip()
    if not login_allowed(username, ip, **throttle):
        st.error("登录失败次数过多,请稍后再试 (too many failed attempts, try again later)")
        return False
    try:
        with Session(primary_engine()) as session:
            user = authenticate_staff(session, username, password)
            if not bureaus_of(user.roles):
                raise Unauthorized("该账号不是驾驶舱用户 (not an official)")
            token = open_session(session, user.id, ttl_seconds=config.COCKPIT_SESSION_TTL, ip=ip)
    except Unauthorized as exc:
        record_login_failure(username, ip, **throttle)
        st.error(exc.message)
        return False
    except SQLAlchemyError:
        logger.exception("cockpit sign-in: database error")
        st.error("数据库暂不可用,请稍后再试 (database unavailable)")
        return False
    clear_login_failures(username, **throttle)
    st.session_state[TOKEN_KEY] = token
    st.session_state["cookie_claim"] = handover.offer(token)
    return True


def hand_cookie_to_browser() -> None:
    """Right after sign-in: the page posts its one-time claim code and receives the HttpOnly session cookie."""
    claim = st.session_state.pop("cookie_claim", None)
    if claim:
        st.html(
            f"<script>fetch('/cockpit-session/claim', {{method: 'POST', credentials: 'same-origin', body: '{claim}'}})</script>",
            unsafe_allow_javascript=True,
        )


def sign_out() -> None:
    end_session(st.session_state.pop(TOKEN_KEY, None))
    end_session(_cookie())
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["drop_cookie"] = True

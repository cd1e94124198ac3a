"""Official sign-in for the cockpit, through the same staff accounts and password rule as the API."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.auth.service import authenticate_staff
from api.errors import Unauthorized
from cockpit.data import database_url, engine_for

MAX_FAILURES = 5


def signed_in() -> dict | None:
    return st.session_state.get("official")


def login_form() -> None:
    st.title("浙里民生 · 数字驾驶舱")
    st.caption("请使用区教育局 / 生态环境 / 海洋与渔业局的工作人员账号登录 (officials only)")
    failures = st.session_state.get("login_failures", 0)
    if failures >= MAX_FAILURES:
        st.error("登录失败次数过多,请稍后刷新页面重试 (too many failed attempts)")
        return
    with st.form("login"):
        username = st.text_input("用户名", key="username")
        password = st.text_input("密码", type="password", key="password")
        submitted = st.form_submit_button("登录")
    if not submitted:
        return
    try:
        with Session(engine_for(database_url())) as session:
            user = authenticate_staff(session, username.strip(), password)
            if "official" not in user.roles:
                raise Unauthorized("该账号不是驾驶舱用户 (not an official)")
            st.session_state["official"] = {"id": user.id, "name": user.display_name}
    except Unauthorized as exc:
        st.session_state["login_failures"] = failures + 1
        st.error(exc.message)
        return
    except SQLAlchemyError:
        st.error("数据库暂不可用,请稍后再试 (database unavailable)")
        return
    st.rerun()

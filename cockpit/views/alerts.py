"""趋势预警: the official's bureau alerts, newest first; acknowledge, assign and close them (writes go through
``api/alerts/service.py`` on the main database, never from the page itself)."""

import pandas as pd
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.alerts import service
from api.auth.models import StaffUser
from api.auth.roles import bureaus_of
from api.errors import AppError
from cockpit.auth import primary_engine
from cockpit.filters import table

STATUS = {"open": "待确认", "acknowledged": "已确认", "assigned": "已指派", "closed": "已关闭"}
official = st.session_state["official"]
actor = f"staff:{official['id']}:{official['username']}"

st.title("趋势预警")
st.caption("每日凌晨比较昨日各项数据与其近 28 日(中位数与中位绝对偏差),明显偏离即开启预警并短信通知本部门值班员。")
show_closed = st.toggle("显示已关闭", key="alerts_closed")

with Session(primary_engine()) as session:
    alerts = service.alerts_for(session, official["roles"], status=None if show_closed else "active")
    colleagues = [
        s.username
        for s in session.scalars(select(StaffUser).where(StaffUser.active.is_(True)))
        if bureaus_of(s.roles) & official["bureaus"]
    ]
    frame = pd.DataFrame(
        [(a.id, a.day.isoformat(), service.BUREAU_TITLES[a.bureau], a.title, STATUS[str(a.status)], a.score) for a in alerts],
        columns=["id", "day", "bureau", "title", "status", "score"],
    )

if not alerts:
    st.success("当前没有未处理的预警")
else:
    table(frame.rename(columns={"bureau": "部门", "title": "预警", "score": "偏离程度"}), "alerts", "")
    st.subheader("处理预警")
    chosen = st.selectbox("预警", [a.id for a in alerts], format_func=lambda i: next(f"#{a.id} {a.title}" for a in alerts if a.id == i))
    left, middle, right = st.columns(3)
    try:
        with Session(primary_engine()) as session:
            if left.button("确认收到", key="ack"):
                service.acknowledge(session, chosen, actor=actor, roles=official["roles"])
                st.rerun()
            assignee = middle.selectbox("指派给", colleagues, key="assignee")
            if middle.button("指派", key="assign"):
                service.assign(session, chosen, assignee, actor=actor, roles=official["roles"])
                st.rerun()
            note = right.text_input("处理结果", key="close_note")
            if right.button("关闭预警", key="close"):
                service.close(session, chosen, note, actor=actor, roles=official["roles"])
                st.rerun()
    except AppError as exc:
        st.error(exc.message if not exc.details else f"{exc.message}:{exc.details}")

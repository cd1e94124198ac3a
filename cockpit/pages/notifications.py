"""短信通知: messages by status and day, by kind, and the ones that did not arrive (phones masked)."""

import altair as alt
import streamlit as st

from cockpit.data import database_url, load, safely
from cockpit.filters import csv_button, date_range, table
from cockpit.labels import STATUS

# In the order a message moves, each with the colour an official reads it by.
SHOWN = {"pending": "#9e9e9e", "sent": "#64b5f6", "delivered": "#2e7d32", "undelivered": "#f9a825", "failed": "#c62828"}

url = database_url()
start, end = date_range()
st.title("短信通知")
counts = safely(load, url, "message_counts", start, end)
cols = st.columns(6)
for col, status in zip(cols, SHOWN, strict=False):
    col.metric(STATUS[status], counts.get(status, 0))
handed_over = sum(counts.get(s, 0) for s in ("sent", "delivered", "undelivered", "failed"))
cols[5].metric("送达率", f"{counts.get('delivered', 0) / handed_over:.0%}" if handed_over else "—",
               help="已送达 ÷ 已交给运营商的短信(已发送、已送达、未送达、失败)")

by_day = safely(load, url, "messages_by_day", start, end)
st.caption("每日短信(按状态)")
if len(by_day):
    shown = by_day.assign(状态=by_day["status"].map(lambda s: STATUS.get(s, s)))
    st.altair_chart(alt.Chart(shown).mark_bar().encode(
        x=alt.X("day:O", title="日期"),
        y=alt.Y("sum(count):Q", title="条数"),
        color=alt.Color("状态:N", sort=[STATUS[s] for s in SHOWN],
                        scale=alt.Scale(domain=[STATUS[s] for s in SHOWN], range=list(SHOWN.values()))),
        order=alt.Order("状态:N"),
        tooltip=[alt.Tooltip("day:O", title="日期"), "状态:N", alt.Tooltip("sum(count):Q", title="条数")],
    ), width="stretch")
else:
    st.info("所选日期内没有短信")

left, right = st.columns([2, 3])
with left:
    st.subheader("按短信类型")
    kinds = safely(load, url, "messages_by_template", start, end)
    if len(kinds):
        st.bar_chart(kinds.rename(columns={"template": "短信类型", "count": "条数"}), x="短信类型", y="条数",
                     horizontal=True, color="#1565c0", height=260)
        csv_button(kinds, "sms_by_template")
with right:
    st.subheader("最近未送达或失败的短信")
    table(safely(load, url, "recent_failures"), "sms_failures", "没有发送失败的短信")

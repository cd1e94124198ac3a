"""短信通知: messages by status and day, by kind, and the ones that did not arrive (phones masked); each official
sees the texts of their own bureau's services."""

import altair as alt
import streamlit as st

from api.labels import label
from cockpit import drill
from cockpit.data import bureaus, database_url, load, safely
from cockpit.filters import csv_button, date_range, table
from cockpit.labels import status_order, status_scale, zh

SHOWN = ["pending", "sent", "delivered", "undelivered", "failed"]  # process order (api/labels.py: sms_status)

url = database_url()
mine = bureaus()
start, end = date_range()
st.title("短信通知")
st.caption("日期筛选作用于本页所有数字与图表;“最近未送达或失败”列出最新 50 条,不受日期限制。")
counts = safely(load, url, "message_counts", start, end, mine)
cols = st.columns(6)
for col, status in zip(cols, SHOWN, strict=False):
    col.metric(label("sms_status", status), counts.get(status, 0))
handed_over = sum(counts.get(s, 0) for s in ("sent", "delivered", "undelivered", "failed"))
cols[5].metric(
    "送达率",
    f"{counts.get('delivered', 0) / handed_over:.0%}" if handed_over else "—",
    help="已送达 ÷ 已交给运营商的短信(已发送、已送达、未送达、失败)",
)
drill.numbers([("failed_sms", (start, end))])

by_day = safely(load, url, "messages_by_day", start, end, mine)
st.caption("每日短信(按状态)")
if len(by_day):
    shown = zh(by_day, "sms_status")
    st.altair_chart(
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("日期:O", title="日期", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("sum(数量):Q", title="条数"),
            color=alt.Color("状态:N", sort=status_order("sms_status"), scale=status_scale("sms_status")),
            order=alt.Order("order:Q"),
            tooltip=["日期:O", "状态:N", alt.Tooltip("sum(数量):Q", title="条数")],
        )
        .transform_calculate(order=f"indexof({status_order('sms_status')}, datum['状态'])"),
        width="stretch",
    )
    csv_button(by_day, "sms_by_day", "sms_status")
else:
    st.info("所选日期内没有短信")

left, right = st.columns([2, 3])
with left:
    st.subheader("按短信类型")
    kinds = safely(load, url, "messages_by_template", start, end, mine)
    if len(kinds):
        st.bar_chart(zh(kinds), x="短信类型", y="数量", horizontal=True, color="#1565c0", height=260)
        csv_button(kinds, "sms_by_template")
with right:
    st.subheader("最近未送达或失败的短信")
    table(safely(load, url, "recent_failures", mine), "sms_failures", "没有发送失败的短信", "sms_status")

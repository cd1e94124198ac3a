"""短信通知: sent, delivered and failed messages (phones masked)."""

import streamlit as st

from cockpit.data import database_url, load, safely
from cockpit.filters import date_range, table

url = database_url()
start, end = date_range()
st.title("短信通知")
counts = safely(load, url, "message_counts", start, end)
cols = st.columns(5)
for col, (status, label) in zip(cols, [("pending", "待发送"), ("sent", "已发送"), ("delivered", "已送达"),
                                       ("undelivered", "未送达"), ("failed", "失败")], strict=True):
    col.metric(label, counts.get(status, 0))
st.subheader("最近失败的短信")
table(safely(load, url, "recent_failures"), "sms_failures", "没有发送失败的短信")

"""总览: the headline numbers of every service, today and cumulative, and the daily trend."""

import streamlit as st

from cockpit.data import database_url, load, safely
from cockpit.filters import csv_button, date_range
from cockpit.labels import zh

url = database_url()
start, end = date_range()
big_screen = st.sidebar.toggle("大屏模式 (自动刷新)", value=st.query_params.get("screen") == "big", key="big_screen")
if big_screen:
    st.query_params["screen"] = "big"
else:
    st.query_params.pop("screen", None)

st.title("浙里民生 · 数字驾驶舱")
st.caption(f"统计区间 {start} 至 {end};累计数字为全部历史")


@st.fragment(run_every=30 if big_screen else None)
def headline_numbers() -> None:
    numbers = safely(load, url, "headline", start, end)
    st.subheader("海洋云仓 / 渔省心")
    a, b, c, d = st.columns(4)
    a.metric("服务渔船(艘)", numbers["vessels_served"])
    b.metric("接收转移(艘次)", numbers["pickups_total"], delta=f"今日 {numbers['pickups_today']}", delta_color="off")
    c.metric("回收污染物(吨)", numbers["tonnes_total"])
    d.metric("区间内回收(吨)", numbers["tonnes_in_range"])
    st.subheader("双碳绿币")
    a, b, c, d = st.columns(4)
    a.metric("累计发放绿币", numbers["coins_issued_total"], delta=f"今日 {numbers['coins_issued_today']}",
             delta_color="off")
    b.metric("累计兑换绿币", numbers["coins_redeemed_total"])
    c.metric("区间内发放绿币", numbers["coins_issued_in_range"])
    d.metric("累计减碳(kg CO₂e)", numbers["co2e_kg_total"])
    st.subheader("入学一掌通")
    statuses = numbers["applications"]
    cols = st.columns(5)
    for col, (status, label) in zip(cols, [("submitted", "已提交"), ("reviewing", "审核中"), ("admitted", "已录取"),
                                           ("rejected", "未通过"), ("withdrawn", "已撤回")], strict=True):
        col.metric(f"报名·{label}", statuses.get(status, 0))


headline_numbers()

st.subheader("每日趋势")
trend = safely(load, url, "daily_trend", start, end)
left, right = st.columns(2)
left.caption("每日接收污染物(吨)")
left.bar_chart(zh(trend), x="日期", y="吨", color="#00897b")
right.caption("每日绿币发放 / 兑换")
right.line_chart(zh(trend), x="日期", y=["发放绿币", "兑换绿币"])
csv_button(trend, "daily_trend")

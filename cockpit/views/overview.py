"""总览: each of the official's bureaus' headline numbers (cumulative, in the range with 环比 against the previous
period of the same length, today) and the daily trend; an official sees only their bureau's sections."""

import streamlit as st

from api.labels import label
from cockpit.data import bureaus, database_url, load, safely
from cockpit.filters import csv_button, date_range
from cockpit.labels import zh

url = database_url()
mine = bureaus()
start, end = date_range()

st.title("浙里民生 · 数字驾驶舱")
st.caption(f"统计区间 {start} 至 {end}(增减为与上一同长区间相比);累计数字为全部历史。日期筛选作用于本页所有区间数字与图表。")


def change(flow: dict, digits: int = 0) -> str:
    delta = round(flow["range"] - flow["previous"], digits)
    return f"{delta:+,.{digits}f} 环比" if digits else f"{int(delta):+,} 环比"


numbers = safely(load, url, "headline", start, end, mine)
if "pickup" in numbers:
    p = numbers["pickup"]
    st.subheader("海洋云仓 / 渔省心")
    a, b, c, d = st.columns(4)
    a.metric("服务渔船(艘)", f"{p['vessels_served']:,}")
    b.metric("接收转移(艘次)", f"{int(p['pickups']['total']):,}", delta=f"今日 {int(p['pickups']['today'])}", delta_color="off")
    c.metric("回收污染物(吨)", f"{p['tonnes']['total']:,.1f}")
    d.metric("区间内回收(吨)", f"{p['tonnes']['range']:,.1f}", delta=change(p["tonnes"], 1))
if "greencoins" in numbers:
    g = numbers["greencoins"]
    st.subheader("双碳绿币")
    a, b, c, d = st.columns(4)
    a.metric("累计发放绿币", f"{int(g['issued']['total']):,}", delta=f"今日 {int(g['issued']['today']):,}", delta_color="off")
    b.metric("累计兑换绿币", f"{int(g['redeemed']['total']):,}")
    c.metric("区间内发放绿币", f"{int(g['issued']['range']):,}", delta=change(g["issued"]))
    d.metric("累计减碳(kg CO₂e)", f"{g['co2e_kg']['total']:,.1f}")
if "admission" in numbers:
    adm = numbers["admission"]
    st.subheader(f"入学一掌通 · {adm['year']} 年")
    cols = st.columns(6)
    cols[0].metric("区间内报名(份)", f"{int(adm['submitted']['range']):,}", delta=change(adm["submitted"]))
    for col, (code, label) in zip(
        cols[1:],
        [(code, label("application_status", code)) for code in ("submitted", "reviewing", "admitted", "rejected", "withdrawn")],
        strict=True,
    ):
        col.metric(f"报名·{label}", f"{adm['applications'].get(code, 0):,}")

st.subheader("每日趋势")
trend = safely(load, url, "daily_trend", start, end, mine)
charts = [
    (column, title)
    for column, title in [("tonnes", "每日接收污染物(吨)"), ("coins_issued", "每日绿币发放 / 兑换"), ("applications", "每日入学报名(份)")]
    if column in trend
]
for col, (column, title) in zip(st.columns(len(charts) or 1), charts, strict=False):
    col.caption(title)
    if column == "coins_issued":
        col.line_chart(zh(trend), x="日期", y=["发放绿币", "兑换绿币"], height=260)
    else:
        col.bar_chart(zh(trend), x="日期", y=zh(trend[[column]]).columns[0], color="#00897b", height=260)
csv_button(trend, "daily_trend")

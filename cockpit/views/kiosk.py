"""大屏: the big screen of a command centre — dark, 1920×1080 without scrolling, refreshing itself every minute:
the headline numbers of the official's bureaus, the last 30 days, and the alerts not yet closed."""

from datetime import timedelta

import altair as alt
import streamlit as st
from sqlalchemy.orm import Session

from api.alerts import service
from api.common.db import local_now
from cockpit.auth import primary_engine
from cockpit.data import bureaus, database_url, load, safely

REFRESH_SECONDS = 60
DARK = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #06122b !important; color: #e6f0ff;}
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.2rem 0 2.2rem !important; max-width: 100% !important;}
h1, h2, h3, p, span, label, div {color: #e6f0ff;}
h1 {font-size: 2.4rem !important; letter-spacing: .3rem; text-align: center; padding: 0 0 .4rem 0 !important;}
[data-testid="stMetric"] {background: #0d2150; border: 1px solid #1f4fa8; border-radius: 8px; padding: .6rem 1rem;}
[data-testid="stMetricValue"] {color: #4fe3ff !important; font-size: 2.6rem !important;}
[data-testid="stMetricLabel"] p {color: #9fb8e6 !important; font-size: 1.05rem !important;}
.alert {background: #3a0d16; border-left: 6px solid #ff4d5e; padding: .45rem .8rem; margin: .3rem 0;
        border-radius: 4px; font-size: 1.05rem;}
</style>"""

url = database_url()
mine = bureaus()
st.html(DARK)


@st.fragment(run_every=REFRESH_SECONDS)
def screen() -> None:
    today = local_now().date()
    start = today - timedelta(days=29)
    numbers = safely(load, url, "headline", start, today, mine)
    st.title("浙里民生 · 数字驾驶舱")
    tiles = []
    if "pickup" in numbers:
        p = numbers["pickup"]
        tiles += [
            ("服务渔船(艘)", f"{p['vessels_served']:,}"),
            ("接收转移(艘次)", f"{int(p['pickups']['total']):,}"),
            ("回收污染物(吨)", f"{p['tonnes']['total']:,.0f}"),
        ]
    if "greencoins" in numbers:
        g = numbers["greencoins"]
        tiles += [("累计发放绿币", f"{int(g['issued']['total']):,}"), ("累计减碳(kg)", f"{g['co2e_kg']['total']:,.0f}")]
    if "admission" in numbers:
        adm = numbers["admission"]
        tiles += [("本年度报名(份)", f"{sum(adm['applications'].values()):,}"), ("已录取", f"{adm['applications'].get('admitted', 0):,}")]
    for col, (name, value) in zip(st.columns(len(tiles) or 1), tiles, strict=False):
        col.metric(name, value)
    left, right = st.columns([3, 2])
    with left:
        trend = safely(load, url, "daily_trend", start, today, mine)
        st.subheader("近 30 日")
        column, title = next(
            ((c, t) for c, t in [("pickups", "接收(艘次)"), ("coins_issued", "发放绿币"), ("applications", "报名(份)")] if c in trend)
        )
        st.altair_chart(
            alt.Chart(trend)
            .mark_area(line={"color": "#4fe3ff"}, color="#1f6fd1", opacity=0.6)
            .encode(x=alt.X("day:T", title=None, axis=alt.Axis(format="%m-%d", labelColor="#9fb8e6")), y=alt.Y(f"{column}:Q", title=title))
            .configure(background="#06122b")
            .configure_axis(labelColor="#9fb8e6", titleColor="#9fb8e6", gridColor="#17305f"),
            height=420,
            width="stretch",
        )
    with right:
        official = st.session_state["official"]
        with Session(primary_engine()) as session:
            active = service.alerts_for(session, official["roles"], status="active", limit=8)
            lines = [f"{a.day:%m-%d} · {service.BUREAU_TITLES[a.bureau]} · {a.title}" for a in active]
        st.subheader(f"未处理预警 {len(active)}")
        if lines:
            st.html("".join(f'<div class="alert">{line}</div>' for line in lines))
        else:
            st.html('<div class="alert" style="border-color:#2e9e5b;background:#0b2a1c">当前没有未处理的预警</div>')
    st.caption(f"更新于 {local_now():%Y-%m-%d %H:%M} · 每 {REFRESH_SECONDS} 秒自动刷新")


screen()

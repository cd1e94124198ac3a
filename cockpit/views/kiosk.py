"""大屏: the big screen of a command centre — dark, 1920×1080 without scrolling, refreshing itself every minute.

Top: the headline numbers of the official's bureaus. Middle: the last 30 whole days, one small chart per series, beside the
alerts not yet closed. Bottom: this week against the week before, and the open work behind the drill-down numbers
of the bureau pages (待办: open reviews, overdue pickups, red vessels, failed texts…), each only of the official's
bureaus."""

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from api.alerts import service
from api.common.db import local_now
from cockpit.auth import primary_engine
from cockpit.data import bureaus, database_url, load, safely
from cockpit.details import DRILLS, allowed

REFRESH_SECONDS = 60
# (column of queries.daily_trend, title, unit, decimals)
SERIES = [
    ("pickups", "接收转移", "艘次", 0),
    ("tonnes", "回收污染物", "吨", 1),
    ("coins_issued", "发放绿币", "绿币", 0),
    ("coins_redeemed", "兑换绿币", "绿币", 0),
    ("applications", "入学报名", "份", 0),
]
CHARTED = ["pickups", "coins_issued", "applications"]  # one chart per bureau: the screen has room for three
DARK = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #06122b !important; color: #e6f0ff;}
[data-testid="stMainBlockContainer"] {padding: .8rem 2.2rem 0 2.2rem !important; max-width: 100% !important;}
h1, h2, h3, p, span, label, div {color: #e6f0ff;}
h1 {font-size: 2.2rem !important; letter-spacing: .3rem; text-align: center; padding: 0 0 .2rem 0 !important;}
h3 {font-size: 1.3rem !important; padding: .2rem 0 !important; color: #9fd8ff !important;}
[data-testid="stMetric"] {background: #0d2150; border: 1px solid #1f4fa8; border-radius: 8px; padding: .8rem 1.1rem;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {color: #4fe3ff !important; font-size: 2.8rem !important;}
[data-testid="stMetricLabel"] p {color: #9fb8e6 !important; font-size: 1.05rem !important;}
.alert {background: #3a0d16; border-left: 6px solid #ff4d5e; padding: .4rem .8rem; margin: .25rem 0;
        border-radius: 4px; font-size: 1.05rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}
.todo {display: flex; justify-content: space-between; align-items: center; background: #0d2150;
       border: 1px solid #1f4fa8; border-radius: 6px; padding: .55rem 1rem; margin: .45rem 0; font-size: 1.25rem;}
.todo b {font-size: 1.8rem; color: #ffc857;}
.todo b.none {color: #3ddc84;}
.week {background: #0d2150; border: 1px solid #1f4fa8; border-radius: 8px; padding: .8rem 1.1rem; height: 11.5rem;}
.week .name {color: #9fb8e6; font-size: 1.15rem;}
.week .value {color: #4fe3ff; font-size: 3rem; font-weight: 600; padding: .2rem 0;}
.week .change {font-size: 1.1rem;} .week .up {color: #3ddc84;} .week .down {color: #ff8a80;} .week .same {color: #9fb8e6;}
</style>"""

url = database_url()
mine = bureaus()
st.html(DARK)


def tiles(numbers: dict) -> list[tuple[str, str]]:
    shown = []
    if "pickup" in numbers:
        p = numbers["pickup"]
        shown += [
            ("服务渔船(艘)", f"{p['vessels_served']:,}"),
            ("接收转移(艘次)", f"{int(p['pickups']['total']):,}"),
            ("回收污染物(吨)", f"{p['tonnes']['total']:,.0f}"),
        ]
    if "greencoins" in numbers:
        g = numbers["greencoins"]
        shown += [("累计发放绿币", f"{int(g['issued']['total']):,}"), ("累计减碳(kg)", f"{g['co2e_kg']['total']:,.0f}")]
    if "admission" in numbers:
        adm = numbers["admission"]
        shown += [("本年度报名(份)", f"{sum(adm['applications'].values()):,}"), ("已录取", f"{adm['applications'].get('admitted', 0):,}")]
    return shown


def small_chart(trend: pd.DataFrame, column: str, title: str) -> alt.Chart:
    return (
        alt.Chart(trend, title=alt.Title(title, color="#9fd8ff", fontSize=16, anchor="start"))
        .mark_area(line={"color": "#4fe3ff"}, color="#1f6fd1", opacity=0.6)
        .encode(
            x=alt.X("day:T", title=None, axis=alt.Axis(format="%m-%d", labelAngle=0, tickCount=5)),
            y=alt.Y(f"{column}:Q", title=None),
            tooltip=[alt.Tooltip("day:T", title="日期"), alt.Tooltip(f"{column}:Q", title=title)],
        )
        .configure(background="#06122b")
        .configure_view(stroke=None)
        .configure_axis(labelColor="#9fb8e6", titleColor="#9fb8e6", gridColor="#17305f", domainColor="#17305f", labelFontSize=12)
    )


def week_card(trend: pd.DataFrame, column: str, title: str, unit: str, decimals: int) -> str:
    """The last 7 whole days against the 7 before, from the 30-day series already on screen."""
    this, before = float(trend[column].iloc[-7:].sum()), float(trend[column].iloc[-14:-7].sum())
    change = this - before
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    arrow = {"up": "▲", "down": "▼", "same": "■"}[direction]
    share = f"({change / before:+.0%})" if before else ""
    return (
        f'<div class="week"><div class="name">{title}({unit})</div><div class="value">{this:,.{decimals}f}</div>'
        f'<div class="change {direction}">{arrow} {change:+,.{decimals}f}{share}</div></div>'
    )


def todo(today) -> str:
    """The open work behind the bureau pages' drill-down numbers (the same counts, ``cockpit/details.py``)."""
    month = (today - timedelta(days=29), today)
    params = {"device_flags": month, "failed_sms": month}
    lines = []
    for name, drill in DRILLS.items():
        if allowed(name, mine):
            count = safely(load, url, "drill_count", name, mine, *params.get(name, ()))
            title = drill.title.replace("区间内", "近 30 日")
            lines.append(f'<div class="todo"><span>{title}</span><b class="{"" if count else "none"}">{count:,}</b></div>')
    return "".join(lines)


@st.fragment(run_every=REFRESH_SECONDS)
def screen() -> None:
    today = local_now().date()
    start = today - timedelta(days=29)
    numbers = safely(load, url, "headline", start, today, mine)
    st.title("浙里民生 · 数字驾驶舱")
    shown = tiles(numbers)
    for col, (name, value) in zip(st.columns(len(shown) or 1), shown, strict=False):
        col.metric(name, value)
    # Whole days only: today's few hours at the end of a curve read as a collapse on the big screen.
    yesterday = today - timedelta(days=1)
    trend = safely(load, url, "daily_trend", yesterday - timedelta(days=29), yesterday, mine)
    series = [s for s in SERIES if s[0] in trend]

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("近 30 日趋势(截至昨日)")
        charted = [(c, f"{t}({u})") for c, t, u, _d in series if c in CHARTED]
        for col, (column, title) in zip(st.columns(len(charted) or 1), charted, strict=False):
            col.altair_chart(small_chart(trend, column, title), height=510, width="stretch")
        st.subheader("近 7 日 · 较前 7 日(截至昨日)")
        cards = [week_card(trend, c, t, u, d) for c, t, u, d in series]
        for col, card in zip(st.columns(len(cards) or 1), cards, strict=False):
            col.html(card)
    with right:
        official = st.session_state["official"]
        with Session(primary_engine()) as session:
            active = service.alerts_for(session, official["roles"], status="active")  # counted whole, 6 shown
            lines = [f"{a.day:%m-%d} · {service.BUREAU_TITLES[a.bureau]} · {a.title}" for a in active[:6]]
        st.subheader(f"未处理预警 {len(active)}")
        if lines:
            st.html("".join(f'<div class="alert">{line}</div>' for line in lines))
        else:
            st.html('<div class="alert" style="border-color:#2e9e5b;background:#0b2a1c">当前没有未处理的预警</div>')
        st.subheader("待办")
        st.html(todo(today))
    st.caption(f"更新于 {local_now():%Y-%m-%d %H:%M} · 每 {REFRESH_SECONDS} 秒自动刷新")


screen()

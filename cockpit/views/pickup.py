"""海洋云仓: ports and pickups on the map, tonnes by pollutant and month, credit colours, overdue bookings."""

import altair as alt
import pandas as pd
import streamlit as st

from api.labels import labels_of
from cockpit import drill, maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button, date_range, table
from cockpit.labels import zh
from cockpit.queries import previous

CREDIT_CODES = labels_of("credit_color")  # 绿码 黄码 红码, in that order
CREDIT_COLORS = ["#2e7d32", "#f9a825", "#c62828"]  # the code's own colour, as the captain's phone shows it


def credit_codes(by_color: pd.DataFrame) -> pd.DataFrame:
    """Vessels per credit code in the order 绿 黄 红, every code present (0 when none)."""
    counts = dict(zip(by_color["color"], by_color["vessels"], strict=True))
    return pd.DataFrame({"信用码": list(CREDIT_CODES.values()), "渔船数": [int(counts.get(code, 0)) for code in CREDIT_CODES]})


url = database_url()
start, end = date_range(default_days=180)
all_ports = safely(load, url, "port_totals", start, end, None)
port_id = area("港口", dict(zip(all_ports["name"], all_ports["id"].astype(int), strict=True)), "port")
if port_id:
    st.sidebar.caption("港口筛选作用于:区间接收数字、地图、按月吨数、逾期未收;累计数字、电话预约、漏收报告与渔船信用码为全区。")

st.title("海洋云仓 / 渔省心")
figures = safely(load, url, "season")
s1, s2, s3 = st.columns(3)
s1.metric("服务渔船(艘)", f"{figures['vessels_served']:,}")
s2.metric("累计接收(艘次)", f"{figures['pickups']:,}")
s3.metric("累计回收(吨)", f"{figures['tonnes']:,.1f}")
ports = all_ports if port_id is None else all_ports[all_ports["id"] == port_id]
a, b, c = st.columns(3)
before = safely(load, url, "port_totals", *previous(start, end), port_id)
pickups, tonnes = int(ports["pickups"].sum()), round(float(ports["tonnes"].sum()), 1)
a.metric("区间内接收(艘次)", pickups, delta=f"{pickups - int(before['pickups'].sum()):+,} 环比")
b.metric("区间内回收(吨)", tonnes, delta=f"{tonnes - float(before['tonnes'].sum()):+,.1f} 环比")
c.metric("港口数", len(ports))
drill.numbers([("overdue_bookings", (port_id,)), ("red_vessels", ()), ("open_missed_reports", ())])

left, right = st.columns([3, 2])
with left:
    st.caption("港口与接收量(圆越大,回收越多;点击港口查看详情)")
    event = st.pydeck_chart(
        maps.deck(maps.port_layers(ports), lat=28.58, lon=121.64, zoom=9.0, tooltip="<b>{name}</b><br/>{pickups} 艘次"),
        on_select="rerun",
        selection_mode="single-object",
        key="port_map",
        height=480,
    )
    picked = maps.selected(event, "ports")
    if picked:
        st.info(f"{picked['name']}:区间内接收 {picked['pickups']} 艘次,{picked['tonnes']:.1f} 吨")
with right:
    colors = credit_codes(safely(load, url, "vessels_by_color"))
    st.caption("渔船信用码分布")
    st.altair_chart(
        alt.Chart(colors)
        .mark_bar()
        .encode(
            x=alt.X("信用码:N", sort=list(CREDIT_CODES.values()), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("渔船数:Q", title="渔船(艘)"),
            color=alt.Color("信用码:N", scale=alt.Scale(domain=list(CREDIT_CODES.values()), range=CREDIT_COLORS), legend=None),
        ),
        width="stretch",
    )
    st.dataframe(colors, hide_index=True)

st.subheader("按污染物类型与月份(吨)")
monthly = safely(load, url, "tonnes_by_type_and_month", start, end, port_id)
st.bar_chart(zh(monthly), x="月份", y="吨", color="污染物", height=300)
csv_button(monthly, "tonnes_by_type_and_month")

st.subheader("逾期未收与未到")
table(safely(load, url, "overdue_bookings", port_id), "overdue_bookings", "近 30 天没有逾期或未到的预约", "booking_status")

st.subheader("今日电话预约")
table(safely(load, url, "phone_bookings"), "phone_bookings", "今天还没有电话预约")

st.subheader("待处理漏收报告")
table(safely(load, url, "open_missed_reports"), "open_missed_reports", "没有待处理的漏收报告")

st.subheader("红码、黄码渔船及原因")
table(safely(load, url, "vessels_with_reasons"), "vessels_with_reasons", "没有红码或黄码渔船")

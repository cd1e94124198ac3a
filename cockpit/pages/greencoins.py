"""双碳绿币: coins issued and redeemed per day, the behaviour mix, where it happens, stock alerts."""

import streamlit as st

from cockpit import maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button, date_range, table
from cockpit.labels import zh

url = database_url()
start, end = date_range()
stations = safely(load, url, "stations")
community = area("社区/街道", {c: c for c in sorted(set(stations["community"]))}, "community")

st.title("双碳绿币")
trend = safely(load, url, "daily_trend", start, end)
st.caption("每日发放 / 兑换绿币")
st.line_chart(zh(trend), x="日期", y=["发放绿币", "兑换绿币"])

left, right = st.columns([3, 2])
with left:
    st.caption("绿色行为热力(按约 250 米六边形汇总;点击兑换点查看库存)")
    points = safely(load, url, "behaviour_points", start, end)
    event = st.pydeck_chart(maps.deck(maps.green_layers(points, stations), lat=28.84, lon=120.72, zoom=11,
                                      tooltip="{name}"),
                            on_select="rerun", selection_mode="single-object", key="green_map", height=480)
    picked = maps.selected(event, "stations")
with right:
    mix = safely(load, url, "behaviour_mix", start, end, community)
    st.caption("行为构成(绿币)")
    st.bar_chart(zh(mix), x="行为", y="绿币", color="#2e7d32", horizontal=True, height=260)
    csv_button(mix, "behaviour_mix")
    if picked:
        st.success(f"兑换点:{picked['name']}({picked['community']})")

st.subheader("库存预警")
table(safely(load, url, "stock_alerts"), "stock_alerts", "各兑换点库存充足")

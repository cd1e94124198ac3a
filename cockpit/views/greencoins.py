"""双碳绿币: coins issued and redeemed per day, the behaviour mix, where it happens, stock alerts."""

import streamlit as st

from cockpit import drill, maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button, date_range, table
from cockpit.labels import zh

url = database_url()
start, end = date_range()
stations = safely(load, url, "stations")
community = area("社区/街道", {c: c for c in sorted(set(stations["community"]))}, "community")
if community:
    st.sidebar.caption("社区筛选作用于:每日发放、行为构成、库存预警;兑换按兑换点统计、热力图按位置统计,不随社区变化。")

st.title("双碳绿币")
burn = safely(load, url, "budget_burn")
st.subheader(f"{burn['month']} 预算消耗")
a, b, c, d = st.columns(4)
a.metric("本月预算(绿币)", f"{burn['budget']:,}")
b.metric("本月已发放(绿币)", f"{burn['issued']:,}")
c.metric("日均发放(绿币)", f"{burn['coins_per_day']:,.1f}")
if burn["run_out_on"] is None:
    d.metric("按此速度预计用完", "一年内不会用完")
else:
    d.metric("按此速度预计用完", burn["run_out_on"].isoformat())
if burn["runs_out_this_month"]:
    st.warning(f"按目前发放速度,本月预算将于 {burn['run_out_on']:%m月%d日} 用完,剩余 {burn['remaining']:,} 绿币")
else:
    st.caption(f"本月剩余 {burn['remaining']:,} 绿币,按目前速度本月内不会用完。")
trend = safely(load, url, "green_trend", start, end, community)
a, b = st.columns(2)
a.metric("区间内发放绿币", f"{int(trend['coins_issued'].sum()):,}")
b.metric("区间内兑换绿币(全区)", f"{int(trend['coins_redeemed'].sum()):,}")
drill.numbers([("device_flags", (start, end))])
st.caption("每日发放 / 兑换绿币")
st.line_chart(zh(trend), x="日期", y=["发放绿币", "兑换绿币"], height=260)
csv_button(trend, "green_trend")

left, right = st.columns([3, 2])
with left:
    st.caption("绿色行为热力(按约 250 米六边形汇总;点击兑换点查看库存)")
    points = safely(load, url, "behaviour_points", start, end)
    event = st.pydeck_chart(
        maps.deck(maps.green_layers(points, stations), lat=28.84, lon=120.72, zoom=11, tooltip="{name}"),
        on_select="rerun",
        selection_mode="single-object",
        key="green_map",
        height=480,
    )
    picked = maps.selected(event, "stations")
with right:
    mix = safely(load, url, "behaviour_mix", start, end, community)
    st.caption("行为构成(绿币)")
    st.bar_chart(zh(mix), x="行为", y="绿币", color="#2e7d32", horizontal=True, height=260)
    csv_button(mix, "behaviour_mix")
    if picked:
        st.success(f"兑换点:{picked['name']}({picked['community']})")

st.subheader("库存预警")
table(safely(load, url, "stock_alerts", community), "stock_alerts", "各兑换点库存充足")

st.subheader("设备异常上报")
table(safely(load, url, "flagged_devices"), "flagged_devices", "没有设备发送过不合常理的数据")

st.subheader("公益项目进度")
green = safely(load, url, "green_projects")
if len(green):
    bar = st.column_config.ProgressColumn("进度", format="%.1f%%", min_value=0, max_value=100)
    st.dataframe(green, width="stretch", hide_index=True, column_config={"进度": bar})
    csv_button(green, "green_projects")
else:
    st.info("暂无公益项目")

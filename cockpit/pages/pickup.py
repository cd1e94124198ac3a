"""海洋云仓: ports and pickups on the map, tonnes by pollutant and month, credit colours, overdue bookings."""

import streamlit as st

from cockpit import maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button, date_range, table

url = database_url()
start, end = date_range(default_days=180)
all_ports = safely(load, url, "port_totals", start, end, None)
port_id = area("港口", dict(zip(all_ports["name"], all_ports["id"].astype(int), strict=True)), "port")

st.title("海洋云仓 / 渔省心")
ports = all_ports if port_id is None else all_ports[all_ports["id"] == port_id]
a, b, c = st.columns(3)
a.metric("区间内接收(艘次)", int(ports["pickups"].sum()))
b.metric("区间内回收(吨)", round(float(ports["tonnes"].sum()), 1))
c.metric("港口数", len(ports))

left, right = st.columns([3, 2])
with left:
    st.caption("港口与接收量(圆越大,回收越多;点击港口查看详情)")
    event = st.pydeck_chart(maps.deck(maps.port_layers(ports), lat=28.58, lon=121.64, zoom=9.0,
                                      tooltip="<b>{name}</b><br/>{pickups} 艘次"),
                            on_select="rerun", selection_mode="single-object", key="port_map", height=480)
    picked = maps.selected(event, "ports")
    if picked:
        st.info(f"{picked['name']}:区间内接收 {picked['pickups']} 艘次,{picked['tonnes']:.1f} 吨")
with right:
    colors = safely(load, url, "vessels_by_color")
    st.caption("渔船信用码分布")
    st.bar_chart(colors, x="color", y="vessels", color="#546e7a")
    st.dataframe(colors.replace({"green": "绿码", "yellow": "黄码", "red": "红码"}), hide_index=True)

st.subheader("按污染物类型与月份(吨)")
monthly = safely(load, url, "tonnes_by_type_and_month", start, end, port_id)
st.bar_chart(monthly, x="month", y="tonnes", color="pollutant")
csv_button(monthly, "tonnes_by_type_and_month")

st.subheader("逾期未收与未到")
table(safely(load, url, "overdue_bookings", port_id), "overdue_bookings", "没有逾期或未到的预约")

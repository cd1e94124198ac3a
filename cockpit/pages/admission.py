"""入学一掌通: schools and catchments on the map, seat fill, applications by category and status."""

import streamlit as st

from api.admission.service import admission_year
from api.common.db import local_now
from cockpit import maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button
from cockpit.labels import zh

url = database_url()
year = admission_year(local_now().date())
level = area("学段", {"小学": "primary", "初中": "junior"}, "level")

st.title(f"入学一掌通 · {year} 年招生")
seats = safely(load, url, "school_seats", year, level)
catchments = safely(load, url, "catchments", level)

left, right = st.columns([3, 2])
with left:
    st.caption("学区与学校(颜色越深,录取率越高;点击学校查看详情)")
    layers = maps.catchment_layers(catchments, seats)
    event = st.pydeck_chart(maps.deck(layers, lat=28.68, lon=121.43, zoom=10.5, tooltip="<b>{name}</b>"),
                            on_select="rerun", selection_mode="single-object", key="admission_map", height=520)
    picked = maps.selected(event, "schools")
with right:
    if picked:
        st.subheader(picked["name"])
        st.metric("计划学位", picked["planned"])
        st.metric("已报名", picked["applied"])
        st.metric("已录取", picked["admitted"], delta=f"余 {picked['planned'] - picked['admitted']}", delta_color="off")
    else:
        st.info("在地图上点击学校,查看学位与报名情况")
    st.metric("学校数", len(seats))
    st.metric("计划学位合计", int(seats["planned"].sum()) if len(seats) else 0)

st.subheader("各校学位使用")
st.bar_chart(zh(seats), x="学校", y=["已录取", "已报名", "计划学位"], stack=False, horizontal=True, height=480)
csv_button(seats.drop(columns=["lat", "lon"]), "school_seats")

st.subheader("报名类别与状态")
by_category = safely(load, url, "applications_by_category", year, level)
if len(by_category):
    st.bar_chart(zh(by_category), x="类别", y="人数", color="状态")
    st.dataframe(zh(by_category).pivot_table(index="类别", columns="状态", values="人数", fill_value=0),
                 width="stretch")
    csv_button(by_category, "applications_by_category")
else:
    st.info("暂无报名")

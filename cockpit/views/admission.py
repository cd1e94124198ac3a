"""入学一掌通: schools and catchments on the map, seat fill, applications by category and status."""

import altair as alt
import streamlit as st

from api.admission.service import admission_year
from api.common.db import local_now
from cockpit import drill, maps
from cockpit.data import database_url, load, safely
from cockpit.filters import area, csv_button, table
from cockpit.labels import MEANING_COLORS, status_order, status_scale, zh

url = database_url()
year = admission_year(local_now().date())
level = area("学段", {"小学": "primary", "初中": "junior"}, "level")
st.sidebar.caption("学段筛选作用于本页的地图、学位与报名图表。")

st.title(f"入学一掌通 · {year} 年招生")
seats = safely(load, url, "school_seats", year, level)
catchments = safely(load, url, "catchments", level)
drill.numbers([("open_reviews", ())])

left, right = st.columns([3, 2])
with left:
    st.caption("学区与学校(颜色越深,录取率越高;点击学校查看详情)")
    layers = maps.catchment_layers(catchments, seats)
    event = st.pydeck_chart(
        maps.deck(layers, lat=28.68, lon=121.43, zoom=10.5, tooltip="<b>{name}</b>"),
        on_select="rerun",
        selection_mode="single-object",
        key="admission_map",
        height=520,
    )
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
shown_seats = zh(seats).rename(columns={"名称": "学校"})
st.bar_chart(
    shown_seats,
    x="学校",
    y=["计划学位", "已报名", "已录取"],
    color=[MEANING_COLORS["neutral"], MEANING_COLORS["progress"], MEANING_COLORS["good"]],
    stack=False,
    horizontal=True,
    height=max(300, 22 * len(seats)),
)
csv_button(seats.drop(columns=["lat", "lon", "id"]), "school_seats")

st.subheader("报名类别与状态")
by_category = safely(load, url, "applications_by_category", year, level)
if len(by_category):
    shown = zh(by_category, "application_status")
    st.altair_chart(
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("类别:N", title="类别", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(数量):Q", title="人数"),
            color=alt.Color("状态:N", scale=status_scale("application_status"), sort=status_order("application_status")),
            order=alt.Order("order:Q"),
            tooltip=["类别:N", "状态:N", alt.Tooltip("sum(数量):Q", title="人数")],
        )
        .transform_calculate(order=f"indexof({status_order('application_status')}, datum['状态'])"),
        width="stretch",
    )
    pivot = shown.pivot_table(index="类别", columns="状态", values="数量", fill_value=0)
    st.dataframe(pivot[[c for c in status_order("application_status") if c in pivot.columns]], width="stretch")
    csv_button(by_category, "applications_by_category", "application_status")
else:
    st.info("暂无报名")

st.subheader("最近一次派位结果")
results = safely(load, url, "allocation_results", year, level)
if len(results):
    when = "、".join(sorted(set(results["派位时间"])))
    st.caption(f"各学段最近一次正式派位(不含预演),派位时间 {when};“现已录取/待确认/现候补”为此刻状态。")
    st.dataframe(results, width="stretch", hide_index=True)
    csv_button(results, "allocation_results")
else:
    st.info(f"{year} 年尚未派位")

st.subheader("待处理复核")
table(safely(load, url, "open_reviews"), "open_reviews", "没有待处理的复核申请")

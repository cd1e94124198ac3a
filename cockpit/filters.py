"""Filters shared by the pages: a date range and an area, kept in the URL so a view can be shared."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from api.common.db import local_now
from cockpit.labels import zh


def _param_date(name: str, default: date) -> date:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return default


def date_range(default_days: int = 30) -> tuple[date, date]:
    today = local_now().date()
    start = _param_date("from", today - timedelta(days=default_days - 1))
    end = _param_date("to", today)
    picked = st.sidebar.date_input("日期范围", value=(start, end), max_value=today, key="date_range")
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    st.query_params["from"], st.query_params["to"] = start.isoformat(), end.isoformat()
    return start, end


def area(label: str, options: dict[str, object], param: str) -> object:
    """A select box of areas (``label`` → value); the chosen one is kept in the URL under ``param``."""
    labels = ["全部", *options]
    current = st.query_params.get(param, "全部")
    chosen = st.sidebar.selectbox(label, labels, index=labels.index(current) if current in labels else 0, key=param)
    if chosen == "全部":
        st.query_params.pop(param, None)
        return None
    st.query_params[param] = chosen
    return options[chosen]


def csv_button(frame, name: str, status_group: str | None = None) -> None:
    """CSV of what the table shows: Chinese headings and labels, UTF-8 with a BOM so Excel reads the Chinese."""
    data = zh(frame, status_group).to_csv(index=False).encode("utf-8-sig")
    st.download_button("导出 CSV", data, file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}")


def table(frame, name: str, empty: str, status_group: str | None = None) -> None:
    """A table with Chinese headings and its CSV export, or a reassuring line when there is nothing to show."""
    if len(frame):
        st.dataframe(zh(frame, status_group), width="stretch", hide_index=True)
        csv_button(frame, name, status_group)
    else:
        st.success(empty)

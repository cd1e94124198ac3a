"""From a headline number to the rows behind it (明细), the same way on every page.

A page calls ``numbers([...])`` with its drillable numbers: each shows as a metric with a 查看明细 button; the open
one (kept in the URL as ``?detail=<name>``, so the view can be shared) lists its first rows in full width below,
with "共 N 条，显示前 M 条", a CSV with Chinese headings and a button to close it. What the rows are, which bureau
may see them and how personal data is masked lives in ``cockpit/details.py``.
"""

from __future__ import annotations

import streamlit as st

from cockpit.data import bureaus, database_url, load, safely
from cockpit.details import DRILLS, allowed

PARAM = "detail"


def _open(name: str) -> None:
    st.query_params[PARAM] = name


def _close() -> None:
    st.query_params.pop(PARAM, None)


def numbers(drills: list[tuple[str, tuple]]) -> None:
    """A row of headline numbers (``(name, params)`` from ``details.DRILLS``), each opening the rows behind it."""
    url, mine = database_url(), bureaus()
    offered = [(name, params) for name, params in drills if allowed(name, mine)]
    totals = {}
    for column, (name, params) in zip(st.columns(max(len(offered), 1)), offered, strict=False):
        totals[name] = safely(load, url, "drill_count", name, mine, *params)
        column.metric(DRILLS[name].title, f"{totals[name]:,}")
        column.button("查看明细", key=f"drill-{name}", on_click=_open, args=(name,), disabled=not totals[name])
    wanted = st.query_params.get(PARAM)
    if wanted is None:
        return
    if not allowed(wanted, mine):
        st.error("无权查看该明细 (these rows belong to another bureau)")
        return
    for name, params in offered:
        if name == wanted:
            _rows(url, mine, name, params, totals[name])


def _rows(url: str, mine: frozenset[str], name: str, params: tuple, total: int) -> None:
    with st.container(border=True):
        frame = safely(load, url, "drill_rows", name, mine, *params)
        st.markdown(f"**明细:{DRILLS[name].title}**")
        shown = len(frame)
        note = f"共 {total:,} 条，显示前 {shown:,} 条(导出 CSV 同为这 {shown:,} 条)" if total > shown else f"共 {total:,} 条"
        st.caption(note + ";姓名、手机号、身份证号已脱敏。")
        if shown:
            st.dataframe(frame, width="stretch", hide_index=True, key=f"drill-table-{name}")
            data = frame.to_csv(index=False).encode("utf-8-sig")
            st.download_button("导出明细 CSV", data, file_name=f"{name}_明细.csv", mime="text/csv", key=f"drill-csv-{name}")
        st.button("收起明细", key=f"drill-close-{name}", on_click=_close)

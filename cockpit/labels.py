"""Chinese column headings for the frames the pages show and export; status labels come from ``api/labels.py``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from api.labels import LABELS, MEANING_COLORS, label

COLUMNS = {
    "day": "日期",
    "month": "月份",
    "pickups": "接收(艘次)",
    "tonnes": "吨",
    "coins_issued": "发放绿币",
    "coins_redeemed": "兑换绿币",
    "applications": "报名(份)",
    "behaviour": "行为",
    "coins": "绿币",
    "co2e_g": "减碳(克)",
    "pollutant": "污染物",
    "name": "名称",
    "level": "学段",
    "ownership": "办学性质",
    "admitted": "已录取",
    "applied": "已报名",
    "planned": "计划学位",
    "fill": "录取率",
    "category": "类别",
    "count": "数量",
    "status": "状态",
    "station": "兑换点",
    "reward": "奖品",
    "stock": "库存",
    "alert_below": "预警线",
    "booking": "预约号",
    "vessel_no": "船号",
    "port": "港口",
    "window": "时段",
    "captain": "船长",
    "id": "编号",
    "created": "时间",
    "phone": "手机号",
    "template": "短信类型",
    "attempts": "尝试次数",
    "last_error": "原因",
    "delivered": "已送达",
    "color": "信用码",
    "vessels": "渔船数",
}


def zh(frame: pd.DataFrame, status_group: str | None = None) -> pd.DataFrame:
    """The frame with Chinese headings, and its ``status`` codes in Chinese (from ``api/labels.py``)."""
    shown = frame.copy()
    if status_group and "status" in shown.columns:
        shown["status"] = shown["status"].map(lambda s: label(status_group, str(s)))
    return shown.rename(columns=COLUMNS)


def status_scale(group: str) -> alt.Scale:
    """Colours by meaning (good green, bad red, in progress blue, neutral grey), statuses in process order."""
    codes = LABELS[group]
    return alt.Scale(domain=[text for text, _m in codes.values()], range=[MEANING_COLORS[m] for _t, m in codes.values()])


def status_order(group: str) -> list[str]:
    return [text for text, _m in LABELS[group].values()]

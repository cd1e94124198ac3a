"""Chinese labels for the columns and codes that query frames carry, for charts an official reads."""

from __future__ import annotations

import pandas as pd

COLUMNS = {
    "day": "日期", "month": "月份", "tonnes": "吨", "coins_issued": "发放绿币", "coins_redeemed": "兑换绿币",
    "behaviour": "行为", "coins": "绿币", "pollutant": "污染物", "name": "学校", "admitted": "已录取",
    "applied": "已报名", "planned": "计划学位", "category": "类别", "count": "人数", "status": "状态",
}
STATUS = {"submitted": "已提交", "reviewing": "审核中", "admitted": "已录取", "rejected": "未通过", "withdrawn": "已撤回"}


def zh(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese column names (and application statuses), for display only."""
    shown = frame.rename(columns=COLUMNS)
    if "状态" in shown.columns:
        shown["状态"] = shown["状态"].map(lambda s: STATUS.get(str(s), s))
    return shown

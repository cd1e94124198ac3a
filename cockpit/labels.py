"""Chinese labels for the columns and codes that query frames carry, for charts an official reads."""

from __future__ import annotations

import pandas as pd

COLUMNS = {
    "day": "日期", "month": "月份", "tonnes": "吨", "coins_issued": "发放绿币", "coins_redeemed": "兑换绿币",
    "behaviour": "行为", "coins": "绿币", "pollutant": "污染物", "name": "学校", "admitted": "已录取",
    "applied": "已报名", "planned": "计划学位", "category": "类别", "count": "人数", "status": "状态",
    # tables
    "station": "兑换点", "reward": "奖品", "stock": "库存", "alert_below": "预警线", "booking": "预约号",
    "vessel_no": "船号", "port": "港口", "window": "时段", "state": "情况", "captain": "船长", "id": "编号",
    "created": "时间", "phone": "手机号", "template": "短信类型", "attempts": "尝试次数", "last_error": "原因",
    "delivered": "已送达",
}
STATUS = {"submitted": "已提交", "reviewing": "审核中", "admitted": "已录取", "rejected": "未通过", "withdrawn": "已撤回",
          # SMS messages
          "pending": "待发送", "sending": "发送中", "sent": "已发送", "delivered": "已送达", "undelivered": "未送达",
          "failed": "失败"}


def zh(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese column names (and application statuses), for display only."""
    shown = frame.rename(columns=COLUMNS)
    if "状态" in shown.columns:
        shown["状态"] = shown["状态"].map(lambda s: STATUS.get(str(s), s))
    return shown

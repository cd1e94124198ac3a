"""The one list of scheduled commands and their periods; the demo scheduler and ``deploy/`` both follow it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    command: tuple[str, ...]  # the ``flask --app wsgi`` arguments
    every: str  # "daily HH:MM" (Asia/Shanghai) or "every N minutes"
    why: str


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(("greencoins", "expire"), "daily 01:00", "满十二个月的绿币到期清零(先进先出)/ expire coins 12 months after the month earned"),
    Schedule(("greencoins", "refund-unclaimed"), "daily 01:10", "过期未领取的兑换退回绿币与库存 / refund unclaimed redemptions"),
    Schedule(("greencoins", "remind-expiry"), "daily 10:00", "提醒本月底将到期的绿币 / text citizens whose coins expire this month"),
    Schedule(("pickup", "remind"), "daily 18:00", "提醒明天预约的船长 / remind tomorrow's captains"),
    Schedule(("cockpit", "rollup"), "every 10 minutes", "驾驶舱日汇总补齐到昨日 / roll the cockpit's daily facts up to yesterday"),
    Schedule(("alerts", "scan"), "daily 00:40", "趋势预警:昨日数据对比近 28 日并短信通知值班员 / judge yesterday, text duty officials"),
    Schedule(("pickup", "recompute-credit"), "daily 00:30", "每日重算渔船信用分与信用码 / recompute vessel credit and colours"),
    Schedule(("admission", "lapse-offers"), "daily 00:05", "逾期未确认的学位递补给候补 / lapse unanswered offers, move waitlists up"),
    Schedule(("admission", "remind-offers"), "daily 09:00", "学位确认截止前一日提醒家长 / remind guardians the day before the deadline"),
)

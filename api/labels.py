"""The one home of the Chinese labels of statuses, colours and results, used by the API, the cockpit and the mini-app.

The mini-app reads them from ``GET /api/v1/meta/labels``; the cockpit imports this module. Each group lists its codes
in process order (the order a chart or a timeline shows them) with a meaning that picks the colour: ``progress``,
``good``, ``bad``, ``neutral``.
"""

from __future__ import annotations

# group -> code -> (label, meaning), in process order
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "application_status": {
        "submitted": ("已提交", "progress"),
        "reviewing": ("审核中", "progress"),
        "offered": ("待确认学位", "progress"),
        "waitlisted": ("候补中", "progress"),
        "not_offered": ("未获学位", "bad"),
        "admitted": ("已录取", "good"),
        "declined": ("已放弃", "neutral"),
        "lapsed": ("逾期未确认", "bad"),
        "rejected": ("未通过", "bad"),
        "withdrawn": ("已撤回", "neutral"),
    },
    "application_result": {
        "offered": ("获得学位", "good"),
        "waitlisted": ("候补", "progress"),
        "not_offered": ("未获学位", "bad"),
    },
    "redemption_status": {
        "reserved": ("待领取", "progress"),
        "fulfilled": ("已领取", "good"),
        "cancelled": ("已取消", "neutral"),
        "expired": ("已过期", "bad"),
    },
    "booking_status": {
        "requested": ("待确认", "progress"),
        "confirmed": ("已确认", "progress"),
        "collected": ("已收集", "good"),
        "cancelled": ("已取消", "neutral"),
        "no_show": ("未到场", "bad"),
    },
    "credit_color": {
        "green": ("绿码", "good"),
        "yellow": ("黄码", "progress"),
        "red": ("红码", "bad"),
    },
    "credit_kind": {
        "pickup": ("交纳污染物", "good"),
        "port_report": ("进出港报告", "good"),
        "safety_check": ("安全自查", "good"),
        "no_show": ("预约未到", "bad"),
        "deduction": ("违规扣分", "bad"),
    },
    "appeal_status": {
        "pending": ("申诉处理中", "progress"),
        "upheld": ("维持扣分", "bad"),
        "overturned": ("已撤销扣分", "good"),
    },
    "missed_report_status": {
        "open": ("待处理", "progress"),
        "closed": ("已处理", "good"),
    },
    "consent_status": {
        "active": ("授权中", "good"),
        "expired": ("已过期", "neutral"),
        "revoked": ("已撤回", "neutral"),
    },
    "ledger_kind": {
        "earn": ("获得", "good"),
        "redeem": ("兑换", "neutral"),
        "refund": ("退回", "progress"),
        "donate": ("公益捐赠", "good"),
        "expire": ("到期清零", "bad"),
        "adjust": ("人工调整", "neutral"),
    },
    "cap_reason": {
        "daily": ("已达今日上限", "neutral"),
        "budget": ("本月绿币预算已用完", "bad"),
    },
    "project_status": {
        "open": ("募集中", "progress"),
        "completed": ("已完成", "good"),
        "closed": ("已结束", "neutral"),
    },
    "sms_status": {
        "pending": ("待发送", "progress"),
        "sending": ("发送中", "progress"),
        "sent": ("已发送", "progress"),
        "delivered": ("已送达", "good"),
        "undelivered": ("未送达", "bad"),
        "failed": ("失败", "bad"),
    },
    # Shown by the mini-app beside school names and partners' reads (it reads every label from GET /meta/labels).
    "application_step": {
        "submitted": ("报名已提交", "progress"),
        "review_started": ("资格审核开始", "progress"),
        "decided": ("教育局已决定", "progress"),
        "allocated": ("派位结果公布", "progress"),
        "promoted": ("候补递补获得学位", "good"),
        "accepted": ("监护人确认学位", "good"),
        "declined": ("监护人放弃学位", "neutral"),
        "lapsed": ("逾期未确认学位", "bad"),
        "withdrawn": ("监护人撤回报名", "neutral"),
        "review_requested": ("监护人申请复核", "progress"),
        "review_answered": ("教育局复核答复", "progress"),
    },
    "school_level": {
        "primary": ("小学", "neutral"),
        "junior": ("初中", "neutral"),
    },
    "school_ownership": {
        "public": ("公办", "neutral"),
        "private": ("民办", "neutral"),
    },
    "credit_read_outcome": {
        "consent": ("已授权查询", "good"),
        "no_consent": ("未授权,已拒绝", "bad"),
        "expired": ("授权过期,已拒绝", "bad"),
        "unknown_vessel": ("船号不存在", "neutral"),
    },
}

# Colours by meaning, the same on the cockpit's charts and the mini-app's tags.
MEANING_COLORS = {"good": "#2e9e5b", "progress": "#2f6fde", "bad": "#d64541", "neutral": "#8a8f98"}


def label(group: str, code: str) -> str:
    """The Chinese label of ``code`` in ``group``; the code itself when unknown (never a crash on display)."""
    entry = LABELS.get(group, {}).get(code)
    return entry[0] if entry else code


def labels_of(group: str) -> dict[str, str]:
    return {code: text for code, (text, _meaning) in LABELS[group].items()}


def as_document() -> dict:
    """The labels as JSON for clients: group -> [{code, label, meaning, color}] in process order."""
    return {
        group: [
            {"code": code, "label": text, "meaning": meaning, "color": MEANING_COLORS[meaning]} for code, (text, meaning) in codes.items()
        ]
        for group, codes in LABELS.items()
    }

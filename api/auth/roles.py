"""Staff roles by bureau (SPEC §12.5): one bureau, one view; ``admin`` sees every bureau."""

from __future__ import annotations

ADMIN = "admin"
EDU_OFFICIAL = "edu_official"  # 教育局: 入学一掌通
ECO_OFFICIAL = "eco_official"  # 生态环境局: 双碳绿币
OCEAN_OFFICIAL = "ocean_official"  # 海洋与渔业局: 海洋云仓 / 渔业信用
DISPATCHER = "dispatcher"  # books pickups on a captain's behalf (phone booking)
COLLECTOR = "collector"  # pickup crews
STATION = "station"  # redemption stations

OFFICIAL_ROLES = (EDU_OFFICIAL, ECO_OFFICIAL, OCEAN_OFFICIAL)
STAFF_ROLES = (ADMIN, *OFFICIAL_ROLES, DISPATCHER, COLLECTOR, STATION)

# The bureau each official role reads and changes; the cockpit shows a bureau's sections only to its officials.
BUREAU_OF_ROLE = {EDU_OFFICIAL: "admission", ECO_OFFICIAL: "greencoins", OCEAN_OFFICIAL: "pickup"}
ROLE_LABELS = {
    ADMIN: "管理员",
    EDU_OFFICIAL: "教育局",
    ECO_OFFICIAL: "生态环境局",
    OCEAN_OFFICIAL: "海洋与渔业局",
    DISPATCHER: "调度员",
    COLLECTOR: "收集船作业人员",
    STATION: "兑换站",
}


def holds_any(held: tuple[str, ...] | list[str], wanted: tuple[str, ...]) -> bool:
    """Whether ``held`` satisfies a guard asking for one of ``wanted``: ``admin`` stands in for every bureau official."""
    if set(held) & set(wanted):
        return True
    return ADMIN in held and bool(set(wanted) & set(OFFICIAL_ROLES))


def bureaus_of(held: tuple[str, ...] | list[str]) -> set[str]:
    """The bureaus (``admission``, ``greencoins``, ``pickup``) whose data these roles may see."""
    if ADMIN in held:
        return set(BUREAU_OF_ROLE.values())
    return {BUREAU_OF_ROLE[role] for role in held if role in BUREAU_OF_ROLE}

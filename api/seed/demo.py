"""The demo data set: accounts, partner key and residents; each service adds its own part."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.auth.service import add_partner_key, citizen_by_id_number, sign_in_citizen, upsert_staff
from api.common.db import unit_of_work
from api.seed.admission import seed_admission
from api.seed.greencoins import seed_greencoins
from api.seed.notify import seed_message_history
from api.seed.pickup import seed_pickup
from api.seed.residents import DEMO_RESIDENTS

DEMO_PASSWORD = "demo12345"
DEMO_PARTNER_KEY = "demo-bin-key"


def seed_accounts(session: Session) -> None:
    upsert_staff(session, username="official", password=DEMO_PASSWORD, roles=["admin"], display_name="区大数据中心 管理员")
    upsert_staff(session, username="edu1", password=DEMO_PASSWORD, roles=["edu_official"], display_name="区教育局 陈科长")
    upsert_staff(session, username="eco1", password=DEMO_PASSWORD, roles=["eco_official"], display_name="生态环境分局 林科长")
    upsert_staff(session, username="ocean1", password=DEMO_PASSWORD, roles=["ocean_official"], display_name="海洋与渔业局 郑科长")
    upsert_staff(session, username="dispatcher1", password=DEMO_PASSWORD, roles=["dispatcher"], display_name="海洋云仓 调度中心")
    upsert_staff(session, username="collector1", password=DEMO_PASSWORD, roles=["collector"], display_name="海洋云仓 收集船组一")
    upsert_staff(session, username="station1", password=DEMO_PASSWORD, roles=["station"], display_name="南峰街道 绿币兑换站")
    add_partner_key(session, partner_name="仙居智能垃圾分类箱", behaviors=["garbage_sorting"], key=DEMO_PARTNER_KEY)


def seed_residents(session: Session, pii_key: str) -> dict[str, Citizen]:
    citizens = {}
    for person in DEMO_RESIDENTS:
        citizen = citizen_by_id_number(session, person["id_number"], pii_key)
        if citizen is None:
            citizen = sign_in_citizen(session, person, pii_key)
        with unit_of_work(session):
            citizen.community = person["community"]
        citizens[person["key"]] = citizen
    return citizens


def seed_demo(session: Session, config) -> list[str]:
    seed_accounts(session)
    citizens = seed_residents(session, config["PII_HASH_KEY"])
    return [
        f"staff accounts: 7, partner keys: 1, residents: {len(DEMO_RESIDENTS)}",
        seed_greencoins(session, [citizens["walker"], citizens["parent_a"], citizens["captain_green"]]),
        seed_pickup(session, citizens, config["PII_HASH_KEY"]),
        seed_admission(session, config["PII_HASH_KEY"]),
        seed_message_history(session),
    ]

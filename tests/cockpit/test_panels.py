"""The bureau pages' panels read from the services' own reports: each shows exactly what its function answers,
on a small world made by factories, with personal data masked."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st
from flask import current_app
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from api.admission.models import Application, ApplicationStatus, Level
from api.admission.reports import latest_run_results, open_reviews
from api.admission.reviews import request_review
from api.auth.models import Partner
from api.common.db import unit_of_work, utcnow
from api.common.pii import hash_id_number
from api.extensions import db
from api.greencoins import budget, manage, projects
from api.greencoins.models import DeviceFlag, Project, ProjectStatus
from api.pickup import oversight
from api.pickup.models import Booking, CreditColor, Vessel
from tests.admission.helpers import select_citizen_id, year
from tests.admission.test_allocation_runs import crowded_school, start_run
from tests.cockpit.conftest import signed_in_cockpit
from tests.factories import make_partner_key
from tests.greencoins.helpers import green_world, set_budget, this_month
from tests.pickup.helpers import book, captain, dispatcher, pickup_world, register


def page(username: str, path: str) -> AppTest:
    st.cache_data.clear()
    at = signed_in_cockpit(username)
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_admission_page_shows_the_latest_runs_result_per_school_and_the_open_reviews(client, cockpit_env):
    at = page("edu1", "views/admission.py")
    assert any("尚未派位" in i.value for i in at.info)
    school, families = crowded_school(planned=2)
    assert start_run(client, seed="7").status_code == 201
    refused = db.session.scalars(
        select(Application).where(Application.school_id == school.id, Application.status == ApplicationStatus.NOT_OFFERED)
    ).first()
    guardian = next(g for g, a in families.values() if a.id == refused.id)
    citizen_id = db.session.scalar(select_citizen_id(hash_id_number(guardian["id_number"], current_app.config["PII_HASH_KEY"])))
    request_review(db.session, citizen_id, refused.id, reason="积分计算有误")
    db.session.commit()

    at = page("edu1", "views/admission.py")
    shown = frame_with(at, "派位录取").set_index("学校").loc[school.name]
    expected = next(r for r in latest_run_results(db.session, year(), Level.PRIMARY) if r["school_id"] == school.id)
    pairs = [("计划学位", "planned"), ("A类报名", "applicants_a"), ("B类报名", "applicants_b"), ("C类报名", "applicants_c")]
    pairs += [("派位录取", "offers"), ("候补", "waitlist"), ("未派位", "not_offered"), ("现已录取", "admitted_now")]
    pairs += [("待确认", "offered_now"), ("现候补", "waitlisted_now")]
    assert {zh: int(shown[zh]) for zh, _ in pairs} == {zh: expected[key] for zh, key in pairs}
    assert shown["随机种子"] == "7" and shown["录取线"].startswith(expected["cutoff_category"])

    reviews = frame_with(at, "复核理由")
    assert list(reviews["报名号"]) == [r["application_id"] for r in open_reviews(db.session)] == [refused.id]
    assert list(reviews["已等待(天)"]) == [0] and list(reviews["复核理由"]) == ["积分计算有误"]
    assert reviews["儿童"][0] != refused.child_name and "*" in reviews["儿童"][0]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_green_coins_page_shows_the_budget_burn_flagged_devices_and_project_progress(app, cockpit_env):
    green_world()
    set_budget(this_month(), 100_000, issued=2_500)
    make_partner_key("南峰智能分类箱")
    partner = db.session.scalar(select(Partner).where(Partner.name == "南峰智能分类箱"))
    with unit_of_work(db.session):
        for n, reason in enumerate(["一次投放 500 公斤,超出上限", "一分钟内 90 次投放"]):
            db.session.add(
                DeviceFlag(partner_id=partner.id, source_event_id=f"ev-{n}", behavior_code="garbage_sorting", quantity=500, reason=reason)
            )
        db.session.add(Project(title="南峰溪护岸植树", place="南峰街道", goal_coins=2000, raised_coins=500, donations_count=3))
        db.session.add(
            Project(title="白塔公园太阳能路灯", place="白塔镇", goal_coins=800, raised_coins=800, status=ProjectStatus.COMPLETED)
        )
    db.session.commit()

    at = page("eco1", "views/greencoins.py")
    burn = budget.burn_rate(db.session)
    assert metric(at, "本月预算(绿币)") == f"{burn.budget:,}" == "100,000"
    assert metric(at, "本月已发放(绿币)") == f"{burn.issued:,}" == "2,500"
    expected_day = burn.run_out_on.isoformat() if burn.run_out_on else "一年内不会用完"
    assert metric(at, "按此速度预计用完") == expected_day

    devices = frame_with(at, "异常次数")
    answer = manage.flagged_devices(db.session)
    assert list(devices["合作方"]) == [d["partner"] for d in answer] == ["南峰智能分类箱"]
    assert list(devices["异常次数"]) == [d["flags"] for d in answer] == [2]
    assert list(devices["最近原因"]) == [answer[0]["last_reason"]]

    shown = frame_with(at, "已募绿币")
    listed = projects.projects_with_progress(db.session)
    assert list(shown["项目"]) == [p["title"] for p in listed]
    assert list(shown["已募绿币"]) == [p["raised_coins"] for p in listed] and list(shown["尚需绿币"]) == [
        p["remaining_coins"] for p in listed
    ]
    assert list(shown["进度"]) == [round(p["progress"] * 100, 1) for p in listed] == [100.0, 25.0]
    assert list(shown["状态"]) == ["已完成", "募集中"]


def test_the_pickup_page_shows_the_seasons_figures_phone_bookings_missed_reports_and_red_vessels(client, cockpit_env):
    pickup_world()
    register("浙椒渔52718", "captain_unbound")
    headers, vessel = captain(client)
    phoned = book(client, dispatcher(client), vessel_no="浙椒渔52718", captain_phone="13800000011").json["id"]
    late = book(client, headers, vessel).json["id"]
    with unit_of_work(db.session):
        row = db.session.get(Booking, late)
        row.slot_start, row.slot_end = utcnow() - timedelta(hours=5), utcnow() - timedelta(hours=3)
    assert client.post(f"/api/v1/pickup/bookings/{late}/missed", json={"note": "等了两个小时"}, headers=headers).status_code == 201
    with unit_of_work(db.session):
        red = db.session.get_one(Vessel, vessel)
        red.credit_color, red.credit_score = CreditColor.RED, 40
    db.session.commit()

    at = page("ocean1", "views/pickup.py")
    figures = oversight.season_figures(db.session)
    assert metric(at, "服务渔船(艘)") == f"{figures['vessels_served']:,}" == "2"
    assert metric(at, "累计接收(艘次)") == f"{figures['pickups']:,}"

    calls = frame_with(at, "受理调度员")
    assert list(calls["预约号"]) == [b.id for b in oversight.phone_bookings(db.session)] == [phoned]
    assert list(calls["船号"]) == ["浙椒渔52718"] and "13800000011" not in calls.to_string()

    missed = frame_with(at, "已等待(小时)")
    reports = oversight.open_missed_reports(db.session)
    assert list(missed["预约号"]) == [r["booking_id"] for r in reports] == [late]
    assert "等了两个小时" not in missed.to_string()  # the captain's note stays in the case file, not on the wall

    vessels = frame_with(at, "信用分")
    reds, yellows = (oversight.vessels_by_color(db.session, color)["items"] for color in (CreditColor.RED, CreditColor.YELLOW))
    assert [v["vessel_no"] for v in reds] == ["浙椒渔77033"]
    assert list(vessels["船号"]) == [v["vessel_no"] for v in reds + yellows]  # red first
    assert list(vessels["信用码"])[0] == "红码" and list(vessels["原因"]) == [";".join(v["reasons"]) for v in reds + yellows]

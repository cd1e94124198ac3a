"""One bureau, one view (SPEC §12.5): each official's pages and sections, numbers equal to SQL counts of that bureau's
data only, read through the daily roll-ups (stored days + today's live part) exactly as without them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from api.admission.models import Application, SeatPlan
from api.admission.service import admission_year
from api.alerts import facts
from api.alerts.models import DailyFact
from api.common.db import local_now
from api.extensions import db
from api.greencoins.models import EntryKind, LedgerEntry
from api.notify.models import SmsMessage
from api.pickup import oversight
from api.pickup.models import Booking, BookingItem, BookingStatus, Vessel
from api.seed.pickup import SEASON_VESSELS
from tests.cockpit.conftest import signed_in_cockpit

SECTIONS = {"pickup": "海洋云仓 / 渔省心", "greencoins": "双碳绿币", "admission": "入学一掌通"}
ROLES = {"official": {"pickup", "greencoins", "admission"}, "edu1": {"admission"}, "eco1": {"greencoins"}, "ocean1": {"pickup"}}
PAGES = {"admission": "views/admission.py", "greencoins": "views/greencoins.py", "pickup": "views/pickup.py"}


@pytest.fixture(params=["live", "rolled up"])
def cockpit_data(request, demo_data):
    """The demo world, read live (before any roll-up) and through the roll-ups (days up to yesterday stored)."""
    if request.param == "rolled up":
        facts.rollup(db.session)
    return request.param


def metric(at: AppTest, label: str) -> int | float:
    text = next(m.value for m in at.metric if m.label == label).replace(",", "")
    return float(text) if "." in text else int(text)


def sections(at: AppTest) -> set[str]:
    shown = {h.value for h in at.subheader}
    return {bureau for bureau, title in SECTIONS.items() if any(s.startswith(title) for s in shown)}


def in_last(days: int):
    today = local_now().date()
    lo, hi = facts.bounds(today - timedelta(days=days - 1), today)
    return lo, hi


@pytest.mark.parametrize("username", sorted(ROLES))
def test_the_overview_shows_only_the_officials_bureaus_and_their_numbers_equal_sql(cockpit_data, username):
    at = signed_in_cockpit(username)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert sections(at) == ROLES[username]
    if "pickup" in ROLES[username]:
        collected = Booking.status == BookingStatus.COLLECTED
        # The seed report's figure: every vessel in the service (742 on the demo), not only those collected from so far.
        assert (
            metric(at, "服务渔船(艘)")
            == oversight.season_figures(db.session)["vessels_served"]
            == SEASON_VESSELS
            == db.session.scalar(select(func.count()).select_from(Vessel))
        )
        assert metric(at, "接收转移(艘次)") == db.session.scalar(select(func.count()).select_from(Booking).where(collected))
        kg = db.session.scalar(select(func.sum(BookingItem.qty_kg)).join(Booking).where(collected))
        assert metric(at, "回收污染物(吨)") == round(float(kg) / 1000, 1)
    else:
        assert not [m for m in at.metric if m.label in ("服务渔船(艘)", "回收污染物(吨)")]
    if "greencoins" in ROLES[username]:
        earned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN))
        assert metric(at, "累计发放绿币") == earned
        spent = db.session.scalar(select(-func.sum(LedgerEntry.amount)).where(LedgerEntry.kind.in_([EntryKind.REDEEM, EntryKind.REFUND])))
        assert metric(at, "累计兑换绿币") == spent
        lo, hi = in_last(30)
        in_range = LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi
        assert metric(at, "区间内发放绿币") == (db.session.scalar(select(func.sum(LedgerEntry.amount)).where(*in_range)) or 0)
    else:
        assert not [m for m in at.metric if "绿币" in m.label]
    if "admission" in ROLES[username]:
        year = admission_year(local_now().date())
        by_status = dict(
            db.session.execute(select(Application.status, func.count()).where(Application.year == year).group_by(Application.status)).all()
        )
        for status, label in [("submitted", "已提交"), ("reviewing", "审核中"), ("admitted", "已录取"), ("withdrawn", "已撤回")]:
            assert metric(at, f"报名·{label}") == by_status.get(status, 0), label
    else:
        assert not [m for m in at.metric if m.label.startswith("报名")]


@pytest.mark.parametrize("username", sorted(ROLES))
def test_each_bureau_page_opens_for_its_officials_and_is_refused_to_the_others(demo_data, username):
    at = signed_in_cockpit(username)
    at.run()
    for bureau, page in PAGES.items():
        if bureau in ROLES[username]:
            at.switch_page(page).run()
            assert not at.exception, (page, [e.message for e in at.exception])
            assert at.title[0].value != "无权访问" and at.metric, page
        else:
            # Not a page of this official's navigation at all (its address runs 无权访问: test_access.py, in a browser).
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)


def test_the_pickup_page_counts_the_ranges_pickups_as_sql_does(cockpit_data):
    at = signed_in_cockpit("ocean1")
    at.run()
    at.switch_page("views/pickup.py").run()
    # The range the page shows, kept in the URL (carried over from the overview's default of 30 days)
    lo, hi = facts.bounds(date.fromisoformat(at.query_params["from"]), date.fromisoformat(at.query_params["to"]))
    collected = Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi
    assert metric(at, "区间内接收(艘次)") == db.session.scalar(select(func.count()).select_from(Booking).where(*collected))


def test_the_admission_page_sums_the_seat_plans_of_the_year(cockpit_data):
    at = signed_in_cockpit("edu1")
    at.run()
    at.switch_page("views/admission.py").run()
    year = admission_year(local_now().date())
    assert metric(at, "计划学位合计") == db.session.scalar(select(func.sum(SeatPlan.planned)).where(SeatPlan.year == year))


def test_an_ecology_official_sees_only_the_texts_of_green_coins(cockpit_data):
    at = signed_in_cockpit("eco1")
    at.run()
    at.switch_page("views/notifications.py").run()
    assert not at.exception, [e.message for e in at.exception]
    lo, hi = in_last(30)
    theirs = [code for code in db.session.scalars(select(SmsMessage.template).distinct()) if facts.template_bureau(code) == "greencoins"]
    rows = db.session.execute(
        select(SmsMessage.status, func.count())
        .where(SmsMessage.created_at >= lo, SmsMessage.created_at < hi, SmsMessage.template.in_(theirs))
        .group_by(SmsMessage.status)
    ).all()
    by_status = {str(s): n for s, n in rows}
    assert metric(at, "已送达") == by_status.get("delivered", 0)
    assert metric(at, "失败") == by_status.get("failed", 0)
    everyone = db.session.scalar(
        select(func.count()).select_from(SmsMessage).where(SmsMessage.created_at >= lo, SmsMessage.created_at < hi)
    )
    assert sum(by_status.values()) < everyone  # the other bureaus' texts are left out


def test_a_days_roll_up_is_idempotent_and_equals_the_live_aggregate(demo_data):
    facts.rollup(db.session)
    first = sorted(db.session.execute(select(DailyFact.metric, DailyFact.day, DailyFact.dim, DailyFact.value)).all())
    assert first
    facts.rollup(db.session)
    yesterday = local_now().date() - timedelta(days=1)
    facts.rebuild_day(db.session, yesterday)
    assert sorted(db.session.execute(select(DailyFact.metric, DailyFact.day, DailyFact.dim, DailyFact.value)).all()) == first
    for metric_name, spec in facts.METRICS.items():
        live = spec.aggregate(db.session, *facts.bounds(yesterday, yesterday))
        stored = db.session.execute(
            select(DailyFact.dim, DailyFact.value).where(DailyFact.metric == metric_name, DailyFact.day == yesterday)
        )
        assert sorted((d, v) for _day, d, v in live) == sorted(stored), metric_name

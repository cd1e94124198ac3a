"""From a headline number to the rows behind it (明细): as many rows as SQL counts of that bureau's data only, personal
data masked, another bureau's rows never shown, capped with a note saying how many there are."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from api.admission.models import Application, Review
from api.alerts import facts
from api.auth.models import Citizen
from api.common.db import local_now, utcnow
from api.extensions import db
from api.greencoins.models import DeviceFlag
from api.notify.models import SmsMessage
from api.pickup.models import Booking, BookingStatus, CreditColor, MissedReport, Vessel
from cockpit import details
from tests.cockpit.conftest import signed_in_cockpit

PHONE = re.compile(r"1\d\d\*{4}\d{4}")


def range_of(at: AppTest) -> tuple:
    return facts.bounds(date.fromisoformat(at.query_params["from"]), date.fromisoformat(at.query_params["to"]))


def count(*where, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def overdue(_at) -> int:
    now = utcnow()
    missed = Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW])
    return count(missed, Booking.slot_start >= now - timedelta(days=30), Booking.slot_end < now, model=Booking)


def failed_texts(bureau: str | None):
    def sql(at) -> int:
        lo, hi = range_of(at)
        where = [SmsMessage.status.in_(["failed", "undelivered"]), SmsMessage.created_at >= lo, SmsMessage.created_at < hi]
        if bureau:
            codes = [c for c in db.session.scalars(select(SmsMessage.template).distinct()) if facts.template_bureau(c) == bureau]
            where.append(SmsMessage.template.in_(codes))
        return count(*where, model=SmsMessage)

    return sql


def flags_in_range(at) -> int:
    lo, hi = range_of(at)
    return count(DeviceFlag.created_at >= lo, DeviceFlag.created_at < hi, model=DeviceFlag)


# name: (page, official, the column only its rows have, the SQL count of the bureau's rows)
CASES = {
    "open_reviews": ("views/admission.py", "edu1", "儿童身份证号", lambda _at: count(Review.answered_at.is_(None), model=Review)),
    "overdue_bookings": ("views/pickup.py", "ocean1", "预约人", overdue),
    "red_vessels": ("views/pickup.py", "ocean1", "船主", lambda _at: count(Vessel.credit_color == CreditColor.RED, model=Vessel)),
    "open_missed_reports": ("views/pickup.py", "ocean1", "报告人", lambda _at: count(MissedReport.closed_at.is_(None), model=MissedReport)),
    "device_flags": ("views/greencoins.py", "eco1", "上报数量", flags_in_range),
    "failed_sms": ("views/notifications.py", "ocean1", "短信编号", failed_texts("pickup")),
}


@pytest.fixture
def drill_data(demo_data):
    """The demo world plus an open review request (the demo has none before an allocation run)."""
    application = db.session.scalars(select(Application).order_by(Application.id)).first()
    db.session.add(Review(application_id=application.id, reason="积分计算有误", requested_by=f"citizen:{application.citizen_id}"))
    db.session.commit()


def opened(username: str, page: str, name: str) -> AppTest:
    at = signed_in_cockpit(username)
    at.run()
    at.switch_page(page).run()
    at.button(key=f"drill-{name}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rows(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def assert_masked(frame) -> None:
    citizens = db.session.execute(select(Citizen.name, Citizen.phone)).all()
    text = frame.to_csv(index=False)
    assert not [phone for _name, phone in citizens if phone and phone in text]
    assert not [name for name, _phone in citizens if len(name) > 1 and name in text]
    for column in ("手机号",):
        assert all(PHONE.fullmatch(p) for p in frame[column] if p), column
    for column in ("儿童", "监护人", "预约人", "船主", "报告人", "居民"):
        if column in frame:
            assert all("*" in n for n in frame[column] if n), column
    for column in ("儿童身份证号", "身份证号"):
        if column in frame:
            assert all(re.fullmatch(r"\w{6}\*{8}\w{4}", n) for n in frame[column] if n), column


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bureau_official_opens_the_rows_behind_a_number_and_they_are_that_bureaus_rows_masked(drill_data, name):
    page, username, column, sql = CASES[name]
    at = opened(username, page, name)
    expected = sql(at)
    assert expected > 0, "the demo has rows behind this number"
    assert next(m.value for m in at.metric if m.label == details.DRILLS[name].title) == f"{expected:,}"
    frame = rows(at, column)
    assert len(frame) == min(expected, details.SHOWN_ROWS)
    note = next(c.value for c in at.caption if c.value.startswith("共 "))
    assert note.startswith(f"共 {expected:,} 条")
    if expected > details.SHOWN_ROWS:
        assert f"显示前 {details.SHOWN_ROWS} 条" in note
    assert_masked(frame)
    assert at.query_params["detail"] == name  # a shareable view
    at.button(key=f"drill-close-{name}").click().run()
    assert "detail" not in at.query_params and not [d for d in at.dataframe if column in d.value.columns]


def test_an_ocean_official_drills_only_into_the_texts_of_pickups(drill_data):
    at = opened("ocean1", "views/notifications.py", "failed_sms")
    frame = rows(at, "短信编号")
    ids = [int(i) for i in frame["短信编号"]]
    templates = set(db.session.scalars(select(SmsMessage.template).where(SmsMessage.id.in_(ids))))
    assert templates and {facts.template_bureau(t) for t in templates} == {"pickup"}
    assert failed_texts(None)(at) > failed_texts("pickup")(at)  # the other bureaus' failures exist, and are left out


def test_the_administrator_drills_into_every_bureaus_texts(drill_data):
    at = opened("official", "views/notifications.py", "failed_sms")
    expected = failed_texts(None)(at)
    assert len(rows(at, "短信编号")) == min(expected, details.SHOWN_ROWS)


@pytest.mark.parametrize("name", ["open_reviews", "red_vessels", "open_missed_reports", "overdue_bookings", "device_flags"])
def test_another_bureaus_rows_are_never_answered(drill_data, name):
    others = frozenset({"admission", "greencoins", "pickup"} - {details.DRILLS[name].bureau})
    today = local_now().date()
    params = (today - timedelta(days=365), today) if name == "device_flags" else ()
    assert details.drill_count(db.session, name, others, *params) == 0
    assert details.drill_rows(db.session, name, others, *params).empty
    assert details.drill_count(db.session, name, frozenset({"admission", "greencoins", "pickup"}), *params) > 0


def test_a_shared_link_to_another_bureaus_rows_is_refused(drill_data):
    at = signed_in_cockpit("eco1")
    at.query_params["detail"] = "red_vessels"
    at.run()
    at.switch_page("views/greencoins.py").run()
    assert not [d for d in at.dataframe if "船主" in d.value.columns]
    assert any("无权查看该明细" in e.value for e in at.error)


def test_a_long_list_is_capped_and_says_how_many_rows_there_are(drill_data, monkeypatch):
    monkeypatch.setattr(details, "SHOWN_ROWS", 2)
    at = opened("official", "views/notifications.py", "failed_sms")
    expected = failed_texts(None)(at)
    assert expected > 2
    assert len(rows(at, "短信编号")) == 2
    assert any(c.value.startswith(f"共 {expected:,} 条，显示前 2 条") for c in at.caption)
    assert at.get("download_button")  # the CSV of the rows shown


def test_the_failed_texts_number_read_from_the_roll_up_equals_the_outbox(drill_data):
    facts.rollup(db.session)  # days up to yesterday stored: the number is the roll-up's, the rows the outbox's
    at = opened("official", "views/notifications.py", "failed_sms")
    expected = failed_texts(None)(at)
    assert next(m.value for m in at.metric if m.label == details.DRILLS["failed_sms"].title) == f"{expected:,}"
    assert len(rows(at, "短信编号")) == min(expected, details.SHOWN_ROWS)

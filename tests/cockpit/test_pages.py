"""Every cockpit page runs on the demo data, shows numbers that match SQL, and draws its map layers."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta

import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from api.common.db import SHANGHAI
from api.extensions import db
from api.notify.models import SmsMessage
from api.pickup.models import Vessel
from tests.cockpit.conftest import APP, signed_in_cockpit

PAGES = {
    "views/admission.py": {"catchments", "schools"},
    "views/greencoins.py": {"area", "behaviour", "stations"},
    "views/pickup.py": {"port_zones", "ports"},
    "views/notifications.py": set(),
}


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def layers_of(at: AppTest) -> set[str]:
    found = set()
    for chart in at.get("deck_gl_json_chart"):
        spec = json.loads(chart.proto.json)
        assert spec.get("mapStyle") == "/app/static/blank-style.json", "the offline style, no outside base map"
        found |= {layer["id"] for layer in spec["layers"]}
    return found


def test_every_page_runs_without_errors_and_draws_its_layers(demo_data):
    at = signed_in_cockpit()
    at.run()
    for page, expected_layers in PAGES.items():
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert layers_of(at) == expected_layers, page


def test_the_pickup_page_filters_by_port_through_the_url(demo_data):
    at = signed_in_cockpit()
    at.run()
    at.switch_page("views/pickup.py").run()
    everything = int(metric(at, "区间内接收(艘次)"))
    at.selectbox(key="port").select("大陈渔港").run()
    assert int(metric(at, "区间内接收(艘次)")) < everything
    assert at.query_params["port"] == "大陈渔港"


def test_the_credit_codes_are_counted_in_order_green_yellow_red_as_sql_counts_them(demo_data):
    at = signed_in_cockpit()
    at.run()
    at.switch_page("views/pickup.py").run()
    codes = next(frame.value for frame in at.dataframe if "信用码" in frame.value.columns)
    by_color = dict(db.session.execute(select(Vessel.credit_color, func.count()).group_by(Vessel.credit_color)).all())
    assert list(codes["信用码"]) == ["绿码", "黄码", "红码"]
    assert list(codes["渔船数"]) == [by_color.get(c, 0) for c in ("green", "yellow", "red")]


def test_personal_data_is_masked_on_the_pages(demo_data):
    at = signed_in_cockpit()
    at.run()
    at.switch_page("views/pickup.py").run()
    shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
    assert "林海生" not in shown and "13800000009" not in shown


def test_a_database_outage_at_login_shows_an_error_not_a_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/missing/none.db")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="username").input("official")
    at.text_input(key="password").input("x")
    at.button[0].click().run()
    assert not at.exception and any("数据库暂不可用" in e.value for e in at.error)


def test_the_notifications_page_counts_messages_as_sql_does_and_charts_them_by_day(demo_data):
    at = signed_in_cockpit()
    at.run()
    at.switch_page("views/notifications.py").run()
    assert not at.exception, [e.message for e in at.exception]
    first_day = datetime.now(SHANGHAI).date() - timedelta(days=29)  # the page's default range: the last 30 days
    in_range = SmsMessage.created_at >= datetime.combine(first_day, time(0), SHANGHAI)
    by_status = dict(db.session.execute(select(SmsMessage.status, func.count()).where(in_range).group_by(SmsMessage.status)).all())
    assert by_status.get("delivered", 0) > 50 and by_status.get("failed", 0) > 0  # the demo's month of texts
    for status, label in [
        ("pending", "待发送"),
        ("sent", "已发送"),
        ("delivered", "已送达"),
        ("undelivered", "未送达"),
        ("failed", "失败"),
    ]:
        assert metric(at, label) == str(by_status.get(status, 0)), label
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert any(spec.get("mark", {}).get("type") == "bar" and spec["encoding"]["x"]["field"] == "日期" for spec in charts)
    failures = next(frame.value for frame in at.dataframe if "手机号" in frame.value.columns)
    assert len(failures) == by_status.get("failed", 0) + by_status.get("undelivered", 0)
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", phone) for phone in failures["手机号"])

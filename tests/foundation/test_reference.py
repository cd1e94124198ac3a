"""Reference data held in each process (api/common/reference.py): no round trip on a hot read, and never stale for long.

Every write to a watched table bumps its version by a database trigger, whoever writes; this process sees its own
ORM commits at once, and another process's writes within ``RECHECK_SECONDS``. Here "another process" is a write on
a connection of its own, outside the app's session (so no session event of this process hears of it).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm.exc import DetachedInstanceError

from api.admission.lifecycle import record
from api.admission.models import Application, ApplicationStatus, School
from api.auth.roles import ECO_OFFICIAL
from api.common import reference
from api.common.db import local_now, unit_of_work
from api.extensions import db
from api.greencoins.models import Behavior
from api.greencoins.service import daily_caps
from api.pickup.models import CollectionBoat
from tests.admission.helpers import admission_world, make_application, make_school
from tests.assertions import counted_statements
from tests.factories import staff_headers
from tests.greencoins.helpers import green_world, resident
from tests.pickup.helpers import pickup_world, port_id

NEAR = "/api/v1/admission/schools?near=28.68,121.42&limit=50"
INSERTS = {
    "adm_schools": "INSERT INTO adm_schools (name, level, ownership, address, lat, lon) "
    "VALUES ('触发器测试学校', 'primary', 'public', '', 28.6, 121.4)",
    "gc_behaviors": "INSERT INTO gc_behaviors (code, name, unit, coins_per_unit, daily_cap_coins, co2e_g_per_unit, sources, max_per_event, "
    "max_per_day, active) VALUES ('trigger_test', '测试', '次', 1, 10, 1, '[]', 100, 1000, true)",
    "pk_ports": "INSERT INTO pk_ports (name, address, lat, lon, windows, priority_windows) "
    "VALUES ('触发器测试港', '', 28.6, 121.4, '[]', '[]')",
    "pk_pollutant_types": "INSERT INTO pk_pollutant_types (code, name) VALUES ('trigger_test', '测试')",
}


def versions() -> dict[str, int]:
    with db.engine.connect() as conn:
        return dict(conn.execute(select(reference.ReferenceVersion.name, reference.ReferenceVersion.version)).all())


def elsewhere(sql: str, **params) -> None:
    """A write committed on a connection of its own: as another process (or psql) would make it."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.mark.parametrize("table", sorted(INSERTS))
def test_every_write_to_a_reference_table_bumps_its_version_whoever_writes(table):
    before = versions().get(table, 0)
    elsewhere(INSERTS[table])
    inserted = versions()[table]
    key = "code" if table in ("gc_behaviors", "pk_pollutant_types") else "name"
    value = {"adm_schools": "触发器测试学校", "pk_ports": "触发器测试港"}.get(table, "trigger_test")
    elsewhere(f"UPDATE {table} SET name = name WHERE {key} = :v", v=value)
    updated = versions()[table]
    elsewhere(f"DELETE FROM {table} WHERE {key} = :v", v=value)
    assert before < inserted < updated < versions()[table]


def test_the_district_lookup_and_schools_near_read_no_row_once_the_schools_are_held(client):
    admission_world()
    first = client.get(NEAR)
    assert first.status_code == 200 and first.json["items"]
    client.get("/api/v1/admission/district?lat=28.6835&lon=121.4195")  # the catchment index is built
    with counted_statements() as statements:
        again = client.get(NEAR)
        district = client.get("/api/v1/admission/district?lat=28.6835&lon=121.4195")
    assert again.json == first.json
    assert district.status_code == 200 and (district.json["primary"] or district.json["junior"])
    assert statements == [], statements  # the pool's pre-ping is not a cursor statement


def test_this_process_sees_its_own_commit_at_once_and_another_within_a_second(client, monkeypatch):
    admission_world()
    school = db.session.scalars(select(School).order_by(School.id)).first()
    assert school is not None
    names = lambda: {s["id"]: s["name"] for s in client.get(NEAR).json["items"]}  # noqa: E731
    assert names()[school.id] == school.name
    with unit_of_work(db.session):
        db.session.execute(update(School).where(School.id == school.id).values(name="改名后的学校"))
    assert names()[school.id] == "改名后的学校"  # a commit of this process: at once
    with unit_of_work(db.session):
        db.session.get_one(School, school.id).name = "再次改名的学校"
    assert names()[school.id] == "再次改名的学校"
    monkeypatch.setattr(reference, "RECHECK_SECONDS", 0.5)
    client.get(NEAR)
    elsewhere("UPDATE adm_schools SET name = '别的进程改的名' WHERE id = :id", id=school.id)
    seen_at = time.monotonic()
    while names()[school.id] != "别的进程改的名":
        assert time.monotonic() - seen_at < 5 * reference.RECHECK_SECONDS, "another process's change never seen"
        time.sleep(0.05)


def test_the_slot_list_shows_a_boat_added_elsewhere_within_a_second(client, monkeypatch):
    pickup_world()
    port = port_id()
    day = (local_now() + timedelta(days=1)).date()
    url = f"/api/v1/pickup/slots?port_id={port}&date={day}"
    capacity = client.get(url).json["items"][0]["capacity"]
    with counted_statements() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) == 1, statements  # the day's bookings; the port and its boats are held
    monkeypatch.setattr(reference, "RECHECK_SECONDS", 0.5)
    elsewhere("INSERT INTO pk_collection_boats (port_id, name, trips_per_window, active) VALUES (:p, '新增接收船', 2, true)", p=port)
    started = time.monotonic()
    while client.get(url).json["items"][0]["capacity"] != capacity + 2:
        assert time.monotonic() - started < 5 * reference.RECHECK_SECONDS, "the new boat never counted"
        time.sleep(0.05)
    with unit_of_work(db.session):
        db.session.execute(update(CollectionBoat).where(CollectionBoat.name == "新增接收船").values(active=False))
    assert client.get(url).json["items"][0]["capacity"] == capacity  # this process's own change: at once


def test_an_unknown_port_still_answers_404(client):
    pickup_world()
    answer = client.get(f"/api/v1/pickup/slots?port_id=999999&date={local_now().date()}")
    assert answer.status_code == 404 and answer.json["error"] == "not_found"


def test_an_officials_new_daily_cap_shows_in_the_balance_at_once(client):
    green_world()
    headers, _ = resident(client)
    assert client.get("/api/v1/greencoins/me", headers=headers).json["today_remaining_cap"]["walking"] == 20
    official = staff_headers(client, "eco", roles=(ECO_OFFICIAL,))
    assert client.patch("/api/v1/greencoins/behaviors/walking", json={"daily_cap_coins": 35}, headers=official).status_code == 200
    assert client.patch("/api/v1/greencoins/behaviors/green_travel", json={"active": False}, headers=official).status_code == 200
    caps = client.get("/api/v1/greencoins/me", headers=headers).json["today_remaining_cap"]
    assert caps["walking"] == 35 and "green_travel" not in caps


def test_a_transactions_own_reference_write_is_never_held_for_others_even_once_rolled_back(monkeypatch):
    green_world()
    monkeypatch.setattr(reference, "RECHECK_SECONDS", 0.0)  # every use reads the versions: "a second later" each time
    assert dict(daily_caps(db.session))["walking"] == 20
    db.session.commit()
    db.session.get_one(Behavior, "walking").daily_cap_coins = 99  # a transaction changes the cap ...
    db.session.flush()
    assert dict(daily_caps(db.session))["walking"] == 99  # ... sees its own change ...
    db.session.rollback()  # ... and fails; then another process commits a change, which takes the same version number
    elsewhere("UPDATE gc_behaviors SET daily_cap_coins = 35 WHERE code = 'walking'")
    assert dict(daily_caps(db.session))["walking"] == 35


def test_a_core_write_in_an_open_transaction_is_not_held_before_it_commits(monkeypatch):
    green_world()
    monkeypatch.setattr(reference, "RECHECK_SECONDS", 0.0)
    db.session.execute(text("UPDATE gc_behaviors SET daily_cap_coins = 77 WHERE code = 'walking'"))  # not noted by the ORM
    assert dict(daily_caps(db.session))["walking"] == 20  # what is held is committed data
    db.session.rollback()
    assert dict(daily_caps(db.session))["walking"] == 20


def test_a_step_on_a_detached_application_fails_loudly_rather_than_being_lost():
    admission_world()
    application_id = make_application(make_school("历史测试学校")).id
    db.session.expunge_all()
    application = db.session.get_one(Application, application_id)
    db.session.expunge(application)
    with pytest.raises(DetachedInstanceError):
        record(application, ApplicationStatus.REVIEWING, "review_started", "official:t", "开始审核")

"""The load benchmarks' rows (bench/world.py) take the success path of each write, so the benches measure it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from api.common.db import unit_of_work
from api.extensions import db
from api.greencoins.models import RewardStock
from api.pickup.models import Port
from api.seed.demo import seed_demo
from bench import world
from bench.load import line


def test_bench_citizens_families_and_vessels_take_the_success_path_of_each_write(app, client):
    with unit_of_work(db.session):
        seed_demo(db.session, app.config)
        year = world.year_of(app.config)
        citizens = world.add_citizens(db.session, app.config, 2)
        vessels = world.add_vessels(db.session, app.config, citizens)
        world.widen_capacity(db.session)
        parents = world.add_citizens(db.session, app.config, 5, start=2)
        families = world.add_families(db.session, app.config, parents, year=year)
        stock = db.session.execute(select(RewardStock.reward_id, RewardStock.station_id)).first()
        port = db.session.scalars(select(Port).order_by(Port.id)).first()
        window = next(w for w in port.windows if w not in (port.priority_windows or []))
        port_id = port.id

    assert {f.school_id is None for f in families} == {True, False}  # property owners (A/B) and a new resident (C)
    for family in families:
        answer = client.post("/api/v1/admission/applications", json=family.application(), headers={"Authorization": family.parent.auth})
        assert answer.status_code == 201, answer.json
    captain = citizens[0]
    booking = {
        "vessel_id": vessels[captain.id],
        "port_id": port_id,
        "slot_start": f"{date.today() + timedelta(days=2)}T{window[:5]}:00+08:00",
        "items": [{"type": "oily_water", "est_qty_kg": 50}],
    }
    assert client.post("/api/v1/pickup/bookings", json=booking, headers={"Authorization": captain.auth}).status_code == 201
    redemption = {"reward_id": stock[0], "station_id": stock[1]}
    assert client.post("/api/v1/greencoins/redemptions", json=redemption, headers={"Authorization": captain.auth}).status_code == 201


def test_a_wrk_request_line_has_four_tab_separated_fields_with_numeric_placeholders_unquoted():
    text = line("POST", "/api/v1/greencoins/me/steps", ["Authorization: Bearer x", "Idempotency-Key: bench-@N@"], {"steps": "@C@"})
    method, path, headers, body = text.split("\t")
    assert (method, path) == ("POST", "/api/v1/greencoins/me/steps")
    assert headers.split("|") == ["Authorization: Bearer x", "Idempotency-Key: bench-@N@"]
    assert body == '{"steps":@C@}'
